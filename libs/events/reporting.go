package events

// Reporting's events. The data of each is the entity's new state: the monthly report, the
// dispatch meeting, the action item (a libs/tasks Task), the town report or the story.
const (
	MonthlyReportDrafted   = "reporting.monthly_report.drafted"   // the cadre saved the narrative or declaration
	MonthlyReportSubmitted = "reporting.monthly_report.submitted" // the cadre submitted (again, after a return)
	MonthlyReportApproved  = "reporting.monthly_report.approved"  // the town office accepted it
	MonthlyReportReturned  = "reporting.monthly_report.returned"  // the town office sent it back with a comment

	MeetingScheduled       = "reporting.meeting.scheduled"
	MeetingMinutesRecorded = "reporting.meeting.minutes_recorded"
	ActionItemCreated      = "reporting.action_item.created" // an action item of a meeting
	ActionItemChanged      = "reporting.action_item.changed" // started, completed, verified, reopened or cancelled

	TownReportDrafted   = "reporting.town_report.drafted"
	TownReportSubmitted = "reporting.town_report.submitted" // to the town leader for sign-off
	TownReportSigned    = "reporting.town_report.signed"
	TownReportReturned  = "reporting.town_report.returned" // the leader sent it back to the office
	TownReportFiled     = "reporting.town_report.filed"    // filed with the county

	StoryDrafted   = "reporting.story.drafted"
	StoryPublished = "reporting.story.published" // approved by the town leader: on the public page
	StoryWithdrawn = "reporting.story.withdrawn"
)
