// Package app holds fieldwork's use cases. Handlers call them; they enforce who may do what
// to which record (a cadre its own, a branch secretary its community's, the town office all
// of the town's), and reach storage through the ports below.
package app

import (
	"context"
	"io"
	"net/url"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
	"dundian.local/libs/platformcopy"
	"dundian.local/libs/tasks"
	"dundian.local/libs/tenancy"
	"dundian.local/services/fieldwork/internal/domain/activity"
	"dundian.local/services/fieldwork/internal/domain/attachment"
	"dundian.local/services/fieldwork/internal/domain/entry"
	"dundian.local/services/fieldwork/internal/domain/report"
	"dundian.local/services/fieldwork/internal/domain/sheet"
	"dundian.local/services/fieldwork/internal/domain/station"
	"dundian.local/services/fieldwork/internal/domain/stay"
)

// Repository stores one kind of entity of the town in ctx, each write with its event.
type Repository[T any] interface {
	// Insert stores a new entity (rev 1) with an event of evType; a used id is errs.ErrConflict.
	Insert(ctx context.Context, v T, evType, actor string) (T, error)
	// Update reads the entity, lets fn change it and name the event, and stores it guarded by
	// the revision it read.
	Update(ctx context.Context, id, actor string, fn func(*T) (string, error)) (T, error)
	Get(ctx context.Context, id string) (T, error)
}

// EntryFilter narrows a list of work logs or diaries; empty fields do not filter.
type EntryFilter struct {
	Cadre     string
	Community tenancy.CommunityCode
	Before    string // id cursor: entries older than this one
}

// Lists are the queries that read more than one document.
type Lists interface {
	StaysOfCadre(ctx context.Context, cadre string, from, to time.Time) ([]stay.Stay, error)
	StaysOfCommunity(ctx context.Context, c tenancy.CommunityCode, from, to time.Time) ([]stay.Stay, error)
	Entries(ctx context.Context, kind entry.Kind, f EntryFilter, limit int) ([]entry.Entry, error)
	Sheets(ctx context.Context, c tenancy.CommunityCode) ([]sheet.Sheet, error)
	// Reports lists research reports newest first, of one cadre when cadre is not empty.
	Reports(ctx context.Context, cadre, before string, limit int) ([]report.Report, error)
	// Stations lists the town's service stations by community code.
	Stations(ctx context.Context) ([]station.Station, error)
	Activities(ctx context.Context, f ActivityFilter, limit int) ([]activity.Activity, error)
	// Measures lists the rectification measures of an activity.
	Measures(ctx context.Context, activity string) ([]tasks.Task, error)
}

// ActivityFilter narrows a list of activities; empty fields do not filter.
type ActivityFilter struct {
	Cadre     string
	Community tenancy.CommunityCode
	Task      string
	Before    string // id cursor
}

// CadreMonths is the read model of a cadre's stationing per month.
type CadreMonths interface {
	Put(ctx context.Context, m stay.CadreMonth) error
}

// Links is fieldwork's copy of personnel's assignments (O1).
type Links interface {
	LinkedCommunity(ctx context.Context, cadre string, year int) (community string, known bool, err error)
}

// PendingUpload is an upload not yet attached to a record, as the county-wide list holds it.
type PendingUpload struct {
	Town    tenancy.TownCode
	ID      string
	Started time.Time
}

// Uploads is the county-wide list of uploads not yet attached to a record. An upload is
// listed before its file is stored, so a file left by a failed or abandoned upload is found
// without looking through every town.
type Uploads interface {
	Begin(ctx context.Context, u PendingUpload) error
	Done(ctx context.Context, town tenancy.TownCode, id string) error
	StartedBefore(ctx context.Context, before time.Time, limit int) ([]PendingUpload, error)
}

// Evidence is a town's setting for collecting location with stays.
type Evidence string

const (
	EvidenceOff      Evidence = "off"
	EvidenceOptional Evidence = "optional"
	EvidenceRequired Evidence = "required"
)

