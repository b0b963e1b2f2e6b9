package events

import "time"

// personnel's event types. The data of each is the entity's new state as described in
// docs/events.md; a cadre's phone number never travels in an event.
const (
	CommunityAdded   = "personnel.community.added"
	CommunityChanged = "personnel.community.changed"

	CadreAdded   = "personnel.cadre.added"
	CadreChanged = "personnel.cadre.changed"

	AssignmentLinked = "personnel.assignment.linked" // a cadre links a community (again) for a programme year
	AssignmentEnded  = "personnel.assignment.ended"  // the link was ended, with a reason
)

// CadreData is the data of personnel.cadre.*: the cadre without the phone number.
type CadreData struct {
	ID         string `json:"id"`
	Town       string `json:"town"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Post       string `json:"post"`
	Leadership bool   `json:"leadership"`
	Status     string `json:"status"`
	// Portrait says the cadre has a photo on the disclosure board.
	Portrait bool `json:"portrait,omitempty"`
}

// AssignmentData is the data of personnel.assignment.*: which community a cadre links in a
// programme year; Community is empty once the link has ended.
type AssignmentData struct {
	ID            string `json:"id"`
	Town          string `json:"town"`
	Cadre         string `json:"cadre"`
	Year          int    `json:"year"`
	Community     string `json:"community,omitempty"`
	CommunityName string `json:"communityName,omitempty"`
}

// one-links-five lists
const (
	ContactListChanged   = "personnel.contactlist.changed"   // a contact was set or replaced
	ContactListSubmitted = "personnel.contactlist.submitted" // the cadre handed it in
	ContactListAccepted  = "personnel.contactlist.accepted"
	ContactListReturned  = "personnel.contactlist.returned"
	ContactListForwarded = "personnel.contactlist.forwarded" // the town's lists went to the county
)

// ContactListData is the data of personnel.contactlist.* about one list: its workflow state
// and the kinds filled; no contact's name, phone or hardship status.
type ContactListData struct {
	ID          string     `json:"id"`
	Town        string     `json:"town"`
	Cadre       string     `json:"cadre"`
	Year        int        `json:"year"`
	Status      string     `json:"status"`
	Late        bool       `json:"late"`
	SubmittedAt *time.Time `json:"submittedAt,omitempty"`
	Kinds       []string   `json:"kinds"`
}

// ContactListsForwardedData is the data of personnel.contactlist.forwarded: a town's lists
// of a year went to the county.
type ContactListsForwardedData struct {
	Town        string    `json:"town"`
	Year        int       `json:"year"`
	Lists       int       `json:"lists"`
	Late        int       `json:"late"`
	ForwardedAt time.Time `json:"forwardedAt"`
}
