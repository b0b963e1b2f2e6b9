package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestColumn_Names(t *testing.T) {
	t.Parallel()
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		require.Equal(t, want, column(i), i)
	}
}

func TestWrite_AWorkbookWhosePartsAreWellFormed(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, "年终考核", [][]any{{"干部", "得分"}, {"张三<&>", 86.5}, {"李四", 90}}))
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	names := map[string]string{}
	for _, f := range z.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		names[f.Name] = string(b)
		dec := xml.NewDecoder(bytes.NewReader(b))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, "%s is well-formed XML", f.Name)
		}
	}
	require.Contains(t, names, "[Content_Types].xml")
	sheet := names["xl/worksheets/sheet1.xml"]
	require.Contains(t, sheet, `<c r="B2"><v>86.5</v></c>`, "numbers stay numbers")
	require.Contains(t, sheet, `张三&lt;&amp;&gt;`, "text is escaped")
	require.Contains(t, sheet, `<c r="B3"><v>90</v></c>`)
	require.Contains(t, names["xl/workbook.xml"], `name="年终考核"`)
}