// Settings are what fieldwork uses of a town's settings.
type Settings struct {
	LocationEvidence Evidence
	DiaryToBranch    bool // the community's branch reads the diaries it keeps on file
}

// Platform is fieldwork's copy of the programme calendar and the towns' settings.
type Platform interface {
	Calendar(ctx context.Context, town tenancy.TownCode, year int) (calendar.Calendar, error)
	Settings(ctx context.Context, town tenancy.TownCode) (platformcopy.Settings, error)
}

// Objects is the object store of attachments.
type Objects interface {
	Put(ctx context.Context, key objects.Key, r io.Reader, size int64, contentType string, limit int64, meta map[string]string) (objects.Info, error)
	Get(ctx context.Context, key objects.Key) (io.ReadCloser, objects.Info, error)
	Delete(ctx context.Context, key objects.Key) error
	PresignGet(ctx context.Context, key objects.Key, ttl time.Duration, downloadName string) (*url.URL, error)
}

// Deps are what the use cases need.
type Deps struct {
	Stays       Repository[stay.Stay]
	Sheets      Repository[sheet.Sheet]
	WorkLogs    Repository[entry.Entry]
	Diaries     Repository[entry.Entry]
	Attachments Repository[attachment.Attachment]
	Reports     Repository[report.Report]
	Stations    Repository[station.Station]
	Activities  Repository[activity.Activity]
	Measures    Repository[tasks.Task]
	Lists       Lists
	CadreMonths CadreMonths
	Links       Links
	Uploads     Uploads
	Platform    Platform
	Objects     Objects
	Now         func() time.Time
}

// Application is fieldwork's use cases.
type Application struct {
	Commands Commands
	Queries  Queries
}

type Commands struct {
	StartStay        StartStayHandler
	EndStay          EndStayHandler
	PayMeal          PayMealHandler
	WriteEntry       WriteEntryHandler
	EditEntry        EditEntryHandler
	GenerateSheet    GenerateSheetHandler
	DecideSheet      DecideSheetHandler
	UploadAttachment UploadAttachmentHandler
	SweepUploads     SweepUploadsHandler
	WriteReport      WriteReportHandler
	EditReport       EditReportHandler
	SubmitReport     SubmitReportHandler
	ReviewReport     ReviewReportHandler
	RecordStation    RecordStationHandler
	RecordActivity   RecordActivityHandler
	AddMeasure       AddMeasureHandler
	MoveMeasure      MoveMeasureHandler
}

type Queries struct {
	Stays           StaysHandler
	Stay            StayHandler
	StationingMonth StationingMonthHandler
	Entries         EntriesHandler
	Entry           EntryHandler
	Sheets          SheetsHandler
	Sheet           SheetHandler
	Attachment      AttachmentHandler
	AttachmentURL   AttachmentURLHandler
	Thumbnail       ThumbnailHandler
	Reports         ReportsHandler
	Report          ReportHandler
	Stations        StationsHandler
	Station         StationHandler
	Activities      ActivitiesHandler
	Activity        ActivityHandler
	Measures        MeasuresHandler
}

// New wires the use cases.
func New(d Deps) Application {
	if d.Now == nil {
		d.Now = time.Now
	}
	x := &d
	return Application{
		Commands: Commands{
			StartStay: StartStayHandler{x}, EndStay: EndStayHandler{x}, PayMeal: PayMealHandler{x},
			WriteEntry: WriteEntryHandler{x}, EditEntry: EditEntryHandler{x},
			GenerateSheet: GenerateSheetHandler{x}, DecideSheet: DecideSheetHandler{x},
			UploadAttachment: UploadAttachmentHandler{x}, SweepUploads: SweepUploadsHandler{x},
			WriteReport: WriteReportHandler{x}, EditReport: EditReportHandler{x},
			SubmitReport: SubmitReportHandler{x}, ReviewReport: ReviewReportHandler{x},
			RecordStation:  RecordStationHandler{x},
			RecordActivity: RecordActivityHandler{x}, AddMeasure: AddMeasureHandler{x}, MoveMeasure: MoveMeasureHandler{x},
		},
		Queries: Queries{
			Stays: StaysHandler{x}, Stay: StayHandler{x}, StationingMonth: StationingMonthHandler{x},
			Entries: EntriesHandler{x}, Entry: EntryHandler{x},
			Sheets: SheetsHandler{x}, Sheet: SheetHandler{x},
			Attachment: AttachmentHandler{x}, AttachmentURL: AttachmentURLHandler{x}, Thumbnail: ThumbnailHandler{x},
			Reports: ReportsHandler{x}, Report: ReportHandler{x},
			Stations: StationsHandler{x}, Station: StationHandler{x},
			Activities: ActivitiesHandler{x}, Activity: ActivityHandler{x}, Measures: MeasuresHandler{x},
		},
	}
}

