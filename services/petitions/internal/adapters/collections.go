// Package adapters connects petitions to MongoDB and Kafka.
package adapters

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/store"
)

// Collections and indexes petitions keeps in every town's database (prefixed "petitions_").
var (
	Collections = []string{
		"opinions",
		"submissions",
		"ratings",
		"petitions",
		"tasks",
	}
	Indexes = []store.Index{
		{Collection: "opinions", Keys: bson.D{{Key: "community", Value: 1}, {Key: "status", Value: 1}}},
		{Collection: "opinions", Keys: bson.D{{Key: "trackingCode", Value: 1}}, Unique: true},
		{Collection: "ratings", Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "month", Value: 1}}},
		{Collection: "petitions", Keys: bson.D{{Key: "status", Value: 1}, {Key: "openedAt", Value: 1}}},
	}
)
