package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/objects"
	"dundian.local/services/fieldwork/internal/domain/attachment"
	"dundian.local/services/fieldwork/internal/domain/entry"
)

// objectService and objectEntity name attachments in the object store.
const (
	objectService = "fieldwork"
	objectEntity  = "attachment"
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
	case err == nil && prev.Uploader == c.AccountID && prev.Cadre == cadre:
		return prev, false, nil
	case err == nil:
		return attachment.Attachment{}, false, attachment.ErrTaken
	case !errors.Is(err, attachment.ErrNotFound):
		return attachment.Attachment{}, false, err
	}
	if cmd.Size > attachment.MaxSize {
		mb := fmt.Sprint(attachment.MaxSize >> 20)
		return attachment.Attachment{}, false, objects.ErrTooLarge.WithDetail("at most "+mb+" MB", "不能超过 "+mb+" MB")
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
	if attachment.IsImage(typ) {
		// Only the header is read to learn the pixel size: a small file declaring a huge
		// image is refused before anything decodes it.
		head := make([]byte, attachment.HeadSize)
		n, err := io.ReadFull(body, head)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return attachment.Attachment{}, false, err
		}
		head = head[:n]
		if a.Width, a.Height, err = attachment.Dimensions(typ, head); err != nil {
			return attachment.Attachment{}, false, err
		}
		body = io.MultiReader(bytes.NewReader(head), body)
	}
	key, err := objects.KeyFor(ctx, objectService, objectEntity, a.ID)
	if err != nil {
		return attachment.Attachment{}, false, err
	}
	info, err := h.d.store(ctx, key, typ, body, cmd.Size, limit)
	if err != nil {
		return attachment.Attachment{}, false, err
	}
	a.Size = info.Size
	saved, err := h.d.Attachments.Insert(ctx, a, events.AttachmentUploaded, c.AccountID)
	if errors.Is(err, errs.ErrConflict) {
		// The same upload, retried while the first try was still running, stored it first;
		// the object is theirs as much as ours, so it stays.
		if prev, gerr := h.d.Attachments.Get(ctx, a.ID); gerr == nil && prev.Uploader == c.AccountID {
			return prev, false, nil
		}
		return attachment.Attachment{}, false, attachment.ErrTaken
	}
	if err != nil {
		// No record, no object: the stored file would be unreachable.
		_ = h.d.Objects.Delete(context.WithoutCancel(ctx), key)
		return attachment.Attachment{}, false, err
	}
	return saved, true, nil
}

// store streams an upload of the sniffed type to the object store within its limit; the
// limit applies to what the client sends. JPEG and PNG lose their metadata on the way.
func (d *Deps) store(ctx context.Context, key objects.Key, typ string, body io.Reader, size, limit int64) (objects.Info, error) {
	input := &limitedInput{r: body, left: limit}
	tooLarge := func() error {
		mb := fmt.Sprint(limit >> 20)
		return objects.ErrTooLarge.WithDetail("at most "+mb+" MB", "不能超过 "+mb+" MB")
	}
	if !attachment.Strippable(typ) {
		info, err := d.Objects.Put(ctx, key, input, size, typ, limit, nil)
		if input.exceeded {
			return objects.Info{}, tooLarge()
		}
		return info, err
	}
	// The stored copy is the one shown: it carries no camera time or position. Its length is
	// known only once it is written, so it streams as of unknown size.
	pr, pw := io.Pipe()
	stripped := make(chan error, 1)
	go func() {
		err := attachment.Strip(typ, pw, input)
		pw.CloseWithError(err)
		stripped <- err
	}()
	info, err := d.Objects.Put(ctx, key, pr, -1, typ, limit, nil)
	_ = pr.Close() // unblocks the stripping when the store stopped reading early
	serr := <-stripped
	switch {
	case input.exceeded:
		return objects.Info{}, tooLarge()
	case err != nil && serr != nil && !errors.Is(serr, io.ErrClosedPipe):
		return objects.Info{}, serr // a damaged image, rather than the store's view of it
	}
	return info, err
}

// readable applies the authorisation of the record the attachment belongs to; one not yet
// attached is the uploading cadre's and the town office's.
func (d *Deps) readable(ctx context.Context, c caller, a attachment.Attachment) error {
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
	return a, h.d.readable(ctx, c, a)
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

// limitedInput fails an upload stream longer than its limit (the limit applies to what the
// client sends, even where less is stored).
type limitedInput struct {
	r        io.Reader
	left     int64
	exceeded bool
}

var errInputLimit = errors.New("upload exceeds its size limit")

func (l *limitedInput) Read(p []byte) (int, error) {
	if l.left < int64(len(p)) {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		l.exceeded = true
		return 0, errInputLimit
	}
	l.left -= int64(n)
	return n, err
}
