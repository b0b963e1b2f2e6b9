package station_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/fieldwork/internal/domain/station"
)

var now = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

func TestRecord_Rules(t *testing.T) {
	t.Parallel()
	yesterday := calendar.BeijingDay(now).AddDays(-1)
	tomorrow := calendar.BeijingDay(now).AddDays(1)
	for name, tc := range map[string]struct {
		s  station.State
		ok bool
	}{
		"planned with services":       {station.State{Status: station.Planned, Services: []string{"代办社保", "代缴电费"}}, true},
		"open with its opening day":   {station.State{Status: station.Open, Opened: &yesterday}, true},
		"open without an opening day": {station.State{Status: station.Open}, false},
		"opening in the future":       {station.State{Status: station.Building, Opened: &tomorrow}, false},
		"unknown status":              {station.State{Status: "done"}, false},
		"a service name too long":     {station.State{Status: station.Planned, Services: []string{"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"}}, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := station.New("130624100", "130624100201", tc.s, "acc", now)
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, station.ErrInvalid)
			}
		})
	}
}

func TestRecord_KeepsTheHistoryAndDropsDuplicateServices(t *testing.T) {
	t.Parallel()
	st, err := station.New("130624100", "130624100201", station.State{Status: station.Planned, Services: []string{"代办社保", "代办社保", " "}}, "acc", now)
	require.NoError(t, err)
	require.Equal(t, []string{"代办社保"}, st.Services)
	opened := calendar.BeijingDay(now)
	require.NoError(t, st.Record(station.State{Status: station.Open, Opened: &opened, Note: "村委会一楼"}, "office", now))
	require.Equal(t, station.Open, st.Status)
	require.Len(t, st.History, 2)
	require.Equal(t, station.Planned, st.History[0].Status)
}
