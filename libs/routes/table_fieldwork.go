package routes

import "dundian.local/libs/auth"

var (
	// fieldworkRecorders record stays and attachments: the cadre, or the town office for a cadre.
	fieldworkRecorders = []auth.Role{auth.CountyAdmin, auth.TownAdmin, auth.Cadre}
	// diaryReaders may reach diaries at all; the service narrows it to the author, the town
	// office and the branch that keeps them on file.
	diaryReaders = []auth.Role{auth.TownAdmin, auth.TownLeader, auth.Cadre, auth.BranchSecretary}
	// reportReaders: research reports go to the town office, not to the branch.
	reportReaders = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader, auth.Cadre}
)

// fieldworkRoutes are the fieldwork service's routes: stays, attendance sheets, logs, diaries, activities, research reports, attachments.
var fieldworkRoutes = []Route{
	{ID: "listStays", Method: "GET", Path: "/api/v1/towns/{town}/stays", Owner: Fieldwork, Roles: readers},
	{ID: "startStay", Method: "POST", Path: "/api/v1/towns/{town}/stays", Owner: Fieldwork, Roles: fieldworkRecorders},
	{ID: "getStay", Method: "GET", Path: "/api/v1/towns/{town}/stays/{stay}", Owner: Fieldwork, Roles: readers},
	{ID: "endStay", Method: "POST", Path: "/api/v1/towns/{town}/stays/{stay}/end", Owner: Fieldwork, Roles: fieldworkRecorders},
	{ID: "payMeal", Method: "POST", Path: "/api/v1/towns/{town}/stays/{stay}/meal-payments", Owner: Fieldwork, Roles: fieldworkRecorders},
	{ID: "stationingMonth", Method: "GET", Path: "/api/v1/towns/{town}/stays/months/{month}", Owner: Fieldwork, Roles: readers},

	{ID: "listWorkLogs", Method: "GET", Path: "/api/v1/towns/{town}/work-logs", Owner: Fieldwork, Roles: readers},
	{ID: "writeWorkLog", Method: "POST", Path: "/api/v1/towns/{town}/work-logs", Owner: Fieldwork, Roles: []auth.Role{auth.Cadre}},
	{ID: "getWorkLog", Method: "GET", Path: "/api/v1/towns/{town}/work-logs/{log}", Owner: Fieldwork, Roles: readers},
	{ID: "editWorkLog", Method: "PATCH", Path: "/api/v1/towns/{town}/work-logs/{log}", Owner: Fieldwork, Roles: []auth.Role{auth.Cadre}},

	{ID: "listDiaries", Method: "GET", Path: "/api/v1/towns/{town}/diaries", Owner: Fieldwork, Roles: diaryReaders},
	{ID: "writeDiary", Method: "POST", Path: "/api/v1/towns/{town}/diaries", Owner: Fieldwork, Roles: []auth.Role{auth.Cadre}},
	{ID: "getDiary", Method: "GET", Path: "/api/v1/towns/{town}/diaries/{diary}", Owner: Fieldwork, Roles: diaryReaders},
	{ID: "editDiary", Method: "PATCH", Path: "/api/v1/towns/{town}/diaries/{diary}", Owner: Fieldwork, Roles: []auth.Role{auth.Cadre}},

	{ID: "listAttendanceSheets", Method: "GET", Path: "/api/v1/towns/{town}/attendance-sheets", Owner: Fieldwork, Roles: readers},
	{ID: "generateAttendanceSheet", Method: "POST", Path: "/api/v1/towns/{town}/attendance-sheets", Owner: Fieldwork, Roles: admins},
	{ID: "getAttendanceSheet", Method: "GET", Path: "/api/v1/towns/{town}/attendance-sheets/{sheet}", Owner: Fieldwork, Roles: readers},
	{ID: "confirmAttendanceSheet", Method: "POST", Path: "/api/v1/towns/{town}/attendance-sheets/{sheet}/confirm", Owner: Fieldwork, Roles: []auth.Role{auth.BranchSecretary}},
	{ID: "disputeAttendanceSheet", Method: "POST", Path: "/api/v1/towns/{town}/attendance-sheets/{sheet}/dispute", Owner: Fieldwork, Roles: []auth.Role{auth.BranchSecretary}},

	{ID: "listResearchReports", Method: "GET", Path: "/api/v1/towns/{town}/research-reports", Owner: Fieldwork, Roles: reportReaders},
	{ID: "writeResearchReport", Method: "POST", Path: "/api/v1/towns/{town}/research-reports", Owner: Fieldwork, Roles: []auth.Role{auth.Cadre}},
	{ID: "getResearchReport", Method: "GET", Path: "/api/v1/towns/{town}/research-reports/{report}", Owner: Fieldwork, Roles: reportReaders},
	{ID: "editResearchReport", Method: "PATCH", Path: "/api/v1/towns/{town}/research-reports/{report}", Owner: Fieldwork, Roles: []auth.Role{auth.Cadre}},
	{ID: "submitResearchReport", Method: "POST", Path: "/api/v1/towns/{town}/research-reports/{report}/submit", Owner: Fieldwork, Roles: []auth.Role{auth.Cadre}},
	{ID: "reviewResearchReport", Method: "POST", Path: "/api/v1/towns/{town}/research-reports/{report}/review", Owner: Fieldwork, Roles: admins},

	{ID: "listServiceStations", Method: "GET", Path: "/api/v1/towns/{town}/service-stations", Owner: Fieldwork, Roles: readers},
	{ID: "getServiceStation", Method: "GET", Path: "/api/v1/towns/{town}/service-stations/{community}", Owner: Fieldwork, Roles: readers},
	{ID: "recordServiceStation", Method: "PUT", Path: "/api/v1/towns/{town}/service-stations/{community}", Owner: Fieldwork, Roles: fieldworkRecorders},

	{ID: "listActivities", Method: "GET", Path: "/api/v1/towns/{town}/activities", Owner: Fieldwork, Roles: readers},
	{ID: "recordActivity", Method: "POST", Path: "/api/v1/towns/{town}/activities", Owner: Fieldwork, Roles: []auth.Role{auth.Cadre}},
	{ID: "getActivity", Method: "GET", Path: "/api/v1/towns/{town}/activities/{activity}", Owner: Fieldwork, Roles: readers},
	{ID: "listMeasures", Method: "GET", Path: "/api/v1/towns/{town}/activities/{activity}/measures", Owner: Fieldwork, Roles: readers},
	{ID: "addMeasure", Method: "POST", Path: "/api/v1/towns/{town}/activities/{activity}/measures", Owner: Fieldwork, Roles: fieldworkRecorders},
	{ID: "moveMeasure", Method: "POST", Path: "/api/v1/towns/{town}/measures/{measure}/{step}", Owner: Fieldwork, Roles: []auth.Role{auth.CountyAdmin, auth.TownAdmin, auth.Cadre, auth.BranchSecretary}},

	{ID: "uploadAttachment", Method: "PUT", Path: "/api/v1/towns/{town}/attachments/{attachment}", Owner: Fieldwork, Roles: fieldworkRecorders},
	{ID: "getAttachment", Method: "GET", Path: "/api/v1/towns/{town}/attachments/{attachment}", Owner: Fieldwork, Roles: readers},
	{ID: "attachmentURL", Method: "GET", Path: "/api/v1/towns/{town}/attachments/{attachment}/url", Owner: Fieldwork, Roles: readers},
	{ID: "attachmentThumbnail", Method: "GET", Path: "/api/v1/towns/{town}/attachments/{attachment}/thumbnail", Owner: Fieldwork, Roles: readers},
}
