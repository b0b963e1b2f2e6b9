// Package openapi merges the gateway's API description and every service's into the one
// document the gateway serves at /api/v1/openapi.json. The specs are embedded copies of
// gateway/api/openapi.yaml and services/*/api/openapi.yaml (a Go embed cannot reach outside
// its module); a test fails when a copy differs from its source, and
//
//	go generate ./internal/openapi
//
// refreshes them.
package openapi

//go:generate go test -run TestEmbeddedSpecs_MatchTheirSources -update .

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed specs/*.yaml
var specs embed.FS

// Sources maps each embedded copy to its source, relative to the repository root.
func Sources() map[string]string {
	return map[string]string{
		"gateway.yaml":    "gateway/api/openapi.yaml",
		"personnel.yaml":  "services/personnel/api/openapi.yaml",
		"fieldwork.yaml":  "services/fieldwork/api/openapi.yaml",
		"petitions.yaml":  "services/petitions/api/openapi.yaml",
		"reporting.yaml":  "services/reporting/api/openapi.yaml",
		"assessment.yaml": "services/assessment/api/openapi.yaml",
	}
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// componentSections are the parts of components whose entries $ref can point at.
var componentSections = []string{"schemas", "responses", "parameters", "examples", "requestBodies", "headers",
	"securitySchemes", "links", "callbacks", "pathItems"}

// Merged returns the one document: the gateway's info and security, every spec's paths, and
// their components. A component two specs define differently is renamed with the spec's
// name ("PersonnelCommunity") and the spec's references follow.
func Merged() ([]byte, error) {
	doc, err := merge(specs)
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

func load(fsys fs.FS, name string) (map[string]any, error) {
	b, err := fs.ReadFile(fsys, path.Join("specs", name))
	if err != nil {
		return nil, err
	}
	var raw any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	doc, ok := normalize(raw).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not an OpenAPI document", name)
	}
	return doc, nil
}

// normalize turns YAML mappings with non-string keys (an unquoted 200) into the string-keyed
// maps JSON needs.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = normalize(e)
		}
		return out
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	}
	return v
}

func merge(fsys fs.FS) (map[string]any, error) {
	names := make([]string, 0, len(Sources()))
	for n := range Sources() {
		if n != "gateway.yaml" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	names = append([]string{"gateway.yaml"}, names...) // the gateway's info and security lead

	gw, err := load(fsys, "gateway.yaml")
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"openapi":    "3.1.0",
		"info":       gw["info"],
		"servers":    []any{map[string]any{"url": "/"}},
		"paths":      map[string]any{},
		"components": map[string]any{},
	}
	if sec, ok := gw["security"]; ok {
		out["security"] = sec
	}
	var tags []any
	seenTags := map[string]bool{}
	paths := out["paths"].(map[string]any)
	components := out["components"].(map[string]any)

	for _, name := range names {
		doc, err := load(fsys, name)
		if err != nil {
			return nil, err
		}
		service := strings.TrimSuffix(name, ".yaml")
		rename := map[string]string{}
		comps, _ := doc["components"].(map[string]any)
		for _, section := range componentSections {
			entries, _ := comps[section].(map[string]any)
			have, _ := components[section].(map[string]any)
			for key, v := range entries {
				if prev, clash := have[key]; clash && !reflect.DeepEqual(prev, v) {
					rename["#/components/"+section+"/"+key] = "#/components/" + section + "/" + title(service) + key
				}
			}
		}
		doc = rewriteRefs(doc, rename).(map[string]any)
		comps, _ = doc["components"].(map[string]any)
		for _, section := range componentSections {
			entries, _ := comps[section].(map[string]any)
			if len(entries) == 0 {
				continue
			}
			have, _ := components[section].(map[string]any)
			if have == nil {
				have = map[string]any{}
				components[section] = have
			}
			for key, v := range entries {
				if r, ok := rename["#/components/"+section+"/"+key]; ok {
					key = strings.TrimPrefix(r, "#/components/"+section+"/")
				}
				have[key] = v
			}
		}
		docPaths, _ := doc["paths"].(map[string]any)
		for p, item := range docPaths {
			itemMap, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: path %s is not an object", name, p)
			}
			existing, _ := paths[p].(map[string]any)
			if existing == nil {
				paths[p] = itemMap
				continue
			}
			for k, v := range itemMap {
				if _, dup := existing[k]; dup && slices.Contains(methods, k) {
					return nil, fmt.Errorf("%s: %s %s is described twice", name, strings.ToUpper(k), p)
				}
				if _, dup := existing[k]; !dup {
					existing[k] = v
				}
			}
		}
		docTags, _ := doc["tags"].([]any)
		for _, t := range docTags {
			tm, _ := t.(map[string]any)
			n, _ := tm["name"].(string)
			if n != "" && !seenTags[n] {
				seenTags[n] = true
				tags = append(tags, t)
			}
		}
	}
	if len(tags) > 0 {
		out["tags"] = tags
	}
	return out, nil
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// rewriteRefs returns v with every $ref named in rename replaced.
func rewriteRefs(v any, rename map[string]string) any {
	if len(rename) == 0 {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				if r, ok := rename[s]; ok {
					out[k] = r
					continue
				}
			}
			out[k] = rewriteRefs(e, rename)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = rewriteRefs(e, rename)
		}
		return out
	}
	return v
}

// Operations lists "METHOD /path" for every operation of a merged document, sorted.
func Operations(doc []byte) ([]string, error) {
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	var out []string
	for p, item := range d.Paths {
		for k := range item {
			if slices.Contains(methods, k) {
				out = append(out, strings.ToUpper(k)+" "+p)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
