package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/objects"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/uploads"
	"dundian.local/services/fieldwork/internal/domain/attachment"
	"dundian.local/services/fieldwork/internal/domain/entry"
)

// objectService and objectEntity name attachments in the object store.
const (
	objectService   = "fieldwork"
	objectEntity    = "attachment"
	thumbnailEntity = "thumbnail"
)

// UploadAttachment stores a photo or document under an id the phone chose, so that a retry
// over a bad connection finds the upload it already made instead of storing it twice.
type UploadAttachment struct {
	ID    string
	Cadre string // the town office uploads for a cadre
	Name  string
	Size  int64 // Content-Length, -1 when unknown
	Body  io.Reader
}

type UploadAttachmentHandler struct{ d *Deps }

// Handle returns the attachment and whether it was stored now (false: it was already).
func (h UploadAttachmentHandler) Handle(ctx context.Context, cmd UploadAttachment) (attachment.Attachment, bool, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return attachment.Attachment{}, false, err
	}
	cadre, err := c.recordsFor(cmd.Cadre)
	if err != nil {
		return attachment.Attachment{}, false, err
	}
	if _, err := uuid.Parse(cmd.ID); err != nil {
		return attachment.Attachment{}, false, errs.Invalid("attachment-id", "the attachment id must be a UUID", "附件编号须为UUID")
	}
	switch prev, err := h.d.Attachments.Get(ctx, cmd.ID); {
	case err == nil && prev.Discarded != nil:
		return attachment.Attachment{}, false, attachment.ErrTaken
	case err == nil && prev.Uploader == c.AccountID && prev.Cadre == cadre:
		return c.shown(prev), false, nil
	case err == nil:
		return attachment.Attachment{}, false, attachment.ErrTaken
	case !errors.Is(err, attachment.ErrNotFound):
		return attachment.Attachment{}, false, err
	}
	if cmd.Size > attachment.MaxSize {
		return attachment.Attachment{}, false, uploads.TooLarge(attachment.MaxSize)
	}
	typ, body, err := objects.Sniff(cmd.Body)
	if err != nil {
		return attachment.Attachment{}, false, err
	}
	limit, err := attachment.Limit(typ)
	if err != nil {
		return attachment.Attachment{}, false, err
	}
	a := attachment.Attachment{ID: cmd.ID, Town: c.town, Cadre: cadre, Uploader: c.AccountID,
		Name: attachment.CleanName(cmd.Name, typ), ContentType: typ, Uploaded: h.d.Now().UTC().Truncate(time.Millisecond)}
	key, err := objects.KeyFor(ctx, objectService, objectEntity, a.ID)
	if err != nil {
		return attachment.Attachment{}, false, err
	}
	if err := h.d.Uploads.Begin(ctx, PendingUpload{Town: c.town, ID: a.ID, Started: a.Uploaded}); err != nil {
		return attachment.Attachment{}, false, err
	}
	stored, err := uploads.Store(ctx, h.d.Objects, key, typ, body, cmd.Size, limit)
	if err != nil {
		return attachment.Attachment{}, false, err
	}
	a.Size, a.Width, a.Height = stored.Size, stored.Width, stored.Height
	settings, err := h.d.settings(ctx)
	if err != nil {
		return attachment.Attachment{}, false, err
	}
	if settings.LocationEvidence != EvidenceOff {
		a.Evidence = attachment.ReadEvidence(stored.EXIF)
	}
	// A photo without its thumbnail is still a photo: the page then shows the file's name.
	a.Thumbnail = a.Thumbnailable() && h.d.thumbnail(ctx, key, a.ID) == nil
	saved, err := h.d.Attachments.Insert(ctx, a, events.AttachmentUploaded, c.AccountID)
	if errors.Is(err, errs.ErrConflict) {
		// The same upload, retried while the first try was still running, stored it first;
		// the object is theirs as much as ours, so it stays.
		if prev, gerr := h.d.Attachments.Get(ctx, a.ID); gerr == nil && prev.Uploader == c.AccountID {
			return c.shown(prev), false, nil
		}
		return attachment.Attachment{}, false, attachment.ErrTaken
	}
	if err != nil {
		// No record, no object: the stored file would be unreachable.
		_ = h.d.Objects.Delete(context.WithoutCancel(ctx), key)
		return attachment.Attachment{}, false, err
	}
	return c.shown(saved), true, nil
}

// thumbnail stores a small copy of the photo stored under key, read back from the store so
// that the upload itself stays a stream.
func (d *Deps) thumbnail(ctx context.Context, key objects.Key, id string) error {
	r, _, err := d.Objects.Get(ctx, key)
	if err != nil {
		return err
	}
	defer r.Close()
	thumb, err := attachment.Thumbnail(r)
	if err != nil {
		return err
	}
	tkey, err := objects.KeyFor(ctx, objectService, thumbnailEntity, id)
	if err != nil {
		return err
	}
	_, err = d.Objects.Put(ctx, tkey, bytes.NewReader(thumb), int64(len(thumb)), objects.TypeJPEG, int64(len(thumb)), nil)
	return err
}

