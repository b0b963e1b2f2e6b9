package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/routes"
)

var langs = []string{"zh-CN", "en"}

// catalogue flattens i18n/<lang>.json to dotted keys. An object whose keys are all plural
// categories ({one, other}) is one message.
func catalogue(t *testing.T, lang string) map[string]any {
	t.Helper()
	b, err := fs.ReadFile(FS, "i18n/"+lang+".json")
	require.NoError(t, err)
	var tree map[string]any
	require.NoError(t, json.Unmarshal(b, &tree), lang)
	out := map[string]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok || isPlural(m) {
			out[prefix] = v
			return
		}
		out[prefix] = m // groups are keys too: a template like `role.${r}` needs the group
		for k, c := range m {
			walk(strings.TrimPrefix(prefix+"."+k, "."), c)
		}
	}
	walk("", tree)
	delete(out, "")
	return out
}

var pluralCategories = []string{"zero", "one", "two", "few", "many", "other"}

func isPlural(m map[string]any) bool {
	if _, ok := m["other"]; !ok {
		return false
	}
	for k := range m {
		if !slices.Contains(pluralCategories, k) {
			return false
		}
	}
	return true
}

func messages(c map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range c {
		if _, group := v.(map[string]any); group && !isPlural(v.(map[string]any)) {
			continue
		}
		out[k] = v
	}
	return out
}

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

func placeholders(v any) []string {
	var texts []string
	switch m := v.(type) {
	case string:
		texts = []string{m}
	case map[string]any:
		for _, f := range m {
			s, _ := f.(string)
			texts = append(texts, s)
		}
	}
	var out []string
	for _, s := range texts {
		for _, p := range placeholder.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(out, p[1]) {
				out = append(out, p[1])
			}
		}
	}
	slices.Sort(out)
	return out
}

func scripts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, fs.WalkDir(FS, "js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".js" {
			return err
		}
		b, err := fs.ReadFile(FS, p)
		out[p] = string(b)
		return err
	}))
	require.NotEmpty(t, out)
	return out
}

func TestFS_HasIndexAtRootLoadingTheApp(t *testing.T) {
	t.Parallel()
	b, err := fs.ReadFile(FS, "index.html")
	require.NoError(t, err)
	require.Contains(t, string(b), `<script type="module" src="js/app.js">`)
	require.Contains(t, string(b), `<html lang="zh-CN">`)
	_, err = fs.Stat(FS, "js/app.js")
	require.NoError(t, err)
}

func TestCatalogues_HaveTheSameMessagesAndPlaceholders(t *testing.T) {
	t.Parallel()
	zh, en := messages(catalogue(t, "zh-CN")), messages(catalogue(t, "en"))
	for k, v := range zh {
		other, ok := en[k]
		require.True(t, ok, "en.json lacks %s", k)
		// Date formats pick different parts of the same date (4月 / Apr), so only messages
		// must fill in the same things.
		if !strings.HasPrefix(k, "format.") {
			require.Equal(t, placeholders(v), placeholders(other), "placeholders of %s differ", k)
		}
	}
	for k := range en {
		_, ok := zh[k]
		require.True(t, ok, "zh-CN.json lacks %s", k)
	}
	for _, c := range []map[string]any{zh, en} {
		for k, v := range c {
			if s, ok := v.(string); ok {
				require.NotEmpty(t, strings.TrimSpace(s), "empty message %s", k)
			}
		}
	}
}

// The programme's own words, exactly as the plan uses them (DOMAIN.md glossary).
func TestCatalogues_UseTheProgrammesOwnWords(t *testing.T) {
	t.Parallel()
	zh := catalogue(t, "zh-CN")
	for key, want := range map[string]string{
		"role.cadre":                    "蹲点干部",
		"role.county_admin":             "县委组织部",
		"role.county_inspector":         "县委督导组",
		"role.town_admin":               "镇活动办",
		"nav.contacts":                  "一联五",
		"calendar.kind.monthly_report":  "月报告",
		"communities.demonstration":     "示范点",
		"table.export":                  "导出Excel",
		"table.loadMore":                "加载更多",
		"error.networkDraft":            "网络不通，已保存草稿，恢复后再试。",
		"calendar.kind.contact_list":    "一联五名单报送",
		"calendar.kind.year_end_report": "年底书面报告",
	} {
		require.Equal(t, want, zh[key], key)
	}
}

