package calendar

import (
	"fmt"
	"time"

	"dundian.local/libs/errs"
)

// ProgrammeCalendar is one county's settings for one programme year (P1): its span and every
// deadline of the plan, which are county settings, never constants. The gateway stores it and
// sends it in platform.calendar.* events; services keep a copy.
//
// Yearly deadlines are days of the year, placed relative to the programme year so that a year
// that does not start on 1 January still works: the contact list and the first stay fall on
// the first such day on or after Start, the year-end report on the last such day on or before
// End, the Q1 summary on the first such day after End.
type ProgrammeCalendar struct {
	Year  int  `json:"year" bson:"year"`
	Start Date `json:"start" bson:"start"`
	End   Date `json:"end" bson:"end"`

	// O2: each cadre's one-links-five list is due at the town office.
	ContactListDue MonthDay `json:"contactListDue" bson:"contactListDue"`
	// O4: every cadre completes a first stationing.
	FirstStayDue MonthDay `json:"firstStayDue" bson:"firstStayDue"`
	// S9: the report on a month is due on this day of the following month (inclusive).
	MonthlyReportDay int `json:"monthlyReportDay" bson:"monthlyReportDay"`
	// O3: stationing days a cadre owes every month, and the hours of stays that make a
	// Beijing calendar day count as one.
	MinStationingDaysPerMonth int     `json:"minStationingDaysPerMonth" bson:"minStationingDaysPerMonth"`
	StationingDayMinHours     float64 `json:"stationingDayMinHours" bson:"stationingDayMinHours"`
	// L4: the town's written report "before year end" and its summary of the past year "in the
	// first quarter" of the next.
	YearEndReportDue MonthDay `json:"yearEndReportDue" bson:"yearEndReportDue"`
	Q1SummaryDue     MonthDay `json:"q1SummaryDue" bson:"q1SummaryDue"`
	// When set, a deadline that falls on a weekend or holiday moves to the next working day.
	ShiftToNextWorkingDay bool `json:"shiftToNextWorkingDay" bson:"shiftToNextWorkingDay"`
}

// DefaultProgramme returns the plan's own dates for a calendar-year programme. The plan says
// only "before year end" for the town's written report; 25 December is our default so that
// the county can read the reports before the year closes — a county changes it freely.
func DefaultProgramme(year int) ProgrammeCalendar {
	return ProgrammeCalendar{
		Year:                      year,
		Start:                     Date{Year: year, Month: time.January, Day: 1},
		End:                       Date{Year: year, Month: time.December, Day: 31},
		ContactListDue:            MonthDay{Month: time.April, Day: 15},
		FirstStayDue:              MonthDay{Month: time.April, Day: 30},
		MonthlyReportDay:          5,
		MinStationingDaysPerMonth: 2,
		StationingDayMinHours:     4,
		YearEndReportDue:          MonthDay{Month: time.December, Day: 25},
		Q1SummaryDue:              MonthDay{Month: time.March, Day: 31},
	}
}

const (
	minYear = 2000
	maxYear = 2100
	// A report day up to the 28th exists in every month.
	maxMonthlyReportDay = 28
)

// ErrInvalidProgramme reports settings that break a rule; its fields say which and why.
var ErrInvalidProgramme = errs.Invalid("programme-calendar-invalid",
	"the programme calendar has invalid settings", "项目年度日历设置有误")

