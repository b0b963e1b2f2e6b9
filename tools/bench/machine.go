package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// findingsFile is the hand-written part of the report, beside the code: what the profiles of
// missed targets showed and what was changed, so that a new run keeps it.
const findingsFile = "tools/bench/findings.md"

// renderReport is BENCHMARKS.md: the machine, the run, the table and the findings.
func renderReport(ctx context.Context, root string, o config, table string, took time.Duration) string {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Written by `go run ./tools/bench` (flags: `" + strings.Join(os.Args[1:], " ") + "`); every ratio is measured side by\n")
	b.WriteString("side in the same run with interleaved rounds. Run it again on a quiet machine to refresh this file.\n\n")
	b.WriteString("## Machine\n\n")
	fmt.Fprintf(&b, "- CPU: %s, %d cores\n", cpuModel(), runtime.NumCPU())
	fmt.Fprintf(&b, "- memory: %s\n", memTotal())
	fmt.Fprintf(&b, "- Go: %s, %s/%s\n", goVersion(ctx), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "- date: %s; the run took %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second))
	fmt.Fprintf(&b, "- load average at the end (1, 5, 15 min): %s — anything well above the bench's own load means other work shared the cores\n", loadAverage())
	if o.quick {
		b.WriteString("- mode: **-quick** (short rounds, a 50-town subset in part 3): a smoke run, not a result\n")
	}
	b.WriteString("\n## Results\n\n")
	b.WriteString(table)
	b.WriteString("\n")
	if f, err := os.ReadFile(filepath.Join(root, findingsFile)); err == nil {
		b.Write(f)
	}
	return b.String()
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], ", ")
	}
	return "unknown"
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return "unknown"
}

// goVersion is the toolchain that built the measured binaries (go env), not the bench's own.
func goVersion(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out))
}
