package deploycheck

import (
	"fmt"
	"os"
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
