// Package contactlist holds one-links-five (一联五, T3.1, O2): every cadre keeps in touch
// with five people of their community, one of each kind. The cadre drafts and submits the
// list by the programme calendar's deadline; the town office accepts it or returns it with
// a comment, and forwards the town's lists to the county.
package contactlist

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/phone"
)

// Kind is one of the five kinds of contact person.
type Kind string

const (
	OrgLeader         Kind = "org_leader"         // 组织带头人
	VeteranMember     Kind = "veteran_member"     // 老党员
	PeopleRep         Kind = "people_rep"         // 群众代表
	HardshipHousehold Kind = "hardship_household" // 困难户
	WealthLeader      Kind = "wealth_leader"      // 致富带头人
)

// Kinds are the five kinds, in the order of the programme's form.
var Kinds = []Kind{OrgLeader, VeteranMember, PeopleRep, HardshipHousehold, WealthLeader}

// Valid reports whether k is one of the five.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Zh is the kind's name on the form and in the export.
func (k Kind) Zh() string {
	switch k {
	case OrgLeader:
		return "组织带头人"
	case VeteranMember:
		return "老党员"
	case PeopleRep:
		return "群众代表"
	case HardshipHousehold:
		return "困难户"
	case WealthLeader:
		return "致富带头人"
	}
	return string(k)
}

// Status is where a list stands in its workflow.
type Status string

const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Accepted  Status = "accepted"
	Returned  Status = "returned"
)

// Contact is one contact person. Phone and Hardship are sensitive: see SeenBy.
type Contact struct {
	Kind    Kind   `json:"kind" bson:"kind"`
	Name    string `json:"name" bson:"name"`
	Phone   string `json:"phone" bson:"phone"`
	Address string `json:"address" bson:"address"`
	// Details are the kind's own particulars: the post of an organisation leader, the years
	// in the party of a veteran member, the business of a wealth leader.
	Details string `json:"details,omitempty" bson:"details,omitempty"`
	// Hardship is a hardship household's status (e.g. 低保户, 监测户); only for that kind.
	Hardship string `json:"hardship,omitempty" bson:"hardship,omitempty"`
}

// Replaced is a contact that another person replaced, kept for the history.
type Replaced struct {
	Contact Contact   `json:"contact" bson:"contact"`
	At      time.Time `json:"at" bson:"at"`
	Actor   string    `json:"actor" bson:"actor"`
}

// List is one cadre's one-links-five list of one programme year.
type List struct {
	ID          string           `json:"id" bson:"_id"` // <cadre>|<year>
	Town        tenancy.TownCode `json:"town" bson:"town"`
	Cadre       string           `json:"cadre" bson:"cadre"`
	Year        int              `json:"year" bson:"year"`
	Contacts    []Contact        `json:"contacts" bson:"contacts"` // at most one per kind, in Kinds order
	Status      Status           `json:"status" bson:"status"`
	SubmittedAt time.Time        `json:"submittedAt,omitzero" bson:"submittedAt"`
	Late        bool             `json:"late" bson:"late"`
	Comment     string           `json:"comment,omitempty" bson:"comment"` // the town office's, when returned
	DecidedAt   time.Time        `json:"decidedAt,omitzero" bson:"decidedAt"`
	DecidedBy   string           `json:"decidedBy,omitempty" bson:"decidedBy"`
	History     []Replaced       `json:"history" bson:"history"`
	Rev         int64            `json:"rev" bson:"rev"`
}

const maxText, maxAddress, maxComment = 60, 120, 300

var (
	ErrKindUnknown = errs.Invalid("contact-kind-unknown",
		"the kinds are org_leader, veteran_member, people_rep, hardship_household and wealth_leader",
		"联系对象只有五类：组织带头人、老党员、群众代表、困难户、致富带头人")
	ErrNameRequired = errs.Invalid("contact-name-required",
		"a contact needs a name of at most 60 characters", "请填写联系对象姓名，最多60个字")
	ErrPhoneInvalid = errs.Invalid("contact-phone-invalid",
		"give a mobile number (11 digits) or a landline with its area code", "请填写11位手机号码或带区号的固定电话")
	ErrAddressRequired = errs.Invalid("contact-address-required",
		"a contact needs an address of at most 120 characters", "请填写联系对象住址，最多120个字")
	ErrHardshipRequired = errs.Invalid("contact-hardship-required",
		"a hardship household needs its hardship status, and only it has one",
		"困难户须填写困难类型，其他联系对象不填")
	ErrIncomplete = errs.Invalid("contact-list-incomplete",
		"rule O2: a list has exactly five contacts, one of each kind", "规则O2：一联五名单须五类联系对象各一人")
	ErrNotEditable = errs.Conflict("contact-list-not-editable",
		"the list is with the town office; it can be changed once returned", "名单已报送乡镇，退回后才能修改")
	ErrNotSubmitted = errs.Conflict("contact-list-not-submitted",
		"only a submitted list can be accepted or returned", "只有已报送的名单才能审核或退回")
	ErrCommentRequired = errs.Invalid("contact-list-comment-required",
		"say why the list is returned (at most 300 characters)", "请填写退回原因，最多300个字")
	ErrNotFound = errs.NotFound("contact-list-not-found",
		"the cadre has no one-links-five list for this year", "该干部本年度还没有一联五名单")
	ErrNotYours = errs.Forbidden("contact-list-not-yours",
		"a cadre keeps only their own list", "干部只能维护本人的一联五名单")
)

