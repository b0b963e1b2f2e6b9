// Package account holds login accounts, their roles and scopes, and the rules on who may
// manage whom. A county administrator manages every account; a town administrator only the
// accounts of their own town, and never a county role.
package account

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Status of an account.
type Status string

const (
	Active   Status = "active"
	Disabled Status = "disabled" // cannot log in; kept for the audit trail
)

// Account is one login.
type Account struct {
	ID          string                `json:"id" bson:"_id"`
	Username    string                `json:"username" bson:"username"`
	DisplayName string                `json:"displayName" bson:"displayName"`
	Role        auth.Role             `json:"role" bson:"role"`
	Town        tenancy.TownCode      `json:"town,omitempty" bson:"town,omitempty"`
	CadreID     string                `json:"cadreId,omitempty" bson:"cadreId,omitempty"`
	Community   tenancy.CommunityCode `json:"community,omitempty" bson:"community,omitempty"`
	Status      Status                `json:"status" bson:"status"`
	// PasswordHash is a PHC string of a slow KDF; it never leaves the gateway.
	PasswordHash      string    `json:"-" bson:"passwordHash"`
	PasswordChangedAt time.Time `json:"passwordChangedAt" bson:"passwordChangedAt"`
	CreatedAt         time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt         time.Time `json:"updatedAt" bson:"updatedAt"`
	Rev               int64     `json:"rev" bson:"rev"`
}

// Spec is what an administrator fills in for a new account.
type Spec struct {
	Username    string
	DisplayName string
	Role        auth.Role
	Town        tenancy.TownCode
	CadreID     string
	Community   tenancy.CommunityCode
}

// Changes to an account; nil fields stay as they are.
type Changes struct {
	DisplayName *string
	Role        *auth.Role
	Town        *tenancy.TownCode
	CadreID     *string
	Community   *tenancy.CommunityCode
	Status      *Status
}

