// Command bench measures the system side by side: the gateway against a direct call and a
// plain reverse proxy, the event pipeline, capacity with a whole province's towns, uploads,
// the footprint and a noisy neighbour. Every process runs as a real child process on the
// embedded stack; comparisons interleave their rounds in one run so that the machine's mood
// falls on both sides alike. It prints the results table and writes it to BENCHMARKS.md.
//
//	go run ./tools/bench [-quick] [-only 1,3] [-out BENCHMARKS.md]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"dundian.local/libs/embedstack"
)

type config struct {
	only      []int
	quick     bool
	out       string
	divisions string
	data      string
	keep      bool
}

func main() {
	var o config
	var only string
	flag.StringVar(&only, "only", "", "comma-separated parts to run (1-6); all when empty")
	flag.BoolVar(&o.quick, "quick", false, "short smoke run: small durations, a 50-town subset for part 3")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "the report to write (relative to the repository root)")
	flag.StringVar(&o.divisions, "divisions", "tools/bench/data/hebei-province.csv.gz", "division-code file of the towns (CSV, optionally gzip)")
	flag.StringVar(&o.data, "data", "", "working directory for the stack's data and logs (a fresh temporary one when empty)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary working directory (and its logs) afterwards; a -data directory is always kept")
	flag.Parse()
	var err error
	if o.only, err = parseParts(only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// parseParts reads "1,3" into [1 3]; empty means every part.
func parseParts(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return []int{1, 2, 3, 4, 5, 6}, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > len(parts) {
			return nil, fmt.Errorf("-only: %q is not a part between 1 and %d", f, len(parts))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// runOrder is the order the parts run in: the issue's, except that part 3 goes last, because
// the province's import leaves minutes of work behind in every service that would weigh on
// whatever ran next.
func runOrder(only []int) []int {
	out := slices.DeleteFunc(slices.Clone(only), func(n int) bool { return n == 3 })
	if len(out) < len(only) {
		out = append(out, 3)
	}
	return out
}

// bench is what every part works with.
type bench struct {
	o     config
	sys   *system
	admin *api // county administrator through the gateway
	div   *divisions
	// The towns every part but 3 works in: the file's first few, imported at start-up.
	towns []string
	idle  []idleMemory
}

// parts in the order.
var parts = []struct {
	name string
	run  func(context.Context, *bench) []row
}{
	{"1 gateway", gatewayOverhead},
	{"2 pipeline", eventPipeline},
	{"3 capacity", capacity},
	{"4 uploads", uploads},
	{"5 footprint", footprint},
	{"6 neighbour", noisyNeighbour},
}

func run(ctx context.Context, o config) error {
	root, err := embedstack.RepoRoot()
	if err != nil {
		return err
	}
	for _, p := range []*string{&o.out, &o.divisions} {
		if !filepath.IsAbs(*p) {
			*p = filepath.Join(root, *p)
		}
	}
	if o.data == "" {
		if o.data, err = os.MkdirTemp("", "dundian-bench-"); err != nil {
			return err
		}
		if !o.keep {
			defer os.RemoveAll(o.data) // only a directory the bench made itself
		}
	} else {
		o.keep = true // a directory given by -data is the caller's
	}
	div, err := readDivisions(o.divisions)
	if err != nil {
		return err
	}
	started := time.Now()
	sys, err := startSystem(ctx, root, o.data)
	if err != nil {
		return err
	}
	defer sys.stop()
	b := &bench{o: o, sys: sys, div: div}
	if slices.Contains(o.only, 5) {
		b.measureIdle(ctx)
	}
	if b.admin, err = login(ctx, sys.gateway.url, "admin", sys.adminPassword); err != nil {
		return fmt.Errorf("log in: %w", err)
	}
	if err := b.importBenchTowns(ctx); err != nil {
		return err
	}

	results := map[int][]row{}
	for _, n := range runOrder(o.only) {
		p := parts[n-1]
		step("part %s…", p.name)
		results[n] = p.run(ctx, b)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	var rows []row
	for _, n := range o.only {
		rows = append(rows, results[n]...)
	}
	var table bytes.Buffer
	writeTable(&table, rows)
	fmt.Println()
	fmt.Print(table.String())
	report := renderReport(ctx, root, o, table.String(), time.Since(started))
	if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
		return err
	}
	if o.keep {
		step("wrote %s (logs are in %s)", o.out, filepath.Join(o.data, "logs"))
	} else {
		step("wrote %s (run with -keep to keep the processes' logs)", o.out)
	}
	return nil
}

// benchTowns is how many of the file's towns the parts other than 3 use.
const benchTowns = 3

// importBenchTowns imports the file's first towns through the gateway and waits until
// personnel holds their communities.
func (b *bench) importBenchTowns(ctx context.Context) error {
	sub := b.div.firstTowns(benchTowns)
	b.towns = sub.towns
	step("importing %d towns for the benchmarks…", len(sub.towns))
	if err := b.admin.importTowns(ctx, sub.csv(), nil); err != nil {
		return err
	}
	return waitUntil(ctx, 2*time.Minute, 100*time.Millisecond, func() (bool, error) {
		for _, town := range sub.towns {
			if b.admin.get(ctx, "/api/v1/towns/"+town+"/communities/"+sub.communitiesOf(town)[0], nil) != nil {
				return false, nil
			}
		}
		return true, nil
	})
}
