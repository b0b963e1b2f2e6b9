package xlsx_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"dundian.local/libs/xlsx"
)

func TestWrite_KeepsTheSheetNameTextAndNumbers(t *testing.T) {
	t.Parallel()
	var body bytes.Buffer
	require.NoError(t, xlsx.Write(&body, "年终考核", [][]any{xlsx.Row([]string{"干部", "得分"}), {"张三<&>", 86.5}, {"李四", 90}}))
	f, err := excelize.OpenReader(&body)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	require.Equal(t, []string{"年终考核"}, f.GetSheetList())

	rows, err := f.GetRows("年终考核")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"干部", "得分"}, {"张三<&>", "86.5"}, {"李四", "90"}}, rows, "text comes back as written")
	for _, cell := range []string{"B2", "B3"} {
		typ, err := f.GetCellType("年终考核", cell)
		require.NoError(t, err)
		// a cell without a type is a number in Office Open XML
		require.Contains(t, []excelize.CellType{excelize.CellTypeUnset, excelize.CellTypeNumber}, typ,
			"%s: numbers stay numbers", cell)
	}
}
