package app

import (
	"context"
	"fmt"
	"time"

	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/assessment/internal/domain/indicators"
	"dundian.local/services/assessment/internal/domain/inspection"
	"dundian.local/services/assessment/internal/domain/scoring"
)

// SourceRef says where a source record belongs: in a cadre's record of a programme year, or
// (Community) in a community's record of its petition cases; Key names the record.
type SourceRef struct {
	Community bool
	Owner     string
	Year      int
	Key       string
}

// IndicatorStore is the read model of the indicator inputs of the town in ctx.
type IndicatorStore interface {
	// Apply records a source at its revision; an older or repeated one changes nothing.
	Apply(ctx context.Context, ref SourceRef, src indicators.Source) error
	// Get returns the cadre's record of the year; found is false when nothing was recorded.
	Get(ctx context.Context, cadre string, year int) (r indicators.Record, found bool, err error)
	Cases(ctx context.Context, community string, year int) (indicators.Record, error)
	List(ctx context.Context, year int, after string, limit int) ([]indicators.Record, error)
	SetCadreName(ctx context.Context, cadre string, rev int64, name string) error
	CadreName(ctx context.Context, cadre string) (string, error)
}

// Calendars is the service's copy of the programme calendar (libs/platformcopy).
type Calendars interface {
	Calendar(ctx context.Context, town tenancy.TownCode, year int) (calendar.Calendar, error)
}

// recorded are a cadre's inputs of a year as the records stand now: the other services'
// records from the read model, the findings of the year's inspections from this service's
// own, integrity breaches (S7) counted apart. found is false when nothing at all is recorded.
func recorded(ctx context.Context, s Stores, now time.Time, year int, cadre string) (map[scoring.Indicator]scoring.Input, bool, error) {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return nil, false, err
	}
	rec, found, err := s.Indicators.Get(ctx, cadre, year)
	if err != nil {
		return nil, false, err
	}
	var cases []indicators.Record
	for _, c := range rec.Communities() {
		r, err := s.Indicators.Cases(ctx, c, year)
		if err != nil {
			return nil, false, err
		}
		cases = append(cases, r)
	}
	clock, err := clockOf(ctx, s, town, year, now)
	if err != nil {
		return nil, false, err
	}
	out := rec.Inputs(clock, cases)

	findings, err := s.Findings.List(ctx, map[string]any{"cadre": cadre, "year": year}, "", 1000)
	if err != nil {
		return nil, false, err
	}
	var other, breaches []scoring.Record
	for _, f := range findings {
		r := scoring.Record{Type: events.FindingRecorded, Subject: f.ID}
		if f.IntegrityBreach() {
			breaches = append(breaches, r)
		} else {
			other = append(other, r)
		}
	}
	out[scoring.InspectionFindings] = scoring.Input{Achieved: float64(len(other)), Records: other,
		Source: fmt.Sprintf("%s：督查记录%d条问题", events.FindingRecorded, len(other))}
	out[scoring.IntegrityBreaches] = scoring.Input{Achieved: float64(len(breaches)), Records: breaches,
		Source: fmt.Sprintf("%s：督查记录%d条违反廉洁纪律问题", events.FindingRecorded, len(breaches))}
	return out, found || len(findings) > 0, nil
}

// clockOf measures a programme year of the town by the county's calendar (the default
// programme and the published holidays until the gateway sent one).
func clockOf(ctx context.Context, s Stores, town tenancy.TownCode, year int, now time.Time) (indicators.Clock, error) {
	cal, err := s.Calendars.Calendar(ctx, town, year)
	if err != nil {
		return indicators.Clock{}, err
	}
	return indicators.Clock{Programme: cal.Programme, Now: now, ReportDue: func(m calendar.Month) (time.Time, error) {
		d, err := cal.Deadline(calendar.MonthlyReport, town, m)
		return d.Due, err
	}}, nil
}

// countFindings counts the year's serious findings and integrity breaches about a cadre.
func countFindings(fs []inspection.Finding) (serious, breaches int) {
	for _, f := range fs {
		if f.Severity == inspection.Serious {
			serious++
		}
		if f.IntegrityBreach() {
			breaches++
		}
	}
	return serious, breaches
}
