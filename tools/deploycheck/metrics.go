package deploycheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// promName matches a Prometheus series name as libs/telemetry/doc.go writes it in its
// right-hand column. The prefixes keep the label names of the same lines (http_route,
// db_namespace, dundian_town, ...) out.
var promName = regexp.MustCompile(`(?:^|[\s,])((?:http_server|http_client|db_client|go|dundian_(?:outbox|events|consumer))_[a-z0-9_]+)`)

// ReadMetricNames returns the Prometheus names the processes emit, as listed in the
// "Metric names" section of libs/telemetry/doc.go (the names that package's tests scrape).
// A histogram's _bucket name also yields its _sum and _count.
func ReadMetricNames(docGo string) (map[string]bool, error) {
	src, err := os.ReadFile(docGo)
	if err != nil {
		return nil, err
	}
	text := string(src)
	start := strings.Index(text, "// # Metric names")
	if start < 0 {
		return nil, fmt.Errorf("deploycheck: %s has no Metric names section", docGo)
	}
	names := map[string]bool{}
	for _, line := range strings.Split(text[start:], "\n") {
		if !strings.HasPrefix(line, "//\t") {
			continue // the name columns are the indented (code) lines only
		}
		for _, m := range promName.FindAllStringSubmatch(line, -1) {
			n := m[1]
			names[n] = true
			if base, ok := strings.CutSuffix(n, "_bucket"); ok {
				names[base+"_sum"] = true
				names[base+"_count"] = true
			}
		}
	}
	// target_info carries each process's resource (service_name, service_version).
	names["target_info"] = true
	return names, nil
}

var (
	promStrings   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	promMatchers  = regexp.MustCompile(`\{[^{}]*\}`)
	promRanges    = regexp.MustCompile(`\[[^\[\]]*\]`)
	promGrouping  = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	promIdent     = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	promKeywords  = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true, "inf": true, "nan": true}
	labelValuesOf = regexp.MustCompile(`^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,`)
)

// QueriedMetrics returns the metric names a PromQL expression (or a Grafana
// label_values(metric, label) variable query) reads. It strips strings, label matchers, range
// selectors and grouping clauses, then keeps every identifier that is not a function call or
// a keyword; that is enough for the queries our dashboards write.
func QueriedMetrics(expr string) []string {
	if m := labelValuesOf.FindStringSubmatch(expr); m != nil {
		return []string{m[1]}
	}
	s := promStrings.ReplaceAllString(expr, `""`)
	s = promMatchers.ReplaceAllString(s, " ")
	s = promRanges.ReplaceAllString(s, " ")
	s = promGrouping.ReplaceAllString(s, " ")
	var names []string
	for _, loc := range promIdent.FindAllStringIndex(s, -1) {
		name := s[loc[0]:loc[1]]
		if promKeywords[strings.ToLower(name)] || (loc[0] > 0 && (s[loc[0]-1] == '$' || isDigit(s[loc[0]-1]))) {
			continue
		}
		if rest := strings.TrimLeft(s[loc[1]:], " \t\n"); strings.HasPrefix(rest, "(") {
			continue // a function
		}
		names = append(names, name)
	}
	return names
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

var instrument = regexp.MustCompile(`\.(Int64|Float64)(Counter|UpDownCounter|Histogram|Gauge|ObservableCounter|ObservableUpDownCounter|ObservableGauge)\(\s*"(dundian\.[a-z0-9_.]+)"`)
var withUnit = regexp.MustCompile(`metric\.WithUnit\("([^"]*)"\)`)

// unitSuffixes are the units our instruments use, as Prometheus names append them.
var unitSuffixes = map[string]string{"": "", "s": "_seconds", "By": "_bytes", "ms": "_milliseconds", "1": "_ratio"}

// ReadInstruments returns the Prometheus names of the dundian.* instruments created in the
// non-test Go files of dir (libs/bus, libs/outbox), translated as libs/telemetry/doc.go
// describes: dots to underscores, the unit appended, _total on counters, _bucket, _sum and
// _count on histograms.
func ReadInstruments(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		text := string(src)
		for _, m := range instrument.FindAllStringSubmatchIndex(text, -1) {
			kind, name := text[m[4]:m[5]], text[m[6]:m[7]]
			// The options follow the name up to the end of the call's first lines.
			rest := text[m[1]:min(len(text), m[1]+300)]
			if next := instrument.FindStringIndex(rest); next != nil {
				rest = rest[:next[0]]
			}
			unit := ""
			if u := withUnit.FindStringSubmatch(rest); u != nil {
				unit = u[1]
			}
			suffix, ok := unitSuffixes[unit]
			if !ok && !strings.HasPrefix(unit, "{") {
				return nil, fmt.Errorf("deploycheck: %s: unit %q of %s has no known Prometheus suffix", f, unit, name)
			}
			base := strings.ReplaceAll(name, ".", "_") + suffix
			switch kind {
			case "Counter", "ObservableCounter":
				names[base+"_total"] = true
			case "Histogram":
				names[base+"_bucket"], names[base+"_sum"], names[base+"_count"] = true, true, true
			default:
				names[base] = true
			}
		}
	}
	return names, nil
}

