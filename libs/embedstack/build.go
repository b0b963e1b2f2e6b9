package embedstack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// SourceDir is where the embedded stack's module lives, relative to the repository root.
const SourceDir = "tools/embedded"

// staleAfter is how long an unused binary of an older source version stays in the cache; a
// second work tree on another version keeps its own binary alive by using it.
const staleAfter = 7 * 24 * time.Hour

// Build compiles tools/embedded into the user's cache directory and returns the binary's path.
// The binary is named by a hash of its sources, go.mod, go.sum and the Go version, so it is
// rebuilt only when one of them changes (a cold build takes minutes on two cores, a cached one
// milliseconds). Processes that build at once wait for each other on a file lock, and the
// binary appears under its final name only once it is complete.
func Build(ctx context.Context, root string) (string, error) {
	src := filepath.Join(root, SourceDir)
	goVersion, err := goEnv(ctx, "GOVERSION")
	if err != nil {
		return "", err
	}
	sum, err := sourceHash(src, goVersion)
	if err != nil {
		return "", fmt.Errorf("embedstack: hashing %s: %w", src, err)
	}

	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "embedded-"+sum)
	if fresh(bin) {
		return bin, nil
	}

	unlock, err := lock(ctx, filepath.Join(dir, "build.lock"))
	if err != nil {
		return "", fmt.Errorf("embedstack: %w", err)
	}
	defer unlock()
	if fresh(bin) { // built by another process while we waited
		return bin, nil
	}

	tmp := fmt.Sprintf("%s.tmp-%d", bin, os.Getpid())
	defer os.Remove(tmp)
	// Plain compiler flags, so that `go test` in tools/embedded reuses the compiled packages;
	// -s -w only shrink the link (about 50 MB instead of 75).
	cmd := exec.CommandContext(ctx, "go", "build", "-ldflags=-s -w", "-o", tmp, ".")
	cmd.Dir = src
	// The module is outside go.work on purpose; inside the workspace go would refuse to build it.
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("embedstack: go build in %s: %w\n%s", src, err, out.Bytes())
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", fmt.Errorf("embedstack: %w", err)
	}
	prune(dir, bin)
	return bin, nil
}

// fresh reports whether bin exists, and marks it used so that prune keeps it.
func fresh(bin string) bool {
	if _, err := os.Stat(bin); err != nil {
		return false
	}
	now := time.Now()
	_ = os.Chtimes(bin, now, now)
	return true
}

// prune removes binaries of older source versions that nobody has used for a while.
func prune(dir, keep string) {
	old, _ := filepath.Glob(filepath.Join(dir, "embedded-*"))
	for _, f := range old {
		if f == keep {
			continue
		}
		if fi, err := os.Stat(f); err == nil && time.Since(fi.ModTime()) > staleAfter {
			_ = os.Remove(f)
		}
	}
}

func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "dundian")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("embedstack: cache directory: %w", err)
	}
	return dir, nil
}

// sourceHash hashes everything that decides the binary: non-test Go files, go.mod, go.sum, the
// Go version and the target platform.
func sourceHash(src, goVersion string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != src && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !(name == "go.mod" || name == "go.sum" ||
			strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) {
			return nil
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func goEnv(ctx context.Context, name string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("embedstack: go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}
