// Package cadre holds the stationed cadre (驻点干部): who they are, how to reach them and
// whether they may take part in the programme.
package cadre

import (
	"strings"
	"unicode/utf8"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/phone"
	"dundian.local/services/personnel/internal/domain/portrait"
)

// Status is where a cadre stands in the programme.
type Status string

const (
	Active      Status = "active"
	Recalled    Status = "recalled"    // 召回
	Transferred Status = "transferred" // 调离
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Active || s == Recalled || s == Transferred }

// Cadre is a stationed cadre of a town. Phone is personal data: it is stored, shown whole
// only to the readers SeenBy allows, and never logged or put in an event.
type Cadre struct {
	ID    string           `json:"id" bson:"_id"`
	Town  tenancy.TownCode `json:"town" bson:"town"`
	Name  string           `json:"name" bson:"name"`
	Unit  string           `json:"unit" bson:"unit"` // 工作单位
	Post  string           `json:"post" bson:"post"` // 职务
	Phone string           `json:"phone" bson:"phone"`
	// Leadership marks a member of the town's leadership team (班子成员): only they link a
	// community (O1).
	Leadership bool   `json:"leadership" bson:"leadership"`
	Status     Status `json:"status" bson:"status"`
	// Portrait is the photo shown on the disclosure board, when the cadre has given one.
	Portrait *portrait.Portrait `json:"portrait,omitempty" bson:"portrait,omitempty"`
	Rev      int64              `json:"rev" bson:"rev"`
}

const maxText = 60

var (
	ErrNameRequired = errs.Invalid("cadre-name-required",
		"a cadre needs a name of at most 60 characters", "请填写干部姓名，最多60个字")
	ErrPhoneInvalid = errs.Invalid("cadre-phone-invalid",
		"give a mobile number (11 digits) or a landline with its area code",
		"请填写11位手机号码或带区号的固定电话")
	ErrStatusInvalid = errs.Invalid("cadre-status-invalid",
		"the status is active, recalled or transferred", "干部状态只能是在岗、召回或调离")
	ErrNotFound = errs.NotFound("cadre-not-found", "no such cadre in this town", "本乡镇没有该干部")
	ErrExists   = errs.Conflict("cadre-exists", "the cadre is already in this town", "该干部已在本乡镇")
	ErrNotYours = errs.Forbidden("cadre-not-yours",
		"a cadre account reads only its own profile", "干部账号只能查看本人信息")
)

// New validates a new, active cadre of town.
func New(town tenancy.TownCode, id, name, unit, post, tel string, leadership bool) (Cadre, error) {
	c := Cadre{ID: id, Town: town, Leadership: leadership, Status: Active}
	if err := c.Apply(Changes{Name: &name, Unit: &unit, Post: &post, Phone: &tel}); err != nil {
		return Cadre{}, err
	}
	return c, nil
}

// Changes are the editable fields; nil leaves a field as it is.
type Changes struct {
	Name, Unit, Post, Phone *string
	Leadership              *bool
	Status                  *Status
}

// Apply changes the cadre by the rules.
func (c *Cadre) Apply(ch Changes) error {
	if ch.Name != nil {
		n := strings.TrimSpace(*ch.Name)
		if n == "" || utf8.RuneCountInString(n) > maxText {
			return ErrNameRequired
		}
		c.Name = n
	}
	if ch.Unit != nil {
		c.Unit = clip(*ch.Unit)
	}
	if ch.Post != nil {
		c.Post = clip(*ch.Post)
	}
	if ch.Phone != nil {
		p, ok := phone.Normalize(*ch.Phone)
		if !ok {
			return ErrPhoneInvalid
		}
		c.Phone = p
	}
	if ch.Leadership != nil {
		c.Leadership = *ch.Leadership
	}
	if ch.Status != nil {
		if !ch.Status.Valid() {
			return ErrStatusInvalid
		}
		c.Status = *ch.Status
	}
	return nil
}

// SeesPhone is the rule for a cadre's phone number: the town office (town and county
// administrators), which manages cadres, and the cadre themself see it whole; every other
// role — town leaders, county inspectors, other cadres, branch secretaries — sees it masked.
// The number a cadre gives for the public board is published there by the programme's own
// rule (S2), which is not a reason to show it whole in the console.
func SeesPhone(p auth.Principal, cadreID string) bool {
	if p.Has(auth.CountyAdmin, auth.TownAdmin) {
		return true
	}
	return p.Role == auth.Cadre && p.CadreID != "" && p.CadreID == cadreID
}

// SeenBy returns the cadre as the principal may see it.
func (c Cadre) SeenBy(p auth.Principal) Cadre {
	if !SeesPhone(p, c.ID) {
		c.Phone = phone.Mask(c.Phone)
	}
	return c
}

// Event is the cadre as its events carry it: without the phone number.
func (c Cadre) Event() events.CadreData {
	return events.CadreData{ID: c.ID, Town: string(c.Town), Name: c.Name, Unit: c.Unit, Post: c.Post,
		Leadership: c.Leadership, Status: string(c.Status), Portrait: c.Portrait != nil}
}

// Public is what the disclosure board shows of a stationed cadre (S2): the programme
// requires the phone to be public there; nothing else personal is. ID addresses the
// cadre's portrait, which Portrait says exists.
type Public struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Unit     string `json:"unit"`
	Post     string `json:"post"`
	Phone    string `json:"phone"`
	Portrait bool   `json:"portrait"`
}

// Public returns the board's fields.
func (c Cadre) Public() Public {
	return Public{ID: c.ID, Name: c.Name, Unit: c.Unit, Post: c.Post, Phone: c.Phone, Portrait: c.Portrait != nil}
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxText {
		s = string([]rune(s)[:maxText])
	}
	return s
}
