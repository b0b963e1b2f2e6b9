package main

import (
	"fmt"
	"io"
	"strings"
)

// verdict says how a measurement compares with its target.
type verdict int

const (
	info   verdict = iota // no target: a figure to read
	met                   // the target is met
	missed                // the target is missed; the row says why
	failed                // the measurement could not be made; the row says why
)

func (v verdict) String() string {
	return [...]string{"", "met", "**gap**", "**not measured**"}[v]
}

// row is one line of the results table.
type row struct {
	Part    string // "1 gateway", …
	Measure string
	Value   string
	Target  string
	Verdict verdict
	Note    string // for a gap: its cause; otherwise context worth a line
}

// check makes a row whose verdict follows ok; gap is the explanation shown when ok is false.
func check(part, measure, value, target string, ok bool, gap string) row {
	r := row{Part: part, Measure: measure, Value: value, Target: target, Verdict: met}
	if !ok {
		r.Verdict, r.Note = missed, gap
	}
	return r
}

// figure makes a row without a target.
func figure(part, measure, value, note string) row {
	return row{Part: part, Measure: measure, Value: value, Note: note}
}

// notMeasured makes a row for a measurement that could not be made, with the reason.
func notMeasured(part, measure, target string, err error) row {
	return row{Part: part, Measure: measure, Value: "—", Target: target, Verdict: failed, Note: oneLine(err.Error())}
}

// writeTable writes the rows as a Markdown table; "|" inside cells is escaped.
func writeTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| part | measure | value | target | verdict | note |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, r := range rows {
		cells := []string{r.Part, r.Measure, r.Value, r.Target, r.Verdict.String(), r.Note}
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(oneLine(c), "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}
