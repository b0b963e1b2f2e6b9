package sheet_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/fieldwork/internal/domain/sheet"
)

const community = "130624100201"

func pending(t *testing.T) sheet.Sheet {
	t.Helper()
	s, err := sheet.Generate("130624100", community, calendar.Month{Year: 2026, Month: time.May},
		[]sheet.Row{{Cadre: "c1", Count: 2}}, "office", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	return s
}

func TestSheet_ConfirmLocksIt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	s := pending(t)
	require.Equal(t, "130624100201-2026-05", s.ID)
	require.ErrorIs(t, s.Confirm("130624100202", "sec2", "", now), sheet.ErrNotYours)
	require.NoError(t, s.Confirm(community, "sec", "属实", now))
	require.Equal(t, sheet.Confirmed, s.Status)
	require.ErrorIs(t, s.Regenerate(nil, "office", now), sheet.ErrLocked)
	require.ErrorIs(t, s.Dispute(community, "sec", "错了", now), sheet.ErrLocked)
	require.ErrorIs(t, s.Confirm(community, "sec", "", now), sheet.ErrLocked)
	require.Len(t, s.History, 2)
}

func TestSheet_DisputeNeedsACommentAndIsRegenerated(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC)
	s := pending(t)
	require.ErrorIs(t, s.Dispute(community, "sec", "  ", now), sheet.ErrComment)
	require.NoError(t, s.Dispute(community, "sec", "12日未到", now))
	require.Equal(t, sheet.Disputed, s.Status)
	require.NoError(t, s.Regenerate([]sheet.Row{}, "office", now))
	require.Equal(t, sheet.Pending, s.Status)
	require.Empty(t, s.Comment)
}

func TestGenerate_RefusesAMonthNotBegun(t *testing.T) {
	t.Parallel()
	_, err := sheet.Generate("130624100", community, calendar.Month{Year: 2026, Month: time.July}, nil, "office",
		time.Date(2026, 6, 30, 15, 0, 0, 0, time.UTC)) // 23:00 on 30 June in Beijing
	require.ErrorIs(t, err, sheet.ErrMonth)
	_, err = sheet.Generate("130624100", community, calendar.Month{Year: 2026, Month: time.July}, nil, "office",
		time.Date(2026, 6, 30, 16, 0, 0, 0, time.UTC)) // midnight: 1 July in Beijing
	require.NoError(t, err)
}
