package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
)

// divisions is a division-code file as the gateway imports it: a header and one row per
// community, rows of a town together.
type divisions struct {
	header []string
	rows   [][]string
	towns  []string // town codes in file order
	col    map[string]int
}

// readDivisions reads a division-code CSV, gzip-compressed when the name ends in .gz.
func readDivisions(path string) (*divisions, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	return parseDivisions(r)
}

func parseDivisions(r io.Reader) (*divisions, error) {
	records, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, fmt.Errorf("empty division-code file")
	}
	d := &divisions{header: records[0], rows: records[1:], col: map[string]int{}}
	for i, name := range d.header {
		d.col[name] = i
	}
	for _, name := range []string{"town_code", "village_code"} {
		if _, ok := d.col[name]; !ok {
			return nil, fmt.Errorf("division-code file has no %s column", name)
		}
	}
	seen := map[string]bool{}
	for _, row := range d.rows {
		town := row[d.col["town_code"]]
		if !seen[town] {
			seen[town] = true
			d.towns = append(d.towns, town)
		}
	}
	return d, nil
}

// communities is the number of community rows.
func (d *divisions) communities() int { return len(d.rows) }

// firstTowns returns a file of the first n towns (all when n ≤ 0 or n exceeds them).
func (d *divisions) firstTowns(n int) *divisions {
	if n <= 0 || n >= len(d.towns) {
		return d
	}
	keep := map[string]bool{}
	for _, t := range d.towns[:n] {
		keep[t] = true
	}
	out := &divisions{header: d.header, col: d.col, towns: d.towns[:n]}
	for _, row := range d.rows {
		if keep[row[d.col["town_code"]]] {
			out.rows = append(out.rows, row)
		}
	}
	return out
}

// communitiesOf returns the community codes of one town.
func (d *divisions) communitiesOf(town string) []string {
	var out []string
	for _, row := range d.rows {
		if row[d.col["town_code"]] == town {
			out = append(out, row[d.col["village_code"]])
		}
	}
	return out
}

// csv renders the file again, for the gateway's import.
func (d *divisions) csv() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(d.header)
	_ = w.WriteAll(d.rows)
	return b.Bytes()
}
