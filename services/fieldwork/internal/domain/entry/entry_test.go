package entry_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/fieldwork/internal/domain/entry"
)

// now is 00:30 on 11 May 2026 in Beijing (still 10 May in UTC).
var now = time.Date(2026, 5, 10, 16, 30, 0, 0, time.UTC)

func content(date, text string) entry.Content {
	d, err := calendar.ParseDate(date)
	if err != nil {
		panic(err)
	}
	return entry.Content{Date: d, Text: text}
}

func TestNew_Rules(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		c  entry.Content
		ok bool
	}{
		"today in Beijing":        {content("2026-05-11", "走访"), true},
		"tomorrow":                {content("2026-05-12", "走访"), false},
		"empty text":              {content("2026-05-11", "   "), false},
		"text of 5001 characters": {content("2026-05-11", strings.Repeat("字", 5001)), false},
		"unknown task":            {func() entry.Content { c := content("2026-05-11", "x"); c.Task = "T7"; return c }(), false},
		"negative people reached": {func() entry.Content { c := content("2026-05-11", "x"); c.PeopleReached = -1; return c }(), false},
		"more than a year ago":    {content("2025-05-01", "x"), false},
		"twenty-one contacts":     {func() entry.Content { c := content("2026-05-11", "x"); c.Contacts = make([]string, 21); return c }(), false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := entry.New(entry.WorkLog, "e1", "130624100", "c1", "acc", "130624100201", tc.c, now)
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, entry.ErrInvalid)
			}
		})
	}
}

func TestEdit_KeepsThePreviousVersionAndOnlyTheAuthorEdits(t *testing.T) {
	t.Parallel()
	c := content("2026-05-11", "第一稿")
	c.Contacts = []string{"k1", "k1", " "}
	e, err := entry.New(entry.Diary, "e1", "130624100", "c1", "acc", "130624100201", c, now)
	require.NoError(t, err)
	require.Equal(t, []string{"k1"}, e.Contacts, "duplicates and blanks dropped")
	e.Rev = 1
	require.ErrorIs(t, e.Edit("c2", "acc2", content("2026-05-11", "篡改"), now), entry.ErrNotAuthor)
	require.NoError(t, e.Edit("c1", "acc", content("2026-05-11", "第二稿"), now))
	require.Equal(t, "第二稿", e.Text)
	require.Len(t, e.History, 1)
	require.Equal(t, "第一稿", e.History[0].Content.Text)
	require.EqualValues(t, 1, e.History[0].Rev)
}
