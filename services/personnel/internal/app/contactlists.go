package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/assignment"
	"dundian.local/services/personnel/internal/domain/cadre"
	"dundian.local/services/personnel/internal/domain/contactlist"
)

// ContactLists is the repository of a town's one-links-five lists.
type ContactLists interface {
	// Change applies fn to the list with start's id, or to start when there is none yet.
	Change(ctx context.Context, start contactlist.List, typ, actor string, fn func(*contactlist.List) error) (contactlist.List, error)
	Update(ctx context.Context, id, typ, actor string, fn func(*contactlist.List) error) (contactlist.List, error)
	Get(ctx context.Context, id string) (contactlist.List, error)
	Year(ctx context.Context, year int) ([]contactlist.List, error)
}

// Reveal is one recorded read of full contact numbers.
type Reveal struct {
	Account string
	Role    auth.Role
	List    string
	Kinds   []string
	What    string // "reveal" or "export"
	At      time.Time
}

// Reveals records reads of full numbers.
type Reveals interface {
	Record(ctx context.Context, r Reveal) error
}

// Forward is a town's forwarding of its lists of a year to the county.
type Forward struct {
	Town  tenancy.TownCode `json:"town"`
	Year  int              `json:"year"`
	Lists int              `json:"lists"`
	Late  int              `json:"late"`
	At    time.Time        `json:"forwardedAt"`
	By    string           `json:"forwardedBy"`
}

// Forwards keeps the towns' forwardings at county level.
type Forwards interface {
	Save(ctx context.Context, f Forward) error
	Year(ctx context.Context, year int) ([]Forward, error)
}

// Calendars gives a town's programme calendar of a year and the latest year the county opened.
type Calendars interface {
	Calendar(ctx context.Context, town tenancy.TownCode, year int) (calendar.Calendar, error)
	LatestYear(ctx context.Context) (int, error)
}

var (
	ErrNotAllAccepted = errs.Conflict("contact-lists-not-all-accepted",
		"rule O2: the town forwards its lists once every active cadre's list is accepted",
		"规则O2：全部在岗干部的一联五名单审核通过后才能报送县里")
	ErrNoReveal = errs.Forbidden("contact-reveal-forbidden",
		"this role may not read contacts' full numbers", "当前角色不能查看联系对象的完整号码")
)

// contactLists are the one-links-five use cases.
type contactLists struct {
	lists       ContactLists
	cadres      Cadres
	assignments Assignments
	calendars   Calendars
	reveals     Reveals
	forwards    Forwards
	now         func() time.Time
}

// ListRef names a cadre's list of a year.
type ListRef struct {
	Cadre string
	Year  int
}

func (r ListRef) id() string { return contactlist.ID(r.Cadre, r.Year) }

// keeper returns the caller when they may keep the list: the cadre themself, or the town
// office on their behalf.
func (h contactLists) keeper(ctx context.Context, ref ListRef) (auth.Principal, cadre.Cadre, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, cadre.Cadre{}, err
	}
	if !assignment.ValidYear(ref.Year) {
		return p, cadre.Cadre{}, assignment.ErrYearInvalid
	}
	switch {
	case p.Role == auth.Cadre && p.CadreID != ref.Cadre:
		return p, cadre.Cadre{}, contactlist.ErrNotYours
	case p.Role != auth.Cadre && !p.Has(auth.CountyAdmin, auth.TownAdmin):
		return p, cadre.Cadre{}, errs.ErrForbidden
	}
	if err := yearOpen(ctx, h.calendars, ref.Year, h.now()); err != nil {
		return p, cadre.Cadre{}, err
	}
	c, err := h.cadres.Get(ctx, ref.Cadre)
	return p, c, err
}

// SetContact puts a contact on a cadre's list (the cadre, or the town office).
type SetContact struct {
	ListRef
	Kind                                    contactlist.Kind
	Name, Phone, Address, Details, Hardship string
}

type SetContactHandler struct{ contactLists }

