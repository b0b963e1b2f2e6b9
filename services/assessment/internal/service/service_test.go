package service_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"dundian.local/libs/auth"
	"dundian.local/libs/events"
	"dundian.local/libs/httpx"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
	"dundian.local/services/assessment/internal/domain/inspection"
	"dundian.local/services/assessment/internal/service"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// assessment is started once per test binary; every test uses its own towns.
var assessment = processtest.Shared(service.Name, service.Start)

func office(town tenancy.TownCode) auth.Principal {
	return auth.Principal{AccountID: "office-" + string(town), Role: auth.TownAdmin, Town: town}
}

func leader(town tenancy.TownCode) auth.Principal {
	return auth.Principal{AccountID: "leader-" + string(town), Role: auth.TownLeader, Town: town}
}

func cadre(town tenancy.TownCode, id string) auth.Principal {
	return auth.Principal{AccountID: "acct-" + id, Role: auth.Cadre, Town: town, CadreID: id}
}

var inspector = auth.Principal{AccountID: "inspector-1", Role: auth.CountyInspector}

type inspectionJSON struct {
	ID            string `json:"id"`
	Level         string `json:"level"`
	Status        string `json:"status"`
	TargetsHidden bool   `json:"targetsHidden"`
	Targets       *struct {
		Communities []string `json:"communities"`
		Cadres      []string `json:"cadres"`
	} `json:"targets"`
	CommunityDraw *inspection.Draw `json:"communityDraw"`
	CadreDraw     *inspection.Draw `json:"cadreDraw"`
}

func base(town tenancy.TownCode) string { return "/api/v1/towns/" + string(town) }

func communities(town tenancy.TownCode, n int) []string {
	out := make([]string, n)
	for i := range n {
		out[i] = fmt.Sprintf("%s2%02d", town, i)
	}
	return out
}

func planUnannounced(t *testing.T, s *processtest.Service, by auth.Principal, town tenancy.TownCode, level string) inspectionJSON {
	t.Helper()
	r := s.Do(t, by, http.MethodPost, base(town)+"/inspections", map[string]any{
		"level": level, "mode": "unannounced", "year": 2026, "title": "六月暗访", "plannedFor": "2026-06-10",
		"targets": map[string]any{"communities": communities(town, 8), "cadres": []string{"c1", "c2", "c3", "c4"}},
		"draw":    map[string]int{"communities": 2, "cadres": 1},
	})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var in inspectionJSON
	r.JSON(t, &in)
	return in
}

