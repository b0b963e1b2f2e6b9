package events

// The event catalogue: every type a service publishes, in one place so that producers and
// consumers spell them alike. The data of each is the entity's new state; docs/events.md
// describes the fields.
const (
	// gateway control plane
	TownCreated     = "platform.town.created"
	TownChanged     = "platform.town.changed" // same data as created: the full community list
	TownArchived    = "platform.town.archived"
	TownErased      = "platform.town.erased"
	SettingsChanged = "platform.settings.changed"
	CalendarChanged = "platform.calendar.changed"
	AccountCreated  = "platform.account.created"
	AccountChanged  = "platform.account.changed"
)

// TownCreatedData is the data of platform.town.created: the town and the communities it was
// imported with, so that personnel can create them.
type TownCreatedData struct {
	Code        string          `json:"code"`
	Name        string          `json:"name"`
	County      string          `json:"county"`
	CountyName  string          `json:"countyName,omitempty"`
	Communities []CommunityName `json:"communities"`
}

// CommunityName is a community as a division-code list names it.
type CommunityName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}
