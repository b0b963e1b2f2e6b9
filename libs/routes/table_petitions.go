package routes

import "dundian.local/libs/auth"

var (
	// opinionRecorders record what they heard: cadres, branch secretaries (their community)
	// and the town office.
	opinionRecorders = []auth.Role{auth.TownAdmin, auth.Cadre, auth.BranchSecretary}
	// opinionOffice runs the workflow: the town office and the town's leaders.
	opinionOffice = []auth.Role{auth.TownAdmin, auth.TownLeader}
	// opinionResponders answer: the responsible cadre (checked by the service) or the office.
	opinionResponders = []auth.Role{auth.TownAdmin, auth.TownLeader, auth.Cadre}
	// caseWriters handle petition cases: the town office and the town's leaders.
	caseWriters = []auth.Role{auth.TownAdmin, auth.TownLeader}
	// caseReaders see them: those and the county (cases name petitioners; cadres do not see them).
	caseReaders = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader}
	// caseTaskWorkers move a case's tasks: the owner (a cadre, the community's branch
	// secretary) starts and completes, the town office verifies and reopens (checked by the service).
	caseTaskWorkers = []auth.Role{auth.TownAdmin, auth.TownLeader, auth.Cadre, auth.BranchSecretary}
)

// petitionsRoutes are the petitions service's routes: opinions, public submissions, ratings, petition cases.
var petitionsRoutes = []Route{
	{ID: "publicChallenge", Method: "GET", Path: "/api/v1/public/towns/{town}/communities/{community}/challenge", Owner: Petitions, Public: true},
	{ID: "publicSubmitOpinion", Method: "POST", Path: "/api/v1/public/towns/{town}/communities/{community}/opinions", Owner: Petitions, Public: true},
	{ID: "publicTrackOpinion", Method: "GET", Path: "/api/v1/public/towns/{town}/communities/{community}/opinions/{tracking}", Owner: Petitions, Public: true},
	{ID: "publicRatingCadres", Method: "GET", Path: "/api/v1/public/towns/{town}/communities/{community}/ratings/cadres", Owner: Petitions, Public: true},
	{ID: "publicRateCadre", Method: "POST", Path: "/api/v1/public/towns/{town}/communities/{community}/ratings", Owner: Petitions, Public: true},
	{ID: "ratingMonth", Method: "GET", Path: "/api/v1/towns/{town}/ratings/months/{month}", Owner: Petitions, Roles: caseReaders},
	{ID: "listRatings", Method: "GET", Path: "/api/v1/towns/{town}/ratings", Owner: Petitions, Roles: caseReaders},
	{ID: "reviewRating", Method: "POST", Path: "/api/v1/towns/{town}/ratings/{rating}/review", Owner: Petitions, Roles: []auth.Role{auth.TownAdmin}},
	{ID: "listOpinions", Method: "GET", Path: "/api/v1/towns/{town}/opinions", Owner: Petitions, Roles: readers},
	{ID: "recordOpinion", Method: "POST", Path: "/api/v1/towns/{town}/opinions", Owner: Petitions, Roles: opinionRecorders},
	{ID: "getOpinion", Method: "GET", Path: "/api/v1/towns/{town}/opinions/{opinion}", Owner: Petitions, Roles: readers},
	{ID: "assignOpinion", Method: "POST", Path: "/api/v1/towns/{town}/opinions/{opinion}/assign", Owner: Petitions, Roles: opinionOffice},
	{ID: "respondOpinion", Method: "POST", Path: "/api/v1/towns/{town}/opinions/{opinion}/respond", Owner: Petitions, Roles: opinionResponders},
	{ID: "closeOpinion", Method: "POST", Path: "/api/v1/towns/{town}/opinions/{opinion}/close", Owner: Petitions, Roles: opinionOffice},
	{ID: "listCases", Method: "GET", Path: "/api/v1/towns/{town}/cases", Owner: Petitions, Roles: caseReaders},
	{ID: "registerCase", Method: "POST", Path: "/api/v1/towns/{town}/cases", Owner: Petitions, Roles: caseWriters},
	{ID: "getCase", Method: "GET", Path: "/api/v1/towns/{town}/cases/{case}", Owner: Petitions, Roles: caseReaders},
	{ID: "moveCase", Method: "POST", Path: "/api/v1/towns/{town}/cases/{case}/transitions", Owner: Petitions, Roles: caseWriters},
	{ID: "guideCase", Method: "POST", Path: "/api/v1/towns/{town}/cases/{case}/guidance", Owner: Petitions, Roles: caseWriters},
	{ID: "listCaseTasks", Method: "GET", Path: "/api/v1/towns/{town}/cases/{case}/tasks", Owner: Petitions, Roles: caseReaders},
	{ID: "planCaseTask", Method: "POST", Path: "/api/v1/towns/{town}/cases/{case}/tasks", Owner: Petitions, Roles: caseWriters},
	{ID: "moveCaseTask", Method: "POST", Path: "/api/v1/towns/{town}/cases/{case}/tasks/{task}/{step}", Owner: Petitions, Roles: caseTaskWorkers},
	{ID: "townOverview", Method: "GET", Path: "/api/v1/towns/{town}/petitions/overview", Owner: Petitions, Roles: caseReaders},
	{ID: "exportTownOverview", Method: "GET", Path: "/api/v1/towns/{town}/petitions/overview/export", Owner: Petitions, Roles: caseReaders},
	{ID: "countyOverview", Method: "GET", Path: "/api/v1/county/petitions/overview", Owner: Petitions, Roles: county},
	{ID: "exportCountyOverview", Method: "GET", Path: "/api/v1/county/petitions/overview/export", Owner: Petitions, Roles: county},
}
