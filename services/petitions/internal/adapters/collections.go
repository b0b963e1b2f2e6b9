// Package adapters connects petitions to MongoDB (through the outbox) and to Kafka.
package adapters

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/platformcopy"
	"dundian.local/libs/store"
)

const (
	opinionsCollection     = "opinions"
	challengesCollection   = "challenges"
	textsCollection        = "texts"
	casesCollection        = "cases"
	tasksCollection        = "tasks"
	ratingsCollection      = "ratings"
	ratingClaimsCollection = "rating_claims"
	ratingMonthsCollection = "rating_months"
	stationedCollection    = "stationed"
	cadresCollection       = "cadres"
)

// Collections and indexes petitions keeps in every town's database (prefixed "petitions_").
var (
	Collections = []string{opinionsCollection, platformcopy.SettingsCollection, challengesCollection, textsCollection, casesCollection, tasksCollection,
		ratingsCollection, ratingClaimsCollection, ratingMonthsCollection, stationedCollection, cadresCollection}
	Indexes = []store.Index{
		{Collection: opinionsCollection, Keys: bson.D{{Key: "community", Value: 1}, {Key: "status", Value: 1}}},
		{Collection: opinionsCollection, Keys: bson.D{{Key: "responsible.id", Value: 1}, {Key: "status", Value: 1}}},
		{Collection: opinionsCollection, Keys: bson.D{{Key: "status", Value: 1}, {Key: "due", Value: 1}}},
		{Collection: opinionsCollection, Keys: bson.D{{Key: "trackingCode", Value: 1}}, Unique: true},
		{Collection: challengesCollection, Keys: bson.D{{Key: "expires", Value: 1}}},
		{Collection: casesCollection, Keys: bson.D{{Key: "status", Value: 1}, {Key: "backlog", Value: 1}}},
		{Collection: tasksCollection, Keys: bson.D{{Key: "source.id", Value: 1}}},
		{Collection: ratingsCollection, Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "month", Value: 1}}},
		{Collection: ratingMonthsCollection, Keys: bson.D{{Key: "month", Value: 1}}},
		{Collection: stationedCollection, Keys: bson.D{{Key: "community", Value: 1}}},
	}
)
