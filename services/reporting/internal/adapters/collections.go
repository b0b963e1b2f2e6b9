package adapters

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/store"
)

// Collections and indexes reporting keeps in every town's database (prefixed "reporting_").
var (
	Collections = []string{monthlyReportsCollection, reportMonthsCollection, figuresCollection, meetingsCollection, tasksCollection, townReportsCollection, openTasksCollection, notificationsCollection, notificationReadsCollection, storiesCollection}
	Indexes     = []store.Index{
		{Collection: monthlyReportsCollection, Keys: bson.D{{Key: "month", Value: 1}, {Key: "cadre", Value: 1}}, Unique: true},
		{Collection: meetingsCollection, Keys: bson.D{{Key: "scheduledAt", Value: -1}}},
		{Collection: figuresCollection, Keys: bson.D{{Key: "month", Value: 1}}},
		{Collection: notificationsCollection, Keys: bson.D{{Key: "recipient", Value: 1}, {Key: "at", Value: -1}}},
		{Collection: storiesCollection, Keys: bson.D{{Key: "status", Value: 1}}},
		{Collection: tasksCollection, Keys: bson.D{{Key: "source.entity", Value: 1}, {Key: "source.id", Value: 1}}},
	}
)
