// Package indicators is the per cadre-year read model of the year-end indicators: what the
// other services recorded about a cadre, taken from their events. Each source record is kept
// with the event type and revision it came from, and the inputs are computed from the kept
// records, never incremented, so a redelivered, replayed or older event changes nothing and
// every point of the draft names the records it rests on. It is pure: no storage, no clock.
package indicators

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"dundian.local/libs/calendar"
	"dundian.local/services/assessment/internal/domain/scoring"
)

// Kind is the kind of a source record.
type Kind string

const (
	Stay        Kind = "stay"         // fieldwork: a stay at the contact point
	Report      Kind = "report"       // reporting: a monthly report
	ContactList Kind = "contact_list" // personnel: the one-links-five list
	WorkLog     Kind = "log"          // fieldwork: a work log (S4)
	Diary       Kind = "diary"        // fieldwork: a sentiment diary (S5)
	Opinion     Kind = "opinion"      // petitions: an opinion the cadre is responsible for
	Rating      Kind = "rating"       // petitions: a satisfaction rating of the cadre
	Assignment  Kind = "assignment"   // personnel: the community the cadre links this year
	Case        Kind = "case"         // petitions: a petition case of a community
)

// Source is one record as its latest event described it.
type Source struct {
	Kind Kind   `bson:"kind"`
	Type string `bson:"type"` // the event type it came from
	Rev  int64  `bson:"rev"`
	// Deleted: the record no longer belongs here (it moved to another cadre or year).
	Deleted   bool      `bson:"deleted,omitempty"`
	From      time.Time `bson:"from,omitempty"`      // stays; assignments: when the link was made
	To        time.Time `bson:"to,omitempty"`        // stays; zero while the stay is open
	Month     string    `bson:"month,omitempty"`     // reports, logs, diaries, ratings: "2026-05"
	Done      bool      `bson:"done,omitempty"`      // reports on time, opinions answered, cases resolved, ratings accepted
	Counted   bool      `bson:"counted,omitempty"`   // cases: registered as a case, not only a sign
	Count     int       `bson:"count,omitempty"`     // contact lists: the kinds filled
	Score     int       `bson:"score,omitempty"`     // ratings: 1 to 5
	Community string    `bson:"community,omitempty"` // assignments
}

// Record is one cadre's (or one community's) sources of one programme year, fetched by its
// composite _id.
type Record struct {
	ID      string            `bson:"_id"`
	Owner   string            `bson:"owner"` // the cadre, or the community of a case record
	Year    int               `bson:"year"`
	Sources map[string]Source `bson:"sources"`
	Ver     int64             `bson:"ver"` // optimistic concurrency of the document
}

// Key is the key of a source in a record: its kind and the id of the source entity.
func Key(k Kind, subject string) string { return string(k) + ":" + subject }

// Apply records a source at its revision; it reports false when the record already holds that
// revision or a newer one, so applying any sequence of events twice changes nothing.
func (r *Record) Apply(key string, s Source) bool {
	if cur, ok := r.Sources[key]; ok && cur.Rev >= s.Rev {
		return false
	}
	if r.Sources == nil {
		r.Sources = map[string]Source{}
	}
	r.Sources[key] = s
	return true
}

