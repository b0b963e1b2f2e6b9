package service_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/httpx"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

// draftJSON is an assessment with the inputs behind every line.
type draftJSON struct {
	Status string  `json:"status"`
	Grade  string  `json:"grade"`
	Score  float64 `json:"score"`
	Scored struct {
		Adjusted float64 `json:"adjusted"`
		Draft    struct {
			Total float64 `json:"total"`
			Lines []lineJSON
		} `json:"draft"`
	} `json:"scored"`
}

type lineJSON struct {
	Indicator string  `json:"indicator"`
	Points    float64 `json:"points"`
	ExplainZh string  `json:"explainZh"`
	Input     *struct {
		Achieved float64 `json:"achieved"`
		Expected float64 `json:"expected"`
		Source   string  `json:"source"`
		Records  []struct{ Type, Subject string }
	} `json:"input"`
}

func (d draftJSON) line(indicator string) lineJSON {
	for _, l := range d.Scored.Draft.Lines {
		if l.Indicator == indicator {
			return l
		}
	}
	return lineJSON{}
}

// counts reads a line's input as "achieved/expected"; "-" when the line has no input.
func (d draftJSON) counts(indicator string) string {
	l := d.line(indicator)
	if l.Input == nil {
		return "-"
	}
	return fmt.Sprintf("%g/%g", l.Input.Achieved, l.Input.Expected)
}

// event is another service's event about a town at a revision.
func event(town tenancy.TownCode, typ, subject string, rev int64, data any) events.Envelope {
	ev := events.MustNew(typ, town, "acct", subject, data)
	ev.Rev = rev
	return ev
}

// publish sends events on their producers' topics, as the other services' relays do.
func publish(t *testing.T, evs ...events.Envelope) {
	t.Helper()
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	for _, ev := range evs {
		producer, _, _ := strings.Cut(ev.Type, ".")
		require.NoError(t, pub.Publish(context.Background(), events.Topic(producer), ev))
	}
}

// beijing is a Beijing wall-clock instant.
func beijing(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, calendar.Beijing)
}

func getDraft(t *testing.T, s *processtest.Service, p auth.Principal, town tenancy.TownCode, year int, cadre string) (draftJSON, int) {
	t.Helper()
	r := s.Do(t, p, http.MethodGet, fmt.Sprintf("%s/assessments/%d/%s", base(town), year, cadre), nil)
	var d draftJSON
	if r.Status == http.StatusOK {
		r.JSON(t, &d)
	}
	return d, r.Status
}

