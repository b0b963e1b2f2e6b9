package objects_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/libs/tenancy"
)

func TestKeyFor_TakesTheTownFromTheContext(t *testing.T) {
	t.Parallel()
	ctx := tenancy.WithTown(context.Background(), "130624100")
	k, err := objects.KeyFor(ctx, "fieldwork", "work-log", "0190f7c2-8a1e-7cc3-9b1d-2f0c4c1e9a55")
	require.NoError(t, err)
	require.Equal(t, tenancy.TownCode("130624100"), k.Town)
	require.Equal(t, "130624100/fieldwork/work-log/0190f7c2-8a1e-7cc3-9b1d-2f0c4c1e9a55", k.String())
}

func TestKeyFor_WithoutTown_Fails(t *testing.T) {
	t.Parallel()
	_, err := objects.KeyFor(context.Background(), "fieldwork", "work-log", "a1")
	require.ErrorIs(t, err, tenancy.ErrNoTown)
}

func TestKeyValidate(t *testing.T) {
	t.Parallel()
	ok := objects.Key{Town: "130624100", Service: "fieldwork", Entity: "research-report", ID: "r_1.v2"}
	for _, tc := range []struct {
		name  string
		edit  func(*objects.Key)
		valid bool
	}{
		{"plain key", func(*objects.Key) {}, true},
		{"id of the longest allowed length", func(k *objects.Key) { k.ID = strings.Repeat("a", 128) }, true},
		{"id too long", func(k *objects.Key) { k.ID = strings.Repeat("a", 129) }, false},
		{"empty id", func(k *objects.Key) { k.ID = "" }, false},
		{"empty service", func(k *objects.Key) { k.Service = "" }, false},
		{"slash adds a level", func(k *objects.Key) { k.ID = "a/b" }, false},
		{"parent element", func(k *objects.Key) { k.Entity = ".." }, false},
		{"dots inside", func(k *objects.Key) { k.ID = "a..b" }, false},
		{"single dot", func(k *objects.Key) { k.ID = "." }, false},
		{"upper case", func(k *objects.Key) { k.Service = "Fieldwork" }, false},
		{"space", func(k *objects.Key) { k.ID = "a b" }, false},
		{"backslash", func(k *objects.Key) { k.ID = `a\b` }, false},
		{"non-ASCII", func(k *objects.Key) { k.Entity = "日志" }, false},
		{"percent", func(k *objects.Key) { k.ID = "a%2fb" }, false},
		{"short town", func(k *objects.Key) { k.Town = "13062410" }, false},
		{"town with a slash", func(k *objects.Key) { k.Town = "13062410/" }, false},
		{"no town", func(k *objects.Key) { k.Town = "" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k := ok
			tc.edit(&k)
			err := k.Validate()
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, objects.ErrInvalidKey)
		})
	}
}

func TestKeyFor_RefusesAnInvalidPart(t *testing.T) {
	t.Parallel()
	ctx := tenancy.WithTown(context.Background(), "130624100")
	_, err := objects.KeyFor(ctx, "fieldwork", "work-log", "../../130624200/x")
	require.ErrorIs(t, err, objects.ErrInvalidKey)
}
