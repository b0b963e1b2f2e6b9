package routes

import "dundian.local/libs/auth"

// cadreListReaders read a town's cadre list: every reader but a cadre or branch secretary
// account, which reads single profiles.
var cadreListReaders = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader}

// contactListKeepers set contacts on a list: the cadre (their own, checked by the service) or the town office.
var contactListKeepers = []auth.Role{auth.CountyAdmin, auth.TownAdmin, auth.Cadre}

// fileReaders read a personal file: the county, the town office and the cadre themself (checked by the service).
var fileReaders = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.Cadre}

// portraitKeepers change a cadre's portrait: the town office, or the cadre themself (checked by the service).
var portraitKeepers = []auth.Role{auth.CountyAdmin, auth.TownAdmin, auth.Cadre}

// personnelRoutes are the personnel service's routes: communities, cadres, assignments, one-links-five lists, the public board.
var personnelRoutes = []Route{
	{ID: "publicCommunity", Method: "GET", Path: "/api/v1/public/towns/{town}/communities/{community}", Owner: Personnel, Public: true},
	{ID: "listCommunities", Method: "GET", Path: "/api/v1/towns/{town}/communities", Owner: Personnel, Roles: readers},
	{ID: "addCommunity", Method: "POST", Path: "/api/v1/towns/{town}/communities", Owner: Personnel, Roles: admins},
	{ID: "getCommunity", Method: "GET", Path: "/api/v1/towns/{town}/communities/{community}", Owner: Personnel, Roles: readers},
	{ID: "updateCommunity", Method: "PATCH", Path: "/api/v1/towns/{town}/communities/{community}", Owner: Personnel, Roles: admins},

	{ID: "listCadres", Method: "GET", Path: "/api/v1/towns/{town}/cadres", Owner: Personnel, Roles: cadreListReaders},
	{ID: "addCadre", Method: "POST", Path: "/api/v1/towns/{town}/cadres", Owner: Personnel, Roles: admins},
	{ID: "getCadre", Method: "GET", Path: "/api/v1/towns/{town}/cadres/{cadre}", Owner: Personnel, Roles: readers},
	{ID: "updateCadre", Method: "PATCH", Path: "/api/v1/towns/{town}/cadres/{cadre}", Owner: Personnel, Roles: admins},

	{ID: "listAssignments", Method: "GET", Path: "/api/v1/towns/{town}/assignments", Owner: Personnel, Roles: readers},
	{ID: "linkCommunity", Method: "PUT", Path: "/api/v1/towns/{town}/cadres/{cadre}/assignments/{year}", Owner: Personnel, Roles: admins},
	{ID: "endLink", Method: "POST", Path: "/api/v1/towns/{town}/cadres/{cadre}/assignments/{year}/end", Owner: Personnel, Roles: admins},

	// one-links-five (一联五) lists
	{ID: "townContactLists", Method: "GET", Path: "/api/v1/towns/{town}/contact-lists/{year}", Owner: Personnel, Roles: cadreListReaders},
	{ID: "forwardContactLists", Method: "POST", Path: "/api/v1/towns/{town}/contact-lists/{year}/forward", Owner: Personnel, Roles: admins},
	{ID: "exportContactLists", Method: "GET", Path: "/api/v1/towns/{town}/contact-lists/{year}/export", Owner: Personnel, Roles: admins},
	{ID: "countyContactLists", Method: "GET", Path: "/api/v1/county/contact-lists/{year}", Owner: Personnel, Roles: county},
	{ID: "getContactList", Method: "GET", Path: "/api/v1/towns/{town}/cadres/{cadre}/contact-lists/{year}", Owner: Personnel, Roles: readers},
	{ID: "setContact", Method: "PUT", Path: "/api/v1/towns/{town}/cadres/{cadre}/contact-lists/{year}/contacts/{kind}", Owner: Personnel, Roles: contactListKeepers},
	{ID: "revealContact", Method: "POST", Path: "/api/v1/towns/{town}/cadres/{cadre}/contact-lists/{year}/contacts/{kind}/reveal", Owner: Personnel, Roles: contactListKeepers},
	{ID: "submitContactList", Method: "POST", Path: "/api/v1/towns/{town}/cadres/{cadre}/contact-lists/{year}/submit", Owner: Personnel, Roles: []auth.Role{auth.Cadre}},
	{ID: "acceptContactList", Method: "POST", Path: "/api/v1/towns/{town}/cadres/{cadre}/contact-lists/{year}/accept", Owner: Personnel, Roles: admins},
	{ID: "returnContactList", Method: "POST", Path: "/api/v1/towns/{town}/cadres/{cadre}/contact-lists/{year}/return", Owner: Personnel, Roles: admins},

	// contact cards (连心卡) and the board's A4 poster
	{ID: "getCard", Method: "GET", Path: "/api/v1/towns/{town}/cadres/{cadre}/card", Owner: Personnel, Roles: readers},
	{ID: "townCards", Method: "GET", Path: "/api/v1/towns/{town}/cards", Owner: Personnel, Roles: admins},
	{ID: "poster", Method: "GET", Path: "/api/v1/towns/{town}/communities/{community}/poster", Owner: Personnel, Roles: readers},

	// personal files (档案) and transfers between towns
	{ID: "getPersonalFile", Method: "GET", Path: "/api/v1/towns/{town}/cadres/{cadre}/file", Owner: Personnel, Roles: fileReaders},
	{ID: "exportPersonalFile", Method: "GET", Path: "/api/v1/towns/{town}/cadres/{cadre}/file/export", Owner: Personnel, Roles: fileReaders},
	{ID: "transferCadre", Method: "POST", Path: "/api/v1/towns/{town}/cadres/{cadre}/transfer", Owner: Personnel, Roles: []auth.Role{auth.CountyAdmin}},

	// portraits on the disclosure board
	{ID: "uploadPortrait", Method: "PUT", Path: "/api/v1/towns/{town}/cadres/{cadre}/portrait", Owner: Personnel, Roles: portraitKeepers},
	{ID: "removePortrait", Method: "DELETE", Path: "/api/v1/towns/{town}/cadres/{cadre}/portrait", Owner: Personnel, Roles: portraitKeepers},
	{ID: "publicPortrait", Method: "GET", Path: "/api/v1/public/towns/{town}/communities/{community}/cadres/{cadre}/portrait", Owner: Personnel, Public: true},
}
