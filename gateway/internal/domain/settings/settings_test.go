package settings_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"

	"dundian.local/gateway/internal/domain/settings"
)

func TestDefault_IsPrivacyPreservingAndValid(t *testing.T) {
	t.Parallel()
	d := settings.Default()
	require.NoError(t, d.Validate())
	require.Equal(t, settings.Off, d.LocationEvidence)
	require.Equal(t, settings.Optional, d.PhotoEvidence)
	require.False(t, d.RankingsShown)
	require.Equal(t, 15, d.ResponseDueDays)
}

func TestValidate_NamesWrongFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*settings.Settings)
		field string
	}{
		{"location evidence", func(s *settings.Settings) { s.LocationEvidence = "always" }, "locationEvidence"},
		{"photo evidence", func(s *settings.Settings) { s.PhotoEvidence = "" }, "photoEvidence"},
		{"diary visibility", func(s *settings.Settings) { s.DiaryVisibility = "public" }, "diaryVisibility"},
		{"zero response days", func(s *settings.Settings) { s.ResponseDueDays = 0 }, "responseDueDays"},
		{"too many response days", func(s *settings.Settings) { s.ResponseDueDays = 91 }, "responseDueDays"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := settings.Default()
			tc.edit(&s)
			err := s.Validate()
			require.ErrorIs(t, err, settings.ErrInvalid)
			e, _ := errs.As(err)
			require.Equal(t, tc.field, e.Fields[0].Field)
		})
	}
}
