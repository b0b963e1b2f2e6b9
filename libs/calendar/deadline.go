// Package calendar computes every effective deadline of the programme (ARCHITECTURE
// "Deadlines"): the county's programme calendar, the national holiday table and the
// extensions granted to single towns, all in Beijing time. No service computes a deadline any
// other way. It also holds the Beijing-day arithmetic the deadlines rest on and the rule that
// turns stays into stationing days (O3).
//
// The package is pure: no I/O, no clock. Callers pass the instant they mean.
package calendar

import (
	"fmt"
	"slices"
	"time"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// DeadlineKind names one deadline of the plan.
type DeadlineKind string

const (
	ContactList   DeadlineKind = "contact_list"    // O2: one-links-five list at the town office
	FirstStay     DeadlineKind = "first_stay"      // O4: first stationing completed
	MonthlyReport DeadlineKind = "monthly_report"  // S9: a cadre's report on the previous month
	YearEndReport DeadlineKind = "year_end_report" // L4: the town's written report to the county
	Q1Summary     DeadlineKind = "q1_summary"      // L4: the town's summary of the past year
)

// DeadlineKinds lists every kind, in the order of the programme year.
var DeadlineKinds = []DeadlineKind{ContactList, FirstStay, MonthlyReport, YearEndReport, Q1Summary}

// Valid reports whether k is a known kind.
func (k DeadlineKind) Valid() bool { return slices.Contains(DeadlineKinds, k) }

// Zh is the kind's name in the console and in notifications.
func (k DeadlineKind) Zh() string {
	switch k {
	case ContactList:
		return "一联五名单报送"
	case FirstStay:
		return "首次蹲点"
	case MonthlyReport:
		return "月报告"
	case YearEndReport:
		return "年底书面报告"
	case Q1Summary:
		return "一季度年度总结"
	}
	return string(k)
}

// field is the ProgrammeCalendar setting that holds the kind's day.
func (k DeadlineKind) field() string {
	switch k {
	case ContactList:
		return "contactListDue"
	case FirstStay:
		return "firstStayDue"
	case MonthlyReport:
		return "monthlyReportDay"
	case YearEndReport:
		return "yearEndReportDue"
	case Q1Summary:
		return "q1SummaryDue"
	}
	return "kind"
}

var (
	ErrUnknownDeadlineKind = errs.Invalid("deadline-kind-unknown",
		"no such deadline", "没有这种截止事项")
	ErrMonthOutsideProgramme = errs.Invalid("month-outside-programme-year",
		"the month does not belong to this programme year", "该月份不属于本项目年度")
	ErrInvalidOverride = errs.Invalid("deadline-override-invalid",
		"the deadline extension is not valid", "截止日期延期设置有误")
)

// TownOverride extends one deadline for one town, e.g. after a flood. It is kept with who
// granted it, when and why. For monthly reports it extends the report on one month only.
// An override is taken as the person set it: it is never shifted to a working day.
type TownOverride struct {
	Town   tenancy.TownCode `json:"town" bson:"town"`
	Kind   DeadlineKind     `json:"kind" bson:"kind"`
	Month  Month            `json:"month,omitzero" bson:"month,omitempty"`
	Due    Date             `json:"due" bson:"due"`
	Reason string           `json:"reason" bson:"reason"`
	Author string           `json:"author" bson:"author"` // account that granted it
	At     time.Time        `json:"at" bson:"at"`
}

// Calendar bundles what a deadline depends on: the county's settings for one programme year,
// the holiday table and the extensions granted to towns.
type Calendar struct {
	Programme ProgrammeCalendar `json:"programme" bson:"programme"`
	Holidays  HolidayTable      `json:"holidays" bson:"holidays"`
	Overrides []TownOverride    `json:"overrides,omitempty" bson:"overrides,omitempty"`
}

// New returns a validated calendar.
func New(p ProgrammeCalendar, h HolidayTable, overrides ...TownOverride) (Calendar, error) {
	c := Calendar{Programme: p, Holidays: h, Overrides: overrides}
	if err := c.Validate(); err != nil {
		return Calendar{}, err
	}
	return c, nil
}

// Validate checks the settings, the holiday table and every override. An override may only
// extend: its day cannot come before the deadline the town would otherwise have.
func (c Calendar) Validate() error {
	if err := c.Programme.Validate(); err != nil {
		return err
	}
	if err := c.Holidays.Validate(); err != nil {
		return err
	}
	var fields []errs.FieldError
	for i, o := range c.Overrides {
		f := fmt.Sprintf("overrides[%d]", i)
		add := func(field, slug, en, zh string) { fields = append(fields, fieldErr(f+field, slug, en, zh)) }
		if _, err := tenancy.ParseTown(string(o.Town)); err != nil {
			add(".town", "bad-town", "a town code has exactly 9 digits", "乡镇代码须为9位数字")
		}
		if o.Reason == "" {
			add(".reason", "required", "say why the deadline is extended", "请填写延期原因")
		}
		if o.Author == "" || o.At.IsZero() {
			add(".author", "required", "record who granted the extension and when", "请记录批准人和批准时间")
		}
		if !o.Kind.Valid() {
			add(".kind", "unknown", "no such deadline", "没有这种截止事项")
			continue
		}
		if (o.Kind == MonthlyReport) != !o.Month.IsZero() {
			add(".month", "month-mismatch", "name the month for a monthly report, and only for it",
				"仅月报告延期须注明月份")
			continue
		}
		regular, err := c.regular(o.Kind, o.Month)
		switch {
		case err != nil:
			add(".month", "outside-programme-year", "the month does not belong to this programme year",
				"该月份不属于本项目年度")
		case !o.Due.Valid():
			add(".due", "bad-date", "give the new date", "请填写延期后的日期")
		case o.Due.Before(regular.Day):
			add(".due", "not-an-extension",
				fmt.Sprintf("an extension cannot end before the regular deadline %s", regular.Day),
				fmt.Sprintf("延期后的日期不能早于原截止日期%s", regular.Day))
		}
	}
	if len(fields) > 0 {
		return ErrInvalidOverride.WithFields(fields...)
	}
	return nil
}

// Deadline is the effective deadline of one kind for one town.
type Deadline struct {
	Kind  DeadlineKind     `json:"kind" bson:"kind"`
	Town  tenancy.TownCode `json:"town" bson:"town"`
	Month Month            `json:"month,omitzero" bson:"month,omitempty"` // monthly reports: the month reported on
	// Nominal is the day the county's settings name; Day is the day that counts after a shift
	// to a working day or a town's extension.
	Nominal Date `json:"nominal" bson:"nominal"`
	Day     Date `json:"day" bson:"day"`
	// Due is the last instant still on time: the end of Day in Beijing.
	Due      time.Time     `json:"due" bson:"due"`
	Shifted  bool          `json:"shifted" bson:"shifted"`
	Override *TownOverride `json:"override,omitempty" bson:"override,omitempty"`
}

// Deadline returns the effective deadline of a kind for a town. The month names the month
// reported on for monthly reports (the report on May is due in June) and is ignored for the
// yearly kinds. It fails for an unknown kind and for a month outside the programme year.
func (c Calendar) Deadline(kind DeadlineKind, town tenancy.TownCode, month Month) (Deadline, error) {
	if kind != MonthlyReport {
		month = Month{}
	}
	d, err := c.regular(kind, month)
	if err != nil {
		return Deadline{}, err
	}
	d.Town = town
	if o, ok := c.override(kind, town, month); ok {
		d.Day, d.Shifted, d.Override = o.Due, false, &o
	}
	d.Due = d.Day.End()
	return d, nil
}

// regular is the deadline every town has: the nominal day, shifted when the county says so.
func (c Calendar) regular(kind DeadlineKind, month Month) (Deadline, error) {
	nominal, err := c.Programme.nominal(kind, month)
	if err != nil {
		return Deadline{}, err
	}
	d := Deadline{Kind: kind, Month: month, Nominal: nominal, Day: nominal}
	if c.Programme.ShiftToNextWorkingDay {
		d.Day = c.Holidays.NextWorkingDay(nominal)
		d.Shifted = d.Day != nominal
	}
	d.Due = d.Day.End()
	return d, nil
}

// override finds the town's extension; when several were granted the latest one counts.
func (c Calendar) override(kind DeadlineKind, town tenancy.TownCode, month Month) (TownOverride, bool) {
	var best TownOverride
	found := false
	for _, o := range c.Overrides {
		if o.Town != town || o.Kind != kind || o.Month != month {
			continue
		}
		if !found || o.At.After(best.At) {
			best, found = o, true
		}
	}
	return best, found
}

// OnTime reports whether something done at the instant meets the deadline: anything up to
// 23:59:59.999999999 Beijing time on the effective day.
func (d Deadline) OnTime(at time.Time) bool { return !at.After(d.Due) }

// DaysLeft counts whole Beijing calendar days from now to the deadline: 0 on the day itself,
// 3 for "还剩3天", -2 for "已逾期2天".
func (d Deadline) DaysLeft(now time.Time) int { return BeijingDay(now).DaysUntil(d.Day) }