// InstrumentDirs are the folders, relative to the repository root, whose non-test Go files
// create dundian.* instruments: the event pipeline's, the gateway's storage gauges and
// reporting's business gauges.
var InstrumentDirs = []string{
	"libs/bus",
	"libs/outbox",
	"gateway/internal/adapters",
	"services/reporting/internal/adapters",
}

// EmittedMetrics is every Prometheus name the processes emit: libs/telemetry/doc.go's list
// and the instruments created in InstrumentDirs. root is the repository root.
func EmittedMetrics(root string) (map[string]bool, error) {
	names, err := ReadMetricNames(filepath.Join(root, "libs", "telemetry", "doc.go"))
	if err != nil {
		return nil, err
	}
	for _, dir := range InstrumentDirs {
		found, err := ReadInstruments(filepath.Join(root, filepath.FromSlash(dir)))
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("deploycheck: no dundian.* instruments in %s", dir)
		}
		for n := range found {
			names[n] = true
		}
	}
	return names, nil
}

// Dashboard is what the checks read of a Grafana dashboard file.
type Dashboard struct {
	File       string `json:"-"` // path of the JSON file
	UID        string `json:"uid"`
	Title      string `json:"title"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Query struct {
				Query string `json:"query"`
			} `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Panels []Panel `json:"panels"`
}

// Panel is one panel of a dashboard.
type Panel struct {
	ID         int    `json:"id"`
	Title      string `json:"title"`
	Datasource struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// Query is one PromQL expression of a dashboard and where it is.
type Query struct {
	Where string // `panel "Consumer lag by group"` or `variable service`
	Expr  string
}

// Queries lists the variables' queries and the panels' targets.
func (d Dashboard) Queries() []Query {
	var out []Query
	for _, v := range d.Templating.List {
		out = append(out, Query{Where: "variable " + v.Name, Expr: v.Query.Query})
	}
	for _, p := range d.Panels {
		for _, t := range p.Targets {
			out = append(out, Query{Where: fmt.Sprintf("panel %q", p.Title), Expr: t.Expr})
		}
	}
	return out
}

// DashboardDir is where the dashboards live, relative to the repository root; compose mounts
// it into Grafana and the chart makes a ConfigMap of each file.
const DashboardDir = "charts/dundian/files/dashboards"

// ReadDashboards reads every dashboard file.
func ReadDashboards(root string) ([]Dashboard, error) {
	files, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(DashboardDir), "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("deploycheck: no dashboards in %s", DashboardDir)
	}
	out := make([]Dashboard, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var d Dashboard
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("deploycheck: %s: %w", f, err)
		}
		d.File = f
		out = append(out, d)
	}
	return out, nil
}
