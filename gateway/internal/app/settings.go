package app

import (
	"context"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/settings"
	"dundian.local/gateway/internal/domain/town"
)

// TownSettings reads and changes a town's settings (platform.settings.changed).
type TownSettings struct {
	d   Deps
	dir *Directory
}

// SettingsChangedData is the data of platform.settings.changed: the town's whole settings.
type SettingsChangedData struct {
	Town tenancy.TownCode `json:"town"`
	settings.Settings
}

// Get returns the settings of a town the caller may act in.
func (s *TownSettings) Get(ctx context.Context, code tenancy.TownCode) (settings.Settings, error) {
	p, err := actor(ctx)
	if err != nil {
		return settings.Settings{}, err
	}
	if err := s.visible(ctx, p, code); err != nil {
		return settings.Settings{}, err
	}
	return s.d.Settings.Get(ctx, code)
}

func (s *TownSettings) visible(ctx context.Context, p auth.Principal, code tenancy.TownCode) error {
	if !p.CanAccessTown(code) {
		return auth.ErrTownNotFound
	}
	st, err := s.dir.Lookup(ctx, code)
	if err != nil {
		return err
	}
	if !st.Exists {
		return town.ErrNotFound
	}
	return nil
}

// Put replaces a town's settings; a county administrator or the town's administrator.
func (s *TownSettings) Put(ctx context.Context, code tenancy.TownCode, next settings.Settings) (settings.Settings, error) {
	p, err := actor(ctx)
	if err != nil {
		return settings.Settings{}, err
	}
	if err := s.visible(ctx, p, code); err != nil {
		return settings.Settings{}, err
	}
	if !p.Has(auth.CountyAdmin, auth.TownAdmin) {
		return settings.Settings{}, errs.ErrForbidden
	}
	if st, _ := s.dir.Lookup(ctx, code); !st.Active {
		return settings.Settings{}, town.ErrArchived
	}
	if err := next.Validate(); err != nil {
		return settings.Settings{}, err
	}
	return retryConflict(func() (settings.Settings, error) {
		cur, err := s.d.Settings.Get(ctx, code)
		if err != nil {
			return settings.Settings{}, err
		}
		next.Rev = cur.Rev
		next.UpdatedAt = s.d.Now().UTC().Truncate(time.Millisecond)
		next.UpdatedBy = p.AccountID
		announced := next
		announced.Rev = cur.Rev + 1
		ev, err := events.New(events.SettingsChanged, code, p.AccountID, "settings",
			SettingsChangedData{Town: code, Settings: announced})
		if err != nil {
			return settings.Settings{}, err
		}
		return s.d.Settings.Put(tenancy.WithTown(ctx, code), code, next, ev)
	})
}
