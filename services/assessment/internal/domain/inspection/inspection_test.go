package inspection_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/tenancy"
	"dundian.local/services/assessment/internal/domain/inspection"
)

const town = tenancy.TownCode("130624100")

func communities(n int) []string {
	out := []string{}
	for i := range n {
		out = append(out, string(town)+"2"+string(rune('0'+i/10))+string(rune('0'+i%10)))
	}
	return out
}

func TestDraw_IsReproducibleFromItsRecord(t *testing.T) {
	t.Parallel()
	cands := communities(12)
	d := inspection.DrawFrom("seed-1", cands, 3)
	require.Len(t, d.Picked, 3)
	require.True(t, d.Reproduces())

	shuffled := slices.Clone(cands)
	slices.Reverse(shuffled)
	require.Equal(t, d.Picked, inspection.DrawFrom("seed-1", shuffled, 3).Picked, "the candidates' order does not matter")
	require.Equal(t, d.Picked, inspection.DrawFrom("seed-1", append(shuffled, cands[0]), 3).Picked, "duplicates do not matter")

	tampered := d
	tampered.Picked = []string{cands[0], cands[1], cands[2]}
	if slices.Equal(tampered.Picked, d.Picked) {
		tampered.Picked = []string{cands[3], cands[4], cands[5]}
	}
	require.False(t, tampered.Reproduces(), "picks that the seed does not give are detected")
	renamed := d
	renamed.Algorithm = "other-v9"
	require.False(t, renamed.Reproduces())
}

func TestDraw_DifferentSeedsDrawDifferently(t *testing.T) {
	t.Parallel()
	cands := communities(30)
	seen := map[string]bool{}
	for i := range 20 {
		d := inspection.DrawFrom(inspection.NewSeed(), cands, 3)
		seen[d.Picked[0]+d.Picked[1]+d.Picked[2]] = true
		require.True(t, d.Reproduces(), i)
	}
	require.Greater(t, len(seen), 1, "the seed changes the draw")
}

func unannounced(level inspection.Level) inspection.Inspection {
	in, err := inspection.New(town, inspection.Plan{ID: "i1", Title: "暗访", PlannedFor: "2026-06-01", Level: level,
		Mode: inspection.Unannounced, Year: 2026, Targets: inspection.Targets{Communities: communities(5), Cadres: []string{"c1", "c2", "c3"}},
		Communities: 2, Cadres: 1}, "planner")
	if err != nil {
		panic(err)
	}
	return in
}

func TestNew_UnannouncedDrawsTheTargetsAndRecordsTheDraw(t *testing.T) {
	t.Parallel()
	in := unannounced(inspection.TownLevel)
	require.Len(t, in.Targets.Communities, 2)
	require.Len(t, in.Targets.Cadres, 1)
	require.True(t, in.CommunityDraw.Reproduces())
	require.True(t, in.CadreDraw.Reproduces())
	require.Equal(t, in.CommunityDraw.Seed, in.CadreDraw.Seed)
	require.Equal(t, in.CommunityDraw.Picked, in.Targets.Communities)
}

func TestAs_HidesUnannouncedTargetsFromTheInspectedUntilRecorded(t *testing.T) {
	t.Parallel()
	p := func(r auth.Role) auth.Principal { return auth.Principal{AccountID: "a", Role: r, Town: town} }
	for name, tc := range map[string]struct {
		level  inspection.Level
		role   auth.Role
		hidden bool
	}{
		"town check, cadre":              {inspection.TownLevel, auth.Cadre, true},
		"town check, branch secretary":   {inspection.TownLevel, auth.BranchSecretary, true},
		"town check, town office":        {inspection.TownLevel, auth.TownAdmin, false},
		"town check, county inspector":   {inspection.TownLevel, auth.CountyInspector, false},
		"county check, town office":      {inspection.CountyLevel, auth.TownAdmin, true},
		"county check, town leader":      {inspection.CountyLevel, auth.TownLeader, true},
		"county check, cadre":            {inspection.CountyLevel, auth.Cadre, true},
		"county check, county inspector": {inspection.CountyLevel, auth.CountyInspector, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := unannounced(tc.level)
			seen := in.As(p(tc.role))
			require.Equal(t, tc.hidden, seen.TargetsHidden)
			if tc.hidden {
				require.Nil(t, seen.Targets)
				require.Nil(t, seen.CommunityDraw)
				require.Nil(t, seen.CadreDraw)
				require.Empty(t, seen.Planned, "nor when it comes")
				require.Empty(t, seen.Title)
			} else {
				require.Equal(t, in, seen)
			}
			require.NoError(t, in.Record("2026-06-01", "走访情况", "planner", time.Now()))
			after := in.As(p(tc.role))
			require.False(t, after.TargetsHidden)
			require.NotNil(t, after.Targets, "once recorded the targets are shown")
		})
	}
}

