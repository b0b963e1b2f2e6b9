// Package notification holds the in-app notifications reporting derives from every service's
// events: who must act (a cadre, or a role of the town office) and on what. A notification is
// keyed by the event and the recipient, so a redelivered event notifies nobody twice.
package notification

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"dundian.local/libs/auth"
)

// Kind says what happened; the console words it.
type Kind string

const (
	ReportReturned      Kind = "report_returned"       // to the cadre, with the office's comment
	ReportApproved      Kind = "report_approved"       // to the cadre
	ReportSubmitted     Kind = "report_submitted"      // to the town office
	ActionItemAssigned  Kind = "action_item"           // to the owning cadre
	TownReportToSign    Kind = "town_report_submitted" // to the town leader
	TownReportSentBack  Kind = "town_report_returned"  // to the town office
	OpinionAssigned     Kind = "opinion_assigned"      // to the responsible cadre
	RectificationOpened Kind = "rectification"         // a finding's rectification, to the owning cadre
	DeadlineComing      Kind = "deadline_coming"       // the monthly report is due soon, to the cadre
	DeadlineMissed      Kind = "deadline_missed"       // the monthly report is late, to the cadre and the office
)

// Notification is one message to one recipient.
type Notification struct {
	ID        string            `json:"id" bson:"_id"` // "<event id>|<recipient>"
	Recipient string            `json:"recipient" bson:"recipient"`
	Kind      Kind              `json:"kind" bson:"kind"`
	Params    map[string]string `json:"params" bson:"params"`
	Link      string            `json:"link" bson:"link"` // the console page to act on it
	At        time.Time         `json:"at" bson:"at"`
	Unread    bool              `json:"unread" bson:"-"`
}

// ToCadre and ToRole name recipients.
func ToCadre(id string) string   { return "cadre:" + id }
func ToRole(r auth.Role) string  { return "role:" + string(r) }
func toAccount(id string) string { return "account:" + id }

// New is a notification of an event to a recipient.
func New(eventID, recipient string, kind Kind, params map[string]string, link string, at time.Time) Notification {
	return Notification{ID: eventID + "|" + recipient, Recipient: recipient, Kind: kind, Params: params, Link: link, At: at}
}

// RecipientsOf are the addresses a principal reads: their account, their role in the town and,
// for a cadre, their cadre id.
func RecipientsOf(p auth.Principal) []string {
	out := []string{toAccount(p.AccountID), ToRole(p.Role)}
	if p.CadreID != "" {
		out = append(out, ToCadre(p.CadreID))
	}
	return out
}

// For keeps a principal's notifications, latest first, marking those after readUpTo unread.
func For(all []Notification, p auth.Principal, readUpTo time.Time) []Notification {
	mine := RecipientsOf(p)
	out := []Notification{}
	for _, n := range all {
		if slices.Contains(mine, n.Recipient) {
			n.Unread = n.At.After(readUpTo)
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b Notification) int { return b.At.Compare(a.At) })
	return out
}

// Reminders are the notifications of a monthly report's deadline due on a day: three days
// before, the day before and on the day itself to every cadre who has not reported; on the
// day after it passed, to each of them and to the town office. Their ids name the month and
// the day, so running the reminders again that day adds nothing. unreported maps cadre ids to
// names.
func Reminders(month string, daysLeft int, unreported map[string]string, at time.Time) []Notification {
	id := "deadline-" + month + "-" + strconv.Itoa(daysLeft)
	out := []Notification{}
	for cadre, name := range unreported {
		params := map[string]string{"month": month, "days": strconv.Itoa(daysLeft), "cadre": name}
		switch daysLeft {
		case 3, 1, 0:
			out = append(out, New(id, ToCadre(cadre), DeadlineComing, params, "/reports?month="+month, at))
		case -1:
			out = append(out,
				New(id, ToCadre(cadre), DeadlineMissed, params, "/reports?month="+month, at),
				New(id+"-"+cadre, ToRole(auth.TownAdmin), DeadlineMissed, params, "/reports?month="+month, at))
		}
	}
	slices.SortFunc(out, func(a, b Notification) int { return strings.Compare(a.ID, b.ID) })
	return out
}
