// Package adapters connects fieldwork to MongoDB, Kafka and the object store.
package adapters

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/platformcopy"
	"dundian.local/libs/store"
)

// Collections of every town's database (prefixed "fieldwork_").
const (
	staysCollection       = "stays"
	cadreMonthsCollection = "cadre_months"
	sheetsCollection      = "attendance_sheets"
	workLogsCollection    = "work_logs"
	diariesCollection     = "diaries"
	attachmentsCollection = "attachments"
	reportsCollection     = "research_reports"
	stationsCollection    = "service_stations"
	activitiesCollection  = "activities"
	tasksCollection       = "tasks" // rectification measures (libs/tasks)
	linksCollection       = "links" // personnel's assignments, as fieldwork checks stays against them

	pendingUploadsCollection = "pending_uploads" // county-wide: uploads not yet attached to a record
)

// Collections and indexes fieldwork keeps in every town's database. The embedded store uses
// only the _id index; these serve real MongoDB.
var (
	Collections = []string{
		staysCollection,
		cadreMonthsCollection,
		sheetsCollection,
		workLogsCollection,
		diariesCollection,
		attachmentsCollection,
		reportsCollection,
		stationsCollection,
		activitiesCollection,
		tasksCollection,
		linksCollection,
		platformcopy.SettingsCollection,
	}
	Indexes = []store.Index{
		{Collection: staysCollection, Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "start", Value: 1}}},
		{Collection: staysCollection, Keys: bson.D{{Key: "community", Value: 1}, {Key: "start", Value: 1}}},
		{Collection: workLogsCollection, Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "written", Value: -1}}},
		{Collection: workLogsCollection, Keys: bson.D{{Key: "community", Value: 1}, {Key: "written", Value: -1}}},
		{Collection: diariesCollection, Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "written", Value: -1}}},
		{Collection: diariesCollection, Keys: bson.D{{Key: "community", Value: 1}, {Key: "written", Value: -1}}},
		{Collection: reportsCollection, Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "_id", Value: -1}}},
		{Collection: activitiesCollection, Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "_id", Value: -1}}},
		{Collection: activitiesCollection, Keys: bson.D{{Key: "community", Value: 1}, {Key: "_id", Value: -1}}},
		{Collection: tasksCollection, Keys: bson.D{{Key: "source.id", Value: 1}}},
		{Collection: sheetsCollection, Keys: bson.D{{Key: "community", Value: 1}, {Key: "_id", Value: 1}}},
	}
)
