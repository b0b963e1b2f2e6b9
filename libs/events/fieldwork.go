package events

// fieldwork: stays, attendance sheets, work logs, diaries and attachments. The data of each is
// the entity's new state as the fieldwork service's JSON shows it; a stay's data also carries
// the stationing days of each month it touches (monthDays, "2026-05": 3), so consumers need
// not recount them.
const (
	StayStarted         = "fieldwork.stay.started"
	StayEnded           = "fieldwork.stay.ended"
	StayMealPaid        = "fieldwork.stay.meal_paid"
	WorkLogWritten      = "fieldwork.work_log.written"
	WorkLogEdited       = "fieldwork.work_log.edited"
	DiaryWritten        = "fieldwork.diary.written"
	DiaryEdited         = "fieldwork.diary.edited"
	AttendanceGenerated = "fieldwork.attendance_sheet.generated"
	AttendanceConfirmed = "fieldwork.attendance_sheet.confirmed"
	AttendanceDisputed  = "fieldwork.attendance_sheet.disputed"
	AttachmentUploaded  = "fieldwork.attachment.uploaded"
	AttachmentLinked    = "fieldwork.attachment.linked"
	AttachmentDiscarded = "fieldwork.attachment.discarded" // never attached to a record; its file is gone
)

// Research reports (T4).
const (
	ResearchReportWritten   = "fieldwork.research_report.written"
	ResearchReportEdited    = "fieldwork.research_report.edited"
	ResearchReportSubmitted = "fieldwork.research_report.submitted"
	ResearchReportReviewed  = "fieldwork.research_report.reviewed"
)

// Convenience service stations (T5): the data is the station's new state.
const ServiceStationChanged = "fieldwork.service_station.changed"

// Structured activities (T2, T3, T5) and the rectification measures tracked from them; a
// measure's data is the shared task (libs/tasks).
const (
	ActivityRecorded = "fieldwork.activity.recorded"
	MeasureAdded     = "fieldwork.measure.added"
	MeasureChanged   = "fieldwork.measure.changed"
)
