package routes

import "dundian.local/libs/auth"

// Roles of assessment's routes; the use cases narrow them further (a town check is the town
// office's, a county inspection the county supervision group's; a cadre sees only their own).
var (
	assessConductors      = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin}
	assessCaseReaders     = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader, auth.Cadre}
	assessTownReaders     = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader}
	assessTownOffice      = []auth.Role{auth.CountyAdmin, auth.TownAdmin}
	assessTownLeaders     = []auth.Role{auth.CountyAdmin, auth.TownLeader}
	assessNominators      = []auth.Role{auth.TownAdmin, auth.TownLeader}
	assessRectifiers      = []auth.Role{auth.TownAdmin, auth.Cadre, auth.BranchSecretary}
	assessOnlyCadre       = []auth.Role{auth.Cadre}
	assessOnlyTownLeader  = []auth.Role{auth.TownLeader}
	assessOnlyCountyAdmin = []auth.Role{auth.CountyAdmin}
)

const (
	assessTown      = "/api/v1/towns/{town}"
	assessYearCadre = assessTown + "/assessments/{year}/{cadre}"
)

// assessmentRoutes are the assessment service's routes: inspections, findings, assessments, recalls, demonstration points.
var assessmentRoutes = []Route{
	{ID: "listInspections", Method: "GET", Path: assessTown + "/inspections", Owner: Assessment, Roles: readers},
	{ID: "planInspection", Method: "POST", Path: assessTown + "/inspections", Owner: Assessment, Roles: assessConductors},
	{ID: "getInspection", Method: "GET", Path: assessTown + "/inspections/{inspection}", Owner: Assessment, Roles: readers},
	{ID: "recordInspection", Method: "POST", Path: assessTown + "/inspections/{inspection}/record", Owner: Assessment, Roles: assessConductors},
	{ID: "listFindings", Method: "GET", Path: assessTown + "/inspections/{inspection}/findings", Owner: Assessment, Roles: readers},
	{ID: "addFinding", Method: "POST", Path: assessTown + "/inspections/{inspection}/findings", Owner: Assessment, Roles: assessConductors},
	{ID: "openRectification", Method: "POST", Path: assessTown + "/findings/{finding}/rectification", Owner: Assessment, Roles: assessConductors},
	{ID: "completeRectification", Method: "POST", Path: assessTown + "/findings/{finding}/rectification/complete", Owner: Assessment, Roles: assessRectifiers},
	{ID: "verifyRectification", Method: "POST", Path: assessTown + "/findings/{finding}/rectification/verify", Owner: Assessment, Roles: assessConductors},

	{ID: "listRecalls", Method: "GET", Path: assessTown + "/recalls", Owner: Assessment, Roles: assessCaseReaders},
	{ID: "raiseRecall", Method: "POST", Path: assessTown + "/recalls", Owner: Assessment, Roles: assessConductors},
	{ID: "getRecall", Method: "GET", Path: assessTown + "/recalls/{recall}", Owner: Assessment, Roles: assessCaseReaders},
	{ID: "openRecall", Method: "POST", Path: assessTown + "/recalls/{recall}/open", Owner: Assessment, Roles: assessTownOffice},
	{ID: "explainRecall", Method: "POST", Path: assessTown + "/recalls/{recall}/explanation", Owner: Assessment, Roles: assessOnlyCadre},
	{ID: "decideRecall", Method: "POST", Path: assessTown + "/recalls/{recall}/decision", Owner: Assessment, Roles: assessOnlyTownLeader},
	{ID: "circulateRecall", Method: "POST", Path: assessTown + "/recalls/{recall}/notice", Owner: Assessment, Roles: assessTownOffice},
	{ID: "getRecallThresholds", Method: "GET", Path: "/api/v1/county/recall-thresholds", Owner: Assessment, Roles: assessTownReaders},
	{ID: "putRecallThresholds", Method: "PUT", Path: "/api/v1/county/recall-thresholds", Owner: Assessment, Roles: assessOnlyCountyAdmin},

	{ID: "getAssessmentWeights", Method: "GET", Path: "/api/v1/county/assessment-weights/{year}", Owner: Assessment, Roles: readers},
	{ID: "putAssessmentWeights", Method: "PUT", Path: "/api/v1/county/assessment-weights/{year}", Owner: Assessment, Roles: assessOnlyCountyAdmin},
	{ID: "assessmentComparison", Method: "GET", Path: "/api/v1/county/assessment-comparison/{year}", Owner: Assessment, Roles: county},
	{ID: "listAssessments", Method: "GET", Path: assessTown + "/assessments/{year}", Owner: Assessment, Roles: assessTownReaders},
	{ID: "getAssessment", Method: "GET", Path: assessYearCadre, Owner: Assessment, Roles: assessCaseReaders},
	{ID: "putSelfExamination", Method: "PUT", Path: assessYearCadre + "/self-examination", Owner: Assessment, Roles: assessOnlyCadre},
	{ID: "adjustAssessment", Method: "POST", Path: assessYearCadre + "/adjustments", Owner: Assessment, Roles: county},
	{ID: "finaliseAssessment", Method: "POST", Path: assessYearCadre + "/finalise", Owner: Assessment, Roles: county},

	{ID: "listDemonstrationPoints", Method: "GET", Path: assessTown + "/demonstration-points", Owner: Assessment, Roles: readers},
	{ID: "nominateDemonstrationPoint", Method: "POST", Path: assessTown + "/demonstration-points", Owner: Assessment, Roles: assessNominators},
	{ID: "designateDemonstrationPoint", Method: "POST", Path: assessTown + "/demonstration-points/{community}/designate", Owner: Assessment, Roles: assessTownLeaders},
	{ID: "revokeDemonstrationPoint", Method: "POST", Path: assessTown + "/demonstration-points/{community}/revoke", Owner: Assessment, Roles: assessTownLeaders},
}
