package settings_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/gateway/internal/domain/settings"
)

// FuzzValidate: settings sent as JSON are accepted exactly when every field holds one of its
// allowed values, and refused with the one domain error naming fields otherwise; accepted
// settings survive a JSON round trip unchanged.
func FuzzValidate(f *testing.F) {
	for _, seed := range []string{
		`{"locationEvidence":"off","photoEvidence":"optional","diaryVisibility":"branch","responseDueDays":15}`,
		`{"locationEvidence":"required","photoEvidence":"off","diaryVisibility":"town_office","responseDueDays":90,"rankingsShown":true}`,
		`{"locationEvidence":"OFF","photoEvidence":"optional","diaryVisibility":"branch","responseDueDays":15}`,
		`{"locationEvidence":"off","photoEvidence":"optional","diaryVisibility":"branch","responseDueDays":0}`,
		`{"locationEvidence":"off","photoEvidence":"optional","diaryVisibility":"branch","responseDueDays":91}`,
		`{"responseDueDays":-9223372036854775808}`, `{}`, `null`, `[]`, `{"rev":1e400}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s settings.Settings
		if json.Unmarshal(b, &s) != nil {
			return // refused by the JSON decoder before validation
		}
		allowed := map[settings.Evidence]bool{settings.Off: true, settings.Optional: true, settings.Required: true}
		ok := allowed[s.LocationEvidence] && allowed[s.PhotoEvidence] &&
			(s.DiaryVisibility == settings.DiaryTownOffice || s.DiaryVisibility == settings.DiaryBranch) &&
			s.ResponseDueDays >= settings.MinResponseDueDays && s.ResponseDueDays <= settings.MaxResponseDueDays
		err := s.Validate()
		if !ok {
			require.ErrorIs(t, err, settings.ErrInvalid)
			return
		}
		require.NoError(t, err)
		raw, err := json.Marshal(s)
		require.NoError(t, err)
		var back settings.Settings
		require.NoError(t, json.Unmarshal(raw, &back))
		require.Equal(t, s.LocationEvidence, back.LocationEvidence)
		require.Equal(t, s.PhotoEvidence, back.PhotoEvidence)
		require.Equal(t, s.DiaryVisibility, back.DiaryVisibility)
		require.Equal(t, s.ResponseDueDays, back.ResponseDueDays)
		require.Equal(t, s.RankingsShown, back.RankingsShown)
		require.NoError(t, back.Validate())
	})
}
