package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"dundian.local/libs/tenancy"
)

// Format is the archive layout this command writes and reads. A change that an older restore
// could misread gets a new number; restore refuses numbers it does not know.
const Format = 1

// ManifestName is the archive's table of contents. It is the archive's last entry, because
// it carries the checksum of every entry before it.
const ManifestName = "manifest.json"

// Where the documents of a collection came from; restore maps "town" to the town's database.
const (
	scopeTown     = "town"
	scopePlatform = "platform"
	scopeCounty   = "county"
)

// Manifest says what an archive holds and how to check it.
type Manifest struct {
	Format    int              `json:"format"`
	Town      tenancy.TownCode `json:"town"`
	CreatedAt time.Time        `json:"createdAt"`
	Source    Source           `json:"source"`
	Totals    Totals           `json:"totals"`
	Entries   []Entry          `json:"entries"`
}

// Source names the versions that wrote the archive.
type Source struct {
	Tool    string `json:"tool"`    // this command's module version and VCS revision
	Go      string `json:"go"`      // the Go release it was built with
	MongoDB string `json:"mongodb"` // the server's buildInfo version
	Bucket  string `json:"bucket"`  // the bucket the objects came from
}

// Totals sum the entries, for a reader of the manifest.
type Totals struct {
	Collections int   `json:"collections"`
	Documents   int64 `json:"documents"`
	Objects     int   `json:"objects"`
	ObjectBytes int64 `json:"objectBytes"`
}

// Entry is one file of the archive: the documents of one collection (raw BSON, one document
// after another, as mongodump writes them) or one object's bytes.
type Entry struct {
	Path       string           `json:"path"`
	Size       int64            `json:"size"`
	SHA256     string           `json:"sha256"` // lowercase hex
	Collection *CollectionEntry `json:"collection,omitempty"`
	Object     *ObjectEntry     `json:"object,omitempty"`
}

// CollectionEntry describes documents of one collection.
type CollectionEntry struct {
	Scope     string `json:"scope"` // town, platform or county
	Name      string `json:"name"`
	Shared    bool   `json:"shared,omitempty"` // documents of several towns, merged on restore
	Documents int64  `json:"documents"`
	// Indexes are the collection's index specifications as listIndexes returns them
	// (canonical Extended JSON, so key orders and number types survive), without _id_.
	Indexes []json.RawMessage `json:"indexes,omitempty"`
}

// ObjectEntry describes one object.
type ObjectEntry struct {
	Key         string            `json:"key"`
	ContentType string            `json:"contentType"`
	Meta        map[string]string `json:"meta,omitempty"`
}

// ErrCorrupt refuses an archive whose contents do not match its manifest.
var ErrCorrupt = errors.New("the archive is damaged or was altered")

// digest is what reading an entry measured.
type digest struct {
	Size   int64
	SHA256 string
}

// check compares the manifest with what the archive really held (path → digest), and checks
// that every entry is one restore knows how to apply. It names the first problem.
func (m Manifest) check(seen map[string]digest) error {
	if m.Format != Format {
		return fmt.Errorf("%w: archive format %d, this command reads format %d", ErrCorrupt, m.Format, Format)
	}
	if _, err := tenancy.ParseTown(string(m.Town)); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	listed := make(map[string]bool, len(m.Entries))
	for _, e := range m.Entries {
		if listed[e.Path] {
			return fmt.Errorf("%w: %s is listed twice", ErrCorrupt, e.Path)
		}
		listed[e.Path] = true
		if err := e.validate(m.Town); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrCorrupt, e.Path, err)
		}
		got, ok := seen[e.Path]
		switch {
		case !ok:
			return fmt.Errorf("%w: %s is missing", ErrCorrupt, e.Path)
		case got.Size != e.Size || got.SHA256 != e.SHA256:
			return fmt.Errorf("%w: %s does not match its checksum", ErrCorrupt, e.Path)
		}
	}
	for p := range seen {
		if !listed[p] {
			return fmt.Errorf("%w: %s is not in the manifest", ErrCorrupt, p)
		}
	}
	return nil
}

// validate checks that an entry's path and description agree and stay inside the town.
func (e Entry) validate(town tenancy.TownCode) error {
	if e.Path != path.Clean(e.Path) || strings.HasPrefix(e.Path, "/") || strings.Contains(e.Path, "..") {
		return errors.New("not a clean relative path")
	}
	switch {
	case e.Collection != nil && e.Object == nil:
		c := e.Collection
		switch c.Scope {
		case scopeTown, scopePlatform, scopeCounty:
		default:
			return fmt.Errorf("unknown scope %q", c.Scope)
		}
		if c.Name == "" || strings.ContainsAny(c.Name, "/\x00$") {
			return fmt.Errorf("collection name %q", c.Name)
		}
		if c.Shared && c.Scope != scopeCounty {
			return errors.New("only county documents are shared between towns")
		}
		if e.Path != collectionPath(c.Scope, c.Name, c.Shared) {
			return errors.New("path and collection disagree")
		}
	case e.Object != nil && e.Collection == nil:
		if !strings.HasPrefix(e.Object.Key, town.String()+"/") {
			return fmt.Errorf("object %q is not the town's", e.Object.Key)
		}
		if e.Path != objectPath(e.Object.Key) {
			return errors.New("path and object key disagree")
		}
	default:
		return errors.New("an entry is either a collection or an object")
	}
	return nil
}

func collectionPath(scope, name string, shared bool) string {
	if shared {
		return scope + "/" + name + ".shared.bson"
	}
	return scope + "/" + name + ".bson"
}

func objectPath(key string) string { return "objects/" + key }
