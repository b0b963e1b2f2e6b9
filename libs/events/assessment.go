package events

// Events of the assessment service. Each carries the entity's new state; the data structs
// below are the parts other services read.
const (
	InspectionPlanned  = "assessment.inspection.planned"
	InspectionRecorded = "assessment.inspection.recorded"
	FindingRecorded    = "assessment.finding.recorded"

	// Rectification tasks of findings (libs/tasks model).
	AssessmentTaskOpened  = "assessment.task.opened"
	AssessmentTaskChanged = "assessment.task.changed"

	RecallRaised     = "assessment.recall.raised"
	RecallOpened     = "assessment.recall.opened"
	RecallExplained  = "assessment.recall.explained"
	RecallDecided    = "assessment.recall.decided" // for the cadre's personal file
	RecallCirculated = "assessment.recall.circulated"

	AssessmentStarted   = "assessment.assessment.started"
	AssessmentChanged   = "assessment.assessment.changed"
	AssessmentFinalised = "assessment.assessment.finalised" // for the cadre's personal file

	DemonstrationPointNominated  = "assessment.demonstration_point.nominated"
	DemonstrationPointDesignated = "assessment.demonstration_point.designated"
	DemonstrationPointRevoked    = "assessment.demonstration_point.revoked"
)

// AssessmentFinalisedData is the part of assessment.assessment.finalised that personnel
// files: grade is excellent | competent | basic | incompetent (优秀/称职/基本称职/不称职).
type AssessmentFinalisedData struct {
	Cadre string  `json:"cadre"`
	Year  int     `json:"year"`
	Grade string  `json:"grade"`
	Score float64 `json:"score"`
}

// RecallDecidedData is the part of assessment.recall.decided that personnel files.
type RecallDecidedData struct {
	ID       string `json:"id"`
	Cadre    string `json:"cadre"`
	Trigger  string `json:"trigger"`
	Decision struct {
		Outcome     string   `json:"outcome"` // criticism | recall
		Reasons     string   `json:"reasons"`
		Accountable []string `json:"accountable"`
	} `json:"decision"`
}

// DemonstrationPointData is the part of assessment.demonstration_point.* that personnel uses
// to set the community's flag: status "designated" sets it, "revoked" clears it.
type DemonstrationPointData struct {
	Community string `json:"community"`
	Status    string `json:"status"` // nominated | designated | revoked
}
