package app

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/fieldwork/internal/domain/attachment"
	"dundian.local/services/fieldwork/internal/domain/entry"
	"dundian.local/services/fieldwork/internal/domain/stay"
)

func (d *Deps) entries(kind entry.Kind) Repository[entry.Entry] {
	if kind == entry.Diary {
		return d.Diaries
	}
	return d.WorkLogs
}

// canReadEntry: a work log is read by the town office and county, its cadre and the branch
// of its community; a diary only by its cadre, the town office (administrators and leaders)
// and, where the town's setting allows, the branch that keeps it on file.
func (c caller) canReadEntry(e entry.Entry, s Settings) bool {
	switch {
	case c.Role == auth.Cadre:
		return c.CadreID != "" && e.Cadre == c.CadreID
	case c.Role == auth.BranchSecretary:
		return c.Community != "" && e.Community == c.Community && (e.Kind == entry.WorkLog || s.DiaryToBranch)
	case e.Kind == entry.Diary:
		return c.Has(auth.TownAdmin, auth.TownLeader)
	}
	return c.office()
}

// WriteEntry writes a work log or a diary (cadre only).
type WriteEntry struct {
	Kind      entry.Kind
	Community string // taken from the linked stay when one is given
	Content   entry.Content
}

type WriteEntryHandler struct{ d *Deps }

func (h WriteEntryHandler) Handle(ctx context.Context, cmd WriteEntry) (entry.Entry, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return entry.Entry{}, err
	}
	if c.Role != auth.Cadre {
		return entry.Entry{}, errs.ErrForbidden
	}
	cadre, err := c.recordsFor("")
	if err != nil {
		return entry.Entry{}, err
	}
	community, err := h.d.entryCommunity(ctx, c, cmd.Community, cmd.Content.Stay)
	if err != nil {
		return entry.Entry{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return entry.Entry{}, err
	}
	e, err := entry.New(cmd.Kind, id.String(), c.town, cadre, c.AccountID, community, cmd.Content, h.d.Now())
	if err != nil {
		return entry.Entry{}, err
	}
	if err := h.d.checkAttachments(ctx, cadre, string(e.Kind), e.ID, e.Attachments); err != nil {
		return entry.Entry{}, err
	}
	evType := events.WorkLogWritten
	if e.Kind == entry.Diary {
		evType = events.DiaryWritten
	}
	e, err = h.d.entries(e.Kind).Insert(ctx, e, evType, c.AccountID)
	if err != nil {
		return entry.Entry{}, err
	}
	return e, h.d.link(ctx, c.AccountID, string(e.Kind), e.ID, e.Attachments)
}

// entryCommunity is the community of an entry: its stay's, or the one given.
func (d *Deps) entryCommunity(ctx context.Context, c caller, community, stayID string) (tenancy.CommunityCode, error) {
	if stayID == "" {
		return c.community(community)
	}
	s, err := d.Stays.Get(ctx, stayID)
	if err != nil {
		return "", err
	}
	if s.Cadre != c.CadreID {
		return "", stay.ErrNotFound
	}
	return s.Community, nil
}

// checkAttachments allows only the cadre's own attachments, not yet part of another record.
func (d *Deps) checkAttachments(ctx context.Context, cadre, kind, record string, ids []string) error {
	for _, id := range ids {
		a, err := d.Attachments.Get(ctx, id)
		if err != nil {
			return err
		}
		if a.Discarded != nil {
			return attachment.ErrNotFound
		}
		if a.Cadre != cadre {
			return attachment.ErrNotOwner
		}
		if a.Record != nil && (a.Record.Kind != kind || a.Record.ID != record) {
			return attachment.ErrLinked
		}
	}
	return nil
}

