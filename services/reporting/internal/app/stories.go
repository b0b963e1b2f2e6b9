package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/services/reporting/internal/domain/story"
)

// Stories is the repository of exemplary stories.
type Stories interface {
	Get(ctx context.Context, id string) (story.Story, error)
	Save(ctx context.Context, s story.Story, evType, actor string) (story.Story, error)
	List(ctx context.Context, status story.Status) ([]story.Story, error)
}

// StoriesHandler runs publicity (L3): the office drafts, the town leader approves and the
// public page shows what is published.
type StoriesHandler struct {
	repo Stories
	now  func() time.Time
}

var storyReaders = []auth.Role{auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.TownLeader}

func (h StoriesHandler) Draft(ctx context.Context, c story.Content) (story.Story, error) {
	p, town, err := principal(ctx, auth.TownAdmin)
	if err != nil {
		return story.Story{}, err
	}
	s, err := story.New(uuid.Must(uuid.NewV7()).String(), town, c)
	if err != nil {
		return story.Story{}, err
	}
	return h.repo.Save(ctx, s, events.StoryDrafted, p.AccountID)
}

func (h StoriesHandler) Edit(ctx context.Context, id string, c story.Content) (story.Story, error) {
	return h.change(ctx, id, events.StoryDrafted, []auth.Role{auth.TownAdmin}, func(s *story.Story, _ auth.Principal) error { return s.Edit(c) })
}

func (h StoriesHandler) Approve(ctx context.Context, id string) (story.Story, error) {
	return h.change(ctx, id, events.StoryPublished, []auth.Role{auth.TownLeader}, func(s *story.Story, p auth.Principal) error {
		return s.Approve(p.AccountID, h.now())
	})
}

func (h StoriesHandler) Withdraw(ctx context.Context, id string) (story.Story, error) {
	return h.change(ctx, id, events.StoryWithdrawn, []auth.Role{auth.TownAdmin, auth.TownLeader}, func(s *story.Story, _ auth.Principal) error { return s.Withdraw() })
}

func (h StoriesHandler) change(ctx context.Context, id, evType string, roles []auth.Role, fn func(*story.Story, auth.Principal) error) (story.Story, error) {
	p, _, err := principal(ctx, roles...)
	if err != nil {
		return story.Story{}, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		s, err := h.repo.Get(ctx, id)
		if err != nil {
			return story.Story{}, err
		}
		if err := fn(&s, p); err != nil {
			return story.Story{}, err
		}
		saved, err := h.repo.Save(ctx, s, evType, p.AccountID)
		if errors.Is(err, errs.ErrConflict) {
			continue
		}
		return saved, err
	}
	return story.Story{}, errs.ErrConflict
}

// List returns every story of the town (office, leader, county).
func (h StoriesHandler) List(ctx context.Context) ([]story.Story, error) {
	if _, _, err := principal(ctx, storyReaders...); err != nil {
		return nil, err
	}
	return h.repo.List(ctx, "")
}

// Public returns the published stories for the town's public page (no login).
func (h StoriesHandler) Public(ctx context.Context) ([]story.Public, error) {
	all, err := h.repo.List(ctx, story.Published)
	if err != nil {
		return nil, err
	}
	out := make([]story.Public, 0, len(all))
	for _, s := range all {
		out = append(out, s.Public())
	}
	return out, nil
}
