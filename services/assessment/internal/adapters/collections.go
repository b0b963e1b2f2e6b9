// Package adapters connects assessment to MongoDB (through the outbox) and to Kafka.
package adapters

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/store"
)

// Collections of every town's database (prefixed "assessment_").
const (
	inspectionsCollection    = "inspections"
	findingsCollection       = "findings"
	tasksCollection          = "tasks"
	recallsCollection        = "recalls"
	assessmentsCollection    = "assessments"
	demonstrationsCollection = "demonstration_points"
	// The read model of the indicator inputs, fed by the other services' events.
	indicatorsCollection   = "indicators"
	caseRecordsCollection  = "case_records"
	sourceOwnersCollection = "source_owners"
	cadresCollection       = "cadres"
	// weightsCollection is county-wide: the county sets one set of weights per year.
	weightsCollection = "weights"
)

// Collections and indexes assessment keeps in every town's database.
var (
	Collections = []string{inspectionsCollection, findingsCollection, tasksCollection, recallsCollection,
		assessmentsCollection, demonstrationsCollection, indicatorsCollection, caseRecordsCollection, sourceOwnersCollection, cadresCollection}
	Indexes = []store.Index{
		{Collection: inspectionsCollection, Keys: bson.D{{Key: "year", Value: 1}, {Key: "_id", Value: 1}}},
		{Collection: findingsCollection, Keys: bson.D{{Key: "inspection", Value: 1}}},
		{Collection: findingsCollection, Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "year", Value: 1}}},
		{Collection: tasksCollection, Keys: bson.D{{Key: "source.id", Value: 1}}},
		{Collection: recallsCollection, Keys: bson.D{{Key: "cadre", Value: 1}}},
		{Collection: assessmentsCollection, Keys: bson.D{{Key: "year", Value: 1}, {Key: "cadre", Value: 1}}, Unique: true},
		{Collection: indicatorsCollection, Keys: bson.D{{Key: "year", Value: 1}, {Key: "_id", Value: 1}}},
	}
)
