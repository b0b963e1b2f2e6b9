package adapters

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/events"
	"dundian.local/libs/store"
	"dundian.local/libs/tasks"
	"dundian.local/services/reporting/internal/domain/notification"
)

const (
	notificationsCollection     = "notifications"
	notificationReadsCollection = "notification_reads"
)

// Notifications keeps the town's in-app notifications and, per account, up to when they were
// read; each one also goes out through the county's webhook when it is on.
type Notifications struct {
	store store.Service
	hooks Webhooks
}

func NewNotifications(st store.Service) Notifications {
	return Notifications{store: st, hooks: NewWebhooks(st)}
}

// Add stores a notification once and hands it to the webhook; a redelivered event finds both
// there (the delivery is keyed by the notification, so nobody gets a message twice).
func (r Notifications) Add(ctx context.Context, n notification.Notification) error {
	coll, err := r.store.Collection(ctx, notificationsCollection)
	if err != nil {
		return err
	}
	if _, err := coll.InsertOne(ctx, n); err != nil && !store.IsDuplicate(err) {
		return err
	}
	return r.hooks.Enqueue(ctx, n, time.Now())
}

func (r Notifications) All(ctx context.Context) ([]notification.Notification, error) {
	coll, err := r.store.Collection(ctx, notificationsCollection)
	if err != nil {
		return nil, err
	}
	return find[notification.Notification](ctx, coll, bson.D{}, bson.D{{Key: "at", Value: -1}})
}

func (r Notifications) ReadUpTo(ctx context.Context, account string) (time.Time, error) {
	coll, err := r.store.Collection(ctx, notificationReadsCollection)
	if err != nil {
		return time.Time{}, err
	}
	var doc struct {
		At time.Time `bson:"at"`
	}
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: account}}).Decode(&doc)
	if store.IsNotFound(err) {
		return time.Time{}, nil
	}
	return doc.At, err
}

// MarkRead moves the account's mark forward, never back.
func (r Notifications) MarkRead(ctx context.Context, account string, at time.Time) error {
	coll, err := r.store.Collection(ctx, notificationReadsCollection)
	if err != nil {
		return err
	}
	_, err = coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: account}}, bson.D{{Key: "$max", Value: bson.D{{Key: "at", Value: at}}}},
		options.UpdateOne().SetUpsert(true))
	return err
}

// notifyHandlers derive notifications from the events that ask someone to act.
func notifyHandlers(r Notifications) map[string]bus.Handler {
	type report struct {
		Cadre   string `json:"cadre"`
		Month   string `json:"month"`
		Kind    string `json:"kind"`
		Period  string `json:"period"`
		Comment string `json:"comment"`
		Reviews []struct {
			Comment string `json:"comment"`
		} `json:"reviews"`
	}
	add := func(ctx context.Context, ev events.Envelope, to string, kind notification.Kind, params map[string]string, link string) error {
		return r.Add(ctx, notification.New(ev.ID, to, kind, params, link, ev.OccurredAt))
	}
	onReport := func(kind notification.Kind) bus.Handler {
		return func(ctx context.Context, ev events.Envelope) error {
			var d report
			if err := ev.Unmarshal(&d); err != nil {
				return bus.Permanent(err)
			}
			params := map[string]string{"cadre": d.Cadre, "month": d.Month}
			switch kind {
			case notification.ReportSubmitted:
				return add(ctx, ev, notification.ToRole(auth.TownAdmin), kind, params, "/reports?month="+d.Month)
			case notification.ReportReturned:
				if n := len(d.Reviews); n > 0 {
					params["comment"] = d.Reviews[n-1].Comment
				}
			}
			return add(ctx, ev, notification.ToCadre(d.Cadre), kind, params, "/reports?month="+d.Month)
		}
	}
	onTownReport := func(kind notification.Kind, role auth.Role) bus.Handler {
		return func(ctx context.Context, ev events.Envelope) error {
			var d report
			if err := ev.Unmarshal(&d); err != nil {
				return bus.Permanent(err)
			}
			return add(ctx, ev, notification.ToRole(role), kind, map[string]string{"kind": d.Kind, "period": d.Period, "comment": d.Comment},
				"/town-reports?kind="+d.Kind+"&period="+d.Period)
		}
	}
	onTask := func(kind notification.Kind) bus.Handler {
		return func(ctx context.Context, ev events.Envelope) error {
			var t tasks.Task
			if err := ev.Unmarshal(&t); err != nil {
				return bus.Permanent(err)
			}
			if t.Owner.Kind != tasks.OwnerCadre || t.Owner.ID == "" {
				return nil
			}
			return add(ctx, ev, notification.ToCadre(t.Owner.ID), kind, map[string]string{"title": t.Title}, "/due")
		}
	}
	return map[string]bus.Handler{
		events.MonthlyReportSubmitted: onReport(notification.ReportSubmitted),
		events.MonthlyReportReturned:  onReport(notification.ReportReturned),
		events.MonthlyReportApproved:  onReport(notification.ReportApproved),
		events.TownReportSubmitted:    onTownReport(notification.TownReportToSign, auth.TownLeader),
		events.TownReportReturned:     onTownReport(notification.TownReportSentBack, auth.TownAdmin),
		events.ActionItemCreated:      onTask(notification.ActionItemAssigned),
		events.AssessmentTaskOpened:   onTask(notification.RectificationOpened),
		events.OpinionAssigned: func(ctx context.Context, ev events.Envelope) error {
			var d opinionData
			if err := ev.Unmarshal(&d); err != nil {
				return bus.Permanent(err)
			}
			if d.Responsible == nil || d.Responsible.ID == "" {
				return nil
			}
			return add(ctx, ev, notification.ToCadre(d.Responsible.ID), notification.OpinionAssigned, map[string]string{}, "/opinions")
		},
	}
}
