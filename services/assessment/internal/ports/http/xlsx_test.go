package http

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

func TestWorkbook_KeepsTheSheetNameTextAndNumbers(t *testing.T) {
	t.Parallel()
	body, err := workbook("年终考核", [][]any{{"干部", "得分"}, {"张三<&>", 86.5}, {"李四", 90}})
	require.NoError(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(body))
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
