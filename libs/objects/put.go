package objects

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"time"

	"github.com/minio/minio-go/v7"

	"dundian.local/libs/errs"
)

// Info describes a stored object.
type Info struct {
	Key          Key
	Size         int64
	ContentType  string // empty in ListTown: a listing does not carry it
	ETag         string
	LastModified time.Time
	Meta         map[string]string // the meta given to Put; empty in ListTown
}

// PartSize is the part of a multipart upload. An upload of unknown size holds exactly one
// buffer of this size in memory while it streams, however large the file: minio-go's default
// for an unknown size is about 537 MiB per part, which would let a handful of concurrent
// uploads exhaust a service's memory. 5 MiB is the smallest part S3 accepts; with at most
// 10,000 parts it still allows objects of about 48 GiB, far beyond any upload limit we set.
const PartSize = 5 << 20

// ErrTooLarge refuses an upload beyond its limit; nothing of it is kept.
var ErrTooLarge = errs.TooLarge("upload-too-large", "the file is larger than allowed", "文件超过允许的大小")

// ErrInvalidMeta refuses object metadata that cannot travel as an HTTP header.
var ErrInvalidMeta = errs.Invalid("object-meta-invalid",
	"object metadata keys may hold only a-z, 0-9 and '-', values only printable ASCII, 2 KB in all",
	"文件附加信息不合规范")

// maxMetaBytes is the S3 limit on the user metadata of one object.
const maxMetaBytes = 2 << 10

// Put streams r into the object named by key, never holding more than one PartSize buffer of
// it in memory. size is the length of r, or -1 when unknown (an upload streamed from a
// browser); contentType should be the sniffed type (see Sniff), not the one the client
// claimed. An upload longer than limit bytes fails with ErrTooLarge and leaves nothing behind:
// a single PUT is atomic, and a multipart upload is aborted.
//
// meta keys are lowercase (a-z, 0-9, '-') and values printable ASCII: they travel as HTTP
// headers. Keep personal data and Chinese text in the record, not here.
func (s *Store) Put(ctx context.Context, key Key, r io.Reader, size int64, contentType string, limit int64, meta map[string]string) (Info, error) {
	name, err := objectName(ctx, key)
	if err != nil {
		return Info{}, err
	}
	if limit <= 0 {
		return Info{}, fmt.Errorf("objects: put %s: the limit must be positive, got %d", name, limit)
	}
	if size < -1 {
		return Info{}, fmt.Errorf("objects: put %s: size must be -1 (unknown) or a length, got %d", name, size)
	}
	if size > limit {
		return Info{}, tooLarge(limit)
	}
	if err := validMeta(meta); err != nil {
		return Info{}, err
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}

	body := &limitReader{r: r, left: limit}
	up, err := s.client.PutObject(ctx, s.bucket, name, body, size, minio.PutObjectOptions{
		ContentType:  contentType,
		UserMetadata: meta,
		PartSize:     PartSize,
	})
	if err != nil {
		if size < 0 || size > PartSize {
			s.abortUploads(ctx, name)
		}
		if body.exceeded {
			return Info{}, tooLarge(limit)
		}
		return Info{}, classify(fmt.Errorf("put %s: %w", name, err))
	}
	return Info{
		Key:          key,
		Size:         up.Size,
		ContentType:  contentType,
		ETag:         up.ETag,
		LastModified: up.LastModified,
		Meta:         maps.Clone(meta),
	}, nil
}

// abortUploads aborts what remains of a failed multipart upload of name. minio-go aborts it
// already; this second attempt covers an abort that failed in passing. It runs even when ctx
// was cancelled (a client that hung up), since that is exactly when parts get left behind.
func (s *Store) abortUploads(ctx context.Context, name string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	// Only uploads of exactly this name are aborted. Its own error is dropped: the caller
	// needs the upload's error, and DeleteTown aborts whatever a town still has pending.
	_ = s.client.RemoveIncompleteUpload(ctx, s.bucket, name)
}

func tooLarge(limit int64) error {
	h := humanSize(limit)
	return ErrTooLarge.WithDetail("at most "+h, "不能超过 "+h)
}

// humanSize writes a limit the way people say it: "20 MB", "512 KB", "100 B".
func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func validMeta(meta map[string]string) error {
	total := 0
	for k, v := range meta {
		total += len(k) + len(v)
		if k == "" || !allBytes(k, func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' }) {
			return ErrInvalidMeta.WithDetail(fmt.Sprintf("key %q", k), "")
		}
		if !allBytes(v, func(c byte) bool { return c >= 0x20 && c < 0x7f }) {
			return ErrInvalidMeta.WithDetail(fmt.Sprintf("value of %q", k), "")
		}
	}
	if total > maxMetaBytes {
		return ErrInvalidMeta.WithDetail(fmt.Sprintf("%d bytes", total), "")
	}
	return nil
}

func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// errLimit is what the upload sees when the stream passes its limit; Put reports ErrTooLarge.
var errLimit = errors.New("objects: upload exceeds its size limit")

// limitReader fails a stream that is longer than the limit. Unlike io.LimitReader it does not
// end the stream quietly at the limit, which would store a truncated file as if it were whole.
type limitReader struct {
	r        io.Reader
	left     int64 // bytes still allowed
	exceeded bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.exceeded {
		return 0, errLimit
	}
	// Ask for one byte more than allowed: a stream of exactly the limit passes, one byte more
	// does not.
	if l.left < int64(len(p)) {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		l.exceeded = true
		return 0, errLimit
	}
	l.left -= int64(n)
	return n, err
}
