package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
	"dundian.local/libs/objects"
)

func TestPercentile_NearestRank(t *testing.T) {
	t.Parallel()
	ten := sample{}
	for i := 10; i >= 1; i-- { // unsorted on purpose
		ten = append(ten, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		name string
		s    sample
		p    float64
		want time.Duration
	}{
		{"empty sample is zero", nil, 50, 0},
		{"single value is every percentile", sample{7 * time.Millisecond}, 99, 7 * time.Millisecond},
		{"median of ten is the fifth", ten, 50, 5 * time.Millisecond},
		{"p99 of ten is the largest", ten, 99, 10 * time.Millisecond},
		{"p10 of ten is the smallest", ten, 10, time.Millisecond},
		{"p100 is the maximum", ten, 100, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.s.percentile(tt.p))
		})
	}
}

func TestPercentile_LeavesTheSampleUnsorted(t *testing.T) {
	t.Parallel()
	s := sample{3, 1, 2}
	_ = s.percentile(50)
	require.Equal(t, sample{3, 1, 2}, s)
}

func TestRatio_ZeroDenominatorIsNaNNotAResult(t *testing.T) {
	t.Parallel()
	require.True(t, math.IsNaN(ratio(5, 0)))
	require.InDelta(t, 0.5, ratio(1, 2), 1e-9)
}

func TestWriteTable_EveryRowWithItsVerdictAndGap(t *testing.T) {
	t.Parallel()
	rows := []row{
		check("1 gateway", "gateway ÷ direct", "0.72×", "≥ 0.6×", true, "unused"),
		check("1 gateway", "p50 added", "1.60 ms", "≤ 1 ms", false, "two Ed25519\noperations | a hop"),
		figure("5 footprint", "idle RSS of gateway", "30.0 MiB", ""),
		notMeasured("1 gateway", "gateway ÷ nginx", "≥ 1.0×", errors.New("no peer proxy")),
	}
	var b bytes.Buffer
	writeTable(&b, rows)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 2+len(rows), "a header, a rule and one line per row")
	require.Equal(t, "| 1 gateway | gateway ÷ direct | 0.72× | ≥ 0.6× | met |  |", lines[2])
	require.Equal(t, `| 1 gateway | p50 added | 1.60 ms | ≤ 1 ms | **gap** | two Ed25519 operations \| a hop |`, lines[3])
	require.Equal(t, "| 5 footprint | idle RSS of gateway | 30.0 MiB |  |  |  |", lines[4])
	require.Equal(t, "| 1 gateway | gateway ÷ nginx | — | ≥ 1.0× | **not measured** | no peer proxy |", lines[5])
}

func TestFormatting_Units(t *testing.T) {
	t.Parallel()
	tests := []struct{ got, want string }{
		{ms(1234 * time.Microsecond), "1.23 ms"},
		{ms(56789 * time.Microsecond), "56.8 ms"},
		{ms(2500 * time.Millisecond), "2.50 s"},
		{mib(32 << 20), "32.0 MiB"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.got)
	}
}

const divisionsCSV = `county_code,county,town_code,town,village_code,village
130102,长安区,130102001,建北街道,130102001001,棉一东社区
130102,长安区,130102001,建北街道,130102001002,光华路社区
130102,长安区,130102002,青园街道,130102002001,青园社区
130103,桥西区,130103001,东里街道,130103001001,东里社区
`

func TestDivisions_TownsInFileOrderWithTheirCommunities(t *testing.T) {
	t.Parallel()
	d, err := parseDivisions(strings.NewReader(divisionsCSV))
	require.NoError(t, err)
	require.Equal(t, []string{"130102001", "130102002", "130103001"}, d.towns)
	require.Equal(t, 4, d.communities())
	require.Equal(t, []string{"130102001001", "130102001002"}, d.communitiesOf("130102001"))

	two := d.firstTowns(2)
	require.Equal(t, []string{"130102001", "130102002"}, two.towns)
	require.Equal(t, 3, two.communities())
	again, err := parseDivisions(bytes.NewReader(two.csv()))
	require.NoError(t, err, "a subset is itself an importable file")
	require.Equal(t, two.towns, again.towns)
	require.Same(t, d, d.firstTowns(0), "n ≤ 0 means every town")
}

func TestDivisions_FileWithoutTownColumnIsRefused(t *testing.T) {
	t.Parallel()
	_, err := parseDivisions(strings.NewReader("county_code,village_code\n130102,130102001001\n"))
	require.ErrorContains(t, err, "town_code")
}

func TestReadDivisions_GzipAndPlain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain := filepath.Join(dir, "towns.csv")
	require.NoError(t, os.WriteFile(plain, []byte(divisionsCSV), 0o644))
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, _ = w.Write([]byte(divisionsCSV))
	require.NoError(t, w.Close())
	packed := filepath.Join(dir, "towns.csv.gz")
	require.NoError(t, os.WriteFile(packed, gz.Bytes(), 0o644))
	for _, path := range []string{plain, packed} {
		d, err := readDivisions(path)
		require.NoError(t, err, path)
		require.Len(t, d.towns, 3, path)
	}
}

func TestReadDivisions_TheShippedProvinceFile(t *testing.T) {
	t.Parallel()
	d, err := readDivisions(filepath.Join("data", "hebei-province.csv.gz"))
	require.NoError(t, err)
	require.Equal(t, 54_145, d.communities())
	require.Greater(t, len(d.towns), 2_300)
}

func TestParseParts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"", []int{1, 2, 3, 4, 5, 6}, false},
		{"3,1", []int{1, 3}, false},
		{" 2 , 2 ", []int{2}, false},
		{"7", nil, true},
		{"x", nil, true},
	}
	for _, tt := range tests {
		got, err := parseParts(tt.in)
		if tt.wantErr {
			require.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

func TestLastYear_TwelveMonthsBeforeNowOldestFirst(t *testing.T) {
	t.Parallel()
	got := lastYear(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	require.Len(t, got, 12)
	require.Equal(t, calendar.Month{Year: 2025, Month: time.March}, got[0])
	require.Equal(t, calendar.Month{Year: 2026, Month: time.February}, got[11])
}

func TestVideoBody_SniffsAsAVideoAndHasTheExactSize(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	n, err := b.ReadFrom(newVideoBody(1 << 20))
	require.NoError(t, err)
	require.EqualValues(t, 1<<20, n)
	typ, _, err := objects.Sniff(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	require.Equal(t, objects.TypeMP4, typ)
}

func TestReadMemory_OwnProcess(t *testing.T) {
	t.Parallel()
	m, err := readMemory(os.Getpid())
	require.NoError(t, err)
	require.Positive(t, m.RSS)
	require.GreaterOrEqual(t, m.HWM, m.RSS)
}

func TestRunOrder_CapacityRunsLast(t *testing.T) {
	t.Parallel()
	require.Equal(t, []int{1, 2, 4, 5, 6, 3}, runOrder([]int{1, 2, 3, 4, 5, 6}))
	require.Equal(t, []int{1, 2}, runOrder([]int{1, 2}))
	require.Equal(t, []int{3}, runOrder([]int{3}))
}