func getInspection(t *testing.T, s *processtest.Service, p auth.Principal, town tenancy.TownCode, id string) inspectionJSON {
	t.Helper()
	r := s.Do(t, p, http.MethodGet, base(town)+"/inspections/"+id, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var in inspectionJSON
	r.JSON(t, &in)
	return in
}

func TestUnannouncedTownCheck_DrawIsReproducibleAndHiddenFromTheCadreUntilRecorded(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	planned := planUnannounced(t, s, office(town), town, "town")

	seen := getInspection(t, s, office(town), town, planned.ID)
	require.NotNil(t, seen.CadreDraw, "the town office sees its own draw")
	replay := inspection.DrawFrom(seen.CadreDraw.Seed, seen.CadreDraw.Candidates, seen.CadreDraw.Count)
	require.Equal(t, seen.CadreDraw.Picked, replay.Picked, "the draw replays from its record")
	require.True(t, seen.CommunityDraw.Reproduces())
	require.Equal(t, inspection.DrawAlgorithm, seen.CadreDraw.Algorithm)
	require.Len(t, seen.Targets.Cadres, 1)

	hidden := getInspection(t, s, cadre(town, "c1"), town, planned.ID)
	require.True(t, hidden.TargetsHidden)
	require.Nil(t, hidden.Targets)
	require.Nil(t, hidden.CadreDraw)
	r := s.Do(t, cadre(town, "c1"), http.MethodGet, base(town)+"/inspections", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.NotContains(t, string(r.Body), seen.CadreDraw.Seed, "the list does not leak the draw either")
	require.NotContains(t, string(r.Body), `"targets"`)
	require.NotContains(t, string(r.Body), "2026-06-10", "nor the day it comes")

	r = s.Do(t, office(town), http.MethodPost, base(town)+"/inspections/"+planned.ID+"/record",
		map[string]string{"visitedOn": "2026-06-10", "summary": "走访两个村，干部在岗"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	shown := getInspection(t, s, cadre(town, "c1"), town, planned.ID)
	require.False(t, shown.TargetsHidden)
	require.Equal(t, seen.Targets.Cadres, shown.Targets.Cadres, "once recorded the cadre sees whom it visited")
}

func TestUnannouncedCountyInspection_HiddenFromTheWholeTown(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	planned := planUnannounced(t, s, inspector, town, "county")
	for _, p := range []auth.Principal{office(town), leader(town), cadre(town, "c2")} {
		require.True(t, getInspection(t, s, p, town, planned.ID).TargetsHidden, p.Role)
	}
	require.False(t, getInspection(t, s, inspector, town, planned.ID).TargetsHidden)

	// The town office cannot record the county's inspection, nor plan one of its own.
	r := s.Do(t, office(town), http.MethodPost, base(town)+"/inspections/"+planned.ID+"/record",
		map[string]string{"visitedOn": "2026-06-10", "summary": "x"})
	require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
	r = s.Do(t, office(town), http.MethodPost, base(town)+"/inspections", map[string]any{
		"level": "county", "mode": "open", "year": 2026, "title": "t", "plannedFor": "2026-06-10",
		"targets": map[string]any{"cadres": []string{"c1"}}})
	require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
}

type findingJSON struct {
	ID            string `json:"id"`
	Category      string `json:"category"`
	Rectification *struct {
		Status string `json:"status"`
	} `json:"rectification"`
}

func TestFinding_RectificationIsVerifiedByTheInspector(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	r := s.Do(t, inspector, http.MethodPost, base(town)+"/inspections", map[string]any{
		"level": "county", "mode": "open", "year": 2026, "title": "明查", "plannedFor": "2026-06-10",
		"targets": map[string]any{"cadres": []string{"c1"}, "communities": communities(town, 1)}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var in inspectionJSON
	r.JSON(t, &in)
	path := base(town) + "/inspections/" + in.ID
	finding := map[string]any{"category": "integrity", "severity": "serious", "cadre": "c1",
		"description": "接受服务对象宴请", "evidence": []string{"photo-1"}}
	require.Equal(t, http.StatusConflict, s.Do(t, inspector, http.MethodPost, path+"/findings", finding).Status,
		"no findings before the visit is recorded")
	require.Equal(t, http.StatusOK, s.Do(t, inspector, http.MethodPost, path+"/record",
		map[string]string{"visitedOn": "2026-06-10", "summary": "发现一起违反廉洁纪律问题"}).Status)
	r = s.Do(t, inspector, http.MethodPost, path+"/findings", finding)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var f findingJSON
	r.JSON(t, &f)

	fpath := base(town) + "/findings/" + f.ID + "/rectification"
	require.Equal(t, http.StatusForbidden, s.Do(t, office(town), http.MethodPost, fpath, map[string]string{"title": "整改"}).Status,
		"a county finding's rectification is the county's to open")
	r = s.Do(t, inspector, http.MethodPost, fpath, map[string]string{"title": "退还宴请费用并作出检查", "due": "2026-06-30"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.Equal(t, http.StatusConflict, s.Do(t, inspector, http.MethodPost, fpath, map[string]string{"title": "again"}).Status)

	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c9"), http.MethodPost, fpath+"/complete", map[string]string{"note": "x"}).Status,
		"another cadre does not answer for it")
	require.Equal(t, http.StatusOK, s.Do(t, cadre(town, "c1"), http.MethodPost, fpath+"/complete", map[string]string{"note": "已退还"}).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, office(town), http.MethodPost, fpath+"/verify", map[string]string{"note": "ok"}).Status)
	r = s.Do(t, inspector, http.MethodPost, fpath+"/verify", map[string]string{"note": "已核实"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	var page httpx.Page[findingJSON]
	r = s.Do(t, cadre(town, "c1"), http.MethodGet, path+"/findings", nil)
	require.Equal(t, http.StatusOK, r.Status)
	r.JSON(t, &page)
	require.Len(t, page.Items, 1)
	require.Equal(t, "verified", page.Items[0].Rectification.Status)
	r = s.Do(t, cadre(town, "c2"), http.MethodGet, path+"/findings", nil)
	r.JSON(t, &page)
	require.Empty(t, page.Items, "a cadre sees only findings about them")
}

type recallJSON struct {
	ID      string                         `json:"id"`
	Step    string                         `json:"step"`
	Notice  string                         `json:"notice"`
	History []struct{ Step, Actor string } `json:"history"`
}

func TestRecall_NoStepCanBeSkipped(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	r := s.Do(t, office(town), http.MethodPost, base(town)+"/recalls", map[string]string{
		"cadre": "c1", "cadreName": "张三", "trigger": "missed_days", "grounds": "10月有6天未到岗"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var c recallJSON
	r.JSON(t, &c)
	path := base(town) + "/recalls/" + c.ID
	decision := map[string]any{"outcome": "recall", "reasons": "多次未到岗", "accountable": []string{"李四"}}

	r = s.Do(t, leader(town), http.MethodPost, path+"/decision", decision)
	require.Equal(t, http.StatusConflict, r.Status, string(r.Body))
	var p httpx.ProblemJSON
	r.JSON(t, &p)
	require.Equal(t, "recall-step-out-of-order", p.Code)
	require.Contains(t, p.Detail, "受理", "the refusal names the next allowed step (opening)")
	require.Equal(t, http.StatusConflict, s.Do(t, cadre(town, "c1"), http.MethodPost, path+"/explanation", map[string]string{"text": "说明"}).Status)

	require.Equal(t, http.StatusOK, s.Do(t, office(town), http.MethodPost, path+"/open", map[string]string{"text": "受理"}).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, cadre(town, "c2"), http.MethodPost, path+"/explanation", map[string]string{"text": "x"}).Status,
		"another cadre's case is not visible")
	require.Equal(t, http.StatusForbidden, s.Do(t, office(town), http.MethodPost, path+"/decision", decision).Status,
		"only the town leading group decides")
	require.Equal(t, http.StatusOK, s.Do(t, cadre(town, "c1"), http.MethodPost, path+"/explanation", map[string]string{"text": "家中老人住院"}).Status)
	require.Equal(t, http.StatusConflict, s.Do(t, office(town), http.MethodPost, path+"/notice", map[string]string{"issuer": "中共某镇委员会"}).Status)
	require.Equal(t, http.StatusOK, s.Do(t, leader(town), http.MethodPost, path+"/decision", decision).Status)
	r = s.Do(t, office(town), http.MethodPost, path+"/notice", map[string]string{"issuer": "中共某镇委员会"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &c)
	require.Equal(t, "circulated", c.Step)
	require.Contains(t, c.Notice, "关于召回驻点干部张三同志的通报")
	require.Len(t, c.History, 5)
	for _, h := range c.History {
		require.NotEmpty(t, h.Actor)
	}

	require.Equal(t, http.StatusOK, s.Do(t, cadre(town, "c1"), http.MethodGet, path, nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, cadre(town, "c2"), http.MethodGet, path, nil).Status)
	event := readEvent(t, c.ID, events.RecallDecided)
	require.Equal(t, town, event.Town)
}

type assessmentJSON struct {
	Status string  `json:"status"`
	Grade  string  `json:"grade"`
	Score  float64 `json:"score"`
	Scored struct {
		Adjusted float64 `json:"adjusted"`
		Draft    struct {
			Total float64 `json:"total"`
			Lines []struct {
				Indicator string  `json:"indicator"`
				Points    float64 `json:"points"`
				ExplainZh string  `json:"explainZh"`
			} `json:"lines"`
		} `json:"draft"`
	} `json:"scored"`
}

func TestYearEnd_AdjustWithoutReasonIsRefused_FinalisedOnceToThePersonalFile(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	c1 := "c-" + uuid.NewString()[:8]
	publish(t, event(town, events.ContactListAccepted, "cl-"+c1, 2,
		events.ContactListData{Cadre: c1, Year: 2025, Kinds: []string{"a", "b", "c", "d", "e"}}))
	path := base(town) + "/assessments/2025/" + c1
	var a assessmentJSON
	testkit.Eventually(t, 60*time.Second, func() bool {
		r := s.Do(t, inspector, http.MethodGet, path, nil)
		if r.Status == http.StatusOK {
			r.JSON(t, &a)
		}
		return r.Status == http.StatusOK
	}, "the draft exists once something was recorded about the cadre")
	// 10 for the complete list, 10 + 10 where nothing was required (opinions, cases), 10 + 5 without findings
	require.InDelta(t, 45.0, a.Scored.Draft.Total, 1e-9)
	for _, l := range a.Scored.Draft.Lines {
		if l.Indicator == "one_links_five" {
			require.Contains(t, l.ExplainZh, events.ContactListAccepted, "the point names its source")
		}
	}

	require.Equal(t, http.StatusOK, s.Do(t, cadre(town, c1), http.MethodPut, path+"/self-examination",
		map[string]string{"text": "对照群众意见，走访不够深入，已整改"}).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, cadre(town, "c2"), http.MethodPut, path+"/self-examination",
		map[string]string{"text": "x"}).Status, "a cadre writes only their own")
	require.Equal(t, http.StatusNotFound, s.Do(t, cadre(town, "c2"), http.MethodGet, path, nil).Status)

	r := s.Do(t, inspector, http.MethodPost, path+"/adjustments", map[string]any{"points": 5})
	require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
	var p httpx.ProblemJSON
	r.JSON(t, &p)
	require.Equal(t, "assessment-adjustment-reason-required", p.Code)
	require.Equal(t, http.StatusForbidden, s.Do(t, office(town), http.MethodPost, path+"/adjustments",
		map[string]any{"points": 5, "reason": "r"}).Status)
	r = s.Do(t, inspector, http.MethodPost, path+"/adjustments", map[string]any{"points": 5, "reason": "驻村帮扶成效突出"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &a)
	require.InDelta(t, 50.0, a.Scored.Adjusted, 1e-9)

	r = s.Do(t, inspector, http.MethodPost, path+"/finalise", map[string]string{"grade": "basic"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, http.StatusConflict, s.Do(t, inspector, http.MethodPost, path+"/finalise", map[string]string{"grade": "excellent"}).Status)
	r = s.Do(t, cadre(town, c1), http.MethodGet, path, nil)
	require.Equal(t, http.StatusOK, r.Status)
	r.JSON(t, &a)
	require.Equal(t, "finalised", a.Status)
	require.Equal(t, "basic", a.Grade)

	ev := readEvent(t, "2025|"+c1, events.AssessmentFinalised)
	var data events.AssessmentFinalisedData
	require.NoError(t, ev.Unmarshal(&data))
	require.Equal(t, events.AssessmentFinalisedData{Cadre: c1, Year: 2025, Grade: "basic", Score: 50}, data)
	require.Equal(t, town, ev.Town)
}

func TestYearEnd_RecordedFindingsDeductWithTheirSource(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	r := s.Do(t, office(town), http.MethodPost, base(town)+"/inspections", map[string]any{
		"level": "town", "mode": "open", "year": 2026, "title": "明查", "plannedFor": "2026-06-10",
		"targets": map[string]any{"cadres": []string{"c7"}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var in inspectionJSON
	r.JSON(t, &in)
	path := base(town) + "/inspections/" + in.ID
	require.Equal(t, http.StatusOK, s.Do(t, office(town), http.MethodPost, path+"/record",
		map[string]string{"visitedOn": "2026-06-10", "summary": "检查在岗情况"}).Status)
	for _, cat := range []string{"stationing", "logs", "integrity"} {
		require.Equal(t, http.StatusCreated, s.Do(t, office(town), http.MethodPost, path+"/findings",
			map[string]any{"category": cat, "severity": "general", "cadre": "c7", "description": "问题"}).Status)
	}
	r = s.Do(t, inspector, http.MethodGet, base(town)+"/assessments/2026/c7", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var a assessmentJSON
	r.JSON(t, &a)
	lines := map[string]float64{}
	for _, l := range a.Scored.Draft.Lines {
		lines[l.Indicator] = l.Points
		if l.Indicator == "integrity_breaches" {
			require.Contains(t, l.ExplainZh, "督查记录1条违反廉洁纪律问题")
			require.Contains(t, l.ExplainZh, events.FindingRecorded)
		}
	}
	require.InDelta(t, 6.0, lines["inspection_findings"], 1e-9, "two findings at 2 points each off 10")
	require.InDelta(t, 0.0, lines["integrity_breaches"], 1e-9, "one breach takes the whole 5")
	require.InDelta(t, 6.0, a.Scored.Draft.Total, 1e-9, "nothing else was recorded about the cadre")
}

func TestWeights_SetByTheCountyChangeTheDraft(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	county := auth.Principal{AccountID: "county-admin", Role: auth.CountyAdmin}
	w := map[string]map[string]float64{
		"stationing_days": {"points": 30}, "report_timeliness": {"points": 10}, "one_links_five": {"points": 10},
		"logs_and_diaries": {"points": 10}, "opinions_handled": {"points": 10}, "petitions_resolved": {"points": 5},
		"satisfaction": {"points": 10}, "inspection_findings": {"points": 10, "perItem": 2}, "integrity_breaches": {"points": 5, "perItem": 5},
	}
	require.Equal(t, http.StatusForbidden, s.Do(t, inspector, http.MethodPut, "/api/v1/county/assessment-weights/2024", map[string]any{"weights": w}).Status)
	w["satisfaction"]["points"] = 11
	require.Equal(t, http.StatusBadRequest, s.Do(t, county, http.MethodPut, "/api/v1/county/assessment-weights/2024", map[string]any{"weights": w}).Status,
		"weights that do not total 100")
	w["satisfaction"]["points"] = 10
	require.Equal(t, http.StatusOK, s.Do(t, county, http.MethodPut, "/api/v1/county/assessment-weights/2024", map[string]any{"weights": w}).Status)

	town := testkit.NewTown(t)
	publish(t, stationed(town, "c1", 2024, 6)...)
	testkit.Eventually(t, 60*time.Second, func() bool {
		d, status := getDraft(t, s, office(town), town, 2024, "c1")
		return status == http.StatusOK && d.counts("stationing_days") == "12/24" && d.line("stationing_days").Points == 15
	}, "half the days of the year earn half of the county's 30 points")
}

func TestIsolation_AnotherTownsRecordsAreNotFound(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	mine, theirs := testkit.NewTown(t), testkit.NewTown(t)
	planned := planUnannounced(t, s, office(theirs), theirs, "town")
	r := s.Do(t, office(theirs), http.MethodPost, base(theirs)+"/recalls", map[string]string{
		"cadre": "c1", "cadreName": "张三", "trigger": "low_satisfaction", "grounds": "满意度低"})
	require.Equal(t, http.StatusCreated, r.Status)
	var c recallJSON
	r.JSON(t, &c)

	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, base(theirs) + "/inspections/" + planned.ID},
		{http.MethodGet, base(theirs) + "/inspections"},
		{http.MethodPost, base(theirs) + "/recalls/" + c.ID + "/open"},
	} {
		require.Equal(t, http.StatusNotFound, s.Do(t, office(mine), tc.method, tc.path, map[string]string{"text": "x"}).Status,
			"%s %s: another town's path", tc.method, tc.path)
	}
	// Their ids through my town's path are not found either.
	require.Equal(t, http.StatusNotFound, s.Do(t, office(mine), http.MethodGet, base(mine)+"/inspections/"+planned.ID, nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, office(mine), http.MethodPost, base(mine)+"/recalls/"+c.ID+"/open", map[string]string{"text": "x"}).Status)
	var page httpx.Page[inspectionJSON]
	s.Do(t, office(mine), http.MethodGet, base(mine)+"/inspections", nil).JSON(t, &page)
	require.Empty(t, page.Items)
}

func TestRoles_AreCheckedInTheService(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	open := map[string]any{"level": "town", "mode": "open", "year": 2026, "title": "明查", "plannedFor": "2026-06-10",
		"targets": map[string]any{"cadres": []string{"c1"}}}
	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c1"), http.MethodPost, base(town)+"/inspections", open).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, leader(town), http.MethodPost, base(town)+"/inspections", open).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, inspector, http.MethodPost, base(town)+"/inspections", open).Status,
		"the county does not run the town's own checks")
	require.Equal(t, http.StatusCreated, s.Do(t, office(town), http.MethodPost, base(town)+"/inspections", open).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c1"), http.MethodPost, base(town)+"/recalls",
		map[string]string{"cadre": "c1", "cadreName": "张三", "trigger": "missed_days", "grounds": "g"}).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c1"), http.MethodGet, base(town)+"/assessments/2026", nil).Status)
	require.Equal(t, http.StatusUnauthorized, s.Do(t, auth.Principal{}, http.MethodGet, base(town)+"/inspections", nil).Status)
}

func TestDemonstrationPoint_DesignatedAgainstCriteria(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	community := communities(town, 1)[0]
	all := []string{"full_stationing", "one_links_five", "opinions_closed", "no_backlog_petition", "high_satisfaction", "no_integrity_breach"}
	r := s.Do(t, office(town), http.MethodPost, base(town)+"/demonstration-points",
		map[string]any{"community": community, "criteria": all[:5], "statement": "推荐"})
	require.Equal(t, http.StatusBadRequest, r.Status, "every criterion must be met")
	r = s.Do(t, office(town), http.MethodPost, base(town)+"/demonstration-points",
		map[string]any{"community": community, "criteria": all, "statement": "蹲点工作扎实，群众满意"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.Equal(t, http.StatusForbidden, s.Do(t, office(town), http.MethodPost, base(town)+"/demonstration-points/"+community+"/designate", nil).Status)
	r = s.Do(t, leader(town), http.MethodPost, base(town)+"/demonstration-points/"+community+"/designate", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	ev := readEvent(t, community, events.DemonstrationPointDesignated)
	var data events.DemonstrationPointData
	require.NoError(t, ev.Unmarshal(&data))
	require.Equal(t, events.DemonstrationPointData{Community: community, Status: "designated"}, data)
}

// readEvent reads the assessment topic from the start until it finds the one event of the
// type about subject, and checks that it is there exactly once.
func readEvent(t *testing.T, subject, typ string) events.Envelope {
	t.Helper()
	reader := kafka.NewReader(kafka.ReaderConfig{Brokers: testkit.Brokers(t), GroupID: "t-" + uuid.NewString(),
		GroupTopics: []string{events.Topic(events.Assessment)}, StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond})
	defer reader.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var found []events.Envelope
	for {
		m, err := reader.ReadMessage(ctx)
		if err != nil {
			break
		}
		ev, err := events.Decode(m.Value)
		require.NoError(t, err)
		if ev.Subject == subject && ev.Type == typ {
			found = append(found, ev)
			// keep reading briefly: a second delivery of the same change would show up behind it
			ctx2, cancel2 := context.WithTimeout(context.Background(), 2*time.Second)
			for {
				m, err := reader.ReadMessage(ctx2)
				if err != nil {
					break
				}
				if ev, err := events.Decode(m.Value); err == nil && ev.Subject == subject && ev.Type == typ {
					found = append(found, ev)
				}
			}
			cancel2()
			break
		}
	}
	require.Len(t, found, 1, "exactly one %s about %s", typ, subject)
	return found[0]
}

func TestComparison_DistributionsPerTownWithoutRanking(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	first, second := testkit.NewTown(t), testkit.NewTown(t)
	// nothing is recorded about these cadres: 15 points without findings, plus the adjustment
	finalise := func(town tenancy.TownCode, cadre string, adjust float64, grade string) {
		path := base(town) + "/assessments/2032/" + cadre
		r := s.Do(t, inspector, http.MethodPost, path+"/adjustments", map[string]any{"points": adjust, "reason": "督导组综合评定"})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r = s.Do(t, inspector, http.MethodPost, path+"/finalise", map[string]string{"grade": grade})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}
	// the second town's settings list its cadres by result; the first keeps the default
	publish(t, event(second, events.SettingsChanged, string(second), 1, map[string]any{"town": second, "rankingsShown": true}))
	finalise(first, "c1", 65, "competent")
	finalise(first, "c2", 50, "basic")
	finalise(second, "c1", 10, "incompetent")
	finalise(second, "c2", 70, "competent")

	type dist struct {
		Count     int            `json:"count"`
		Grades    map[string]int `json:"grades"`
		Bands     map[string]int `json:"bands"`
		Histogram []int          `json:"histogram"`
	}
	type cadreResult struct {
		Cadre string  `json:"cadre"`
		Grade string  `json:"grade"`
		Score float64 `json:"score"`
	}
	var got struct {
		County dist `json:"county"`
		Towns  []struct {
			Town string `json:"town"`
			dist
			RankingsShown bool          `json:"rankingsShown"`
			Cadres        []cadreResult `json:"cadres"`
		} `json:"towns"`
	}
	testkit.Eventually(t, 60*time.Second, func() bool {
		r := s.Do(t, inspector, http.MethodGet, "/api/v1/county/assessment-comparison/2032", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &got)
		n, ranked := 0, false
		for _, tw := range got.Towns {
			if tw.Town == string(first) || tw.Town == string(second) {
				n += tw.Count
			}
			ranked = ranked || (tw.Town == string(second) && tw.RankingsShown)
		}
		return n == 4 && ranked
	}, "the finalised results and the second town's settings reach the comparison")
	for _, tw := range got.Towns {
		switch tw.Town {
		case string(first):
			require.Equal(t, 1, tw.Grades["competent"])
			require.Equal(t, 1, tw.Grades["basic"])
			require.Equal(t, 0, tw.Grades["excellent"], "every grade is listed, even when none has it")
			require.Equal(t, []int{0, 0, 0, 0, 0, 0, 1, 0, 1, 0}, tw.Histogram, "65 and 80 in their ten-point bins")
			require.False(t, tw.RankingsShown)
			require.Empty(t, tw.Cadres, "no cadre is listed by result where the town does not show rankings")
		case string(second):
			require.Equal(t, 1, tw.Grades["incompetent"])
			require.Equal(t, 1, tw.Bands["0-59"])
			require.Equal(t, []cadreResult{{"c2", "competent", 85}, {"c1", "incompetent", 25}}, tw.Cadres,
				"the town that shows rankings lists its cadres best first")
		}
	}
	for i := 1; i < len(got.Towns); i++ {
		require.Less(t, got.Towns[i-1].Town, got.Towns[i].Town, "towns are listed by code, not by result")
	}
	require.Equal(t, http.StatusForbidden, s.Do(t, office(first), http.MethodGet, "/api/v1/county/assessment-comparison/2032", nil).Status)
}

func TestAssessments_ExportAsExcel(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	publish(t, stationed(town, "c1", 2025, 9)...)
	testkit.Eventually(t, 60*time.Second, func() bool {
		d, status := getDraft(t, s, office(town), town, 2025, "c1")
		return status == http.StatusOK && d.counts("stationing_days") == "18/24"
	})
	r := s.Do(t, inspector, http.MethodGet, base(town)+"/assessments/2025?format=xlsx", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", r.Header.Get("Content-Type"))
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	rows, err := f.GetRows("2025")
	require.NoError(t, err)
	require.Len(t, rows, 2, "the headings and the one cadre")
	stationing := slices.Index(rows[0], "蹲点天数")
	require.GreaterOrEqual(t, stationing, 0, "a column of the stationing points: %v", rows[0])
	require.Equal(t, "c1", rows[1][0])
	require.Equal(t, "15", rows[1][stationing], "the stationing points: 18 of 24 days × 20")
	cell, err := excelize.CoordinatesToCellName(stationing+1, 2)
	require.NoError(t, err)
	typ, err := f.GetCellType("2025", cell)
	require.NoError(t, err)
	require.Contains(t, []excelize.CellType{excelize.CellTypeUnset, excelize.CellTypeNumber}, typ, "points stay numbers")
	require.Equal(t, http.StatusNotFound, s.Do(t, office(testkit.NewTown(t)), http.MethodGet, base(town)+"/assessments/2025?format=xlsx", nil).Status,
		"another town's export is not found")
}
