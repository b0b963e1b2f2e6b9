// Package app holds the petitions service's use cases. Handlers and consumers call them; they
// enforce the rules and the caller's rights, and reach storage through the ports below.
package app

import (
	"context"
	"time"

	"dundian.local/libs/platformcopy"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/domain/opinion"
)

// Opinions is the repository of a town's opinions (the town comes from ctx).
type Opinions interface {
	// Add stores a new opinion with its petitions.opinion.received event.
	Add(ctx context.Context, o opinion.Opinion, actor string) error
	// Update reads the opinion, lets fn change it, and stores it with the event fn names,
	// guarded by the revision it read.
	Update(ctx context.Context, id, actor string, fn func(*opinion.Opinion) (event string, err error)) (opinion.Opinion, error)
	Get(ctx context.Context, id string) (opinion.Opinion, error)
	ByTrackingCode(ctx context.Context, code string) (opinion.Opinion, error)
	// List returns opinions newest first, before the given id when it is not empty.
	List(ctx context.Context, f ListFilter, before string, limit int) ([]opinion.Opinion, error)
}

// ListFilter narrows a list of opinions; empty fields do not filter.
type ListFilter struct {
	Status      opinion.Status
	Community   string
	Responsible string // cadre id
	RecordedBy  string // account id; with Responsible: either matches
	OverdueAt   time.Time
}

// Settings is the service's copy of the towns' settings (platform.settings.changed).
type Settings interface {
	Settings(ctx context.Context, town tenancy.TownCode) (platformcopy.Settings, error)
}

// Guards keeps what the public page's defences must remember across replicas.
type Guards interface {
	// UseChallenge records a solved challenge until it expires; a second use gives
	// guard.ErrChallengeUsed.
	UseChallenge(ctx context.Context, challenge string, expires time.Time) error
	// SeenText records a text's fingerprint and reports whether it was seen within window.
	SeenText(ctx context.Context, fingerprint string, now time.Time, window time.Duration) (bool, error)
}

// Application is the petitions service's use cases.
type Application struct {
	Commands Commands
	Queries  Queries
}

type Commands struct {
	RecordOpinion   RecordOpinionHandler
	AssignOpinion   AssignOpinionHandler
	RespondOpinion  RespondOpinionHandler
	CloseOpinion    CloseOpinionHandler
	SubmitPublic    SubmitPublicHandler
	RegisterCase    RegisterCaseHandler
	MoveCase        MoveCaseHandler
	GuideCase       GuideCaseHandler
	PlanTask        PlanTaskHandler
	MoveCaseTask    MoveCaseTaskHandler
	RateCadre       RateCadreHandler
	ReviewRating    ReviewRatingHandler
	ApplyStationing ApplyStationingHandler
	EscalateOverdue EscalateOverdueHandler
	RememberTown    RememberTownHandler
}

type Queries struct {
	Opinions        OpinionsHandler
	Opinion         OpinionHandler
	Track           TrackHandler
	Challenge       ChallengeHandler
	Cases           CasesHandler
	Case            CaseHandler
	CaseTasks       CaseTasksHandler
	StationedCadres StationedCadresHandler
	RatingMonth     RatingMonthHandler
	Ratings         RatingsHandler
	Overview        OverviewHandler
}

// Deps are what the use cases run on.
type Deps struct {
	Opinions  Opinions
	Settings  Settings
	Guards    Guards
	Cases     Cases
	Tasks     Tasks
	Ratings   Ratings
	Stationed Stationed
	Towns     Towns
	Records   Records
	Public    PublicConfig
	Now       func() time.Time
}

// New wires the use cases.
func New(d Deps) Application {
	if d.Now == nil {
		d.Now = time.Now
	}
	d.Public.setDefaults()
	return Application{
		Commands: Commands{
			RecordOpinion:   RecordOpinionHandler{d},
			AssignOpinion:   AssignOpinionHandler{d},
			RespondOpinion:  RespondOpinionHandler{d},
			CloseOpinion:    CloseOpinionHandler{d},
			SubmitPublic:    newSubmitPublic(d),
			RegisterCase:    RegisterCaseHandler{d},
			MoveCase:        MoveCaseHandler{d},
			GuideCase:       GuideCaseHandler{d},
			PlanTask:        PlanTaskHandler{d},
			MoveCaseTask:    MoveCaseTaskHandler{d},
			RateCadre:       newRateCadre(d),
			ReviewRating:    ReviewRatingHandler{d},
			ApplyStationing: ApplyStationingHandler{d},
			EscalateOverdue: EscalateOverdueHandler{d},
			RememberTown:    RememberTownHandler{d},
		},
		Queries: Queries{
			Opinions:        OpinionsHandler{d},
			Opinion:         OpinionHandler{d},
			Track:           newTrack(d),
			Challenge:       ChallengeHandler{d},
			Cases:           CasesHandler{d},
			Case:            CaseHandler{d},
			CaseTasks:       CaseTasksHandler{d},
			StationedCadres: StationedCadresHandler{d},
			RatingMonth:     RatingMonthHandler{d},
			Ratings:         RatingsHandler{d},
			Overview:        OverviewHandler{d},
		},
	}
}
