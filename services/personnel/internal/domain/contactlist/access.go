package contactlist

import (
	"dundian.local/libs/auth"
	"dundian.local/libs/events"
	"dundian.local/services/personnel/internal/domain/phone"
)

// The access rule for a list's sensitive fields, by role:
//
//   - the cadre who keeps the list sees it whole: they call these people;
//   - the town office (town and county administrators) sees phones masked and hardship
//     statuses whole; a full number is read through Reveal, which is recorded;
//   - town leaders and county inspectors see phones masked and no hardship status;
//   - a branch secretary sees phones masked, and neither the phone nor the status of a
//     hardship household, not even masked;
//   - nothing of a list is public.

// ReadsWhole reports whether p is the cadre keeping the list.
func ReadsWhole(p auth.Principal, l List) bool {
	return p.Role == auth.Cadre && p.CadreID != "" && p.CadreID == l.Cadre
}

// MayReveal reports whether p may read a contact's full number (a recorded read).
func MayReveal(p auth.Principal, l List) bool {
	return ReadsWhole(p, l) || p.Has(auth.CountyAdmin, auth.TownAdmin)
}

// SeenBy returns the list as p may see it.
func (l List) SeenBy(p auth.Principal) List {
	if ReadsWhole(p, l) {
		return l
	}
	office := p.Has(auth.CountyAdmin, auth.TownAdmin)
	mask := func(c Contact) Contact {
		c.Phone = phone.Mask(c.Phone)
		if c.Kind == HardshipHousehold && !office {
			c.Hardship = ""
			if p.Role == auth.BranchSecretary {
				c.Phone = ""
			}
		}
		return c
	}
	out := l
	out.Contacts = make([]Contact, len(l.Contacts))
	for i, c := range l.Contacts {
		out.Contacts[i] = mask(c)
	}
	out.History = make([]Replaced, len(l.History))
	for i, r := range l.History {
		out.History[i] = Replaced{Contact: mask(r.Contact), At: r.At, Actor: r.Actor}
	}
	return out
}

// Event is the list as its events carry it: its workflow state and which kinds are filled,
// never a contact's details.
func (l List) Event() events.ContactListData {
	d := events.ContactListData{ID: l.ID, Town: string(l.Town), Cadre: l.Cadre, Year: l.Year,
		Status: string(l.Status), Late: l.Late, Kinds: []string{}}
	if !l.SubmittedAt.IsZero() {
		at := l.SubmittedAt
		d.SubmittedAt = &at
	}
	for _, c := range l.Contacts {
		d.Kinds = append(d.Kinds, string(c.Kind))
	}
	return d
}
