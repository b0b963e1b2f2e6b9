package openapi

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/routes"
)

var update = flag.Bool("update", false, "copy the source specs over the embedded ones")

// repoRoot is the repository root seen from this package's directory.
const repoRoot = "../../.."

func TestEmbeddedSpecs_MatchTheirSources(t *testing.T) {
	for copyName, src := range Sources() {
		want, err := os.ReadFile(filepath.Join(repoRoot, src))
		require.NoError(t, err, "source spec %s", src)
		dst := filepath.Join("specs", copyName)
		if *update {
			require.NoError(t, os.WriteFile(dst, want, 0o644))
			continue
		}
		got, err := os.ReadFile(dst)
		require.NoError(t, err, "embedded copy %s (run go generate ./internal/openapi)", dst)
		require.Equal(t, string(want), string(got),
			"%s differs from %s: run go generate ./internal/openapi", dst, src)
	}
	entries, err := os.ReadDir("specs")
	require.NoError(t, err)
	for _, e := range entries {
		_, known := Sources()[e.Name()]
		require.True(t, known, "specs/%s has no source", e.Name())
	}
}

func TestMerged_DescribesExactlyTheRouteTable(t *testing.T) {
	t.Parallel()
	doc, err := Merged()
	require.NoError(t, err)
	ops, err := Operations(doc)
	require.NoError(t, err)
	var table []string
	for _, r := range routes.Table {
		table = append(table, r.Method+" "+r.Path)
	}
	slices.Sort(table)
	require.Equal(t, table, ops, "routes.Table and the merged OpenAPI document must list the same operations")

	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(doc, &d))
	for _, r := range routes.Table {
		var op struct {
			OperationID string `json:"operationId"`
		}
		require.NoError(t, json.Unmarshal(d.Paths[r.Path][strings.ToLower(r.Method)], &op))
		require.Equal(t, r.ID, op.OperationID, "operationId of %s %s", r.Method, r.Path)
	}
}

func TestMerged_EveryReferenceResolves(t *testing.T) {
	t.Parallel()
	raw, err := Merged()
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				require.True(t, strings.HasPrefix(ref, "#/"), "external reference %s", ref)
				var cur any = doc
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, ok := cur.(map[string]any)
					require.True(t, ok, "reference %s", ref)
					cur, ok = m[part]
					require.True(t, ok, "reference %s does not resolve", ref)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
}

func TestMerge_RenamesComponentsThatClash(t *testing.T) {
	t.Parallel()
	spec := func(title, problemType, path string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`openapi: 3.1.0
info: {title: ` + title + `, version: "1"}
paths:
  ` + path + `:
    get:
      operationId: x` + title + `
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing: {type: ` + problemType + `}
    Same: {type: string}
`)}
	}
	fsys := fstest.MapFS{"specs/gateway.yaml": spec("gateway", "object", "/a")}
	for name := range Sources() {
		if name != "gateway.yaml" {
			fsys["specs/"+name] = &fstest.MapFile{Data: []byte("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n")}
		}
	}
	fsys["specs/personnel.yaml"] = spec("personnel", "string", "/b")
	doc, err := merge(fsys)
	require.NoError(t, err)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	require.Contains(t, schemas, "Thing")
	require.Contains(t, schemas, "PersonnelThing")
	require.Contains(t, schemas, "Same")
	require.NotContains(t, schemas, "PersonnelSame", "identical components are shared")
	b := doc["paths"].(map[string]any)["/b"].(map[string]any)["get"].(map[string]any)
	raw, err := json.Marshal(b)
	require.NoError(t, err)
	require.Contains(t, string(raw), "#/components/schemas/PersonnelThing")
	a, err := json.Marshal(doc["paths"].(map[string]any)["/a"])
	require.NoError(t, err)
	require.Contains(t, string(a), `"#/components/schemas/Thing"`)
}
