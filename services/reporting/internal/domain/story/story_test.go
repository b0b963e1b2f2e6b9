package story_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/services/reporting/internal/domain/story"
)

func TestStory_DraftApproveWithdraw(t *testing.T) {
	t.Parallel()
	_, err := story.New("s1", "130624100", story.Content{Title: " ", Text: "x"})
	require.ErrorIs(t, err, story.ErrInvalid)
	_, err = story.New("s1", "130624100", story.Content{Title: "t", Text: "x", Community: "130624999201"})
	require.ErrorIs(t, err, story.ErrInvalid, "a community of another town")

	s, err := story.New("s1", "130624100", story.Content{Title: "扎根村里的好干部", Text: "事迹", Community: "130624100201", Logs: []string{"log1", " "}})
	require.NoError(t, err)
	require.Equal(t, []string{"log1"}, s.Logs)
	require.NoError(t, s.Edit(story.Content{Title: "扎根村里的好干部", Text: "事迹全文"}))
	require.NoError(t, s.Approve("leader", time.Now()))
	require.ErrorIs(t, s.Edit(story.Content{Title: "x", Text: "y"}), story.ErrState, "a published story is not rewritten")
	require.ErrorIs(t, s.Approve("leader", time.Now()), story.ErrState)
	require.Equal(t, "事迹全文", s.Public().Text)
	require.NoError(t, s.Withdraw())
	require.ErrorIs(t, s.Withdraw(), story.ErrState)
}
