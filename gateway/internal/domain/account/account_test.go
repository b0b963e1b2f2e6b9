package account_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/account"
)

var now = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

const (
	own     tenancy.TownCode = "130624100"
	foreign tenancy.TownCode = "130624101"
)

var (
	countyAdmin = auth.Principal{AccountID: "c1", Role: auth.CountyAdmin}
	townAdmin   = auth.Principal{AccountID: "t1", Role: auth.TownAdmin, Town: own}
	leader      = auth.Principal{AccountID: "l1", Role: auth.TownLeader, Town: own}
)

func TestNew_ChecksRoleScopes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		spec  account.Spec
		field string
	}{
		{"county admin", account.Spec{Username: "zhang.san", DisplayName: "张三", Role: auth.CountyAdmin}, ""},
		{"cadre with cadre id", account.Spec{Username: "li4", DisplayName: "李四", Role: auth.Cadre, Town: own, CadreID: "cad-1"}, ""},
		{"branch secretary", account.Spec{Username: "wang5", DisplayName: "王五", Role: auth.BranchSecretary, Town: own, Community: "130624100200"}, ""},
		{"username upper case is normalised", account.Spec{Username: " ZhaoLiu ", DisplayName: "赵六", Role: auth.TownAdmin, Town: own}, ""},
		{"county role with a town", account.Spec{Username: "abc", DisplayName: "甲", Role: auth.CountyInspector, Town: own}, "town"},
		{"town role without a town", account.Spec{Username: "abc", DisplayName: "甲", Role: auth.TownLeader}, "town"},
		{"secretary without community", account.Spec{Username: "abc", DisplayName: "甲", Role: auth.BranchSecretary, Town: own}, "community"},
		{"secretary of another town's community", account.Spec{Username: "abc", DisplayName: "甲", Role: auth.BranchSecretary, Town: own, Community: "130624101200"}, "community"},
		{"leader with a community", account.Spec{Username: "abc", DisplayName: "甲", Role: auth.TownLeader, Town: own, Community: "130624100200"}, "community"},
		{"admin with a cadre id", account.Spec{Username: "abc", DisplayName: "甲", Role: auth.TownAdmin, Town: own, CadreID: "x"}, "cadreId"},
		{"unknown role", account.Spec{Username: "abc", DisplayName: "甲", Role: "mayor"}, "role"},
		{"short username", account.Spec{Username: "ab", DisplayName: "甲", Role: auth.CountyAdmin}, "username"},
		{"username with a space", account.Spec{Username: "a b c", DisplayName: "甲", Role: auth.CountyAdmin}, "username"},
		{"no display name", account.Spec{Username: "abc", Role: auth.CountyAdmin}, "displayName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, err := account.New("id-1", tc.spec, "hash", now)
			if tc.field == "" {
				require.NoError(t, err)
				require.Equal(t, account.NormalizeUsername(tc.spec.Username), a.Username)
				require.Equal(t, account.Active, a.Status)
				return
			}
			require.ErrorIs(t, err, account.ErrInvalid)
			e, _ := errs.As(err)
			require.Equal(t, tc.field, e.Fields[0].Field)
		})
	}
}

func TestCanCreate_TownAdminOnlyOwnTownAndTownRoles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		actor auth.Principal
		role  auth.Role
		town  tenancy.TownCode
		want  error
	}{
		{"county admin creates a county admin", countyAdmin, auth.CountyAdmin, "", nil},
		{"county admin creates in any town", countyAdmin, auth.Cadre, foreign, nil},
		{"town admin creates a cadre of own town", townAdmin, auth.Cadre, own, nil},
		{"town admin creates a town admin of own town", townAdmin, auth.TownAdmin, own, nil},
		{"town admin cannot create a county admin", townAdmin, auth.CountyAdmin, "", account.ErrCountyRoleByTown},
		{"town admin cannot create an inspector", townAdmin, auth.CountyInspector, "", account.ErrCountyRoleByTown},
		{"town admin cannot create in another town", townAdmin, auth.Cadre, foreign, account.ErrOtherTown},
		{"town leader creates nothing", leader, auth.Cadre, own, errs.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := account.CanCreate(tc.actor, tc.role, tc.town)
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
		})
	}
}

func mustAccount(t *testing.T, id string, s account.Spec) account.Account {
	t.Helper()
	a, err := account.New(id, s, "hash", now)
	require.NoError(t, err)
	return a
}