// of returns the live sources of kind k, in key order so that explanations are stable.
func (r Record) of(k Kind) ([]string, []Source) {
	var keys []string
	for key, s := range r.Sources {
		if s.Kind == k && !s.Deleted {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	out := make([]Source, len(keys))
	for i, key := range keys {
		out[i] = r.Sources[key]
	}
	return keys, out
}

// Communities are the communities the cadre linked in the year.
func (r Record) Communities() []string {
	_, as := r.of(Assignment)
	var out []string
	for _, a := range as {
		if a.Community != "" && !slices.Contains(out, a.Community) {
			out = append(out, a.Community)
		}
	}
	return out
}

// Clock is what the inputs are measured against: the programme year, the due instant of each
// month's report (from libs/calendar) and now.
type Clock struct {
	Programme calendar.ProgrammeCalendar
	ReportDue func(calendar.Month) (time.Time, error)
	Now       time.Time
}

// Elapsed are the programme months that are over by now (Beijing).
func (c Clock) Elapsed() []calendar.Month {
	var out []calendar.Month
	for _, m := range c.Programme.Months() {
		if m.Last().End().Before(c.Now) {
			out = append(out, m)
		}
	}
	return out
}

// Owed are the elapsed months the cadre owes stationing days, logs and reports: from the
// month the cadre was first linked to a community when that falls in the programme year (a
// cadre linked in November owes nothing for March), else from the programme's start.
func (r Record) Owed(c Clock) []calendar.Month {
	from := r.owedFrom(c)
	return slices.DeleteFunc(c.Elapsed(), func(m calendar.Month) bool { return m.First().Before(from) })
}

func (r Record) owedFrom(c Clock) calendar.Date {
	var first time.Time
	_, as := r.of(Assignment)
	for _, a := range as {
		if !a.From.IsZero() && (first.IsZero() || a.From.Before(first)) {
			first = a.From
		}
	}
	if first.IsZero() || !c.Programme.ContainsMonth(calendar.MonthOf(first)) {
		return c.Programme.Start
	}
	return calendar.MonthOf(first).First()
}

// StationingDays counts the cadre's stationing days per month under the counting rule (O3).
func (r Record) StationingDays(p calendar.ProgrammeCalendar) map[calendar.Month]int {
	_, stays := r.of(Stay)
	ivs := make([]calendar.Interval, 0, len(stays))
	for _, s := range stays {
		ivs = append(ivs, calendar.Interval{Start: s.From, End: s.To})
	}
	out := map[calendar.Month]int{}
	for _, d := range calendar.StationingDays(ivs, p.StationingDayMinHours) {
		out[d.YearMonth()]++
	}
	return out
}

// MissedMonths are the owed months with fewer stationing days than the minimum (O3).
func (r Record) MissedMonths(c Clock) []calendar.Month {
	days := r.StationingDays(c.Programme)
	var out []calendar.Month
	for _, m := range r.Owed(c) {
		if days[m] < c.Programme.MinStationingDaysPerMonth {
			out = append(out, m)
		}
	}
	return out
}

// Ratings are the accepted satisfaction ratings: how many and their share out of 100 (a
// rating of 5 is 100). Only ratings the town office accepted count.
func (r Record) Ratings() (count int, share float64) {
	_, rs := r.of(Rating)
	sum := 0
	for _, s := range rs {
		if s.Done {
			count++
			sum += s.Score
		}
	}
	if count == 0 {
		return 0, 0
	}
	return count, float64(sum) * 20 / float64(count)
}

// Inputs computes the cadre's indicator inputs from the record and the cases of the
// communities the cadre linked. Every input names its source events and records. An indicator
// the cadre has no source for yet gets no input (it scores nothing until one arrives), except
// those whose requirement can be measured from the programme alone.
func (r Record) Inputs(c Clock, cases []Record) map[scoring.Indicator]scoring.Input {
	out := map[scoring.Indicator]scoring.Input{}
	elapsed := r.Owed(c)
	active := len(r.liveKeys()) > 0

	// Stationing days: the minimum of every owed month; days beyond it do not make up for a
	// missed month.
	if keys, _ := r.of(Stay); len(keys) > 0 || (active && len(elapsed) > 0) {
		days, got := r.StationingDays(c.Programme), 0
		for _, m := range elapsed {
			got += min(days[m], c.Programme.MinStationingDaysPerMonth)
		}
		need := c.Programme.MinStationingDaysPerMonth * len(elapsed)
		out[scoring.StationingDays] = input(got, need, Stay, keys, r,
			fmt.Sprintf("%d条驻点记录，已满%d个月每月至少%d天", len(keys), len(elapsed), c.Programme.MinStationingDaysPerMonth))
	}

	// Report timeliness: the owed months whose report is due by now, and any month reported
	// on time before its deadline.
	if keys, reports := r.of(Report); len(keys) > 0 || active {
		due, onTime, from := map[string]bool{}, 0, r.owedFrom(c)
		for _, m := range c.Programme.Months() {
			if at, err := c.ReportDue(m); err == nil && at.Before(c.Now) && !m.Last().Before(from) {
				due[m.String()] = true
			}
		}
		for _, s := range reports {
			if s.Done && c.Programme.ContainsMonth(mustMonth(s.Month)) {
				onTime++
				due[s.Month] = true
			}
		}
		if len(keys) > 0 || len(due) > 0 {
			out[scoring.ReportTimeliness] = input(onTime, len(due), Report, keys, r,
				fmt.Sprintf("%d份月报按时报送，应报%d份", onTime, len(due)))
		}
	}

	// One-links-five: the kinds filled of the five, as the latest list has them.
	if keys, lists := r.of(ContactList); len(keys) > 0 {
		filled := 0
		for _, s := range lists {
			filled = max(filled, min(s.Count, 5))
		}
		out[scoring.OneLinksFive] = input(filled, 5, ContactList, keys, r, fmt.Sprintf("一联五名单已填%d类，共5类", filled))
	}

	// Logs and diaries: an owed month counts when it has a work log and a sentiment diary.
	logKeys, logs := r.of(WorkLog)
	diaryKeys, diaries := r.of(Diary)
	if len(logKeys)+len(diaryKeys) > 0 || (active && len(elapsed) > 0) {
		has := func(ss []Source, m calendar.Month) bool {
			return slices.ContainsFunc(ss, func(s Source) bool { return s.Month == m.String() })
		}
		months := 0
		for _, m := range elapsed {
			if has(logs, m) && has(diaries, m) {
				months++
			}
		}
		in := input(months, len(elapsed), WorkLog, logKeys, r,
			fmt.Sprintf("%d篇工作日志、%d篇民情日记；%d个月中%d个月日志日记齐全", len(logKeys), len(diaryKeys), len(elapsed), months))
		in.Records = append(in.Records, refs(Diary, diaryKeys, r)...)
		out[scoring.LogsAndDiaries] = in
	}

	// Opinions handled: of the opinions the cadre was responsible for, those answered.
	if keys, ops := r.of(Opinion); len(keys) > 0 || active {
		done := count(ops, func(s Source) bool { return s.Done })
		out[scoring.OpinionsHandled] = input(done, len(keys), Opinion, keys, r, fmt.Sprintf("负责的%d条意见建议已答复%d条", len(keys), done))
	}

	// Petition cases resolved: the cases of the linked communities, resolved or closed.
	if active {
		var total, done int
		var recs []scoring.Record
		for _, cr := range cases {
			keys, cs := cr.of(Case)
			for i, s := range cs {
				if !s.Counted {
					continue
				}
				total++
				if s.Done {
					done++
				}
				recs = append(recs, scoring.Record{Type: s.Type, Subject: strings.TrimPrefix(keys[i], string(Case)+":")})
			}
		}
		out[scoring.PetitionsResolved] = scoring.Input{Achieved: float64(done), Expected: float64(total), Records: recs,
			Source: fmt.Sprintf("petitions.case.*：所联系社区%d件信访案件已化解%d件", total, done)}
	}

	// Satisfaction: the share of the accepted ratings.
	if n, share := r.Ratings(); n > 0 {
		keys, rs := r.of(Rating)
		var accepted []string
		for i, s := range rs {
			if s.Done {
				accepted = append(accepted, keys[i])
			}
		}
		in := input(0, 100, Rating, accepted, r, fmt.Sprintf("%d条经镇活动办审核的评价，满意度%.1f分", n, share))
		in.Achieved = round1(share)
		out[scoring.Satisfaction] = in
	}
	return out
}

// liveKeys are the keys of the sources that still count.
func (r Record) liveKeys() []string {
	var out []string
	for k, s := range r.Sources {
		if !s.Deleted {
			out = append(out, k)
		}
	}
	return out
}

func input(achieved, expected int, k Kind, keys []string, r Record, what string) scoring.Input {
	return scoring.Input{Achieved: float64(achieved), Expected: float64(expected), Records: refs(k, keys, r),
		Source: types(k, keys, r) + "：" + what}
}

// refs name the records behind an input.
func refs(k Kind, keys []string, r Record) []scoring.Record {
	out := make([]scoring.Record, 0, len(keys))
	for _, key := range keys {
		out = append(out, scoring.Record{Type: r.Sources[key].Type, Subject: strings.TrimPrefix(key, string(k)+":")})
	}
	return out
}

// types names the event types the records came from, or the kind's family when none yet.
func types(k Kind, keys []string, r Record) string {
	var ts []string
	for _, key := range keys {
		if t := r.Sources[key].Type; !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		return map[Kind]string{Stay: "fieldwork.stay.*", Report: "reporting.monthly_report.*", WorkLog: "fieldwork.work_log.*",
			Opinion: "petitions.opinion.*", Rating: "petitions.rating.*", ContactList: "personnel.contactlist.*"}[k]
	}
	slices.Sort(ts)
	return strings.Join(ts, "、")
}

func count(ss []Source, f func(Source) bool) int {
	n := 0
	for _, s := range ss {
		if f(s) {
			n++
		}
	}
	return n
}

func mustMonth(s string) calendar.Month {
	m, _ := calendar.ParseMonth(s)
	return m
}

func round1(x float64) float64 { return float64(int(x*10+0.5)) / 10 }
