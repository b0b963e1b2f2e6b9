package app

import (
	"context"
	"io"
	"time"

	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/account"
	"dundian.local/gateway/internal/domain/audit"
	"dundian.local/gateway/internal/domain/job"
	"dundian.local/gateway/internal/domain/settings"
	"dundian.local/gateway/internal/domain/town"
)

// What the use cases need from the outside. Every write that changes control-plane state
// carries its event, written in the same single-document update (libs/outbox).

// Towns is the tenant registry (platform.towns, keyed by town code).
type Towns interface {
	Get(ctx context.Context, code tenancy.TownCode) (town.Town, error) // town.ErrNotFound
	// List returns every town without its communities, which it only counts.
	List(ctx context.Context) ([]town.Summary, error)
	Create(ctx context.Context, t town.Town, ev events.Envelope) error // town.ErrExists
	// Update writes t if the stored town is still at t.Rev; errs.ErrConflict otherwise.
	Update(ctx context.Context, t town.Town, ev events.Envelope) (town.Town, error)
	Delete(ctx context.Context, code tenancy.TownCode) error
}

// Accounts are the logins (platform.accounts).
type Accounts interface {
	Get(ctx context.Context, id string) (account.Account, error) // account.ErrNotFound
	ByUsername(ctx context.Context, username string) (account.Account, error)
	// List returns the accounts of one town, or every account when town is empty.
	List(ctx context.Context, town tenancy.TownCode) ([]account.Account, error)
	Create(ctx context.Context, a account.Account, ev events.Envelope) error // account.ErrUsernameTaken
	Update(ctx context.Context, a account.Account, ev events.Envelope) (account.Account, error)
	Any(ctx context.Context) (bool, error)
	DeleteTown(ctx context.Context, town tenancy.TownCode) (int, error)
}

// Throttles keep failed logins per username (platform.login_throttle).
type Throttles interface {
	Get(ctx context.Context, username string) (account.Throttle, error)
	// Fail counts one failure atomically, starting over when the earlier ones are stale.
	Fail(ctx context.Context, username string, now time.Time) (account.Throttle, error)
	Lock(ctx context.Context, username string, until time.Time) error
	Clear(ctx context.Context, username string) error
}

// Revocations is the deny-list of access tokens logged out before they expire.
type Revocations interface {
	Revoke(ctx context.Context, tokenID string, expires time.Time) error
	Revoked(ctx context.Context, tokenID string) (bool, error)
	Purge(ctx context.Context, now time.Time) (int, error)
}

// SettingsStore keeps each town's settings (town_<code>.gateway_settings).
type SettingsStore interface {
	// Get returns the stored settings, or settings.Default() at rev 0.
	Get(ctx context.Context, town tenancy.TownCode) (settings.Settings, error)
	Put(ctx context.Context, town tenancy.TownCode, s settings.Settings, ev events.Envelope) (settings.Settings, error)
}

// ProgrammeYear is the stored calendar of one programme year: the county's settings and the
// extensions granted to towns.
type ProgrammeYear struct {
	Year      int                        `json:"year" bson:"year"`
	Programme calendar.ProgrammeCalendar `json:"programme" bson:"programme"`
	Overrides []calendar.TownOverride    `json:"overrides" bson:"overrides"`
	Rev       int64                      `json:"rev" bson:"rev"`
}

// HolidayYear is one stored year of the holiday table.
type HolidayYear struct {
	Year     int                  `json:"year" bson:"year"`
	Holidays calendar.HolidayYear `json:"holidays" bson:"holidays"`
	Rev      int64                `json:"rev" bson:"rev"`
}

// Calendars keep programme years (platform.calendars) and the holiday table
// (platform.holidays), one document per year each.
type Calendars interface {
	Years(ctx context.Context) ([]ProgrammeYear, error)
	Year(ctx context.Context, year int) (ProgrammeYear, error) // ErrProgrammeYearNotFound
	CreateYear(ctx context.Context, y ProgrammeYear, ev events.Envelope) error
	UpdateYear(ctx context.Context, y ProgrammeYear, ev events.Envelope) (ProgrammeYear, error)
	Holidays(ctx context.Context) ([]HolidayYear, error)
	CreateHolidays(ctx context.Context, h HolidayYear, ev events.Envelope) error
	UpdateHolidays(ctx context.Context, h HolidayYear, ev events.Envelope) (HolidayYear, error)
	HolidayYear(ctx context.Context, year int) (HolidayYear, error)
}

// Jobs keep the progress of long work (platform.jobs).
type Jobs interface {
	Create(ctx context.Context, j job.Job) error
	Get(ctx context.Context, id string) (job.Job, error) // job.ErrNotFound
	Progress(ctx context.Context, id string, done, total int, now time.Time) error
	Finish(ctx context.Context, j job.Job) error
}

// AuditLog appends and pages audit records. An empty town means the county's log.
type AuditLog interface {
	Append(ctx context.Context, town tenancy.TownCode, r audit.Record) error
	// Page returns up to limit records older than the record with id before ("" for the
	// newest), newest first.
	Page(ctx context.Context, town tenancy.TownCode, before string, limit int) ([]audit.Record, error)
}

// Erasures record each erased town (platform.erasures); the record carries the
// platform.town.erased event, since the town's own record is gone.
type Erasures interface {
	Record(ctx context.Context, e Erasure, ev events.Envelope) error
}

// Erasure is the county's record that a town was erased and from which export it could be
// restored.
type Erasure struct {
	ID       string           `json:"id" bson:"_id"`
	Town     tenancy.TownCode `json:"town" bson:"town"`
	Name     string           `json:"name" bson:"name"`
	ExportID string           `json:"exportId" bson:"exportId"`
	By       string           `json:"by" bson:"by"`
	At       time.Time        `json:"at" bson:"at"`
	Accounts int              `json:"accounts" bson:"accounts"`
	Objects  int              `json:"objects" bson:"objects"`
}

// TownData reaches all of one town's data, whoever owns it: its database and its objects.
type TownData interface {
	// Export writes an archive of the town's database and objects plus the given
	// control-plane records to the export store and reports what it wrote.
	Export(ctx context.Context, req ExportRequest, progress func(done, total int)) (job.Result, error)
	// Archive opens an export's archive for download.
	Archive(ctx context.Context, town tenancy.TownCode, exportID string) (io.ReadCloser, int64, error)
	DropDatabase(ctx context.Context, town tenancy.TownCode) error
	DeleteObjects(ctx context.Context, town tenancy.TownCode) (int, error)
}

// ExportRequest names the town and the control-plane records that go with it.
type ExportRequest struct {
	ID       string
	Town     tenancy.TownCode
	By       string
	At       time.Time
	Platform map[string]any // file name under platform/ → records, written as JSON
}

// Passwords hash and check passwords with a slow KDF.
type Passwords interface {
	Hash(password string) (string, error)
	Verify(hash, password string) bool
}
