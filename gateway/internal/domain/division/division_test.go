package division_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/errs"

	"dundian.local/gateway/internal/domain/division"
)

func TestParse_FupingCounty_Has14TownsAnd213Communities(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/fuping-county.csv")
	require.NoError(t, err)
	defer f.Close()
	list, err := division.Parse(f)
	require.NoError(t, err)
	require.Len(t, list.Towns, 14)
	require.Equal(t, 213, list.Communities)
	first := list.Towns[0]
	require.Equal(t, "130624100", string(first.Code))
	require.Equal(t, "阜平镇", first.Name)
	require.Equal(t, "130624", string(first.County))
	require.Equal(t, "阜平县", first.CountyName)
	require.Equal(t, 2, first.Line)
	n := 0
	for _, tw := range list.Towns {
		for _, c := range tw.Communities {
			require.Equal(t, tw.Code, c.Code.Town())
			n++
		}
	}
	require.Equal(t, 213, n)
}

func TestParse_AcceptsHeaderWithoutProvinceAndCityAndWithBOM(t *testing.T) {
	t.Parallel()
	in := "\ufeffcounty_code,county,town_code,town,village_code,village\r\n" +
		"130102,长安区,130102001,建北街道,130102001001,棉一东社区居民委员会\r\n" +
		"130102,长安区,130102001,建北街道,130102001002,光华路社区居民委员会\r\n" +
		"130102,长安区,130102002,西长街街道,130102002001,\"西长街社区居民委员会\"\r\n"
	list, err := division.Parse(strings.NewReader(in))
	require.NoError(t, err)
	require.Len(t, list.Towns, 2)
	require.Len(t, list.Towns[0].Communities, 2)
	require.Equal(t, "西长街社区居民委员会", list.Towns[1].Communities[0].Name)
}

const header = "province,city,county_code,county,town_code,town,village_code,village\n"

func TestParse_BadRows_AreReportedWithTheirLineNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		rows  string
		field string // "line[n].column" of the first error
		code  string
	}{
		{"short county code", "河北省,保定市,13062,阜平县,130624100,阜平镇,130624100200,城厢村\n", "line[2].county_code", "bad-code-length"},
		{"long town code", "河北省,保定市,130624,阜平县,1306241000,阜平镇,130624100200,城厢村\n", "line[2].town_code", "bad-code-length"},
		{"letters in village code", "河北省,保定市,130624,阜平县,130624100,阜平镇,13062410020x,城厢村\n", "line[2].village_code", "bad-code-length"},
		{"village not under its town", "河北省,保定市,130624,阜平县,130624100,阜平镇,130624101200,城厢村\n", "line[2].village_code", "village-not-in-town"},
		{"town not in county", "河北省,保定市,130624,阜平县,130625100,阜平镇,130625100200,城厢村\n", "line[2].town_code", "town-not-in-county"},
		{"empty village name", "河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200, \n", "line[2].village", "empty-name"},
		{"empty town name", "河北省,保定市,130624,阜平县,130624100,,130624100200,城厢村\n", "line[2].town", "empty-name"},
		{"wrong column count", "河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200\n", "line[2]", "column-count"},
		{"duplicate village code", "河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城厢村\n" +
			"河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城厢村\n", "line[3].village_code", "duplicate-code"},
		{"conflicting town names", "河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城厢村\n" +
			"河北省,保定市,130624,阜平县,130624100,阜平乡,130624100201,青沿村\n", "line[3].town", "conflicting-name"},
		{"conflicting county names", "河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城厢村\n" +
			"河北省,保定市,130624,阜平区,130624100,阜平镇,130624100201,青沿村\n", "line[3].county", "conflicting-name"},
		{"not UTF-8 (GBK from Excel)", "河北省,保定市,130624,\xb8\xb7\xc6\xbd\xcf\xd8,130624100,阜平镇,130624100200,城厢村\n", "line[2]", "not-utf8"},
		{"bad quotes", "河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城\"厢村\n", "line[2]", "csv-syntax"},
		{"no rows", "", "line[2]", "no-rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := division.Parse(strings.NewReader(header + tc.rows))
			require.ErrorIs(t, err, division.ErrBadFile)
			e, ok := errs.As(err)
			require.True(t, ok)
			require.NotEmpty(t, e.Fields)
			require.Equal(t, tc.field, e.Fields[0].Field)
			require.Equal(t, tc.code, e.Fields[0].Slug)
			require.True(t, strings.HasPrefix(e.Fields[0].Zh, "第 "), e.Fields[0].Zh)
		})
	}
}

func TestParse_ReportsEveryBadRowNotOnlyTheFirst(t *testing.T) {
	t.Parallel()
	in := header +
		"河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城厢村\n" +
		"河北省,保定市,130624,阜平县,130624100,阜平镇,13062410020,青沿村\n" +
		"河北省,保定市,130624,阜平县,130624100,阜平镇,130624100202,照旺台村\n" +
		"河北省,保定市,130624,阜平县,130624100,阜平镇,130624109203,\n"
	_, err := division.Parse(strings.NewReader(in))
	e, ok := errs.As(err)
	require.True(t, ok)
	var lines []string
	for _, f := range e.Fields {
		lines = append(lines, f.Field)
	}
	require.Equal(t, []string{"line[3].village_code", "line[5].village_code", "line[5].village"}, lines)
	rows := division.RowErrors(err)
	require.Len(t, rows, 3)
	require.Equal(t, 5, rows[2].Line)
}

func TestParse_BadHeader(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"empty":          "",
		"missing column": "county_code,county,town_code,town,village\n",
		"unknown column": "county_code,county,town_code,town,village_code,village,population\n",
		"twice":          "county_code,county,town_code,town,village_code,village,town\n",
	} {
		_, err := division.Parse(strings.NewReader(in))
		require.ErrorIs(t, err, division.ErrBadFile, name)
		e, _ := errs.As(err)
		require.True(t, strings.HasPrefix(e.Fields[0].Field, "line[1]"), name)
	}
}

func TestParse_CapsReportedErrorsButCountsAll(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(header)
	for i := range division.MaxReported + 20 {
		fmt.Fprintf(&b, "河北省,保定市,130624,阜平县,130624100,阜平镇,1306241%05d,\n", i)
	}
	_, err := division.Parse(strings.NewReader(b.String()))
	e, ok := errs.As(err)
	require.True(t, ok)
	require.Len(t, e.Fields, division.MaxReported+1)
	require.Equal(t, "more-errors", e.Fields[division.MaxReported].Slug)
	require.Contains(t, e.Zh, fmt.Sprint(division.MaxReported+20))
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestParse_PassesReaderFailuresThrough(t *testing.T) {
	t.Parallel()
	_, err := division.Parse(failingReader{})
	require.Error(t, err)
	require.NotErrorIs(t, err, division.ErrBadFile)
}
