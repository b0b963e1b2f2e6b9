package service_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/events"
	"dundian.local/libs/process"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/testkit"
	"dundian.local/services/assessment/internal/app"
	"dundian.local/services/assessment/internal/service"
)

// TestRecallTriggers_ASilentCadreIsFoundWhenTheMonthsPass: a cadre linked in January who then
// records nothing sends no event, yet two months below the minimum raise a case once they
// have passed. Year 2099: the shared process (on today's clock) owes no month of it yet.
func TestRecallTriggers_ASilentCadreIsFoundWhenTheMonthsPass(t *testing.T) {
	t.Parallel()
	var now atomic.Pointer[time.Time]
	set := func(tm time.Time) { now.Store(&tm) }
	set(beijing(2099, 2, 10, 9))
	var a app.Application
	s := processtest.Start(t, service.Name, func(ctx context.Context, p *process.Process) error {
		var err error
		a, err = service.New(ctx, p, service.Options{Now: func() time.Time { return *now.Load() }, SweepEvery: time.Hour})
		return err
	})
	town := testkit.NewTown(t)
	x := "c-" + uuid.NewString()[:8]
	created := event(town, events.TownCreated, string(town), 1, events.TownCreatedData{Code: string(town), Name: "静默镇"})
	link := event(town, events.AssignmentLinked, x+"|2099", 1, events.AssignmentData{
		ID: x + "|2099", Town: string(town), Cadre: x, Year: 2099, Community: string(town) + "201"})
	link.OccurredAt = beijing(2099, 1, 5, 9)
	publish(t, created, event(town, events.CadreAdded, x, 1, events.CadreData{ID: x, Name: "赵六", Status: "active"}), link)
	testkit.Eventually(t, 60*time.Second, func() bool {
		_, status := getDraft(t, s, office(town), town, 2099, x)
		return status == 200
	}, "the link reaches the indicators")

	// 10 February: January alone is owed and missed — one month, below the county's two.
	_, err := a.Projection.Sweep(context.Background())
	require.NoError(t, err)
	require.Zero(t, triggers(t, s, town, x)["missed_days"])

	// 10 March: January and February have passed without a stationing day.
	set(beijing(2099, 3, 10, 9))
	testkit.Eventually(t, 60*time.Second, func() bool { // the town may still be on its way to the list
		_, err := a.Projection.Sweep(context.Background())
		require.NoError(t, err)
		return triggers(t, s, town, x)["missed_days"] == 1
	}, "the sweep raises the case no event would")
	_, err = a.Projection.Sweep(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, triggers(t, s, town, x)["missed_days"], "and only once")
}
