package division_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/division"
)

// FuzzParse: whatever file a county administrator uploads, the import either gets a list in
// which every town and community code is valid and every community lies in its town, or a
// bad-file error that names at most MaxReported rows; never a panic.
func FuzzParse(f *testing.F) {
	fuping, err := os.ReadFile("testdata/fuping-county.csv")
	require.NoError(f, err)
	header := "province,city,county_code,county,town_code,town,village_code,village\n"
	for _, seed := range []string{
		string(fuping),
		string(fuping[:1000]),
		header + "河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城厢村\n",
		"\ufeff" + header + "河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城厢村\r\n",
		header + "河北省,保定市,130624,阜平县,130624100,阜平镇,130625100200,城厢村\n",
		header + "河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,\"城厢\"村\"\n",
		header + "河北省,保定市,130624,阜平县,130624100,阜平镇\n",
		"county_code,county,town_code,town,village_code,village,village\n",
		"county_code,county,town_code,town,village_code\n",
		"", "\n", "\"", header,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := division.Parse(bytes.NewReader(b))
		if err != nil {
			require.ErrorIs(t, err, division.ErrBadFile)
			var de *errs.Error
			require.ErrorAs(t, err, &de)
			require.NotEmpty(t, division.RowErrors(err))
			require.LessOrEqual(t, len(division.RowErrors(err)), division.MaxReported)
			require.Empty(t, list.Towns, "a bad file imports nothing")
			return
		}
		communities := 0
		for _, town := range list.Towns {
			code, err := tenancy.ParseTown(string(town.Code))
			require.NoError(t, err)
			require.Equal(t, string(code[:6]), string(town.County))
			require.NotEmpty(t, strings.TrimSpace(town.Name))
			for _, c := range town.Communities {
				_, err := tenancy.ParseCommunity(string(c.Code))
				require.NoError(t, err)
				require.Equal(t, town.Code, c.Code.Town())
			}
			communities += len(town.Communities)
		}
		require.Equal(t, communities, list.Communities)
	})
}
