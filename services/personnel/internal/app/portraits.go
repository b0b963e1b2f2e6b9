package app

import (
	"context"
	"errors"
	"io"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/uploads"
	"dundian.local/services/personnel/internal/domain/assignment"
	"dundian.local/services/personnel/internal/domain/cadre"
	"dundian.local/services/personnel/internal/domain/community"
	"dundian.local/services/personnel/internal/domain/portrait"
)

// Objects is the object store the portraits live in (keys carry the town from ctx).
type Objects interface {
	Put(ctx context.Context, key objects.Key, r io.Reader, size int64, contentType string, limit int64, meta map[string]string) (objects.Info, error)
	Get(ctx context.Context, key objects.Key) (io.ReadCloser, objects.Info, error)
	Delete(ctx context.Context, key objects.Key) error
}

// portraitKey is where a cadre's portrait is stored: <town>/personnel/portrait/<cadre>.
func portraitKey(ctx context.Context, id string) (objects.Key, error) {
	return objects.KeyFor(ctx, "personnel", "portrait", id)
}

// portraitKeeper returns the caller when it may change the cadre's portrait: the town office,
// or the cadre themself.
func portraitKeeper(ctx context.Context, id string) (auth.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return p, err
	}
	if p.Has(auth.CountyAdmin, auth.TownAdmin) || p.Role == auth.Cadre && p.CadreID == id {
		return p, nil
	}
	return p, cadre.ErrNotYours
}

// UploadPortrait stores a cadre's photo for the board, replacing the one before.
type UploadPortrait struct {
	Cadre string
	Size  int64 // Content-Length, -1 when unknown
	Body  io.Reader
}

type UploadPortraitHandler struct {
	cadres  Cadres
	objects Objects
	now     func() time.Time
}

func (h UploadPortraitHandler) Handle(ctx context.Context, cmd UploadPortrait) (cadre.Cadre, error) {
	p, err := portraitKeeper(ctx, cmd.Cadre)
	if err != nil {
		return cadre.Cadre{}, err
	}
	before, err := h.cadres.Get(ctx, cmd.Cadre)
	if err != nil {
		return cadre.Cadre{}, err
	}
	typ, body, err := objects.Sniff(cmd.Body)
	if err != nil {
		return cadre.Cadre{}, err
	}
	if !portrait.Accepted(typ) {
		return cadre.Cadre{}, portrait.ErrType
	}
	key, err := portraitKey(ctx, cmd.Cadre)
	if err != nil {
		return cadre.Cadre{}, err
	}
	info, err := uploads.Store(ctx, h.objects, key, typ, body, cmd.Size, portrait.MaxSize)
	if err != nil {
		return cadre.Cadre{}, err
	}
	w, ht := info.Width, info.Height
	pic := &portrait.Portrait{ContentType: typ, Size: info.Size, Width: w, Height: ht,
		Updated: h.now().UTC().Truncate(time.Millisecond)}
	out, err := h.cadres.Update(ctx, cmd.Cadre, p.AccountID, func(c *cadre.Cadre) error {
		c.Portrait = pic
		return nil
	})
	if err != nil {
		if before.Portrait == nil {
			// No record, no photo: a stored file nothing points to would stay unseen.
			_ = h.objects.Delete(context.WithoutCancel(ctx), key)
		}
		return cadre.Cadre{}, err
	}
	return out.SeenBy(p), nil
}

// RemovePortrait takes a cadre's photo off the board; removing none is not an error, so a
// retried removal succeeds.
type RemovePortraitHandler struct {
	cadres  Cadres
	objects Objects
}

func (h RemovePortraitHandler) Handle(ctx context.Context, id string) error {
	p, err := portraitKeeper(ctx, id)
	if err != nil {
		return err
	}
	c, err := h.cadres.Get(ctx, id)
	if err != nil {
		return err
	}
	key, err := portraitKey(ctx, id)
	if err != nil {
		return err
	}
	// The file goes first: if the record then fails to change, a retry finishes the job,
	// and the photo is never left public behind a record that says it is gone.
	if err := h.objects.Delete(ctx, key); err != nil {
		return err
	}
	if c.Portrait == nil {
		return nil
	}
	_, err = h.cadres.Update(ctx, id, p.AccountID, func(c *cadre.Cadre) error {
		c.Portrait = nil
		return nil
	})
	return err
}

// PublicPortraitHandler serves a portrait on the community's public page: only of an active
// cadre who links that community in the current programme year, as the board shows them.
type PublicPortraitHandler struct {
	communities Communities
	assignments Assignments
	cadres      Cadres
	objects     Objects
	now         func() time.Time
}

func (h PublicPortraitHandler) Handle(ctx context.Context, code tenancy.CommunityCode, id string) (io.ReadCloser, objects.Info, error) {
	c, err := h.communities.Get(ctx, code)
	if errors.Is(err, community.ErrNotFound) || err == nil && c.Archived {
		return nil, objects.Info{}, portrait.ErrNotFound
	}
	if err != nil {
		return nil, objects.Info{}, err
	}
	a, err := h.assignments.Get(ctx, assignment.ID(id, calendar.BeijingDay(h.now()).Year))
	if errors.Is(err, assignment.ErrNotFound) || err == nil && a.Community != code {
		return nil, objects.Info{}, portrait.ErrNotFound
	}
	if err != nil {
		return nil, objects.Info{}, err
	}
	cd, err := h.cadres.Get(ctx, id)
	if errors.Is(err, cadre.ErrNotFound) || err == nil && (cd.Status != cadre.Active || cd.Portrait == nil) {
		return nil, objects.Info{}, portrait.ErrNotFound
	}
	if err != nil {
		return nil, objects.Info{}, err
	}
	key, err := portraitKey(ctx, id)
	if err != nil {
		return nil, objects.Info{}, err
	}
	r, info, err := h.objects.Get(ctx, key)
	if errors.Is(err, errs.ErrNotFound) {
		return nil, objects.Info{}, portrait.ErrNotFound
	}
	if err != nil {
		return nil, objects.Info{}, err
	}
	if !portrait.Accepted(info.ContentType) { // served inline to anyone: never another type
		_ = r.Close()
		return nil, objects.Info{}, portrait.ErrNotFound
	}
	return r, info, nil
}