func TestIndicators_ConsumedFromTheOtherServicesEvents_RedeliveryChangesNothing(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town, other := testkit.NewTown(t), testkit.NewTown(t)
	x, y := "c-"+uuid.NewString()[:8], "c-"+uuid.NewString()[:8]
	community := string(town) + "201"
	stay := func(id string, from, to time.Time) events.Envelope {
		return event(town, events.StayEnded, id, 2, map[string]any{"cadre": x, "start": from, "end": to})
	}
	entry := func(typ, id, date string) events.Envelope {
		return event(town, typ, id, 1, map[string]any{"cadre": x, "date": date})
	}
	report := func(id, month string, onTime bool) events.Envelope {
		return event(town, events.MonthlyReportSubmitted, id, 2, map[string]any{"cadre": x, "month": month, "onTime": onTime})
	}
	opinion := func(typ, id string, rev int64, cadre string, responded bool) events.Envelope {
		d := map[string]any{"responsible": map[string]any{"id": cadre}, "receivedAt": beijing(2025, 3, 1, 9)}
		if responded {
			d["respondedAt"] = beijing(2025, 3, 5, 9)
		}
		return event(town, typ, id, rev, d)
	}
	rating := func(typ, id string, rev int64, score int, review string) events.Envelope {
		return event(town, typ, id, rev, map[string]any{"cadre": x, "month": "2025-04", "score": score, "review": review})
	}
	petitionCase := func(id string, rev int64, status string) events.Envelope {
		return event(town, events.CaseChanged, id, rev, map[string]any{"community": community, "status": status,
			"registeredAt": beijing(2025, 2, 1, 9)})
	}
	all := []events.Envelope{
		// two stationing days in January, one in February (the stay of 5 hours on 1 February counts, 3 hours does not)
		stay("s1", beijing(2025, 1, 10, 8), beijing(2025, 1, 11, 20)),
		stay("s2", beijing(2025, 2, 1, 8), beijing(2025, 2, 1, 13)),
		stay("s3", beijing(2025, 2, 2, 8), beijing(2025, 2, 2, 11)),
		entry(events.WorkLogWritten, "l1", "2025-01-10"), entry(events.DiaryWritten, "d1", "2025-01-11"),
		entry(events.WorkLogWritten, "l2", "2025-02-01"),
		report("r1", "2025-01", true), report("r2", "2025-02", false),
		event(town, events.ContactListChanged, "cl1", 1, events.ContactListData{Cadre: x, Year: 2025, Kinds: []string{"a", "b", "c"}}),
		event(town, events.ContactListAccepted, "cl1", 2, events.ContactListData{Cadre: x, Year: 2025, Kinds: []string{"a", "b", "c", "d", "e"}}),
		event(town, events.AssignmentLinked, "as1", 1, events.AssignmentData{Cadre: x, Year: 2025, Community: community}),
		petitionCase("case1", 1, "open"), petitionCase("case1", 2, "resolved"), petitionCase("case2", 1, "sign"),
		opinion(events.OpinionResponded, "o1", 3, x, true),
		opinion(events.OpinionAssigned, "o2", 2, x, false),
		opinion(events.OpinionAssigned, "o3", 2, x, false),
		opinion(events.OpinionAssigned, "o3", 3, y, false), // handed to another cadre
		rating(events.RatingReceived, "g1", 1, 4, "pending"), rating(events.RatingReviewed, "g1", 2, 4, "accepted"),
		rating(events.RatingReviewed, "g2", 2, 5, "accepted"), rating(events.RatingReviewed, "g3", 2, 1, "rejected"),
	}
	publish(t, all...)

	want := map[string]string{
		"stationing_days": "3/24", "logs_and_diaries": "1/12", "report_timeliness": "1/12", "one_links_five": "5/5",
		"petitions_resolved": "1/1", "opinions_handled": "1/2", "satisfaction": "90/100",
		"inspection_findings": "0/0", "integrity_breaches": "0/0",
	}
	got := func(d draftJSON) map[string]string {
		out := map[string]string{}
		for k := range want {
			out[k] = d.counts(k)
		}
		return out
	}
	var d draftJSON
	testkit.Eventually(t, 60*time.Second, func() bool {
		var status int
		d, status = getDraft(t, s, inspector, town, 2025, x)
		return status == http.StatusOK && fmt.Sprint(got(d)) == fmt.Sprint(want)
	}, "the other services' records reach the draft")
	stationing := d.line("stationing_days")
	require.InDelta(t, 2.5, stationing.Points, 1e-9, "3 of 24 days × 20 points")
	require.Contains(t, stationing.ExplainZh, events.StayEnded, "the line names the events it counted")
	require.Len(t, stationing.Input.Records, 3)
	require.InDelta(t, 13.5, d.line("satisfaction").Points, 1e-9, "only the accepted ratings: (4+5)/2 of 5")
	require.Contains(t, d.line("petitions_resolved").Input.Records, struct{ Type, Subject string }{events.CaseChanged, "case1"})
	require.Equal(t, "draft", d.Status)

	// Redelivered and stale events change nothing; the markers behind them on each topic
	// show that they were applied.
	publish(t, all...)
	publish(t, opinion(events.OpinionAssigned, "o3", 2, x, false))
	publish(t, entry(events.DiaryWritten, "d2", "2025-02-03"), opinion(events.OpinionResponded, "o4", 3, x, true),
		report("r3", "2025-03", true))
	want["logs_and_diaries"], want["opinions_handled"], want["report_timeliness"] = "2/12", "2/3", "2/12"
	testkit.Eventually(t, 60*time.Second, func() bool {
		d, _ = getDraft(t, s, inspector, town, 2025, x)
		return d.counts("logs_and_diaries") == "2/12" && d.counts("opinions_handled") == "2/3" && d.counts("report_timeliness") == "2/12"
	}, "the markers arrive")
	require.Equal(t, want, got(d), "only the markers changed the inputs")

	// The cadre of another town, or this one seen from another town, has nothing.
	_, status := getDraft(t, s, office(other), other, 2025, x)
	require.Equal(t, http.StatusNotFound, status)
	var page httpx.Page[draftJSON]
	s.Do(t, office(other), http.MethodGet, base(other)+"/assessments/2025", nil).JSON(t, &page)
	require.Empty(t, page.Items)
	s.Do(t, office(town), http.MethodGet, base(town)+"/assessments/2025", nil).JSON(t, &page)
	require.Len(t, page.Items, 2, "the town lists both cadres it has records of")
	_, status = getDraft(t, s, cadre(town, y), town, 2025, x)
	require.Equal(t, http.StatusNotFound, status, "a cadre sees only their own")
}

type caseJSON struct {
	ID      string `json:"id"`
	Cadre   string `json:"cadre"`
	Trigger string `json:"trigger"`
	Step    string `json:"step"`
	Grounds string `json:"grounds"`
	History []struct{ Actor string }
}

func triggers(t *testing.T, s *processtest.Service, town tenancy.TownCode, cadreID string) map[string]int {
	t.Helper()
	var page httpx.Page[caseJSON]
	r := s.Do(t, office(town), http.MethodGet, base(town)+"/recalls?limit=100", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &page)
	out := map[string]int{}
	for _, c := range page.Items {
		if c.Cadre == cadreID {
			out[c.Trigger]++
		}
	}
	return out
}

