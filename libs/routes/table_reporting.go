package routes

import "dundian.local/libs/auth"

var (
	// reportingReaders may read monthly reports; the use case narrows a cadre to their own.
	reportingReaders = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader, auth.Cadre}
	reportingCadres  = []auth.Role{auth.Cadre}
	reportingOffice  = []auth.Role{auth.TownAdmin}
	// reportingOwners move action items: the office, or the cadre who owns one.
	reportingOwners = []auth.Role{auth.TownAdmin, auth.Cadre}
	// reportingTown read the town's own reports; the town leader signs them.
	reportingTown   = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader}
	reportingLeader = []auth.Role{auth.TownLeader}
	reportingHeads  = []auth.Role{auth.TownAdmin, auth.TownLeader}
	// reportingCounty rebuilds the projections every county role reads, and connects the
	// county's messaging gateway.
	reportingCounty = []auth.Role{auth.CountyAdmin}
)

// reportingRoutes are the reporting service's routes: reports, meetings, projections, the county comparison.
var reportingRoutes = []Route{
	{ID: "countyComparison", Method: "GET", Path: "/api/v1/county/comparison", Owner: Reporting, Roles: county},
	{ID: "countyMonth", Method: "GET", Path: "/api/v1/county/comparison/months/{month}", Owner: Reporting, Roles: county},
	{ID: "countyTrend", Method: "GET", Path: "/api/v1/county/comparison/trend", Owner: Reporting, Roles: county},
	{ID: "getComparisonSettings", Method: "GET", Path: "/api/v1/county/comparison/settings", Owner: Reporting, Roles: county},
	{ID: "setComparisonSettings", Method: "PUT", Path: "/api/v1/county/comparison/settings", Owner: Reporting, Roles: []auth.Role{auth.CountyAdmin}},
	{ID: "townMonth", Method: "GET", Path: "/api/v1/towns/{town}/months/{month}", Owner: Reporting, Roles: reportingTown},
	{ID: "startRebuild", Method: "POST", Path: "/api/v1/county/projections/rebuild", Owner: Reporting, Roles: reportingCounty},
	{ID: "latestRebuild", Method: "GET", Path: "/api/v1/county/projections/rebuild", Owner: Reporting, Roles: reportingCounty},
	{ID: "getWebhook", Method: "GET", Path: "/api/v1/county/webhook", Owner: Reporting, Roles: reportingCounty},
	{ID: "configureWebhook", Method: "PUT", Path: "/api/v1/county/webhook", Owner: Reporting, Roles: reportingCounty},
	{ID: "listWebhookDeliveries", Method: "GET", Path: "/api/v1/county/webhook/deliveries", Owner: Reporting, Roles: reportingCounty},
	{ID: "exportComparison", Method: "GET", Path: "/api/v1/county/comparison/export", Owner: Reporting, Roles: county},
	{ID: "exportMonthlyReports", Method: "GET", Path: "/api/v1/towns/{town}/monthly-reports/export", Owner: Reporting, Roles: reportingTown},
	{ID: "listMonthlyReports", Method: "GET", Path: "/api/v1/towns/{town}/monthly-reports", Owner: Reporting, Roles: reportingReaders},
	{ID: "getMonthlyReport", Method: "GET", Path: "/api/v1/towns/{town}/cadres/{cadre}/monthly-reports/{month}", Owner: Reporting, Roles: reportingReaders},
	{ID: "saveMonthlyReport", Method: "PUT", Path: "/api/v1/towns/{town}/cadres/{cadre}/monthly-reports/{month}", Owner: Reporting, Roles: reportingCadres},
	{ID: "submitMonthlyReport", Method: "POST", Path: "/api/v1/towns/{town}/cadres/{cadre}/monthly-reports/{month}/submit", Owner: Reporting, Roles: reportingCadres},
	{ID: "approveMonthlyReport", Method: "POST", Path: "/api/v1/towns/{town}/cadres/{cadre}/monthly-reports/{month}/approve", Owner: Reporting, Roles: reportingOffice},
	{ID: "returnMonthlyReport", Method: "POST", Path: "/api/v1/towns/{town}/cadres/{cadre}/monthly-reports/{month}/return", Owner: Reporting, Roles: reportingOffice},
	{ID: "listMeetings", Method: "GET", Path: "/api/v1/towns/{town}/meetings", Owner: Reporting, Roles: reportingReaders},
	{ID: "scheduleMeeting", Method: "POST", Path: "/api/v1/towns/{town}/meetings", Owner: Reporting, Roles: reportingOffice},
	{ID: "getMeeting", Method: "GET", Path: "/api/v1/towns/{town}/meetings/{meeting}", Owner: Reporting, Roles: reportingReaders},
	{ID: "recordMinutes", Method: "PUT", Path: "/api/v1/towns/{town}/meetings/{meeting}/minutes", Owner: Reporting, Roles: reportingOffice},
	{ID: "addActionItem", Method: "POST", Path: "/api/v1/towns/{town}/meetings/{meeting}/action-items", Owner: Reporting, Roles: reportingOffice},
	{ID: "moveActionItem", Method: "POST", Path: "/api/v1/towns/{town}/action-items/{item}/{step}", Owner: Reporting, Roles: reportingOwners},
	{ID: "listTownReports", Method: "GET", Path: "/api/v1/towns/{town}/town-reports", Owner: Reporting, Roles: reportingTown},
	{ID: "getTownReport", Method: "GET", Path: "/api/v1/towns/{town}/town-reports/{kind}/{period}", Owner: Reporting, Roles: reportingTown},
	{ID: "editTownReport", Method: "PUT", Path: "/api/v1/towns/{town}/town-reports/{kind}/{period}", Owner: Reporting, Roles: reportingOffice},
	{ID: "submitTownReport", Method: "POST", Path: "/api/v1/towns/{town}/town-reports/{kind}/{period}/submit", Owner: Reporting, Roles: reportingOffice},
	{ID: "signTownReport", Method: "POST", Path: "/api/v1/towns/{town}/town-reports/{kind}/{period}/sign", Owner: Reporting, Roles: reportingLeader},
	{ID: "returnTownReport", Method: "POST", Path: "/api/v1/towns/{town}/town-reports/{kind}/{period}/return", Owner: Reporting, Roles: reportingLeader},
	{ID: "fileTownReport", Method: "POST", Path: "/api/v1/towns/{town}/town-reports/{kind}/{period}/file", Owner: Reporting, Roles: reportingOffice},
	{ID: "listDueTasks", Method: "GET", Path: "/api/v1/towns/{town}/tasks/due", Owner: Reporting, Roles: reportingReaders},
	{ID: "listNotifications", Method: "GET", Path: "/api/v1/towns/{town}/notifications", Owner: Reporting, Roles: everyone},
	{ID: "markNotificationsRead", Method: "POST", Path: "/api/v1/towns/{town}/notifications/read", Owner: Reporting, Roles: everyone},
	{ID: "listStories", Method: "GET", Path: "/api/v1/towns/{town}/stories", Owner: Reporting, Roles: reportingTown},
	{ID: "draftStory", Method: "POST", Path: "/api/v1/towns/{town}/stories", Owner: Reporting, Roles: reportingOffice},
	{ID: "editStory", Method: "PUT", Path: "/api/v1/towns/{town}/stories/{story}", Owner: Reporting, Roles: reportingOffice},
	{ID: "approveStory", Method: "POST", Path: "/api/v1/towns/{town}/stories/{story}/approve", Owner: Reporting, Roles: reportingLeader},
	{ID: "withdrawStory", Method: "POST", Path: "/api/v1/towns/{town}/stories/{story}/withdraw", Owner: Reporting, Roles: reportingHeads},
	{ID: "publicStories", Method: "GET", Path: "/api/v1/public/towns/{town}/stories", Owner: Reporting, Public: true},
}
