package objects

import (
	"context"
	"fmt"
	"strings"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// Key names one object: `<town>/<service>/<entity>/<id>`, e.g.
// `130624100/fieldwork/work-log/0190f7c2-8a1e-7cc3-9b1d-2f0c4c1e9a55`.
type Key struct {
	Town    tenancy.TownCode
	Service string // the owning service: "fieldwork"
	Entity  string // what the file belongs to: "work-log", "research-report"
	ID      string // unique within the entity, usually the attachment's id
}

// ErrInvalidKey reports a key part outside the allowed alphabet; keys are built by code, so
// it points at a bug rather than at user input.
var ErrInvalidKey = errs.Invalid("object-key-invalid",
	"an object key part may hold only a-z, 0-9, '.', '_' and '-'",
	"文件标识不合规范")

// maxPartLen keeps a whole key far below the 1024-byte S3 limit.
const maxPartLen = 128

// KeyFor builds a key in the town the context carries, the only town the caller was
// authorised for.
func KeyFor(ctx context.Context, service, entity, id string) (Key, error) {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return Key{}, err
	}
	k := Key{Town: town, Service: service, Entity: entity, ID: id}
	return k, k.Validate()
}

// Validate checks every part. Slashes and ".." are refused so that a part can neither add a
// level to the key nor climb out of it on a file-system backed server.
func (k Key) Validate() error {
	if _, err := tenancy.ParseTown(string(k.Town)); err != nil {
		return ErrInvalidKey.WithDetail(err.Error(), "乡镇代码无效")
	}
	for _, p := range [...]struct{ name, v string }{
		{"service", k.Service}, {"entity", k.Entity}, {"id", k.ID},
	} {
		if err := validPart(p.v); err != nil {
			return ErrInvalidKey.WithDetail(fmt.Sprintf("%s %q %s", p.name, p.v, err), "")
		}
	}
	return nil
}

func validPart(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("is empty")
	case len(s) > maxPartLen:
		return fmt.Errorf("is longer than %d bytes", maxPartLen)
	case s == "." || strings.Contains(s, ".."):
		return fmt.Errorf("is or contains a relative path element")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("has the character %q", c)
		}
	}
	return nil
}

// String is the object name in the bucket.
func (k Key) String() string {
	return string(k.Town) + "/" + k.Service + "/" + k.Entity + "/" + k.ID
}

// townPrefix is the prefix of every object of a town; the slash keeps one town's prefix from
// matching another's.
func townPrefix(t tenancy.TownCode) string { return string(t) + "/" }

// parseKey reads an object name back into a key.
func parseKey(name string) (Key, error) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 {
		return Key{}, ErrInvalidKey.WithDetail(fmt.Sprintf("%q is not town/service/entity/id", name), "")
	}
	k := Key{Town: tenancy.TownCode(parts[0]), Service: parts[1], Entity: parts[2], ID: parts[3]}
	return k, k.Validate()
}

// objectName validates the key and checks that it belongs to the town in ctx. A key of
// another town answers "not found", exactly like a record of another town does, so a caller
// learns nothing about what exists elsewhere.
func objectName(ctx context.Context, k Key) (string, error) {
	if err := k.Validate(); err != nil {
		return "", err
	}
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return "", err
	}
	if town != k.Town {
		return "", errs.ErrNotFound
	}
	return k.String(), nil
}
