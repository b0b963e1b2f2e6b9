package rating_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/services/petitions/internal/domain/rating"
)

func TestNew_ScoreAndCommentLimits(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 4, 30, 17, 0, 0, 0, time.UTC) // 1 May in Beijing
	cases := []struct {
		name    string
		score   int
		comment string
		ok      bool
	}{
		{"one", 1, "", true},
		{"five with a comment", 5, "很负责", true},
		{"zero", 0, "", false},
		{"six", 6, "", false},
		{"comment too long", 3, string(make([]rune, rating.MaxComment+1)), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := rating.New("r1", "330102001", "330102001201", "c1", tc.score, tc.comment, at)
			if !tc.ok {
				require.ErrorIs(t, err, rating.ErrInvalid)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "2026-05", r.Month, "the Beijing month")
			require.Equal(t, rating.Pending, r.Review)
		})
	}
}

func TestLimitKeys_PerDeviceAndPhone_PerCadreAndMonth(t *testing.T) {
	t.Parallel()
	key := []byte("k")
	may, june := calendar.Month{Year: 2026, Month: time.May}, calendar.Month{Year: 2026, Month: time.June}
	a := rating.LimitKeys(key, "c1", may, "dev-1", "138 1234 5678")
	require.Len(t, a, 2)
	require.Equal(t, a, rating.LimitKeys(key, "c1", may, "dev-1", "13812345678"), "the same phone however written")
	require.NotEqual(t, a, rating.LimitKeys(key, "c1", june, "dev-1", "13812345678"), "a new month")
	require.NotEqual(t, a, rating.LimitKeys(key, "c2", may, "dev-1", "13812345678"), "another cadre")
	require.Len(t, rating.LimitKeys(key, "c1", may, "dev-1", ""), 1)
	for _, k := range a {
		require.NotContains(t, k, "13812345678")
		require.NotContains(t, k, "dev-1")
	}
	require.Equal(t, "c1|2026-05", rating.AggregateID("c1", may))
}

func TestFlag_Once(t *testing.T) {
	t.Parallel()
	r, err := rating.New("r1", "330102001", "330102001201", "c1", 1, "", time.Now())
	require.NoError(t, err)
	r.Flag(rating.FlagBurst)
	r.Flag(rating.FlagBurst)
	require.Equal(t, []rating.Flag{rating.FlagBurst}, r.Flags)
}

func TestDecide_OnceAcceptOrReject(t *testing.T) {
	t.Parallel()
	r, err := rating.New("r1", "330102001", "330102001201", "c1", 2, "", time.Now())
	require.NoError(t, err)
	require.ErrorIs(t, r.Decide(rating.Pending, "office", time.Now()), rating.ErrBadDecision)
	require.NoError(t, r.Decide(rating.Accepted, "office", time.Now()))
	require.Equal(t, rating.Accepted, r.Review)
	require.EqualValues(t, 2, r.Rev)
	require.ErrorIs(t, r.Decide(rating.Rejected, "office", time.Now()), rating.ErrReviewed)
}
