package events

// Events of the petitions service (topic dundian.petitions.v1). The data of each is the
// entity's new state; a phone number in it is always masked.
const (
	OpinionReceived  = "petitions.opinion.received"  // recorded by a cadre or submitted on the public page
	OpinionAssigned  = "petitions.opinion.assigned"  // handed to a responsible cadre
	OpinionResponded = "petitions.opinion.responded" // the response was given
	OpinionClosed    = "petitions.opinion.closed"
)

// Petition cases and their follow-up tasks.
const (
	CaseRegistered = "petitions.case.registered" // an early sign, or a backlog case taken over
	CaseChanged    = "petitions.case.changed"    // a state change (with actor and reason in its history) or guidance
	TaskCreated    = "petitions.task.created"    // a resolution step or stabilisation measure of a case (libs/tasks)
	// TaskChanged: a case's task was started, completed by its owner, verified, reopened or
	// cancelled by the town office; the data is the whole task with its history.
	TaskChanged = "petitions.task.changed"
)

// RatingReceived: a satisfaction rating of a cadre from the public page, with its anomaly
// flags; it waits for the town office's review before it counts towards a recall trigger.
const RatingReceived = "petitions.rating.received"

// RatingReviewed: the town office accepted or rejected a rating; only accepted ones count
// towards a recall trigger.
const RatingReviewed = "petitions.rating.reviewed"

// OpinionOverdue: an opinion was still unanswered after the end of its due day (Beijing) and
// was escalated to the town office.
const OpinionOverdue = "petitions.opinion.overdue"
