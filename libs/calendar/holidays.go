package calendar

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"dundian.local/libs/errs"
)

// Notice is the State Council notice (国务院办公厅关于某年部分节假日安排的通知) a year's holidays
// come from; every year in a HolidayTable cites one so that anyone can check the dates.
type Notice struct {
	Number string `json:"number" bson:"number"` // 国办发明电〔2025〕7号
	Title  string `json:"title" bson:"title"`
	Issued Date   `json:"issued,omitzero" bson:"issued,omitempty"`
	URL    string `json:"url,omitempty" bson:"url,omitempty"`
}

// Holiday is one stretch of days off (放假), first and last day included.
type Holiday struct {
	Name  string `json:"name" bson:"name"`
	First Date   `json:"first" bson:"first"`
	Last  Date   `json:"last" bson:"last"`
}

// Contains reports whether the day is one of the days off.
func (h Holiday) Contains(d Date) bool { return !d.Before(h.First) && !d.After(h.Last) }

// MakeUpWorkday is a weekend day declared a working day (调休上班) to bridge a holiday.
type MakeUpWorkday struct {
	Date    Date   `json:"date" bson:"date"`
	Holiday string `json:"holiday" bson:"holiday"`
}

// HolidayYear is one year's arrangement exactly as its notice lists it.
type HolidayYear struct {
	Year           int             `json:"year" bson:"year"`
	Notice         Notice          `json:"notice" bson:"notice"`
	DaysOff        []Holiday       `json:"daysOff" bson:"daysOff"`
	MakeUpWorkdays []MakeUpWorkday `json:"makeUpWorkdays" bson:"makeUpWorkdays"`
}

// HolidayTable holds the national arrangements the county works by. Published() gives the
// years shipped with the code; the gateway stores the table and may add a year as soon as
// its notice appears (With), without a release.
//
// A year the table does not cover is treated as having no holidays: only weekends are days
// off. Covers tells whether a year's dates are known.
type HolidayTable struct {
	Years []HolidayYear `json:"years" bson:"years"`
}

// Only years whose notice the State Council has published are shipped, one file per year.
//
//go:embed holidays/*.json
var publishedFiles embed.FS

var published = mustLoadPublished()

func mustLoadPublished() HolidayTable {
	var t HolidayTable
	names, err := fs.Glob(publishedFiles, "holidays/*.json")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		b, err := publishedFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var y HolidayYear
		if err := dec.Decode(&y); err != nil {
			panic(fmt.Sprintf("calendar: embedded %s: %v", name, err))
		}
		t = t.With(y)
	}
	if err := t.Validate(); err != nil {
		panic(fmt.Sprintf("calendar: embedded holiday table: %v", err))
	}
	return t
}

// Published returns the arrangements of every year shipped with the code (2025 and 2026).
func Published() HolidayTable { return published.clone() }

func (h HolidayTable) clone() HolidayTable {
	out := HolidayTable{Years: slices.Clone(h.Years)}
	for i, y := range out.Years {
		out.Years[i].DaysOff = slices.Clone(y.DaysOff)
		out.Years[i].MakeUpWorkdays = slices.Clone(y.MakeUpWorkdays)
	}
	return out
}

// With returns a copy of the table holding y, replacing an earlier version of the same year.
func (h HolidayTable) With(y HolidayYear) HolidayTable {
	out := h.clone()
	i := slices.IndexFunc(out.Years, func(e HolidayYear) bool { return e.Year == y.Year })
	if i >= 0 {
		out.Years[i] = y
	} else {
		out.Years = append(out.Years, y)
	}
	slices.SortFunc(out.Years, func(a, b HolidayYear) int { return a.Year - b.Year })
	return out
}

// Year returns the arrangement of one year.
func (h HolidayTable) Year(year int) (HolidayYear, bool) {
	for _, y := range h.Years {
		if y.Year == year {
			return y, true
		}
	}
	return HolidayYear{}, false
}

// Covers reports whether the table knows the year's holidays.
func (h HolidayTable) Covers(year int) bool {
	_, ok := h.Year(year)
	return ok
}

// DayOff returns the holiday the day belongs to, if it is one. A notice may start a holiday in
// the previous December, so every year is searched.
func (h HolidayTable) DayOff(d Date) (Holiday, bool) {
	for _, y := range h.Years {
		for _, off := range y.DaysOff {
			if off.Contains(d) {
				return off, true
			}
		}
	}
	return Holiday{}, false
}

// IsMakeUpWorkday reports whether the day is a weekend day worked to bridge a holiday.
func (h HolidayTable) IsMakeUpWorkday(d Date) bool {
	for _, y := range h.Years {
		for _, w := range y.MakeUpWorkdays {
			if w.Date == d {
				return true
			}
		}
	}
	return false
}