func (h SetContactHandler) Handle(ctx context.Context, cmd SetContact) (contactlist.List, error) {
	p, c, err := h.keeper(ctx, cmd.ListRef)
	if err != nil {
		return contactlist.List{}, err
	}
	contact, err := contactlist.NewContact(cmd.Kind, cmd.Name, cmd.Phone, cmd.Address, cmd.Details, cmd.Hardship)
	if err != nil {
		return contactlist.List{}, err
	}
	l, err := h.lists.Change(ctx, contactlist.New(c.Town, c.ID, cmd.Year), events.ContactListChanged, p.AccountID,
		func(l *contactlist.List) error { return l.Set(contact, p.AccountID, h.now()) })
	if err != nil {
		return contactlist.List{}, err
	}
	return l.SeenBy(p), nil
}

// SubmitList hands the cadre's list to the town office; only the cadre submits.
type SubmitListHandler struct{ contactLists }

func (h SubmitListHandler) Handle(ctx context.Context, ref ListRef) (contactlist.List, error) {
	p, c, err := h.keeper(ctx, ref)
	if err != nil {
		return contactlist.List{}, err
	}
	if p.Role != auth.Cadre {
		return contactlist.List{}, contactlist.ErrNotYours
	}
	cal, err := h.calendars.Calendar(ctx, c.Town, ref.Year)
	if err != nil {
		return contactlist.List{}, err
	}
	due, err := contactlist.Deadline(cal, c.Town)
	if err != nil {
		return contactlist.List{}, err
	}
	l, err := h.lists.Update(ctx, ref.id(), events.ContactListSubmitted, p.AccountID,
		func(l *contactlist.List) error { return l.Submit(h.now(), due) })
	if err != nil {
		return contactlist.List{}, err
	}
	return l.SeenBy(p), nil
}

// DecideList is the town office's decision on a submitted list.
type DecideList struct {
	ListRef
	Accept  bool
	Comment string // why it is returned
}

type DecideListHandler struct{ contactLists }

func (h DecideListHandler) Handle(ctx context.Context, cmd DecideList) (contactlist.List, error) {
	p, err := office(ctx)
	if err != nil {
		return contactlist.List{}, err
	}
	if err := yearOpen(ctx, h.calendars, cmd.Year, h.now()); err != nil {
		return contactlist.List{}, err
	}
	typ := events.ContactListReturned
	if cmd.Accept {
		typ = events.ContactListAccepted
	}
	l, err := h.lists.Update(ctx, cmd.id(), typ, p.AccountID, func(l *contactlist.List) error {
		if cmd.Accept {
			return l.Accept(p.AccountID, h.now())
		}
		return l.Return(cmd.Comment, p.AccountID, h.now())
	})
	if err != nil {
		return contactlist.List{}, err
	}
	return l.SeenBy(p), nil
}

// ListHandler returns a cadre's list as the caller may see it. A cadre reads only their
// own; a branch secretary only the lists of cadres linking their community that year.
type ListHandler struct{ contactLists }

func (h ListHandler) Handle(ctx context.Context, ref ListRef) (contactlist.List, error) {
	p, err := principal(ctx)
	if err != nil {
		return contactlist.List{}, err
	}
	if err := h.mayRead(ctx, p, ref); err != nil {
		return contactlist.List{}, err
	}
	l, err := h.lists.Get(ctx, ref.id())
	if err != nil {
		return contactlist.List{}, err
	}
	return l.SeenBy(p), nil
}

func (h contactLists) mayRead(ctx context.Context, p auth.Principal, ref ListRef) error {
	switch p.Role {
	case auth.Cadre:
		if p.CadreID != ref.Cadre {
			return contactlist.ErrNotYours
		}
	case auth.BranchSecretary:
		a, err := h.assignments.Get(ctx, assignment.ID(ref.Cadre, ref.Year))
		if errors.Is(err, assignment.ErrNotFound) || (err == nil && (p.Community == "" || a.Community != p.Community)) {
			return errs.ErrForbidden
		}
		return err
	}
	return nil
}

// RevealContact returns a contact's full number and records the read.
type RevealContact struct {
	ListRef
	Kind contactlist.Kind
}

type RevealContactHandler struct{ contactLists }

