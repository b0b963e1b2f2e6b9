package service_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/tasks"
	"dundian.local/libs/testkit"
)

type dueTask struct {
	Service     string `json:"service"`
	Task        task   `json:"task"`
	Overdue     bool   `json:"overdue"`
	DaysOverdue int    `json:"daysOverdue"`
}

func TestDueTasks_EveryServicesOpenTasksOnceEach(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	by := tasks.Actor{AccountID: "office"}
	taskEvent := func(typ, id string, kind tasks.Kind, due time.Time) events.Envelope {
		tk, err := tasks.New(tasks.Draft{ID: id, Town: town, Kind: kind, Title: "整改" + id,
			Owner: tasks.Owner{Kind: tasks.OwnerCadre, ID: "c1"}, Due: due,
			Source: tasks.Source{Service: "x", Entity: "y", ID: "z"}}, by, time.Now())
		require.NoError(t, err)
		ev := events.MustNew(typ, town, "office", id, tk)
		ev.Rev = tk.Rev
		return ev
	}
	overdue := taskEvent(events.AssessmentTaskOpened, "a1", tasks.Rectification, time.Now().Add(-72*time.Hour))
	petition := taskEvent(events.TaskCreated, "p1", tasks.ResolutionStep, time.Time{})
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	ctx := context.Background()
	for range 2 { // a replay changes nothing
		require.NoError(t, pub.Publish(ctx, events.Topic(events.Assessment), overdue))
		require.NoError(t, pub.Publish(ctx, events.Topic(events.Petitions), petition))
	}

	// an action item of a meeting arrives through reporting's own events
	officer := office(town)
	r := s.Do(t, officer, http.MethodPost, fmt.Sprintf("/api/v1/towns/%s/meetings", town), map[string]any{"title": "调度会", "scheduledAt": time.Now()})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var mt meetingBody
	r.JSON(t, &mt)
	require.Equal(t, http.StatusCreated, s.Do(t, officer, http.MethodPost, fmt.Sprintf("/api/v1/towns/%s/meetings/%s/action-items", town, mt.ID),
		map[string]any{"title": "修路", "owner": map[string]any{"kind": "cadre", "id": "c1"}, "due": time.Now().AddDate(0, 0, 20).Format("2006-01-02")}).Status)

	due := func(p auth.Principal) []dueTask {
		r := s.Do(t, p, http.MethodGet, fmt.Sprintf("/api/v1/towns/%s/tasks/due", town), nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var body struct{ Items []dueTask }
		r.JSON(t, &body)
		return body.Items
	}
	testkit.Eventually(t, 60*time.Second, func() bool { return len(due(officer)) == 3 })
	mine := due(cadre(town, "c1"))
	require.Len(t, mine, 3)
	require.Equal(t, "assessment", mine[0].Service, "the overdue task comes first")
	require.True(t, mine[0].Overdue)
	require.Equal(t, 3, mine[0].DaysOverdue)
	require.Equal(t, "reporting", mine[1].Service)
	require.Equal(t, "petitions", mine[2].Service, "tasks without a due day come last")
	require.Empty(t, due(cadre(town, "c2")), "a cadre sees only the tasks they own")
}
