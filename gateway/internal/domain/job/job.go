// Package job tracks long work started from the console — a bulk import, a town export — so
// that the console can show its progress and its outcome.
package job

import (
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Kind of job.
type Kind string

const (
	ImportTowns Kind = "import_towns"
	ExportTown  Kind = "export_town"
)

// Status of a job.
type Status string

const (
	Running   Status = "running"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
)

// HeartbeatEvery is how often a running job records that it is alive; a job silent for
// StaleAfter was cut off (its process stopped) and is reported failed.
const (
	HeartbeatEvery = 5 * time.Second
	StaleAfter     = time.Minute
)

// Error is one problem a job met, with the line of the input when there is one.
type Error struct {
	Line    int    `json:"line,omitempty" bson:"line,omitempty"`
	Column  string `json:"column,omitempty" bson:"column,omitempty"`
	Code    string `json:"code" bson:"code"`
	Message string `json:"message" bson:"message"`
	Zh      string `json:"zh,omitempty" bson:"zh,omitempty"`
}

// Job is one unit of long work.
type Job struct {
	ID        string           `json:"id" bson:"_id"`
	Kind      Kind             `json:"kind" bson:"kind"`
	Status    Status           `json:"status" bson:"status"`
	Town      tenancy.TownCode `json:"town,omitempty" bson:"town,omitempty"`
	CreatedBy string           `json:"createdBy" bson:"createdBy"`
	Total     int              `json:"total" bson:"total"`
	Done      int              `json:"done" bson:"done"`
	Errors    []Error          `json:"errors" bson:"errors"`
	// Result holds what the job produced: counts for an import, the archive for an export.
	Result     Result     `json:"result" bson:"result"`
	CreatedAt  time.Time  `json:"createdAt" bson:"createdAt"`
	Heartbeat  time.Time  `json:"heartbeat" bson:"heartbeat"`
	FinishedAt *time.Time `json:"finishedAt,omitempty" bson:"finishedAt,omitempty"`
}

// Result of a job.
type Result struct {
	TownsCreated     int    `json:"townsCreated,omitempty" bson:"townsCreated,omitempty"`
	TownsChanged     int    `json:"townsChanged,omitempty" bson:"townsChanged,omitempty"`
	TownsUnchanged   int    `json:"townsUnchanged,omitempty" bson:"townsUnchanged,omitempty"`
	CommunitiesAdded int    `json:"communitiesAdded,omitempty" bson:"communitiesAdded,omitempty"`
	ArchiveKey       string `json:"archiveKey,omitempty" bson:"archiveKey,omitempty"`
	ArchiveSize      int64  `json:"archiveSize,omitempty" bson:"archiveSize,omitempty"`
	Collections      int    `json:"collections,omitempty" bson:"collections,omitempty"`
	Documents        int64  `json:"documents,omitempty" bson:"documents,omitempty"`
	Objects          int    `json:"objects,omitempty" bson:"objects,omitempty"`
}

var (
	ErrNotFound = errs.NotFound("job-not-found", "no such job", "找不到该任务")
	// ErrInterrupted is reported for a job whose process stopped before it finished.
	ErrInterrupted = Error{Code: "interrupted", Message: "the job was interrupted; start it again",
		Zh: "任务被中断，请重新发起"}
)

// Start returns a running job.
func Start(id string, kind Kind, town tenancy.TownCode, by string, total int, now time.Time) Job {
	now = now.UTC().Truncate(time.Millisecond)
	return Job{ID: id, Kind: kind, Status: Running, Town: town, CreatedBy: by, Total: total,
		Errors: []Error{}, CreatedAt: now, Heartbeat: now}
}

// VisibleTo reports whether the principal may follow the job: its creator and county
// administrators.
func (j Job) VisibleTo(p auth.Principal) bool {
	return p.Role == auth.CountyAdmin || p.AccountID == j.CreatedBy
}

// Observed returns the job as a reader should see it at now: a running job that stopped
// sending heartbeats is reported as failed.
func (j Job) Observed(now time.Time) Job {
	if j.Status == Running && now.Sub(j.Heartbeat) > StaleAfter {
		j.Status = Failed
		j.Errors = append(j.Errors, ErrInterrupted)
	}
	return j
}
