// Package adapters connects assessment to MongoDB and Kafka.
package adapters

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/store"
)

// Collections and indexes assessment keeps in every town's database (prefixed "assessment_").
var (
	Collections = []string{
		"inspections",
		"findings",
		"assessments",
		"recalls",
		"demonstration_points",
		"tasks",
	}
	Indexes = []store.Index{
		{Collection: "inspections", Keys: bson.D{{Key: "year", Value: 1}, {Key: "mode", Value: 1}}},
		{Collection: "findings", Keys: bson.D{{Key: "inspection", Value: 1}}},
		{Collection: "assessments", Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "year", Value: 1}}, Unique: true},
		{Collection: "recalls", Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "status", Value: 1}}},
	}
)