// IsWorkingDay reports whether offices work that day: a make-up working day, or a weekday
// that is not a day off.
func (h HolidayTable) IsWorkingDay(d Date) bool {
	if h.IsMakeUpWorkday(d) {
		return true
	}
	if _, off := h.DayOff(d); off {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// NextWorkingDay returns d when it is a working day, otherwise the first working day after it.
func (h HolidayTable) NextWorkingDay(d Date) Date {
	// Validate bounds a stretch of days off to maxHolidayDays, so the loop always ends; the
	// bound only guards a table that was never validated.
	for i := 0; i < 4*maxHolidayDays && !h.IsWorkingDay(d); i++ {
		d = d.AddDays(1)
	}
	return d
}

// maxHolidayDays is far above any published holiday (the longest so far is 9 days) and
// catches a year typed in as a range.
const maxHolidayDays = 15

// ErrInvalidHolidays reports a holiday table that breaks a rule; its fields say which.
var ErrInvalidHolidays = errs.Invalid("holiday-table-invalid",
	"the holiday table is not valid", "节假日安排表填写有误")

// Validate checks every year against the shape a State Council notice has.
func (h HolidayTable) Validate() error {
	var fields []errs.FieldError
	seen := map[int]bool{}
	for i, y := range h.Years {
		p := fmt.Sprintf("years[%d]", i)
		if seen[y.Year] {
			fields = append(fields, fieldErr(p+".year", "duplicate-year",
				fmt.Sprintf("year %d appears twice", y.Year), fmt.Sprintf("%d年重复出现", y.Year)))
		}
		seen[y.Year] = true
		fields = append(fields, y.check(p)...)
	}
	if len(fields) > 0 {
		return ErrInvalidHolidays.WithFields(fields...)
	}
	return nil
}

// Validate checks one year on its own.
func (y HolidayYear) Validate() error {
	if fields := y.check(""); len(fields) > 0 {
		return ErrInvalidHolidays.WithFields(fields...)
	}
	return nil
}

func (y HolidayYear) check(prefix string) []errs.FieldError {
	at := func(f string) string {
		if prefix == "" {
			return f
		}
		return prefix + "." + f
	}
	var fields []errs.FieldError
	if y.Year < minYear || y.Year > maxYear {
		fields = append(fields, fieldErr(at("year"), "year-out-of-range",
			fmt.Sprintf("the year must lie between %d and %d", minYear, maxYear),
			fmt.Sprintf("年份须在%d至%d之间", minYear, maxYear)))
		return fields
	}
	if y.Notice.Number == "" || y.Notice.Title == "" {
		fields = append(fields, fieldErr(at("notice"), "notice-required",
			"cite the State Council notice: its number and title",
			"请注明国务院办公厅通知的文号和标题"))
	}
	// A notice may begin the New Year holiday in the previous December.
	from, to := Date{y.Year - 1, time.December, 1}, Date{y.Year, time.December, 31}
	inYear := func(d Date) bool { return d.Valid() && !d.Before(from) && !d.After(to) }
	off := map[Date]bool{}
	for i, h := range y.DaysOff {
		f := at(fmt.Sprintf("daysOff[%d]", i))
		switch {
		case h.Name == "":
			fields = append(fields, fieldErr(f+".name", "required", "name the holiday", "请填写节日名称"))
		case !inYear(h.First) || !inYear(h.Last) || h.Last.Before(h.First):
			fields = append(fields, fieldErr(f, "bad-range",
				fmt.Sprintf("the days off must be real dates of %d, first day before last", y.Year),
				fmt.Sprintf("放假日期须为%d年内的有效日期，且起始日不晚于结束日", y.Year)))
		case h.First.DaysUntil(h.Last) >= maxHolidayDays:
			fields = append(fields, fieldErr(f, "too-long",
				fmt.Sprintf("a holiday lasts at most %d days", maxHolidayDays),
				fmt.Sprintf("一次放假不超过%d天", maxHolidayDays)))
		default:
			for d := h.First; !d.After(h.Last); d = d.AddDays(1) {
				off[d] = true
			}
		}
	}
	for i, w := range y.MakeUpWorkdays {
		f := at(fmt.Sprintf("makeUpWorkdays[%d]", i))
		wd := w.Date.Weekday()
		switch {
		case !inYear(w.Date):
			fields = append(fields, fieldErr(f+".date", "bad-date",
				fmt.Sprintf("a make-up working day must be a real date of %d", y.Year),
				fmt.Sprintf("调休上班日须为%d年内的有效日期", y.Year)))
		case wd != time.Saturday && wd != time.Sunday:
			fields = append(fields, fieldErr(f+".date", "not-weekend",
				"a make-up working day is always a Saturday or Sunday",
				"调休上班日只能是周六或周日"))
		case off[w.Date]:
			fields = append(fields, fieldErr(f+".date", "also-day-off",
				"the day is also listed as a day off", "该日同时被列为放假日"))
		}
	}
	return fields
}

func fieldErr(field, slug, en, zh string) errs.FieldError {
	return errs.FieldError{Field: field, Slug: slug, Message: en, Zh: zh}
}