func (h RevealContactHandler) Handle(ctx context.Context, cmd RevealContact) (string, error) {
	p, err := principal(ctx)
	if err != nil {
		return "", err
	}
	if !cmd.Kind.Valid() {
		return "", contactlist.ErrKindUnknown
	}
	l, err := h.lists.Get(ctx, cmd.id())
	if err != nil {
		return "", err
	}
	if !contactlist.MayReveal(p, l) {
		return "", ErrNoReveal
	}
	c, ok := l.Contact(cmd.Kind)
	if !ok {
		return "", contactlist.ErrNotFound
	}
	if err := h.reveals.Record(ctx, Reveal{Account: p.AccountID, Role: p.Role, List: l.ID,
		Kinds: []string{string(cmd.Kind)}, What: "reveal", At: h.now()}); err != nil {
		return "", err
	}
	return c.Phone, nil
}

// Row is one cadre's line in the town's completeness view.
type Row struct {
	Cadre       string    `json:"cadre"`
	CadreName   string    `json:"cadreName"`
	Status      string    `json:"status"` // a list status, or "missing"
	Late        bool      `json:"late"`
	SubmittedAt time.Time `json:"submittedAt,omitzero"`
	Contacts    int       `json:"contacts"`
}

// Completeness is the town's view of its lists of a year.
type Completeness struct {
	Year      int               `json:"year"`
	Deadline  calendar.Deadline `json:"deadline"`
	Cadres    int               `json:"cadres"`
	Submitted int               `json:"submitted"`
	Accepted  int               `json:"accepted"`
	Late      int               `json:"late"`
	Forwarded *Forward          `json:"forwarded,omitempty"`
	Items     []Row             `json:"items"`
}

// TownListsHandler is the town's completeness view (town office, town leaders, county).
type TownListsHandler struct{ contactLists }

func (h TownListsHandler) Handle(ctx context.Context, year int) (Completeness, error) {
	p, err := principal(ctx)
	if err != nil {
		return Completeness{}, err
	}
	if !p.Has(auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader) {
		return Completeness{}, errs.ErrForbidden
	}
	return h.completeness(ctx, year)
}

func (h contactLists) completeness(ctx context.Context, year int) (Completeness, error) {
	if !assignment.ValidYear(year) {
		return Completeness{}, assignment.ErrYearInvalid
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return Completeness{}, err
	}
	cal, err := h.calendars.Calendar(ctx, town, year)
	if err != nil {
		return Completeness{}, err
	}
	due, err := contactlist.Deadline(cal, town)
	if err != nil {
		return Completeness{}, err
	}
	out, err := h.tally(ctx, year)
	if err != nil {
		return Completeness{}, err
	}
	out.Deadline = due
	forwards, err := h.forwards.Year(ctx, year)
	if err != nil {
		return Completeness{}, err
	}
	for _, f := range forwards {
		if f.Town == town {
			out.Forwarded = &f
		}
	}
	return out, nil
}

// tally counts the lists of the town's active cadres of a year, one row per cadre.
func (h contactLists) tally(ctx context.Context, year int) (Completeness, error) {
	cadres, err := h.cadres.List(ctx, "", 0)
	if err != nil {
		return Completeness{}, err
	}
	lists, err := h.lists.Year(ctx, year)
	if err != nil {
		return Completeness{}, err
	}
	byCadre := map[string]contactlist.List{}
	for _, l := range lists {
		byCadre[l.Cadre] = l
	}
	out := Completeness{Year: year, Items: []Row{}}
	for _, c := range cadres {
		if c.Status != cadre.Active {
			continue
		}
		row := Row{Cadre: c.ID, CadreName: c.Name, Status: "missing"}
		if l, ok := byCadre[c.ID]; ok {
			row.Status, row.Late, row.SubmittedAt, row.Contacts = string(l.Status), l.Late, l.SubmittedAt, len(l.Contacts)
		}
		out.Cadres++
		switch row.Status {
		case string(contactlist.Submitted):
			out.Submitted++
		case string(contactlist.Accepted):
			out.Submitted++
			out.Accepted++
		}
		if row.Late {
			out.Late++
		}
		out.Items = append(out.Items, row)
	}
	return out, nil
}

// ForwardListsHandler forwards the town's lists of a year to the county (town office).
type ForwardListsHandler struct{ contactLists }

