package deploycheck

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// EnvTables holds the environment variables the processes read, as README.md's
// "Configuration" tables list them.
type EnvTables struct {
	Every   map[string]bool            // read by every process
	Service map[string]bool            // read by all five services
	Only    map[string]map[string]bool // read by one service only: name → variables
	Gateway map[string]bool            // read by the gateway only
}

// Allowed returns every variable the process reads.
func (t EnvTables) Allowed(p Process) map[string]bool {
	out := make(map[string]bool)
	add := func(m map[string]bool) {
		for k := range m {
			out[k] = true
		}
	}
	add(t.Every)
	if p.Service() {
		add(t.Service)
		add(t.Only[p.Name])
	} else {
		add(t.Gateway)
	}
	return out
}

var (
	envName     = regexp.MustCompile("`([A-Z][A-Z0-9_]*)`")
	envFragment = regexp.MustCompile("`_([A-Z]+)_`")
	envOwner    = regexp.MustCompile(`\(([a-z]+)\)`)
)

// ReadEnvTables parses the tables under README.md's "## Configuration" heading. A row's
// first cell names one or more variables in backticks; "(personnel)" after a name limits it
// to that service; "(and `_TRACES_`/`_METRICS_` variants)" adds the signal-specific forms of
// an OTEL_EXPORTER_OTLP_* name.
func ReadEnvTables(readme string) (EnvTables, error) {
	f, err := os.Open(readme)
	if err != nil {
		return EnvTables{}, err
	}
	defer f.Close()
	t := EnvTables{
		Every: map[string]bool{}, Service: map[string]bool{},
		Only: map[string]map[string]bool{}, Gateway: map[string]bool{},
	}
	var section map[string]bool
	inConfig, inServices := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			inConfig = line == "## Configuration"
			section, inServices = nil, false
			continue
		case !inConfig:
			continue
		case strings.HasPrefix(line, "### "):
			inServices = false
			switch {
			case strings.HasPrefix(line, "### Every process"):
				section = t.Every
			case strings.HasPrefix(line, "### Services"):
				section, inServices = t.Service, true
			case strings.HasPrefix(line, "### Gateway"):
				section, inServices = t.Gateway, false
			default:
				return EnvTables{}, fmt.Errorf("deploycheck: unknown configuration table %q", line)
			}
			continue
		}
		if section == nil || !strings.HasPrefix(line, "| `") {
			continue
		}
		cell := strings.SplitN(line, "|", 3)[1]
		names := envName.FindAllStringSubmatch(cell, -1)
		target := section
		if owner := envOwner.FindStringSubmatch(cell); owner != nil && inServices {
			if t.Only[owner[1]] == nil {
				t.Only[owner[1]] = map[string]bool{}
			}
			target = t.Only[owner[1]]
		}
		for _, n := range names {
			target[n[1]] = true
			for _, v := range envFragment.FindAllStringSubmatch(cell, -1) {
				if rest, ok := strings.CutPrefix(n[1], "OTEL_EXPORTER_OTLP_"); ok {
					target["OTEL_EXPORTER_OTLP_"+v[1]+"_"+rest] = true
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return EnvTables{}, err
	}
	if len(t.Every) == 0 || len(t.Service) == 0 || len(t.Gateway) == 0 {
		return EnvTables{}, fmt.Errorf("deploycheck: %s has no complete Configuration tables", readme)
	}
	return t, nil
}