// Every role and deadline kind the backend knows has its words, and every action the
// gateway audits reads as words in the audit log.
func TestCatalogues_NameEveryRoleDeadlineAndGatewayAction(t *testing.T) {
	t.Parallel()
	for _, lang := range langs {
		c := catalogue(t, lang)
		for _, r := range auth.AllRoles {
			require.Contains(t, c, "role."+string(r), lang)
		}
		for _, k := range calendar.DeadlineKinds {
			require.Contains(t, c, "calendar.kind."+string(k), lang)
		}
		for _, r := range routes.Owned(routes.Gateway) {
			if r.Mutation() && r.ID != "logout" {
				require.Contains(t, c, "audit.action."+r.ID, "%s: audit action %s", lang, r.ID)
			}
		}
		require.Contains(t, c, "audit.action.login", lang)
	}
}

var (
	// 'towns.create', "form.required": a literal whose first segment is a catalogue namespace.
	keyLiteral = regexp.MustCompile(`['"]([a-z][A-Za-z]*(?:\.[A-Za-z0-9_]+)+)['"]`)
	// `role.${r}`: a key built from a fixed group.
	keyTemplate = regexp.MustCompile("`([a-z][A-Za-z]*(?:\\.[A-Za-z0-9_]+)*)\\.\\$\\{")
)

func TestScripts_UseOnlyKeysTheCataloguesHave(t *testing.T) {
	t.Parallel()
	zh := catalogue(t, "zh-CN")
	namespaces := map[string]bool{}
	for k := range zh {
		namespaces[strings.SplitN(k, ".", 2)[0]] = true
	}
	for name, src := range scripts(t) {
		for _, m := range keyLiteral.FindAllStringSubmatch(src, -1) {
			key := m[1]
			ns := strings.SplitN(key, ".", 2)[0]
			if !namespaces[ns] || strings.HasSuffix(key, ".js") {
				continue // not a message key ('dundian.lang', './ui/dom.js')
			}
			_, ok := zh[key]
			require.True(t, ok, "%s uses %q, which the catalogue lacks", name, key)
		}
		for _, m := range keyTemplate.FindAllStringSubmatch(src, -1) {
			group := m[1]
			if !namespaces[strings.SplitN(group, ".", 2)[0]] {
				continue
			}
			_, ok := zh[group].(map[string]any)
			require.True(t, ok, "%s builds keys under %q, which is not a group of the catalogue", name, group)
		}
	}
}

// County intranets are closed: nothing may be fetched from another host at run time.
func TestConsole_LoadsNothingFromAnotherHost(t *testing.T) {
	t.Parallel()
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	allowed := []string{"http://www.w3.org/2000/svg"} // an XML namespace name, never fetched
	require.NoError(t, fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "i18n/") {
			return err
		}
		b, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		for _, u := range url.FindAllString(string(b), -1) {
			require.True(t, slices.ContainsFunc(allowed, func(a string) bool { return strings.HasPrefix(a, u) }),
				"%s refers to %s", p, u)
		}
		return nil
	}))
}

var staticImport = regexp.MustCompile(`(?m)^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'`)

// A cadre's phone loads the shell and the cadre's pages; they must stay well under 200 KB of
// script (UX.md) to feel instant on a 3G-class connection. Other pages load on demand.
func TestScripts_CadrePagesStayWellUnderBudget(t *testing.T) {
	t.Parallel()
	const budget = 150 << 10
	src := scripts(t)
	seen := map[string]bool{}
	var visit func(p string)
	visit = func(p string) {
		if seen[p] {
			return
		}
		body, ok := src[p]
		require.True(t, ok, "missing module %s", p)
		seen[p] = true
		for _, m := range staticImport.FindAllStringSubmatch(body, -1) {
			visit(path.Clean(path.Join(path.Dir(p), m[1])))
		}
	}
	for _, entry := range []string{"js/app.js", "js/pages/login.js", "js/pages/today.js", "js/pages/me.js"} {
		visit(entry)
	}
	total := 0
	for p := range seen {
		total += len(src[p])
	}
	require.Less(t, total, budget, fmt.Sprintf("cadre pages load %d bytes of script over %d modules", total, len(seen)))
}
