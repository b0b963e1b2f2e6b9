package app

import (
	"context"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/services/reporting/internal/domain/notification"
)

// NotificationStore keeps the town's notifications and each account's read mark.
type NotificationStore interface {
	All(ctx context.Context) ([]notification.Notification, error)
	ReadUpTo(ctx context.Context, account string) (time.Time, error)
	MarkRead(ctx context.Context, account string, at time.Time) error
}

// NotificationsHandler shows an account what asks it to act, and marks it read.
type NotificationsHandler struct {
	store NotificationStore
	now   func() time.Time
}

// List returns the caller's notifications in the town, latest first.
func (h NotificationsHandler) List(ctx context.Context) ([]notification.Notification, error) {
	p, _, err := principal(ctx, auth.AllRoles...)
	if err != nil {
		return nil, err
	}
	all, err := h.store.All(ctx)
	if err != nil {
		return nil, err
	}
	mark, err := h.store.ReadUpTo(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	return notification.For(all, p, mark), nil
}

// MarkRead marks everything the caller has now as read.
func (h NotificationsHandler) MarkRead(ctx context.Context) error {
	p, _, err := principal(ctx, auth.AllRoles...)
	if err != nil {
		return err
	}
	return h.store.MarkRead(ctx, p.AccountID, h.now())
}
