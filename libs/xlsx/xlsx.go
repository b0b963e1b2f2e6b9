// Package xlsx writes the Excel workbooks the console exports (.xlsx with Chinese headings):
// one sheet, one row per slice, numbers kept as numbers so that the town office and the county
// can sort and sum them in Excel or WPS.
package xlsx

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// ContentType is the media type of a workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Write writes a workbook of one sheet named sheet holding rows, from A1 down.
func Write(w io.Writer, sheet string, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for i, values := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &values); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}

// Row turns headings (or any strings) into a row.
func Row(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
