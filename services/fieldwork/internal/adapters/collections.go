// Package adapters connects fieldwork to MongoDB and Kafka.
package adapters

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/store"
)

// Collections and indexes fieldwork keeps in every town's database (prefixed "fieldwork_").
var (
	Collections = []string{
		"stays",
		"meal_payments",
		"attendance_sheets",
		"work_logs",
		"diaries",
		"activities",
		"service_stations",
		"research_reports",
		"attachments",
		"tasks",
	}
	Indexes = []store.Index{
		{Collection: "stays", Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "start", Value: 1}}},
		{Collection: "work_logs", Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "date", Value: -1}}},
		{Collection: "diaries", Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "date", Value: -1}}},
		{Collection: "attendance_sheets", Keys: bson.D{{Key: "community", Value: 1}, {Key: "month", Value: 1}}, Unique: true},
		{Collection: "activities", Keys: bson.D{{Key: "cadre", Value: 1}, {Key: "task", Value: 1}, {Key: "date", Value: -1}}},
	}
)