func TestRecallTriggers_RaiseExactlyOneCasePerCadreAndTrigger(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	x := "c-" + uuid.NewString()[:8]
	var ratings []events.Envelope
	for i := range 5 {
		ratings = append(ratings, event(town, events.RatingReviewed, fmt.Sprintf("g%d", i), 2,
			map[string]any{"cadre": x, "month": "2025-06", "score": 2, "review": "accepted"}))
	}
	publish(t, event(town, events.CadreAdded, x, 1, events.CadreData{ID: x, Name: "王五", Status: "active"}))
	publish(t, ratings[:4]...)
	testkit.Eventually(t, 60*time.Second, func() bool {
		return triggers(t, s, town, x)["missed_days"] == 1
	}, "no stationing day in any month of 2025 raises a case")
	require.Zero(t, triggers(t, s, town, x)["low_satisfaction"], "four ratings are fewer than the county's five")

	publish(t, ratings...)
	publish(t, ratings...) // redelivered
	testkit.Eventually(t, 60*time.Second, func() bool {
		return triggers(t, s, town, x)["low_satisfaction"] == 1
	}, "five accepted ratings averaging 40 raise a case")

	// A serious finding of an inspection raises its own case.
	r := s.Do(t, office(town), http.MethodPost, base(town)+"/inspections", map[string]any{
		"level": "town", "mode": "open", "year": 2025, "title": "明查", "plannedFor": "2025-06-10",
		"targets": map[string]any{"cadres": []string{x}}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var in inspectionJSON
	r.JSON(t, &in)
	path := base(town) + "/inspections/" + in.ID
	require.Equal(t, http.StatusOK, s.Do(t, office(town), http.MethodPost, path+"/record",
		map[string]string{"visitedOn": "2025-06-10", "summary": "检查在岗情况"}).Status)
	require.Equal(t, http.StatusCreated, s.Do(t, office(town), http.MethodPost, path+"/findings",
		map[string]any{"category": "stationing", "severity": "serious", "cadre": x, "description": "长期不在岗"}).Status)
	testkit.Eventually(t, 60*time.Second, func() bool {
		return triggers(t, s, town, x)["serious_finding"] == 1
	}, "a serious finding raises a case")

	publish(t, ratings...) // more deliveries while the cases are open raise nothing
	publish(t, event(town, events.StayEnded, "late-stay", 1, map[string]any{"cadre": x,
		"start": beijing(2025, 12, 1, 8), "end": beijing(2025, 12, 1, 18)}))
	testkit.Eventually(t, 60*time.Second, func() bool {
		d, status := getDraft(t, s, office(town), town, 2025, x)
		return status == http.StatusOK && d.counts("stationing_days") == "1/24"
	})
	require.Equal(t, map[string]int{"missed_days": 1, "low_satisfaction": 1, "serious_finding": 1}, triggers(t, s, town, x),
		"one case per cadre and trigger")

	var page httpx.Page[caseJSON]
	s.Do(t, office(town), http.MethodGet, base(town)+"/recalls?limit=100", nil).JSON(t, &page)
	for _, c := range page.Items {
		if c.Trigger == "low_satisfaction" {
			require.Equal(t, "raised", c.Step, "the case then follows the due process from its first step")
			require.Contains(t, c.Grounds, "40.0分")
			require.Equal(t, "assessment", c.History[0].Actor)
		}
	}
}

func TestRecallThresholds_SetOnlyByTheCountyAdmin(t *testing.T) {
	t.Parallel()
	s := assessment(t)
	town := testkit.NewTown(t)
	county := auth.Principal{AccountID: "county-admin", Role: auth.CountyAdmin}
	r := s.Do(t, office(town), http.MethodGet, "/api/v1/county/recall-thresholds", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var th map[string]float64
	r.JSON(t, &th)
	require.Equal(t, map[string]float64{"satisfactionBelow": 60, "minRatings": 5, "missedMonths": 2, "seriousFindings": 1, "integrityBreaches": 1}, th)

	require.Equal(t, http.StatusForbidden, s.Do(t, inspector, http.MethodPut, "/api/v1/county/recall-thresholds", th).Status)
	bad := map[string]float64{"satisfactionBelow": 160, "minRatings": 5, "missedMonths": 2, "seriousFindings": 1, "integrityBreaches": 1}
	require.Equal(t, http.StatusBadRequest, s.Do(t, county, http.MethodPut, "/api/v1/county/recall-thresholds", bad).Status)
	// the defaults again: other tests of this run rely on them
	require.Equal(t, http.StatusOK, s.Do(t, county, http.MethodPut, "/api/v1/county/recall-thresholds", th).Status)
}

// stationed are stays giving the cadre two stationing days in each of the first months of a year.
func stationed(town tenancy.TownCode, cadre string, year, months int) []events.Envelope {
	var out []events.Envelope
	for m := range months {
		out = append(out, event(town, events.StayEnded, fmt.Sprintf("stay-%s-%d", cadre, m), 2, map[string]any{"cadre": cadre,
			"start": beijing(year, time.Month(m+1), 10, 8), "end": beijing(year, time.Month(m+1), 11, 20)}))
	}
	return out
}