func TestChange_EnforcesWhoManagesWhom(t *testing.T) {
	t.Parallel()
	cadre := mustAccount(t, "a1", account.Spec{Username: "cadre1", DisplayName: "干部", Role: auth.Cadre, Town: own, CadreID: "cad-1"})
	foreignCadre := mustAccount(t, "a2", account.Spec{Username: "cadre2", DisplayName: "干部", Role: auth.Cadre, Town: foreign})
	inspector := mustAccount(t, "a3", account.Spec{Username: "insp", DisplayName: "督导", Role: auth.CountyInspector})
	self := mustAccount(t, "t1", account.Spec{Username: "townadmin", DisplayName: "办公室", Role: auth.TownAdmin, Town: own})
	ptr := func(s string) *string { return &s }
	role := func(r auth.Role) *auth.Role { return &r }
	town := func(t tenancy.TownCode) *tenancy.TownCode { return &t }
	disabled := account.Disabled

	for _, tc := range []struct {
		name   string
		actor  auth.Principal
		target account.Account
		change account.Changes
		want   error
	}{
		{"town admin renames own town's cadre", townAdmin, cadre, account.Changes{DisplayName: ptr("新名")}, nil},
		{"town admin makes a cadre a leader (cadre id dropped)", townAdmin, cadre, account.Changes{Role: role(auth.TownLeader)}, nil},
		{"town admin cannot see another town's account", townAdmin, foreignCadre, account.Changes{DisplayName: ptr("x")}, account.ErrNotFound},
		{"town admin cannot see a county account", townAdmin, inspector, account.Changes{DisplayName: ptr("x")}, account.ErrNotFound},
		{"town admin cannot promote to county role", townAdmin, cadre, account.Changes{Role: role(auth.CountyAdmin)}, account.ErrCountyRoleByTown},
		{"town admin cannot move an account to another town", townAdmin, cadre, account.Changes{Town: town(foreign)}, account.ErrOtherTown},
		{"nobody disables themselves", townAdmin, self, account.Changes{Status: &disabled}, account.ErrSelfLockout},
		{"nobody changes their own role", townAdmin, self, account.Changes{Role: role(auth.Cadre)}, account.ErrSelfLockout},
		{"county admin moves a cadre to another town", countyAdmin, cadre, account.Changes{Town: town(foreign)}, nil},
		{"county admin makes a cadre an inspector (town dropped)", countyAdmin, cadre, account.Changes{Role: role(auth.CountyInspector)}, nil},
		{"a leader manages nothing", leader, cadre, account.Changes{DisplayName: ptr("x")}, account.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.target.Change(tc.actor, tc.change, now.Add(time.Hour))
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.True(t, got.UpdatedAt.After(tc.target.UpdatedAt))
			if tc.change.Role != nil {
				require.Empty(t, got.CadreID)
			}
			if tc.change.Role != nil && (*tc.change.Role).CountyWide() {
				require.Empty(t, got.Town)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		user, pw string
		ok       bool
	}{
		{"zhangsan", "correct horse battery", true},
		{"zhangsan", "密码密码密码密码密码密", true}, // ten characters, not ten bytes
		{"zhangsan", "short", false},
		{"zhangsan01", "ZhangSan01", false},
		{"zhangsan", string(make([]byte, account.MaxPasswordBytes+1)), false},
	} {
		err := account.CheckPassword(tc.user, tc.pw)
		if tc.ok {
			require.NoError(t, err, tc.pw)
		} else {
			require.ErrorIs(t, err, account.ErrWeakPassword, tc.pw)
		}
	}
}

func TestThrottle_LocksAfterFiveFailuresForFifteenMinutes(t *testing.T) {
	t.Parallel()
	th := account.Throttle{Failures: account.MaxFailures - 1, LastFailure: now}
	require.False(t, th.ShouldLock())
	th.Failures++
	require.True(t, th.ShouldLock())
	th.LockedUntil = now.Add(account.LockFor)
	left, locked := th.Locked(now.Add(time.Minute))
	require.True(t, locked)
	require.Equal(t, 14*time.Minute, left)
	_, locked = th.Locked(now.Add(account.LockFor))
	require.False(t, locked)
	require.False(t, th.Stale(now.Add(account.LockFor)))
	require.True(t, th.Stale(now.Add(account.LockFor+time.Second)))
}

func TestPrincipal_CarriesTheScope(t *testing.T) {
	t.Parallel()
	a := mustAccount(t, "a9", account.Spec{Username: "secr", DisplayName: "书记", Role: auth.BranchSecretary, Town: own, Community: "130624100200"})
	p := a.Principal()
	require.Equal(t, auth.Principal{AccountID: "a9", Name: "书记", Role: auth.BranchSecretary, Town: own, Community: "130624100200"}, p)
}
