package objects

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// Get opens the object for reading; the caller closes it. A missing object, or one of
// another town, is errs.ErrNotFound.
func (s *Store) Get(ctx context.Context, key Key) (io.ReadCloser, Info, error) {
	name, err := objectName(ctx, key)
	if err != nil {
		return nil, Info{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, classify(fmt.Errorf("get %s: %w", name, err))
	}
	// GetObject is lazy; Stat sends the request, so a missing object is reported here rather
	// than at the first Read.
	oi, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		return nil, Info{}, classify(fmt.Errorf("get %s: %w", name, err))
	}
	return obj, infoOf(key, oi), nil
}

// Stat describes the object without reading it.
func (s *Store) Stat(ctx context.Context, key Key) (Info, error) {
	name, err := objectName(ctx, key)
	if err != nil {
		return Info{}, err
	}
	oi, err := s.client.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, classify(fmt.Errorf("stat %s: %w", name, err))
	}
	return infoOf(key, oi), nil
}

// Delete removes the object; removing one that is not there is not an error, so a retried
// deletion succeeds.
func (s *Store) Delete(ctx context.Context, key Key) error {
	name, err := objectName(ctx, key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil {
		return classify(fmt.Errorf("delete %s: %w", name, err))
	}
	return nil
}

func infoOf(key Key, oi minio.ObjectInfo) Info {
	var meta map[string]string
	if len(oi.UserMetadata) > 0 {
		meta = make(map[string]string, len(oi.UserMetadata))
		for k, v := range oi.UserMetadata {
			// Header names come back canonicalised ("Sha256"); Put takes them lowercase.
			meta[strings.ToLower(k)] = v
		}
	}
	return Info{
		Key:          key,
		Size:         oi.Size,
		ContentType:  oi.ContentType,
		ETag:         oi.ETag,
		LastModified: oi.LastModified,
		Meta:         meta,
	}
}

// Lifetimes of a presigned download URL. Short, because a URL is a bearer credential: anyone
// it is forwarded to can use it until it expires.
const (
	DefaultPresignTTL = 5 * time.Minute
	MaxPresignTTL     = 15 * time.Minute
)

// PresignGet returns a URL that downloads the object without credentials until ttl passes
// (DefaultPresignTTL when ttl <= 0, at most MaxPresignTTL). Call it only after the caller may
// see the record the object belongs to. A key of another town than the one in ctx answers
// errs.ErrNotFound, so no URL for another town's object is ever issued.
//
// downloadName, when not empty, is the file name the browser saves the download under
// (Chinese names are fine); it travels in the signed URL, so it cannot be changed either.
// The URL is not checked for existence: a missing object answers 404 when fetched.
func (s *Store) PresignGet(ctx context.Context, key Key, ttl time.Duration, downloadName string) (*url.URL, error) {
	name, err := objectName(ctx, key)
	if err != nil {
		return nil, err
	}
	ttl = presignTTL(ttl)
	params := url.Values{}
	if cd := contentDisposition(downloadName); cd != "" {
		params.Set("response-content-disposition", cd)
	}
	u, err := s.presigner.PresignedGetObject(ctx, s.bucket, name, ttl, params)
	if err != nil {
		return nil, fmt.Errorf("presign %s: %w", name, err)
	}
	return u, nil
}

func presignTTL(ttl time.Duration) time.Duration {
	switch {
	case ttl <= 0:
		return DefaultPresignTTL
	case ttl > MaxPresignTTL:
		return MaxPresignTTL
	case ttl < time.Second:
		return time.Second // the shortest expiry SigV4 can express
	}
	return ttl
}

// contentDisposition makes an attachment header for a file name, RFC 2231-encoded when it is
// not plain ASCII. Path separators and control characters are replaced: the name comes from a
// user and must not steer where the browser saves.
func contentDisposition(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		return ""
	}
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}