// Validate checks the settings and names every field that is wrong.
func (p ProgrammeCalendar) Validate() error {
	var fields []errs.FieldError
	add := func(field, slug, en, zh string) { fields = append(fields, fieldErr(field, slug, en, zh)) }

	if p.Year < minYear || p.Year > maxYear {
		add("year", "year-out-of-range",
			fmt.Sprintf("the programme year must lie between %d and %d", minYear, maxYear),
			fmt.Sprintf("项目年度须在%d至%d年之间", minYear, maxYear))
	}
	spanOK := true
	switch {
	case !p.Start.Valid() || !p.End.Valid():
		add("start", "bad-span", "start and end must be real dates", "起止日期须为有效日期")
		spanOK = false
	case p.Start.Year != p.Year:
		add("start", "start-outside-year", "the programme year starts in the year it is named after",
			"项目年度须从其所称年份内开始")
		spanOK = false
	case !p.End.After(p.Start) || !p.End.Before(NewDate(p.Start.Year+1, p.Start.Month, p.Start.Day)):
		add("end", "bad-span", "the end must come after the start and within one year of it",
			"结束日期须晚于开始日期且不超过一年")
		spanOK = false
	}
	for _, md := range []struct {
		field string
		v     MonthDay
	}{
		{"contactListDue", p.ContactListDue},
		{"firstStayDue", p.FirstStayDue},
		{"yearEndReportDue", p.YearEndReportDue},
		{"q1SummaryDue", p.Q1SummaryDue},
	} {
		if !md.v.Valid() {
			add(md.field, "bad-day", "give a day of the year like 04-15 (29 February is not allowed)",
				"请填写形如04-15的日期（不可为2月29日）")
			spanOK = false
		}
	}
	if p.MonthlyReportDay < 1 || p.MonthlyReportDay > maxMonthlyReportDay {
		add("monthlyReportDay", "out-of-range",
			fmt.Sprintf("the monthly report day must lie between 1 and %d so every month has it", maxMonthlyReportDay),
			fmt.Sprintf("月报告截止日须在每月1日至%d日之间", maxMonthlyReportDay))
	}
	if p.MinStationingDaysPerMonth < 1 || p.MinStationingDaysPerMonth > 28 {
		add("minStationingDaysPerMonth", "out-of-range",
			"the stationing days per month must lie between 1 and 28", "每月蹲点天数须在1至28天之间")
	}
	if !(p.StationingDayMinHours > 0 && p.StationingDayMinHours <= 24) {
		add("stationingDayMinHours", "out-of-range",
			"the hours that make a stationing day must be more than 0 and at most 24",
			"计为一个蹲点日所需的小时数须大于0且不超过24")
	}
	if spanOK {
		// The deadlines of the year must fall inside it, or the year would have none.
		for _, k := range []DeadlineKind{ContactList, FirstStay} {
			if d, _ := p.nominal(k, Month{}); d.After(p.End) {
				add(k.field(), "outside-programme-year", "the day falls after the end of the programme year",
					"该日期晚于项目年度结束日期")
			}
		}
		if d, _ := p.nominal(YearEndReport, Month{}); d.Before(p.Start) {
			add("yearEndReportDue", "outside-programme-year", "the day falls before the start of the programme year",
				"该日期早于项目年度开始日期")
		}
	}
	if len(fields) > 0 {
		return ErrInvalidProgramme.WithFields(fields...)
	}
	return nil
}

// Contains reports whether the day lies in the programme year.
func (p ProgrammeCalendar) Contains(d Date) bool { return !d.Before(p.Start) && !d.After(p.End) }

// Months lists the months the programme year touches; each owes a monthly report.
func (p ProgrammeCalendar) Months() []Month {
	var out []Month
	for m := p.Start.YearMonth(); !m.First().After(p.End); m = m.Next() {
		out = append(out, m)
	}
	return out
}

// ContainsMonth reports whether the month overlaps the programme year.
func (p ProgrammeCalendar) ContainsMonth(m Month) bool {
	return m.Valid() && !m.Last().Before(p.Start) && !m.First().After(p.End)
}

// StationingDays applies the county's counting rule (O3) to a cadre's stays.
func (p ProgrammeCalendar) StationingDays(stays []Interval) []Date {
	return StationingDays(stays, p.StationingDayMinHours)
}

// MeetsStationingMinimum reports whether the stationing days in the month reach the county's
// minimum.
func (p ProgrammeCalendar) MeetsStationingMinimum(days []Date, m Month) bool {
	return CountInMonth(days, m) >= p.MinStationingDaysPerMonth
}

// nominal is the day the settings name for a deadline, before any shift or override. The
// month matters only for monthly reports.
func (p ProgrammeCalendar) nominal(kind DeadlineKind, m Month) (Date, error) {
	switch kind {
	case ContactList:
		return firstOnOrAfter(p.ContactListDue, p.Start), nil
	case FirstStay:
		return firstOnOrAfter(p.FirstStayDue, p.Start), nil
	case YearEndReport:
		return lastOnOrBefore(p.YearEndReportDue, p.End), nil
	case Q1Summary:
		return firstOnOrAfter(p.Q1SummaryDue, p.End.AddDays(1)), nil
	case MonthlyReport:
		if !p.ContainsMonth(m) {
			return Date{}, ErrMonthOutsideProgramme.WithDetail(
				fmt.Sprintf("%s is not in programme year %d", m, p.Year),
				fmt.Sprintf("%s不在%d项目年度内", m, p.Year))
		}
		next := m.Next()
		return Date{Year: next.Year, Month: next.Month, Day: p.MonthlyReportDay}, nil
	}
	return Date{}, ErrUnknownDeadlineKind.WithDetail(string(kind), string(kind))
}

func firstOnOrAfter(md MonthDay, from Date) Date {
	d := md.In(from.Year)
	if d.Before(from) {
		d = md.In(from.Year + 1)
	}
	return d
}

func lastOnOrBefore(md MonthDay, to Date) Date {
	d := md.In(to.Year)
	if d.After(to) {
		d = md.In(to.Year - 1)
	}
	return d
}
