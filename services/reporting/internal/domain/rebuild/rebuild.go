// Package rebuild is the job that rebuilds reporting's projections from scratch: it clears
// them (for one town or every town) and replays every event the topics retain through the
// same idempotent handlers the live consumer runs. The live consumer keeps running meanwhile:
// each projection keeps every source entity's revision, so whichever of the two applies an
// event first, the other changes nothing.
package rebuild

import (
	"time"

	"dundian.local/libs/errs"
)

// Status is where a job is.
type Status string

const (
	Queued  Status = "queued"
	Running Status = "running"
	Done    Status = "done"
	Failed  Status = "failed"
)

var (
	ErrActive = errs.Conflict("rebuild-active",
		"a rebuild is already queued or running: wait for it to finish",
		"已有重建任务在排队或运行，请等待其完成")
	ErrNotFound = errs.NotFound("rebuild-not-found", "no rebuild was started yet", "尚未发起过重建")
	// ErrIncomplete: the topics no longer hold the oldest events (their retention deleted
	// them), so a replay would build less than the live state holds.
	ErrIncomplete = errs.Unavailable("rebuild-incomplete",
		"the event topics no longer hold every event since the start: the projections were not rebuilt from them",
		"事件主题已不再保存全部历史事件，无法据此重建")
)

// Job is one rebuild and its progress.
type Job struct {
	ID string `json:"id" bson:"_id"`
	// Town is the one town rebuilt; empty: every town.
	Town        string     `json:"town,omitempty" bson:"town,omitempty"`
	Status      Status     `json:"status" bson:"status"`
	RequestedBy string     `json:"requestedBy" bson:"requestedBy"`
	RequestedAt time.Time  `json:"requestedAt" bson:"requestedAt"`
	StartedAt   *time.Time `json:"startedAt,omitempty" bson:"startedAt,omitempty"`
	FinishedAt  *time.Time `json:"finishedAt,omitempty" bson:"finishedAt,omitempty"`
	// Total is the number of events the topics held when the replay began; Read how many of
	// them were read, Applied how many of those were the rebuilt towns' and were applied,
	// Skipped how many the projections refused (the live consumer dead-lettered them).
	Total   int64  `json:"total" bson:"total"`
	Read    int64  `json:"read" bson:"read"`
	Applied int64  `json:"applied" bson:"applied"`
	Skipped int64  `json:"skipped" bson:"skipped"`
	Error   string `json:"error,omitempty" bson:"error,omitempty"`
	// Kept are towns left as they were: their creation is not in the topics (restored from
	// a backup), so their history cannot be replayed.
	Kept []string `json:"kept,omitempty" bson:"kept,omitempty"`
}

// New is a queued job.
func New(id, town, actor string, at time.Time) Job {
	return Job{ID: id, Town: town, Status: Queued, RequestedBy: actor, RequestedAt: at}
}

// Active reports a job that still has work to do: queued, or running (a running job whose
// process stopped is started again).
func (j Job) Active() bool { return j.Status == Queued || j.Status == Running }

// Start marks the job running from at, with its progress reset (a restart begins again).
func (j *Job) Start(at time.Time) {
	j.Status, j.StartedAt, j.FinishedAt = Running, &at, nil
	j.Total, j.Read, j.Applied, j.Skipped, j.Error = 0, 0, 0, 0, ""
}

// Finish ends the job at at: done, or failed with the error.
func (j *Job) Finish(err error, at time.Time) {
	j.FinishedAt = &at
	if err != nil {
		j.Status, j.Error = Failed, err.Error()
		return
	}
	j.Status = Done
}

// Percent is how far the replay got, 0 to 100.
func (j Job) Percent() int {
	switch {
	case j.Status == Done:
		return 100
	case j.Total == 0:
		return 0
	}
	return int(min(j.Read*100/j.Total, 99))
}
