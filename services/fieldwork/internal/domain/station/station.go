// Package station holds the convenience service station (便民服务站) of a community, which
// cadres help set up (T5): its status and the services it offers, with the history of changes.
package station

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Status of a station.
type Status string

const (
	Planned   Status = "planned"   // agreed with the branch, not yet built
	Building  Status = "building"  // being set up
	Open      Status = "open"      // serving people
	Suspended Status = "suspended" // closed for now
)

// Statuses in the order a station normally goes through them.
var Statuses = []Status{Planned, Building, Open, Suspended}

// Change is one recorded state of the station.
type Change struct {
	Status Status    `json:"status" bson:"status"`
	Note   string    `json:"note,omitempty" bson:"note,omitempty"`
	By     string    `json:"by" bson:"by"`
	At     time.Time `json:"at" bson:"at"`
}

// Station is a community's convenience service station; its id is the community code.
type Station struct {
	Community tenancy.CommunityCode `json:"community" bson:"_id"`
	Town      tenancy.TownCode      `json:"town" bson:"town"`
	Status    Status                `json:"status" bson:"status"`
	Services  []string              `json:"services" bson:"services"`
	Opened    *calendar.Date        `json:"opened,omitempty" bson:"opened,omitempty"`
	Note      string                `json:"note,omitempty" bson:"note,omitempty"`
	History   []Change              `json:"history" bson:"history"`
	Rev       int64                 `json:"rev" bson:"rev"`
}

// State is what a caller records.
type State struct {
	Status   Status
	Services []string
	Opened   *calendar.Date
	Note     string
}

const (
	maxServices = 20
	maxService  = 30
	maxNote     = 500
	maxHistory  = 200
)

var (
	ErrNotFound = errs.NotFound("service-station-not-found",
		"no service station is recorded for this community", "该社区（村）还没有便民服务站记录")
	ErrInvalid = errs.Invalid("service-station-invalid",
		"give a status (planned, building, open or suspended), at most 20 services of up to 30 characters, a note of up to 500 characters, and the opening day for an open station",
		"请选择状态（筹建、建设中、已运行、暂停），服务项目最多20项、每项最多30字，备注最多500字；已运行的须填写启用日期")
)

// New records the first state of a community's station.
func New(town tenancy.TownCode, c tenancy.CommunityCode, s State, by string, now time.Time) (Station, error) {
	st := Station{Community: c, Town: town, History: []Change{}}
	return st, st.Record(s, by, now)
}

// Record replaces the station's state and keeps the change.
func (st *Station) Record(s State, by string, now time.Time) error {
	s.Note = strings.TrimSpace(s.Note)
	services := []string{}
	for _, v := range s.Services {
		v = strings.TrimSpace(v)
		if v == "" || slices.Contains(services, v) {
			continue
		}
		if utf8.RuneCountInString(v) > maxService {
			return ErrInvalid
		}
		services = append(services, v)
	}
	today := calendar.BeijingDay(now)
	switch {
	case !slices.Contains(Statuses, s.Status), len(services) > maxServices, utf8.RuneCountInString(s.Note) > maxNote,
		s.Status == Open && s.Opened == nil,
		s.Opened != nil && (!s.Opened.Valid() || s.Opened.After(today)),
		len(st.History) >= maxHistory:
		return ErrInvalid
	}
	st.Status, st.Services, st.Opened, st.Note = s.Status, services, s.Opened, s.Note
	st.History = append(st.History, Change{Status: s.Status, Note: s.Note, By: by, At: now.UTC().Truncate(time.Millisecond)})
	return nil
}
