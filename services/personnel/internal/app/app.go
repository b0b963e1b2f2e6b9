// Package app holds personnel's use cases. Handlers and consumers call them; they enforce
// the rules and the caller's rights, and reach storage through the ports below.
package app

import (
	"context"
	"time"

	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/assignment"
	"dundian.local/services/personnel/internal/domain/cadre"
	"dundian.local/services/personnel/internal/domain/community"
)

// Communities is the repository of a town's communities (the town comes from ctx).
type Communities interface {
	// Add stores a new community and its personnel.community.added event; a code already
	// used gives community.ErrExists.
	Add(ctx context.Context, c community.Community, actor string) error
	// Update reads the community, lets fn change it, and stores it with its
	// personnel.community.changed event, guarded by the revision it read.
	Update(ctx context.Context, code tenancy.CommunityCode, actor string, fn func(*community.Community) error) (community.Community, error)
	Get(ctx context.Context, code tenancy.CommunityCode) (community.Community, error)
	// List returns communities ordered by code after the given one.
	List(ctx context.Context, after tenancy.CommunityCode, limit int) ([]community.Community, error)
}

// Cadres is the repository of a town's cadres, written with personnel.cadre.* events.
type Cadres interface {
	Add(ctx context.Context, c cadre.Cadre, actor string) error
	Update(ctx context.Context, id, actor string, fn func(*cadre.Cadre) error) (cadre.Cadre, error)
	Get(ctx context.Context, id string) (cadre.Cadre, error)
	List(ctx context.Context, after string, limit int) ([]cadre.Cadre, error)
}

// Assignments is the repository of a town's assignments, one per cadre and year.
type Assignments interface {
	// Change applies fn to the assignment (a zero one if there is none yet) and stores it
	// with an event of type typ, guarded by its revision.
	Change(ctx context.Context, id, typ, actor string, fn func(*assignment.Assignment) error) (assignment.Assignment, error)
	Get(ctx context.Context, id string) (assignment.Assignment, error)
	List(ctx context.Context, year int, after string, limit int) ([]assignment.Assignment, error)
	// Hosting returns the current links to a community in a year.
	Hosting(ctx context.Context, code tenancy.CommunityCode, year int) ([]assignment.Assignment, error)
}

// Repositories are the stores the use cases need.
type Repositories struct {
	Communities Communities
	Cadres      Cadres
	Assignments Assignments
	Lists       ContactLists
	Reveals     Reveals
	Forwards    Forwards
	Calendars   Calendars
	Files       Files
	Towns       Towns
	Objects     Objects
}

// Application is personnel's use cases.
type Application struct {
	Commands Commands
	Queries  Queries
}

type Commands struct {
	AddCommunity      AddCommunityHandler
	UpdateCommunity   UpdateCommunityHandler
	ImportCommunities ImportCommunitiesHandler
	AddCadre          AddCadreHandler
	UpdateCadre       UpdateCadreHandler
	LinkCommunity     LinkCommunityHandler
	EndLink           EndLinkHandler
	SetContact        SetContactHandler
	SubmitList        SubmitListHandler
	DecideList        DecideListHandler
	RevealContact     RevealContactHandler
	ForwardLists      ForwardListsHandler
	TransferCadre     TransferCadreHandler
	UploadPortrait    UploadPortraitHandler
	RemovePortrait    RemovePortraitHandler
	// Consumers' use cases.
	FileEvent             FileEventHandler
	SetDemonstrationPoint SetDemonstrationPointHandler
	RegisterTown          RegisterTownHandler
	Rollover              RolloverHandler
}

type Queries struct {
	Communities     CommunitiesHandler
	Community       CommunityHandler
	PublicCommunity PublicCommunityHandler
	Cadres          CadresHandler
	Cadre           CadreHandler
	Assignments     AssignmentsHandler
	List            ListHandler
	TownLists       TownListsHandler
	CountyLists     CountyListsHandler
	ExportLists     ExportListsHandler
	Card            CardHandler
	TownCards       TownCardsHandler
	File            FileHandler
	PublicPortrait  PublicPortraitHandler
}

// New wires the use cases over the repositories; now is the clock.
func New(r Repositories, now func() time.Time) Application {
	cl := contactLists{r.Lists, r.Cadres, r.Assignments, r.Calendars, r.Reveals, r.Forwards, now}
	cards := cards{r.Cadres, r.Assignments, now}
	return Application{
		Commands: Commands{
			AddCommunity:          AddCommunityHandler{r.Communities},
			UpdateCommunity:       UpdateCommunityHandler{r.Communities},
			ImportCommunities:     ImportCommunitiesHandler{r.Communities},
			AddCadre:              AddCadreHandler{r.Cadres},
			UpdateCadre:           UpdateCadreHandler{r.Cadres},
			LinkCommunity:         LinkCommunityHandler{r.Assignments, r.Cadres, r.Communities, r.Calendars, now},
			EndLink:               EndLinkHandler{r.Assignments, r.Calendars, now},
			SetContact:            SetContactHandler{cl},
			SubmitList:            SubmitListHandler{cl},
			DecideList:            DecideListHandler{cl},
			RevealContact:         RevealContactHandler{cl},
			ForwardLists:          ForwardListsHandler{cl},
			TransferCadre:         TransferCadreHandler{r.Cadres, r.Files, now},
			UploadPortrait:        UploadPortraitHandler{r.Cadres, r.Objects, now},
			RemovePortrait:        RemovePortraitHandler{r.Cadres, r.Objects},
			FileEvent:             FileEventHandler{r.Files},
			SetDemonstrationPoint: SetDemonstrationPointHandler{r.Communities},
			RegisterTown:          RegisterTownHandler{r.Towns},
			Rollover:              RolloverHandler{r.Towns, r.Cadres, r.Calendars, r.Assignments, r.Lists, now},
		},
		Queries: Queries{
			Communities:     CommunitiesHandler{r.Communities},
			Community:       CommunityHandler{r.Communities},
			PublicCommunity: PublicCommunityHandler{r.Communities, r.Assignments, r.Cadres, now},
			Cadres:          CadresHandler{r.Cadres},
			Cadre:           CadreHandler{r.Cadres},
			Assignments:     AssignmentsHandler{r.Assignments},
			List:            ListHandler{cl},
			TownLists:       TownListsHandler{cl},
			CountyLists:     CountyListsHandler{cl, r.Towns},
			ExportLists:     ExportListsHandler{cl},
			Card:            CardHandler{cards},
			TownCards:       TownCardsHandler{cards},
			File:            FileHandler{r.Files, r.Cadres},
			PublicPortrait:  PublicPortraitHandler{r.Communities, r.Assignments, r.Cadres, r.Objects, now},
		},
	}
}