var (
	ErrNoCadre = errs.Forbidden("account-not-linked-to-cadre",
		"this account is not linked to a cadre; ask the town office to link it",
		"该账号未关联蹲点干部，请联系镇活动办关联")
	ErrCadreRequired = errs.Invalid("cadre-required",
		"say which cadre this is recorded for", "请指明为哪位干部记录")
	ErrCommunity = errs.Invalid("community-invalid",
		"give a community (12-digit code) of this town", "请填写本乡镇的社区（村）代码（12位）")
	ErrNoCommunity = errs.Forbidden("account-not-linked-to-community",
		"this account is not linked to a community", "该账号未关联社区（村）")
)

// caller is the verified principal and the town of the request.
type caller struct {
	auth.Principal
	town tenancy.TownCode
}

func callerOf(ctx context.Context) (caller, error) {
	p, err := auth.FromContext(ctx)
	if err != nil {
		return caller{}, errs.ErrUnauthorized
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return caller{}, err
	}
	return caller{p, town}, nil
}

// office reports whether the caller reads everything of the town.
func (c caller) office() bool {
	return c.Has(auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader)
}

// recordsFor is the cadre the caller records for: a cadre only for itself, the town office
// for the cadre it names.
func (c caller) recordsFor(cadre string) (string, error) {
	if c.Role == auth.Cadre {
		if c.CadreID == "" {
			return "", ErrNoCadre
		}
		if cadre != "" && cadre != c.CadreID {
			return "", errs.ErrForbidden
		}
		return c.CadreID, nil
	}
	if !c.Has(auth.CountyAdmin, auth.TownAdmin) {
		return "", errs.ErrForbidden
	}
	if cadre == "" {
		return "", ErrCadreRequired
	}
	return cadre, nil
}

// community parses a community code of the caller's town.
func (c caller) community(code string) (tenancy.CommunityCode, error) {
	cc, err := tenancy.ParseCommunity(code)
	if err != nil || cc.Town() != c.town {
		return "", ErrCommunity
	}
	return cc, nil
}

// calendarOf is the calendar of the programme year of day t.
func (d *Deps) calendarOf(ctx context.Context, t time.Time) (calendar.Calendar, error) {
	return d.calendarOfYear(ctx, calendar.BeijingDay(t).Year)
}

// calendarOfYear is the programme calendar of the town in ctx.
func (d *Deps) calendarOfYear(ctx context.Context, year int) (calendar.Calendar, error) {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return calendar.Calendar{}, err
	}
	return d.Platform.Calendar(ctx, town, year)
}

// settings are the settings of the town in ctx, as fieldwork uses them: the privacy-preserving
// defaults (no location; the branch keeps diaries on file, §四6) until the town changes them.
func (d *Deps) settings(ctx context.Context) (Settings, error) {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return Settings{}, err
	}
	s, err := d.Platform.Settings(ctx, town)
	if err != nil {
		return Settings{}, err
	}
	return Settings{
		LocationEvidence: Evidence(s.LocationEvidence),
		DiaryToBranch:    s.DiaryVisibility != platformcopy.DiaryTownOffice,
	}, nil
}