func TestNew_Rules(t *testing.T) {
	t.Parallel()
	base := inspection.Plan{ID: "i", Title: "明查", PlannedFor: "2026-06-01", Level: inspection.TownLevel, Mode: inspection.Open,
		Year: 2026, Targets: inspection.Targets{Cadres: []string{"c1"}}}
	for name, tc := range map[string]struct {
		change func(*inspection.Plan)
		err    error
	}{
		"open with a target":           {func(*inspection.Plan) {}, nil},
		"open without targets":         {func(p *inspection.Plan) { p.Targets = inspection.Targets{} }, inspection.ErrNoTargets},
		"another town's community":     {func(p *inspection.Plan) { p.Targets.Communities = []string{"110101001201"} }, inspection.ErrNoTargets},
		"unannounced, nothing to draw": {func(p *inspection.Plan) { p.Mode = inspection.Unannounced }, inspection.ErrNoTargets},
		"unannounced, more than candidates": {func(p *inspection.Plan) {
			p.Mode, p.Cadres = inspection.Unannounced, 2
		}, inspection.ErrNoTargets},
		"unknown level": {func(p *inspection.Plan) { p.Level = "province" }, inspection.ErrInvalid},
		"bad day":       {func(p *inspection.Plan) { p.PlannedFor = "June" }, inspection.ErrInvalid},
		"no title":      {func(p *inspection.Plan) { p.Title = " " }, inspection.ErrInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := base
			p.Targets = inspection.Targets{Cadres: []string{"c1"}}
			tc.change(&p)
			_, err := inspection.New(town, p, "office")
			if tc.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.err)
			}
		})
	}
}

func TestFinding_OnlyOnARecordedVisit(t *testing.T) {
	t.Parallel()
	in := unannounced(inspection.CountyLevel)
	_, err := in.NewFinding("f1", inspection.CatIntegrity, inspection.Serious, "c1", "", "接受宴请", nil, "insp", time.Now())
	require.ErrorIs(t, err, inspection.ErrNotRecorded)
	require.NoError(t, in.Record("2026-06-02", "暗访情况", "insp", time.Now()))
	f, err := in.NewFinding("f1", inspection.CatIntegrity, inspection.Serious, "c1", "", "接受宴请", []string{"photo-1"}, "insp", time.Now())
	require.NoError(t, err)
	require.True(t, f.IntegrityBreach(), "an integrity breach is a finding")
	_, err = in.NewFinding("f2", "gossip", inspection.Minor, "", "", "x", nil, "insp", time.Now())
	require.ErrorIs(t, err, inspection.ErrFindingInvalid)
	_, err = in.NewFinding("f3", inspection.CatLogs, inspection.Minor, "", "110101001201", "x", nil, "insp", time.Now())
	require.ErrorIs(t, err, inspection.ErrFindingInvalid, "a community of another town")
}

func TestConducts_ByLevel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		role  auth.Role
		level inspection.Level
		ok    bool
	}{
		{auth.TownAdmin, inspection.TownLevel, true},
		{auth.TownAdmin, inspection.CountyLevel, false},
		{auth.CountyInspector, inspection.CountyLevel, true},
		{auth.CountyInspector, inspection.TownLevel, false},
		{auth.CountyAdmin, inspection.TownLevel, true},
		{auth.TownLeader, inspection.TownLevel, false},
		{auth.Cadre, inspection.TownLevel, false},
	} {
		require.Equal(t, tc.ok, inspection.Conducts(auth.Principal{Role: tc.role}, tc.level), "%s %s", tc.role, tc.level)
	}
}