// link makes a record's attachments share its authorisation.
func (d *Deps) link(ctx context.Context, actor, kind, record string, ids []string) error {
	for _, id := range ids {
		_, err := d.Attachments.Update(ctx, id, actor, func(a *attachment.Attachment) (string, error) {
			if a.Record != nil {
				return "", errAlreadyLinked
			}
			a.Record = &attachment.Record{Kind: kind, ID: record}
			return events.AttachmentLinked, nil
		})
		if err != nil && !errors.Is(err, errAlreadyLinked) {
			return err
		}
		town, err := tenancy.TownFrom(ctx)
		if err != nil {
			return err
		}
		// Best effort: an upload left on the list is settled by the sweep, which sees the record.
		_ = d.Uploads.Done(ctx, town, id)
	}
	return nil
}

var errAlreadyLinked = errors.New("attachment already linked")

// EditEntry replaces an entry's content; the previous version stays in its history.
type EditEntry struct {
	Kind    entry.Kind
	ID      string
	Content entry.Content
}

type EditEntryHandler struct{ d *Deps }

func (h EditEntryHandler) Handle(ctx context.Context, cmd EditEntry) (entry.Entry, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return entry.Entry{}, err
	}
	if c.Role != auth.Cadre || c.CadreID == "" {
		return entry.Entry{}, ErrNoCadre
	}
	cur, err := h.d.entries(cmd.Kind).Get(ctx, cmd.ID)
	if err != nil {
		return entry.Entry{}, err
	}
	if cur.Cadre != c.CadreID {
		return entry.Entry{}, entry.ErrNotFound
	}
	if cmd.Content.Stay != "" && cmd.Content.Stay != cur.Stay {
		if _, err := h.d.entryCommunity(ctx, c, "", cmd.Content.Stay); err != nil {
			return entry.Entry{}, err
		}
	}
	next := cur
	next.Content = cmd.Content
	if err := h.d.checkAttachments(ctx, c.CadreID, string(cmd.Kind), cur.ID, next.Attachments); err != nil {
		return entry.Entry{}, err
	}
	evType := events.WorkLogEdited
	if cmd.Kind == entry.Diary {
		evType = events.DiaryEdited
	}
	e, err := h.d.entries(cmd.Kind).Update(ctx, cmd.ID, c.AccountID, func(e *entry.Entry) (string, error) {
		return evType, e.Edit(c.CadreID, c.AccountID, cmd.Content, h.d.Now())
	})
	if err != nil {
		return entry.Entry{}, err
	}
	return e, h.d.link(ctx, c.AccountID, string(e.Kind), e.ID, e.Attachments)
}

type EntryHandler struct{ d *Deps }

func (h EntryHandler) Handle(ctx context.Context, kind entry.Kind, id string) (entry.Entry, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return entry.Entry{}, err
	}
	e, err := h.d.entries(kind).Get(ctx, id)
	if err != nil {
		return entry.Entry{}, err
	}
	settings, err := h.d.settings(ctx)
	if err != nil {
		return entry.Entry{}, err
	}
	if !c.canReadEntry(e, settings) {
		return entry.Entry{}, entry.ErrNotFound
	}
	return e, nil
}

// Entries lists work logs or diaries, newest first.
type Entries struct {
	Kind      entry.Kind
	Cadre     string
	Community string
	Before    string
	Limit     int
}

type EntriesHandler struct{ d *Deps }

func (h EntriesHandler) Handle(ctx context.Context, q Entries) ([]entry.Entry, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	settings, err := h.d.settings(ctx)
	if err != nil {
		return nil, err
	}
	f := EntryFilter{Cadre: q.Cadre, Before: q.Before}
	switch {
	case c.Role == auth.Cadre:
		if c.CadreID == "" {
			return nil, ErrNoCadre
		}
		f.Cadre = c.CadreID
	case c.Role == auth.BranchSecretary:
		if c.Community == "" {
			return nil, ErrNoCommunity
		}
		if q.Kind == entry.Diary && !settings.DiaryToBranch {
			return nil, errs.ErrForbidden
		}
		f.Community = c.Community
	case q.Community != "":
		if f.Community, err = c.community(q.Community); err != nil {
			return nil, err
		}
	}
	list, err := h.d.Lists.Entries(ctx, q.Kind, f, q.Limit)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, e := range list {
		if c.canReadEntry(e, settings) {
			out = append(out, e)
		}
	}
	return out, nil
}
