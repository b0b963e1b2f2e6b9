package objects

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/minio/minio-go/v7"

	"dundian.local/libs/tenancy"
)

// ListTown yields every object of the town, in key order, for a backup or an export. The
// listing carries no content type or metadata; Get each object for those. It stops at the
// first error, which it yields.
func (s *Store) ListTown(ctx context.Context, town tenancy.TownCode) iter.Seq2[Info, error] {
	return func(yield func(Info, error) bool) {
		if _, err := tenancy.ParseTown(string(town)); err != nil {
			yield(Info{}, err)
			return
		}
		opts := minio.ListObjectsOptions{Prefix: townPrefix(town), Recursive: true}
		for oi := range s.client.ListObjectsIter(ctx, s.bucket, opts) {
			if oi.Err != nil {
				yield(Info{}, classify(fmt.Errorf("list town %s: %w", town, oi.Err)))
				return
			}
			key, err := parseKey(oi.Key)
			if err != nil {
				// Only this package writes keys; a name it cannot read is reported rather
				// than skipped, so a backup never silently misses a file.
				yield(Info{}, fmt.Errorf("list town %s: %w", town, err))
				return
			}
			if !yield(infoOf(key, oi), nil) {
				return
			}
		}
	}
}

// DeleteTown erases every object of the town and aborts its pending multipart uploads, as part
// of erasing the town; it returns how many objects it removed. It takes the town explicitly,
// not from a context, because only the gateway's erase flow calls it, after an export and an
// explicit confirmation. Running it again after a failure finishes the job.
func (s *Store) DeleteTown(ctx context.Context, town tenancy.TownCode) (int, error) {
	if _, err := tenancy.ParseTown(string(town)); err != nil {
		return 0, err
	}
	n, err := s.deletePrefix(ctx, townPrefix(town))
	if err != nil {
		return n, fmt.Errorf("delete town %s: %w", town, err)
	}
	return n, nil
}

// deletePrefix is kept unexported: a free-string prefix is exactly what must not reach it
// (an empty one would erase the bucket).
func (s *Store) deletePrefix(ctx context.Context, prefix string) (int, error) {
	if prefix == "" {
		return 0, errors.New("refusing to delete with an empty prefix")
	}
	var listErr error
	objects := func(yield func(minio.ObjectInfo) bool) {
		opts := minio.ListObjectsOptions{Prefix: prefix, Recursive: true}
		for oi := range s.client.ListObjectsIter(ctx, s.bucket, opts) {
			if oi.Err != nil {
				listErr = oi.Err
				return
			}
			if !yield(oi) {
				return
			}
		}
	}
	results, err := s.client.RemoveObjectsWithIter(ctx, s.bucket, objects, minio.RemoveObjectsOptions{})
	if err != nil {
		return 0, err
	}
	n := 0
	var failed []error
	for r := range results {
		if r.Err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", r.ObjectName, r.Err))
			continue
		}
		n++
	}

	// Cancelled on return, so that leaving the loop early stops the listing goroutine.
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	core := minio.Core{Client: s.client}
	for up := range s.client.ListIncompleteUploads(lctx, s.bucket, prefix, true) {
		if up.Err != nil {
			failed = append(failed, up.Err)
			break
		}
		if err := core.AbortMultipartUpload(ctx, s.bucket, up.Key, up.UploadID); err != nil {
			failed = append(failed, fmt.Errorf("abort upload of %s: %w", up.Key, err))
		}
	}
	if listErr != nil {
		failed = append(failed, listErr)
	}
	return n, classify(errors.Join(failed...))
}