// ID is the list's id: one list per cadre and year.
func ID(cadreID string, year int) string { return cadreID + "|" + strconv.Itoa(year) }

// NewContact validates a contact person.
func NewContact(kind Kind, name, tel, address, details, hardship string) (Contact, error) {
	if !kind.Valid() {
		return Contact{}, ErrKindUnknown
	}
	c := Contact{Kind: kind, Name: strings.TrimSpace(name), Address: strings.TrimSpace(address),
		Details: clip(details, maxText), Hardship: clip(hardship, maxText)}
	if c.Name == "" || utf8.RuneCountInString(c.Name) > maxText {
		return Contact{}, ErrNameRequired
	}
	p, ok := phone.Normalize(tel)
	if !ok {
		return Contact{}, ErrPhoneInvalid
	}
	c.Phone = p
	if c.Address == "" || utf8.RuneCountInString(c.Address) > maxAddress {
		return Contact{}, ErrAddressRequired
	}
	if (kind == HardshipHousehold) != (c.Hardship != "") {
		return Contact{}, ErrHardshipRequired
	}
	return c, nil
}

// New starts a draft list of a cadre for a year.
func New(town tenancy.TownCode, cadreID string, year int) List {
	return List{ID: ID(cadreID, year), Town: town, Cadre: cadreID, Year: year, Status: Draft,
		Contacts: []Contact{}, History: []Replaced{}}
}

// CarryOver is the draft list of a new programme year with l's contacts, for the cadre to
// confirm and submit again.
func (l List) CarryOver(year int) List {
	n := New(l.Town, l.Cadre, year)
	n.Contacts = append([]Contact{}, l.Contacts...)
	return n
}

// Set puts the contact of its kind on the list. A different person replacing one keeps the
// earlier one in the history. A submitted list cannot change; an accepted one goes back to
// draft, to be submitted again.
func (l *List) Set(c Contact, actor string, at time.Time) error {
	if l.Status == Submitted {
		return ErrNotEditable
	}
	if i := slices.IndexFunc(l.Contacts, func(o Contact) bool { return o.Kind == c.Kind }); i >= 0 {
		old := l.Contacts[i]
		if old.Name != c.Name || old.Phone != c.Phone {
			l.History = append(l.History, Replaced{Contact: old, At: at, Actor: actor})
		}
		l.Contacts[i] = c
	} else {
		l.Contacts = append(l.Contacts, c)
		slices.SortFunc(l.Contacts, func(a, b Contact) int {
			return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind)
		})
	}
	if l.Status == Accepted {
		l.Status = Draft
	}
	return nil
}

// Complete checks the rule O2: exactly five contacts, one of each kind.
func (l List) Complete() error {
	if len(l.Contacts) != len(Kinds) {
		return missing(l)
	}
	for _, k := range Kinds {
		if !slices.ContainsFunc(l.Contacts, func(c Contact) bool { return c.Kind == k }) {
			return missing(l)
		}
	}
	return nil
}

func missing(l List) error {
	var zh, en []string
	for _, k := range Kinds {
		if !slices.ContainsFunc(l.Contacts, func(c Contact) bool { return c.Kind == k }) {
			zh, en = append(zh, k.Zh()), append(en, string(k))
		}
	}
	return ErrIncomplete.WithDetail("missing "+strings.Join(en, ", "), "缺少"+strings.Join(zh, "、"))
}

// Submit hands the list to the town office at the instant given; past the deadline the
// submission counts, marked late.
func (l *List) Submit(at time.Time, due calendar.Deadline) error {
	if l.Status == Submitted || l.Status == Accepted {
		return ErrNotEditable
	}
	if err := l.Complete(); err != nil {
		return err
	}
	l.Status, l.SubmittedAt, l.Late = Submitted, at, !due.OnTime(at)
	l.Comment, l.DecidedAt, l.DecidedBy = "", time.Time{}, ""
	return nil
}

// Accept is the town office's acceptance of a submitted list.
func (l *List) Accept(actor string, at time.Time) error {
	if l.Status != Submitted {
		return ErrNotSubmitted
	}
	l.Status, l.DecidedAt, l.DecidedBy = Accepted, at, actor
	return nil
}

// Return sends a submitted list back to the cadre with a comment.
func (l *List) Return(comment, actor string, at time.Time) error {
	if l.Status != Submitted {
		return ErrNotSubmitted
	}
	comment = strings.TrimSpace(comment)
	if comment == "" || utf8.RuneCountInString(comment) > maxComment {
		return ErrCommentRequired
	}
	l.Status, l.Comment, l.DecidedAt, l.DecidedBy = Returned, comment, at, actor
	return nil
}

// Contact returns the contact of a kind.
func (l List) Contact(k Kind) (Contact, bool) {
	i := slices.IndexFunc(l.Contacts, func(c Contact) bool { return c.Kind == k })
	if i < 0 {
		return Contact{}, false
	}
	return l.Contacts[i], true
}

// Deadline is when a town's lists are due at the town office (O2), by the calendar.
func Deadline(cal calendar.Calendar, town tenancy.TownCode) (calendar.Deadline, error) {
	d, err := cal.Deadline(calendar.ContactList, town, calendar.Month{})
	if err != nil {
		return calendar.Deadline{}, fmt.Errorf("contact list deadline: %w", err)
	}
	return d, nil
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}
