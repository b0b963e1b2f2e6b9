// Package uploads stores the files people upload — photos of the work in the villages,
// scanned documents, cadres' portraits — as streams: a photo's pixel size is read from its
// header before anything decodes it, the camera's metadata (time, GPS position) is removed on
// the way to the object store, and the client's bytes are held to a limit as they arrive.
package uploads

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
)

// Putter is the object store as uploads write to it (objects.Store).
type Putter interface {
	Put(ctx context.Context, key objects.Key, r io.Reader, size int64, contentType string, limit int64, meta map[string]string) (objects.Info, error)
}

// Stored is what an upload left in the object store.
type Stored struct {
	objects.Info
	Width, Height int    // of a photo
	EXIF          []byte // the EXIF block removed from a photo, nil when it had none
}

// Store streams body, whose content type was sniffed (objects.Sniff), to key. Photos are
// measured and stripped of metadata; other files are stored as they are. size is the
// declared length (-1 when unknown); limit applies to what the client sends.
func Store(ctx context.Context, st Putter, key objects.Key, contentType string, body io.Reader, size, limit int64) (Stored, error) {
	if size > limit {
		return Stored{}, TooLarge(limit)
	}
	input := &limitedInput{r: body, left: limit}
	if !IsPhoto(contentType) {
		info, err := st.Put(ctx, key, input, size, contentType, limit, nil)
		if input.exceeded {
			return Stored{}, TooLarge(limit)
		}
		return Stored{Info: info}, err
	}
	w, h, rest, err := Measure(contentType, input)
	if err != nil {
		return Stored{}, err
	}
	// The stored copy is the one shown: it carries no camera time or position. Its length is
	// known only once it is written, so it streams as of unknown size.
	type result struct {
		exif []byte
		err  error
	}
	pr, pw := io.Pipe()
	stripped := make(chan result, 1)
	go func() {
		exif, err := Strip(contentType, pw, rest)
		pw.CloseWithError(err)
		stripped <- result{exif, err}
	}()
	info, err := st.Put(ctx, key, pr, -1, contentType, limit, nil)
	_ = pr.Close() // unblocks the stripping when the store stopped reading early
	sr := <-stripped
	switch {
	case input.exceeded:
		return Stored{}, TooLarge(limit)
	case err != nil && sr.err != nil && !errors.Is(sr.err, io.ErrClosedPipe):
		return Stored{}, sr.err // a damaged photo, rather than the store's view of it
	case err != nil:
		return Stored{}, err
	}
	return Stored{Info: info, Width: w, Height: h, EXIF: sr.exif}, nil
}

// TooLarge refuses an upload over limit, saying the limit in words a person reads.
func TooLarge(limit int64) error {
	mb := fmt.Sprint(limit >> 20)
	return objects.ErrTooLarge.WithDetail("at most "+mb+" MB", "不能超过 "+mb+" MB")
}

// Measure reads a photo's header to learn its pixel size, refusing one over the limits before
// anything decodes it; rest is the whole file again.
func Measure(contentType string, body io.Reader) (w, h int, rest io.Reader, err error) {
	head := make([]byte, HeadSize)
	n, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, 0, nil, err
	}
	head = head[:n]
	if w, h, err = Dimensions(contentType, head); err != nil {
		return 0, 0, nil, err
	}
	return w, h, io.MultiReader(bytes.NewReader(head), body), nil
}

// limitedInput fails an upload stream longer than its limit (the limit applies to what the
// client sends, even where less is stored).
type limitedInput struct {
	r        io.Reader
	left     int64
	exceeded bool
}

var errInputLimit = errs.Internal("upload exceeds its size limit")

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
