package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/town"
)

// Directory answers "does this town exist, and is it active?" for every proxied request
// without a database round trip each time. Entries live for ttl; this replica forgets an
// entry at once when it changes the town, other replicas see the change within ttl.
type Directory struct {
	towns Towns
	ttl   time.Duration
	now   func() time.Time

	mu      sync.Mutex
	entries map[tenancy.TownCode]dirEntry
}

type dirEntry struct {
	status town.Status // "" when the town does not exist
	name   string
	at     time.Time
}

// TownState is what the directory knows of a town.
type TownState struct {
	Exists bool
	Active bool
	Name   string
}

// NewDirectory returns an empty directory.
func NewDirectory(towns Towns, ttl time.Duration, now func() time.Time) *Directory {
	return &Directory{towns: towns, ttl: ttl, now: now, entries: map[tenancy.TownCode]dirEntry{}}
}

// Lookup returns the town's state.
func (d *Directory) Lookup(ctx context.Context, code tenancy.TownCode) (TownState, error) {
	now := d.now()
	d.mu.Lock()
	e, ok := d.entries[code]
	d.mu.Unlock()
	if !ok || now.Sub(e.at) > d.ttl {
		t, err := d.towns.Get(ctx, code)
		switch {
		case errors.Is(err, town.ErrNotFound):
			e = dirEntry{at: now}
		case err != nil:
			return TownState{}, err
		default:
			e = dirEntry{status: t.Status, name: t.Name, at: now}
		}
		d.mu.Lock()
		if len(d.entries) > 100_000 {
			clear(d.entries) // a scan of made-up codes cannot grow it without bound
		}
		d.entries[code] = e
		d.mu.Unlock()
	}
	return TownState{Exists: e.status != "", Active: e.status == town.Active, Name: e.name}, nil
}

// Forget drops what the directory knows of a town (after this replica changed it).
func (d *Directory) Forget(code tenancy.TownCode) {
	d.mu.Lock()
	delete(d.entries, code)
	d.mu.Unlock()
}
