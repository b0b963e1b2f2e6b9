package stay

import (
	"time"

	"dundian.local/libs/calendar"
)

// CadreMonth is a cadre's stationing in one month (O3) and the first-stay rule (O4).
type CadreMonth struct {
	Cadre        string          `json:"cadre" bson:"cadre"`
	Month        calendar.Month  `json:"month" bson:"month"`
	Days         []calendar.Date `json:"days" bson:"days"`
	Count        int             `json:"count" bson:"count"`
	Minimum      int             `json:"minimum" bson:"minimum"`
	MeetsMinimum bool            `json:"meetsMinimum" bson:"meetsMinimum"`
	MinHours     float64         `json:"minHours" bson:"minHours"` // hours a day needs to count (O3)
	FirstStay    FirstStay       `json:"firstStay" bson:"firstStay"`
	// Linked is the community the cadre links in the month's programme year (O1), when
	// personnel has said so; answers only, never stored with the month.
	Linked string `json:"linked,omitempty" bson:"-"`
}

// FirstStay says whether the cadre completed a first stationing day by the deadline (O4).
type FirstStay struct {
	Due     calendar.Date  `json:"due" bson:"due"`
	Day     *calendar.Date `json:"day,omitempty" bson:"day,omitempty"` // the first stationing day of the programme year
	OnTime  bool           `json:"onTime" bson:"onTime"`
	Overdue bool           `json:"overdue" bson:"overdue"` // the deadline passed without a stationing day
}

// Summarise counts the cadre's stationing days from stays by the programme's counting rule
// and checks the month against the minimum and the first-stay deadline.
func Summarise(cadre string, stays []Stay, m calendar.Month, prog calendar.ProgrammeCalendar, firstStayDue calendar.Deadline, now time.Time) CadreMonth {
	ivs := make([]calendar.Interval, 0, len(stays))
	for _, s := range stays {
		ivs = append(ivs, s.Interval(now))
	}
	all := prog.StationingDays(ivs)
	out := CadreMonth{Cadre: cadre, Month: m, Days: []calendar.Date{}, Minimum: prog.MinStationingDaysPerMonth,
		MinHours: prog.StationingDayMinHours}
	for _, d := range all {
		if m.Contains(d) {
			out.Days = append(out.Days, d)
		}
	}
	out.Count = len(out.Days)
	out.MeetsMinimum = prog.MeetsStationingMinimum(all, m)
	out.FirstStay = firstStay(all, prog, firstStayDue, now)
	return out
}

func firstStay(days []calendar.Date, prog calendar.ProgrammeCalendar, due calendar.Deadline, now time.Time) FirstStay {
	fs := FirstStay{Due: due.Day}
	for _, d := range days {
		if prog.Contains(d) {
			first := d
			fs.Day = &first
			fs.OnTime = due.OnTime(first.Start())
			break
		}
	}
	fs.Overdue = fs.Day == nil && !due.OnTime(now) || fs.Day != nil && !fs.OnTime
	return fs
}

// MonthDays counts the stationing days of each month the stay touches, over all the
// cadre's stays (the stay itself included).
func MonthDays(s Stay, all []Stay, minHours float64, now time.Time) map[string]int {
	ivs := make([]calendar.Interval, 0, len(all))
	for _, o := range all {
		ivs = append(ivs, o.Interval(now))
	}
	days := calendar.StationingDays(ivs, minHours)
	out := map[string]int{}
	for _, m := range s.Months(now) {
		out[m.String()] = calendar.CountInMonth(days, m)
	}
	return out
}
