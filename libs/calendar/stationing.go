package calendar

import (
	"slices"
	"time"
)

// Interval is a span of time, such as a recorded stay: from Start (included) to End
// (excluded).
type Interval struct {
	Start time.Time `json:"start" bson:"start"`
	End   time.Time `json:"end" bson:"end"`
}

// StationingDays applies the counting rule of O3: a Beijing calendar day counts as a
// stationing day when the cadre's stays cover at least minHours of it. Overlapping stays are
// counted once (two records of the same afternoon are not eight hours), and a stay that
// crosses midnight counts towards both days, so 18:00 to 09:00 gives 6 and 9 hours: two days
// with the default of 4.
//
// Stays whose End is not after Start (including a stay still open, with a zero End) add
// nothing; pass the current instant as End to count an open stay so far. A minHours of 0 or
// less counts every day a stay touches. The days come back in order, each once.
func StationingDays(stays []Interval, minHours float64) []Date {
	covered := map[Date]time.Duration{}
	for _, iv := range union(stays) {
		for d := BeijingDay(iv.Start); d.Start().Before(iv.End); d = d.AddDays(1) {
			from, to := maxTime(iv.Start, d.Start()), minTime(iv.End, d.AddDays(1).Start())
			covered[d] += to.Sub(from)
		}
	}
	threshold := time.Duration(minHours * float64(time.Hour))
	var days []Date
	for d, c := range covered {
		if c >= threshold {
			days = append(days, d)
		}
	}
	slices.SortFunc(days, Date.Compare)
	return days
}

// CountInMonth counts the distinct days that fall in the month.
func CountInMonth(days []Date, m Month) int {
	seen := map[Date]bool{}
	for _, d := range days {
		if m.Contains(d) {
			seen[d] = true
		}
	}
	return len(seen)
}

// union merges overlapping and touching intervals and drops empty ones.
func union(in []Interval) []Interval {
	var ivs []Interval
	for _, iv := range in {
		if iv.End.After(iv.Start) {
			ivs = append(ivs, iv)
		}
	}
	slices.SortFunc(ivs, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	var out []Interval
	for _, iv := range ivs {
		if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
			out[n-1].End = maxTime(out[n-1].End, iv.End)
			continue
		}
		out = append(out, iv)
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