var (
	ErrNotFound = errs.NotFound("account-not-found",
		"no such account", "找不到该账号")
	ErrUsernameTaken = errs.Conflict("username-taken",
		"the username is taken", "该用户名已被使用")
	ErrInvalid = errs.Invalid("account-invalid",
		"the account's details are not valid", "账号信息填写有误")
	ErrCountyRoleByTown = errs.Forbidden("county-role-by-town",
		"a town administrator cannot grant a county role", "乡镇管理员不能设置县级角色")
	ErrOtherTown = errs.Forbidden("account-other-town",
		"you can manage the accounts of your own town only", "只能管理本乡镇的账号")
	ErrSelfLockout = errs.Conflict("account-self-change",
		"you cannot disable your own account or change its role or town", "不能停用自己的账号，也不能更改自己的角色或所属乡镇")
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

// NormalizeUsername is the form usernames are stored and looked up in.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// MaxDisplayNameLen bounds the name shown in the console and the audit log.
const MaxDisplayNameLen = 40

// New makes an active account from a checked spec. The caller has checked that actor may
// create it (CanCreate).
func New(id string, s Spec, passwordHash string, now time.Time) (Account, error) {
	now = now.UTC().Truncate(time.Millisecond)
	a := Account{
		ID:                id,
		Username:          NormalizeUsername(s.Username),
		DisplayName:       strings.TrimSpace(s.DisplayName),
		Role:              s.Role,
		Town:              s.Town,
		CadreID:           strings.TrimSpace(s.CadreID),
		Community:         s.Community,
		Status:            Active,
		PasswordHash:      passwordHash,
		PasswordChangedAt: now,
		CreatedAt:         now,
		UpdatedAt:         now,
	}
	if err := a.validate(); err != nil {
		return Account{}, err
	}
	return a, nil
}

func (a Account) validate() error {
	var fields []errs.FieldError
	add := func(field, slug, en, zh string) {
		fields = append(fields, errs.FieldError{Field: field, Slug: slug, Message: en, Zh: zh})
	}
	if !usernamePattern.MatchString(a.Username) {
		add("username", "username", "3 to 32 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
			"用户名为 3 至 32 个小写字母、数字或 . _ -，以字母或数字开头")
	}
	if n := utf8.RuneCountInString(a.DisplayName); n == 0 || n > MaxDisplayNameLen {
		add("displayName", "required", "give a name of at most 40 characters", "请填写姓名（不超过 40 个字）")
	}
	if !a.Role.Valid() {
		add("role", "oneof", "no such role", "没有这种角色")
		return ErrInvalid.WithFields(fields...)
	}
	if a.Role.CountyWide() {
		if a.Town != "" || a.CadreID != "" || a.Community != "" {
			add("town", "county-role-scope", "a county role has no town, cadre or community", "县级角色不属于某个乡镇、干部或村（社区）")
		}
	} else if _, err := tenancy.ParseTown(string(a.Town)); err != nil {
		add("town", "towncode", "a town role needs its town", "乡镇级角色须指定所属乡镇")
	}
	switch {
	case a.Role == auth.BranchSecretary:
		if c, err := tenancy.ParseCommunity(string(a.Community)); err != nil {
			add("community", "communitycode", "a branch secretary needs the community", "党支部书记须指定所在村（社区）")
		} else if c.Town() != a.Town {
			add("community", "not-in-town", "the community does not belong to the account's town", "该村（社区）不属于账号所属乡镇")
		}
	case a.Community != "":
		add("community", "scope", "only a branch secretary is scoped to a community", "只有党支部书记账号可指定村（社区）")
	}
	switch {
	case a.Role != auth.Cadre && a.CadreID != "":
		add("cadreId", "scope", "only a cadre account is linked to a cadre", "只有蹲点干部账号可关联干部")
	case len(a.CadreID) > 64:
		add("cadreId", "max", "the cadre id is too long", "干部编号过长")
	}
	if a.Status != Active && a.Status != Disabled {
		add("status", "oneof", "status is active or disabled", "状态应为启用或停用")
	}
	if len(fields) > 0 {
		return ErrInvalid.WithFields(fields...)
	}
	return nil
}

// CanCreate checks that actor may create an account with this role in this town.
func CanCreate(actor auth.Principal, role auth.Role, town tenancy.TownCode) error {
	switch actor.Role {
	case auth.CountyAdmin:
		return nil
	case auth.TownAdmin:
		if role.CountyWide() {
			return ErrCountyRoleByTown
		}
		if town != actor.Town {
			return ErrOtherTown
		}
		return nil
	}
	return errs.ErrForbidden
}

// Visible reports whether actor may see the account at all; an account they may not see is
// answered as not found.
func (a Account) Visible(actor auth.Principal) bool {
	switch actor.Role {
	case auth.CountyAdmin:
		return true
	case auth.TownAdmin:
		return a.Town == actor.Town && !a.Role.CountyWide()
	}
	return actor.AccountID == a.ID
}

// Change applies an administrator's changes. The actor must be allowed to manage the account
// both as it is and as it becomes, and cannot lock themselves out.
func (a Account) Change(actor auth.Principal, c Changes, now time.Time) (Account, error) {
	if !a.Visible(actor) {
		return Account{}, ErrNotFound
	}
	if err := CanCreate(actor, a.Role, a.Town); err != nil {
		return Account{}, err
	}
	next := a
	if c.DisplayName != nil {
		next.DisplayName = strings.TrimSpace(*c.DisplayName)
	}
	if c.Role != nil {
		next.Role = *c.Role
		if next.Role.CountyWide() && c.Town == nil {
			next.Town = "" // a county role has no town; saying so again is not required
		}
		if next.Role != auth.Cadre && c.CadreID == nil {
			next.CadreID = ""
		}
		if next.Role != auth.BranchSecretary && c.Community == nil {
			next.Community = ""
		}
	}
	if c.Town != nil {
		next.Town = *c.Town
	}
	if c.CadreID != nil {
		next.CadreID = strings.TrimSpace(*c.CadreID)
	}
	if c.Community != nil {
		next.Community = *c.Community
	}
	if c.Status != nil {
		next.Status = *c.Status
	}
	if actor.AccountID == a.ID && (next.Role != a.Role || next.Town != a.Town || next.Status != Active) {
		return Account{}, ErrSelfLockout
	}
	if err := next.validate(); err != nil {
		return Account{}, err
	}
	if err := CanCreate(actor, next.Role, next.Town); err != nil {
		return Account{}, err
	}
	next.UpdatedAt = now.UTC().Truncate(time.Millisecond)
	return next, nil
}

// SetPassword replaces the password hash (the caller checked the password against Policy).
func (a Account) SetPassword(hash string, now time.Time) Account {
	now = now.UTC().Truncate(time.Millisecond)
	a.PasswordHash, a.PasswordChangedAt, a.UpdatedAt = hash, now, now
	return a
}

// CanLogIn reports whether the account may log in.
func (a Account) CanLogIn() bool { return a.Status == Active }

// Principal is the identity the account's tokens carry.
func (a Account) Principal() auth.Principal {
	return auth.Principal{
		AccountID: a.ID,
		Name:      a.DisplayName,
		Role:      a.Role,
		Town:      a.Town,
		CadreID:   a.CadreID,
		Community: a.Community,
	}
}
