package adapters

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/store"
)

// Collections and indexes reporting keeps in every town's database (prefixed "reporting_").
var (
	Collections = []string{"monthly_reports", "town_reports", "meetings", "stories", "notifications", "tasks"}
	Indexes     = []store.Index{
		{Collection: "monthly_reports", Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "month", Value: 1}}, Unique: true},
		{Collection: "notifications", Keys: bson.D{{Key: "account", Value: 1}, {Key: "at", Value: -1}}},
	}
)