// readable applies the authorisation of the record the attachment belongs to; one not yet
// attached is the uploading cadre's and the town office's.
func (d *Deps) readable(ctx context.Context, c caller, a attachment.Attachment) error {
	if a.Discarded != nil {
		return attachment.ErrNotFound
	}
	if a.Record == nil {
		if c.Role == auth.Cadre && c.CadreID == a.Cadre || c.Has(auth.CountyAdmin, auth.TownAdmin) {
			return nil
		}
		return attachment.ErrNotFound
	}
	if a.Record.Kind == recordResearchReport {
		r, err := d.Reports.Get(ctx, a.Record.ID)
		if err != nil || !c.canReadReport(r) {
			return attachment.ErrNotFound
		}
		return nil
	}
	kind := entry.Kind(a.Record.Kind)
	e, err := d.entries(kind).Get(ctx, a.Record.ID)
	if err != nil {
		return attachment.ErrNotFound
	}
	settings, err := d.settings(ctx)
	if err != nil {
		return err
	}
	if !c.canReadEntry(e, settings) {
		return attachment.ErrNotFound
	}
	return nil
}

type AttachmentHandler struct{ d *Deps }

func (h AttachmentHandler) Handle(ctx context.Context, id string) (attachment.Attachment, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return attachment.Attachment{}, err
	}
	a, err := h.d.Attachments.Get(ctx, id)
	if err != nil {
		return attachment.Attachment{}, err
	}
	if err := h.d.readable(ctx, c, a); err != nil {
		return attachment.Attachment{}, err
	}
	return c.shown(a), nil
}

// shown is the attachment as the caller may see it: the camera's time and position are
// evidence for the town office only.
func (c caller) shown(a attachment.Attachment) attachment.Attachment {
	if !c.office() {
		a.Evidence = nil
	}
	return a
}

// Thumbnail streams an attachment's small copy, after the same authorisation as the record.
type ThumbnailHandler struct{ d *Deps }

func (h ThumbnailHandler) Handle(ctx context.Context, id string) (io.ReadCloser, objects.Info, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, objects.Info{}, err
	}
	a, err := h.d.Attachments.Get(ctx, id)
	if err != nil {
		return nil, objects.Info{}, err
	}
	if err := h.d.readable(ctx, c, a); err != nil {
		return nil, objects.Info{}, err
	}
	if !a.Thumbnail {
		return nil, objects.Info{}, ErrNoThumbnail
	}
	key, err := objects.KeyFor(ctx, objectService, thumbnailEntity, a.ID)
	if err != nil {
		return nil, objects.Info{}, err
	}
	return h.d.Objects.Get(ctx, key)
}

var ErrNoThumbnail = errs.NotFound("attachment-no-thumbnail",
	"this attachment has no thumbnail; download the file itself", "该附件没有缩略图，请直接下载查看")

// SweepUploads discards uploads that never joined a record within attachment.OrphanGrace,
// with their files, and forgets files whose upload failed before its record was written. It
// returns how many uploads it settled.
type SweepUploadsHandler struct{ d *Deps }

func (h SweepUploadsHandler) Handle(ctx context.Context, now time.Time) (int, error) {
	due, err := h.d.Uploads.StartedBefore(ctx, now.Add(-attachment.OrphanGrace), 500)
	if err != nil {
		return 0, err
	}
	settled := 0
	for _, u := range due {
		if err := h.d.settle(tenancy.WithTown(ctx, u.Town), u, now); err != nil {
			return settled, err
		}
		settled++
	}
	return settled, nil
}

// settle removes an upload's file unless a record holds it, then takes it off the list.
func (d *Deps) settle(ctx context.Context, u PendingUpload, now time.Time) error {
	a, err := d.Attachments.Get(ctx, u.ID)
	switch {
	case errors.Is(err, attachment.ErrNotFound):
		// The file may have been stored before the upload failed: no record can reach it.
	case err != nil:
		return err
	case a.Record != nil || a.Discarded != nil:
		return d.Uploads.Done(ctx, u.Town, u.ID)
	default:
		_, err := d.Attachments.Update(ctx, u.ID, "system", func(a *attachment.Attachment) (string, error) {
			return events.AttachmentDiscarded, a.Discard(now)
		})
		if errors.Is(err, attachment.ErrLinked) {
			return d.Uploads.Done(ctx, u.Town, u.ID) // attached just now
		}
		if err != nil {
			return err
		}
	}
	for _, entity := range []string{objectEntity, thumbnailEntity} {
		key, err := objects.KeyFor(ctx, objectService, entity, u.ID)
		if err != nil {
			return err
		}
		if err := d.Objects.Delete(ctx, key); err != nil {
			return err
		}
	}
	return d.Uploads.Done(ctx, u.Town, u.ID)
}

// Download is a short-lived link to an attachment's file.
type Download struct {
	URL     string    `json:"url"`
	Expires time.Time `json:"expires"`
}

// downloadTTL is short: the link is a bearer credential.
const downloadTTL = 5 * time.Minute

type AttachmentURLHandler struct{ d *Deps }

func (h AttachmentURLHandler) Handle(ctx context.Context, id string) (Download, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return Download{}, err
	}
	a, err := h.d.Attachments.Get(ctx, id)
	if err != nil {
		return Download{}, err
	}
	if err := h.d.readable(ctx, c, a); err != nil {
		return Download{}, err
	}
	key, err := objects.KeyFor(ctx, objectService, objectEntity, a.ID)
	if err != nil {
		return Download{}, err
	}
	u, err := h.d.Objects.PresignGet(ctx, key, downloadTTL, a.Name)
	if err != nil {
		return Download{}, err
	}
	return Download{URL: u.String(), Expires: h.d.Now().Add(downloadTTL).UTC()}, nil
}
