package service_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
	"dundian.local/services/reporting/internal/service"
)

func TestMain(m *testing.M) { testkit.Main(m) }

var reporting = processtest.Shared(service.Name, service.Start)

type row struct {
	Town        string `json:"town"`
	Name        string `json:"name"`
	Communities int    `json:"communities"`
}

var countyAdmin = auth.Principal{AccountID: "county", Role: auth.CountyAdmin}

func comparison(t *testing.T, s *processtest.Service) map[string]row {
	t.Helper()
	r := s.Do(t, countyAdmin, http.MethodGet, "/api/v1/county/comparison", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var body struct{ Towns []row }
	r.JSON(t, &body)
	out := map[string]row{}
	for _, x := range body.Towns {
		out[x.Town] = x
	}
	return out
}

func community(town tenancy.TownCode, code string, rev int64, archived bool) events.Envelope {
	typ := events.CommunityAdded
	if rev > 1 {
		typ = events.CommunityChanged
	}
	ev := events.MustNew(typ, town, "office", code, map[string]any{"code": code, "town": town, "name": "村", "archived": archived, "rev": rev})
	ev.Rev = rev
	return ev
}

func TestComparison_CountsCommunitiesIdempotently(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	created := events.MustNew(events.TownCreated, town, "county", string(town), events.TownCreatedData{Code: string(town), Name: "演示镇"})
	created.Rev = 1
	evs := []events.Envelope{
		community(town, string(town)+"201", 1, false),
		community(town, string(town)+"202", 1, false),
		community(town, string(town)+"203", 1, false),
		community(town, string(town)+"203", 2, true), // archived: no longer counted
	}
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	ctx := context.Background()
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Platform), created))
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Personnel), evs...))
	testkit.Eventually(t, 60*time.Second, func() bool {
		r, ok := comparison(t, s)[string(town)]
		return ok && r.Communities == 2 && r.Name == "演示镇"
	})

	// Every event again, and an old revision arriving late: the projection does not move.
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Personnel), evs...))
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Personnel), community(town, string(town)+"203", 1, false)))
	marker := testkit.NewTown(t) // a later event on the same topic shows the replay was consumed
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Personnel), community(marker, string(marker)+"201", 1, false)))
	testkit.Eventually(t, 60*time.Second, func() bool { _, ok := comparison(t, s)[string(marker)]; return ok })
	require.Equal(t, 2, comparison(t, s)[string(town)].Communities)

	erased := events.MustNew(events.TownErased, town, "county", string(town), nil)
	require.NoError(t, pub.Publish(ctx, events.Topic(events.Platform), erased))
	testkit.Eventually(t, 60*time.Second, func() bool { _, ok := comparison(t, s)[string(town)]; return !ok }, "an erased town leaves the comparison")
}

func TestComparison_OnlyCountyRoles(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	for _, role := range auth.AllRoles {
		p := auth.Principal{AccountID: "x", Role: role}
		if !role.CountyWide() {
			p.Town = town
		}
		r := s.Do(t, p, http.MethodGet, "/api/v1/county/comparison", nil)
		if role.CountyWide() {
			require.Equal(t, http.StatusOK, r.Status, role)
		} else {
			require.Equal(t, http.StatusForbidden, r.Status, role)
		}
	}
}

func TestComparison_CadresAndContactListsFromPersonnel(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	ev := func(typ, subject string, rev int64, data any) events.Envelope {
		e := events.MustNew(typ, town, "office", subject, data)
		e.Rev = rev
		return e
	}
	forwardedAt := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	evs := []events.Envelope{
		ev(events.CadreAdded, "c1", 1, events.CadreData{ID: "c1", Name: "张三", Status: "active"}),
		ev(events.CadreAdded, "c2", 1, events.CadreData{ID: "c2", Name: "李四", Status: "active"}),
		ev(events.CadreChanged, "c2", 2, events.CadreData{ID: "c2", Name: "李四", Status: "transferred"}),
		ev(events.ContactListAccepted, "l1", 4, events.ContactListData{ID: "l1", Cadre: "c1", Year: 2026, Status: "accepted",
			Kinds: []string{"org_leader", "veteran_member", "people_rep", "hardship_household", "wealth_leader"}}),
		ev(events.ContactListForwarded, string(town)+"-2026", 1, events.ContactListsForwardedData{Year: 2026, Lists: 1, ForwardedAt: forwardedAt}),
	}
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	for range 2 { // a replay changes nothing
		require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Personnel), evs...))
	}
	type row struct {
		Cadres                  int        `json:"cadres"`
		ContactListsComplete    int        `json:"contactListsComplete"`
		ContactListsAccepted    int        `json:"contactListsAccepted"`
		ContactListsForwardedAt *time.Time `json:"contactListsForwardedAt"`
	}
	get := func() (row, bool) {
		r := s.Do(t, countyAdmin, http.MethodGet, "/api/v1/county/comparison?month=2026-05", nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var body struct {
			Towns []struct {
				Town string `json:"town"`
				row
			}
		}
		r.JSON(t, &body)
		for _, x := range body.Towns {
			if x.Town == string(town) {
				return x.row, true
			}
		}
		return row{}, false
	}
	testkit.Eventually(t, 60*time.Second, func() bool { r, ok := get(); return ok && r.ContactListsForwardedAt != nil })
	r, _ := get()
	require.Equal(t, 1, r.Cadres, "the transferred cadre is not counted")
	require.Equal(t, 1, r.ContactListsComplete)
	require.Equal(t, 1, r.ContactListsAccepted)
	require.True(t, forwardedAt.Equal(*r.ContactListsForwardedAt))

	rep := s.Do(t, office(town), http.MethodGet, reportPath(town, "c1", calendar.MonthOf(time.Now())), nil)
	require.Equal(t, http.StatusOK, rep.Status, string(rep.Body))
	var named struct{ CadreName string }
	rep.JSON(t, &named)
	require.Equal(t, "张三", named.CadreName, "the office sees the cadre's name")
}
