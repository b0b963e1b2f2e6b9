package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// maxManifest bounds the manifest read into memory; a town's manifest is far smaller.
const maxManifest = 64 << 20

// maxDocument is MongoDB's document limit plus room for the length prefix.
const maxDocument = 16<<20 + 16<<10

// walkArchive calls fn for every entry but the manifest, in archive order, and returns the
// manifest, which it reads into memory. fn must read the entry to its end or return an error.
func walkArchive(path string, fn func(name string, r io.Reader) error) (Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return Manifest{}, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return Manifest{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	tr := tar.NewReader(gz)
	var m Manifest
	found := false
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Manifest{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return Manifest{}, fmt.Errorf("%w: %s is not a regular file", ErrCorrupt, hdr.Name)
		}
		if hdr.Name == ManifestName {
			if found {
				return Manifest{}, fmt.Errorf("%w: two manifests", ErrCorrupt)
			}
			found = true
			body, err := io.ReadAll(io.LimitReader(tr, maxManifest))
			if err != nil {
				return Manifest{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			if err := json.Unmarshal(body, &m); err != nil {
				return Manifest{}, fmt.Errorf("%w: manifest: %v", ErrCorrupt, err)
			}
			continue
		}
		if err := fn(hdr.Name, tr); err != nil {
			return Manifest{}, err
		}
	}
	// gzip checks its own CRC only at the end of the stream; reading to EOF above did that.
	if !found {
		return Manifest{}, fmt.Errorf("%w: no %s (the archive is incomplete)", ErrCorrupt, ManifestName)
	}
	return m, nil
}

// Verify reads the whole archive, checks every entry against the manifest and returns it.
// Nothing is written anywhere before an archive has passed.
func Verify(path string) (Manifest, error) {
	m, _, err := verifyKeeping(path, nil)
	return m, err
}

// maxKept bounds an entry verifyKeeping holds in memory.
const maxKept = 64 << 20

// verifyKeeping is Verify that also returns the bodies of the entries keep names, so that a
// small entry the restore must look at before writing needs no second pass over the archive.
func verifyKeeping(path string, keep map[string]bool) (Manifest, map[string][]byte, error) {
	seen := map[string]digest{}
	kept := map[string][]byte{}
	m, err := walkArchive(path, func(name string, r io.Reader) error {
		if _, dup := seen[name]; dup {
			return fmt.Errorf("%w: %s appears twice", ErrCorrupt, name)
		}
		h := sha256.New()
		w := io.Writer(h)
		var body bytes.Buffer
		if keep[name] {
			w = io.MultiWriter(h, &limitedBuffer{b: &body, left: maxKept})
		}
		n, err := io.Copy(w, r)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
		}
		seen[name] = digest{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
		if keep[name] {
			kept[name] = body.Bytes()
		}
		return nil
	})
	if err != nil {
		return Manifest{}, nil, err
	}
	if err := m.check(seen); err != nil {
		return Manifest{}, nil, err
	}
	return m, kept, nil
}

// limitedBuffer refuses to grow past its limit.
type limitedBuffer struct {
	b    *bytes.Buffer
	left int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if len(p) > l.left {
		return 0, fmt.Errorf("%w: entry larger than %d bytes", ErrCorrupt, maxKept)
	}
	l.left -= len(p)
	return l.b.Write(p)
}

// hashingReader hashes and counts what is read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func newHashingReader(r io.Reader) *hashingReader { return &hashingReader{r: r, h: sha256.New()} }

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.n += int64(n)
	_, _ = h.h.Write(p[:n])
	return n, err
}

// matches reports whether everything read so far is exactly the entry the manifest lists.
func (h *hashingReader) matches(e Entry) bool {
	return h.n == e.Size && hex.EncodeToString(h.h.Sum(nil)) == e.SHA256
}

// readDocuments calls fn with each document of a raw BSON stream (documents back to back).
func readDocuments(r io.Reader, fn func(bson.Raw) error) (int64, error) {
	br := bufio.NewReader(r)
	var n int64
	for {
		var size [4]byte
		if _, err := io.ReadFull(br, size[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, fmt.Errorf("%w: truncated document", ErrCorrupt)
		}
		l := int(binary.LittleEndian.Uint32(size[:]))
		if l < 5 || l > maxDocument {
			return n, fmt.Errorf("%w: a document of %d bytes", ErrCorrupt, l)
		}
		doc := make([]byte, l)
		copy(doc, size[:])
		if _, err := io.ReadFull(br, doc[4:]); err != nil {
			return n, fmt.Errorf("%w: truncated document", ErrCorrupt)
		}
		if err := bson.Raw(doc).Validate(); err != nil {
			return n, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if err := fn(doc); err != nil {
			return n, err
		}
		n++
	}
}
