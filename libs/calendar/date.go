package calendar

import (
	"fmt"
	"time"
)

// Beijing is China Standard Time. China has kept UTC+8 without daylight saving since 1991, so a
// fixed zone is exact for every date the programme can meet and needs no tzdata on the host.
var Beijing = time.FixedZone("CST", 8*3600)

const day = 24 * time.Hour

// Date is a calendar day in Beijing time. In JSON it is "2026-04-15"; the zero Date is "".
type Date struct {
	Year  int        `bson:"year"`
	Month time.Month `bson:"month"`
	Day   int        `bson:"day"`
}

// NewDate returns the date, normalised the way time.Date normalises (April 31 is May 1).
func NewDate(year int, month time.Month, d int) Date {
	return dateOf(time.Date(year, month, d, 0, 0, 0, 0, time.UTC))
}

// BeijingDay returns the Beijing calendar day the instant falls on.
func BeijingDay(t time.Time) Date { return dateOf(t.In(Beijing)) }

func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate reads "2026-04-15" and refuses dates that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: %q is not a date like 2026-04-15", s)
	}
	return dateOf(t), nil
}

// Valid reports whether the date exists (no 31 April, no 29 February in a common year).
func (d Date) Valid() bool { return !d.IsZero() && NewDate(d.Year, d.Month, d.Day) == d }

func (d Date) IsZero() bool { return d == Date{} }

// Start is the first instant of the day in Beijing.
func (d Date) Start() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Beijing) }

// End is the last instant of the day in Beijing (23:59:59.999999999): a deadline on this day is
// met by anything at or before End.
func (d Date) End() time.Time { return d.Start().Add(day - time.Nanosecond) }

// AddDays returns the date n days later (earlier when n is negative).
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// DaysUntil returns the number of calendar days from d to o (negative when o is earlier).
func (d Date) DaysUntil(o Date) int { return int(o.utc().Sub(d.utc()) / day) }

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// YearMonth returns the month the date belongs to.
func (d Date) YearMonth() Month { return Month{Year: d.Year, Month: d.Month} }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int { return d.utc().Compare(o.utc()) }

func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }
func (d Date) After(o Date) bool  { return d.Compare(o) > 0 }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Month is a calendar month; monthly reports and stationing-day minimums are per month. In JSON
// it is "2026-05".
type Month struct {
	Year  int        `bson:"year"`
	Month time.Month `bson:"month"`
}

// MonthOf returns the Beijing calendar month the instant falls in.
func MonthOf(t time.Time) Month { return BeijingDay(t).YearMonth() }

// ParseMonth reads "2026-05".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("calendar: %q is not a month like 2026-05", s)
	}
	return Month{Year: t.Year(), Month: t.Month()}, nil
}

func (m Month) IsZero() bool { return m == Month{} }

// Valid reports whether the month exists.
func (m Month) Valid() bool { return m.Year >= 1 && m.Year <= 9999 && m.Month >= 1 && m.Month <= 12 }

// First and Last are the first and last days of the month.
func (m Month) First() Date { return Date{Year: m.Year, Month: m.Month, Day: 1} }
func (m Month) Last() Date  { return m.Next().First().AddDays(-1) }

// Next and Prev are the following and preceding months (December is followed by January).
func (m Month) Next() Month { return NewDate(m.Year, m.Month+1, 1).YearMonth() }
func (m Month) Prev() Month { return NewDate(m.Year, m.Month-1, 1).YearMonth() }

// Contains reports whether the date lies in the month.
func (m Month) Contains(d Date) bool { return d.Year == m.Year && d.Month == m.Month }

func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
}

func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

func (m *Month) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = Month{}
		return nil
	}
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MonthDay is a day of the year without the year, the form in which a county sets its yearly
// deadlines ("04-15"). 29 February is refused: it would not exist in most programme years.
type MonthDay struct {
	Month time.Month `bson:"month"`
	Day   int        `bson:"day"`
}

// ParseMonthDay reads "04-15".
func ParseMonthDay(s string) (MonthDay, error) {
	t, err := time.Parse("2006-01-02", "2001-"+s)
	if err != nil || len(s) != 5 {
		return MonthDay{}, fmt.Errorf("calendar: %q is not a day of the year like 04-15", s)
	}
	return MonthDay{Month: t.Month(), Day: t.Day()}, nil
}

func (md MonthDay) IsZero() bool { return md == MonthDay{} }

// Valid reports whether the day exists in every year.
func (md MonthDay) Valid() bool { return Date{Year: 2001, Month: md.Month, Day: md.Day}.Valid() }

// In returns the day in the given year.
func (md MonthDay) In(year int) Date { return Date{Year: year, Month: md.Month, Day: md.Day} }

func (md MonthDay) String() string {
	if md.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d-%02d", int(md.Month), md.Day)
}

func (md MonthDay) MarshalText() ([]byte, error) { return []byte(md.String()), nil }

func (md *MonthDay) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*md = MonthDay{}
		return nil
	}
	v, err := ParseMonthDay(string(b))
	if err != nil {
		return err
	}
	*md = v
	return nil
}