func (h ForwardListsHandler) Handle(ctx context.Context, year int) (Forward, error) {
	p, err := office(ctx)
	if err != nil {
		return Forward{}, err
	}
	c, err := h.completeness(ctx, year)
	if err != nil {
		return Forward{}, err
	}
	if c.Cadres == 0 || c.Accepted != c.Cadres {
		return Forward{}, ErrNotAllAccepted.WithDetail(
			fmt.Sprintf("%d of %d accepted", c.Accepted, c.Cadres), fmt.Sprintf("已通过%d份，共%d份", c.Accepted, c.Cadres))
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return Forward{}, err
	}
	f := Forward{Town: town, Year: year, Lists: c.Accepted, Late: c.Late, At: h.now().UTC(), By: p.AccountID}
	return f, h.forwards.Save(ctx, f)
}

// CountyLists is the county's forwarding view of a programme year: the forwardings, and
// every known town's one-links-five status.
type CountyLists struct {
	Year  int         `json:"year"`
	Items []Forward   `json:"items"`
	Towns []TownLists `json:"towns"`
}

// TownLists is one town's one-links-five status: its active cadres, their lists handed in
// (submitted or accepted), accepted and late, and when the town forwarded them.
type TownLists struct {
	Town        tenancy.TownCode `json:"town"`
	Cadres      int              `json:"cadres"`
	Submitted   int              `json:"submitted"`
	Accepted    int              `json:"accepted"`
	Late        int              `json:"late"`
	ForwardedAt *time.Time       `json:"forwardedAt,omitempty"`
}

// CountyListsHandler shows the county every town's lists of a year (county roles).
type CountyListsHandler struct {
	contactLists
	towns Towns
}

func (h CountyListsHandler) Handle(ctx context.Context, year int) (CountyLists, error) {
	p, err := principal(ctx)
	if err != nil {
		return CountyLists{}, err
	}
	if !p.Role.CountyWide() {
		return CountyLists{}, errs.ErrForbidden
	}
	if !assignment.ValidYear(year) {
		return CountyLists{}, assignment.ErrYearInvalid
	}
	forwards, err := h.forwards.Year(ctx, year)
	if err != nil {
		return CountyLists{}, err
	}
	known, err := h.towns.All(ctx)
	if err != nil {
		return CountyLists{}, err
	}
	at := map[tenancy.TownCode]time.Time{}
	for _, f := range forwards {
		at[f.Town] = f.At
		if !slices.Contains(known, f.Town) {
			known = append(known, f.Town)
		}
	}
	slices.Sort(known)
	out := CountyLists{Year: year, Items: forwards, Towns: make([]TownLists, 0, len(known))}
	for _, town := range known {
		c, err := h.tally(tenancy.WithTown(ctx, town), year)
		if err != nil {
			return CountyLists{}, err
		}
		row := TownLists{Town: town, Cadres: c.Cadres, Submitted: c.Submitted, Accepted: c.Accepted, Late: c.Late}
		if t, ok := at[town]; ok {
			row.ForwardedAt = &t
		}
		out.Towns = append(out.Towns, row)
	}
	return out, nil
}

// Export is a town's lists of a year, whole, for the office's spreadsheet.
type Export struct {
	Year   int
	Cadres map[string]cadre.Cadre
	Lists  []contactlist.List
}

// ExportListsHandler gives the town office its lists, whole; the export is recorded as a
// read of full numbers.
type ExportListsHandler struct{ contactLists }

func (h ExportListsHandler) Handle(ctx context.Context, year int) (Export, error) {
	p, err := office(ctx)
	if err != nil {
		return Export{}, err
	}
	if !assignment.ValidYear(year) {
		return Export{}, assignment.ErrYearInvalid
	}
	lists, err := h.lists.Year(ctx, year)
	if err != nil {
		return Export{}, err
	}
	cadres, err := h.cadres.List(ctx, "", 0)
	if err != nil {
		return Export{}, err
	}
	out := Export{Year: year, Cadres: map[string]cadre.Cadre{}, Lists: lists}
	for _, c := range cadres {
		out.Cadres[c.ID] = c
	}
	if err := h.reveals.Record(ctx, Reveal{Account: p.AccountID, Role: p.Role, List: fmt.Sprintf("*|%d", year),
		What: "export", At: h.now()}); err != nil {
		return Export{}, err
	}
	return out, nil
}
