package deploycheck

import (
	"bytes"
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/stretchr/testify/require"
)

// pinnedImage accepts an exact version tag (1.26.8, v3.6.0, RELEASE.2025-…) with an optional
// digest, or a digest alone; moving tags such as latest, 1 or nonroot fail.
var pinnedImage = regexp.MustCompile(`^[a-z0-9./_-]+(:(v?[0-9]+\.[0-9]+\.[0-9]+[a-zA-Z0-9._-]*|RELEASE\.[0-9TZ-]+))?(@sha256:[0-9a-f]{64})?$`)

func isPinned(image string) bool {
	m := pinnedImage.FindStringSubmatch(image)
	return m != nil && (m[1] != "" || m[3] != "")
}

type dockerfile struct {
	stages []instructions.Stage
}

func parseDockerfile(t *testing.T, path string) dockerfile {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	res, err := parser.Parse(bytes.NewReader(src))
	require.NoError(t, err, "BuildKit cannot parse %s", path)
	require.Empty(t, res.Warnings, "BuildKit warns about %s", path)
	stages, _, err := instructions.Parse(res.AST, nil)
	require.NoError(t, err, "BuildKit rejects an instruction of %s", path)
	require.NotEmpty(t, stages)
	return dockerfile{stages: stages}
}

// buildCommand is the `go build` of the Dockerfile: its environment assignments and its
// arguments, split as the shell would split them (double quotes only).
type buildCommand struct {
	env  []string
	args []string
}

func (d dockerfile) goBuild(t *testing.T) buildCommand {
	t.Helper()
	for _, st := range d.stages {
		for _, c := range st.Commands {
			run, ok := c.(*instructions.RunCommand)
			if !ok {
				continue
			}
			line := strings.Join(run.CmdLine, " ")
			line = strings.ReplaceAll(line, "\\\n", " ")
			_, after, found := strings.Cut(line, "go build")
			if !found {
				continue
			}
			before := strings.Fields(strings.TrimSpace(line[:len(line)-len(after)-len("go build")]))
			var cmd buildCommand
			for _, f := range before {
				if strings.Contains(f, "=") && !strings.HasPrefix(f, "-") {
					cmd.env = append(cmd.env, f)
				}
			}
			cmd.args = shellWords(after)
			if i := indexOf(cmd.args, "&&"); i >= 0 {
				cmd.args = cmd.args[:i]
			}
			return cmd
		}
	}
	t.Fatal("no RUN ... go build in the Dockerfile")
	return buildCommand{}
}

func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inQuote, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQuote, inWord = !inQuote, true
		case (r == ' ' || r == '\t' || r == '\n') && !inQuote:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func TestDockerfilesProduceStaticNonRootImagesFromPinnedBases(t *testing.T) {
	t.Parallel()
	root, err := RepoRoot()
	require.NoError(t, err)
	for _, p := range Processes() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			df := parseDockerfile(t, filepath.Join(root, p.Dir, "Dockerfile"))
			names := map[string]bool{}
			for _, st := range df.stages {
				if !names[st.BaseName] && st.BaseName != "scratch" {
					require.True(t, isPinned(st.BaseName), "base image %q is not pinned to an exact tag or digest", st.BaseName)
				}
				if st.Name != "" {
					names[st.Name] = true
				}
			}

			final := df.stages[len(df.stages)-1]
			var user string
			labels := map[string]string{}
			var entrypoint []string
			exposed := map[string]bool{}
			for _, c := range final.Commands {
				switch c := c.(type) {
				case *instructions.UserCommand:
					user = c.User
				case *instructions.LabelCommand:
					for _, kv := range c.Labels {
						labels[kv.Key] = strings.Trim(kv.Value, `"`)
					}
				case *instructions.EntrypointCommand:
					require.False(t, c.PrependShell, "ENTRYPOINT must be the exec form: the image has no shell")
					entrypoint = c.CmdLine
				case *instructions.ExposeCommand:
					for _, port := range c.Ports {
						exposed[port] = true
					}
				case *instructions.HealthCheckCommand:
					t.Fatal("HEALTHCHECK cannot run in an image without a shell; probe /readyz from outside")
				}
			}
			require.NotEmpty(t, user, "the final stage must set USER")
			uid, _, _ := strings.Cut(user, ":")
			require.NotContains(t, []string{"0", "root"}, uid, "the final stage runs as root")
			n, err := strconv.Atoi(uid)
			require.NoError(t, err, "USER must be numeric: the scratch image has no /etc/passwd, and Kubernetes' runAsNonRoot can verify only a numeric user")
			require.Positive(t, n)
			require.Equal(t, "${VERSION}", labels["org.opencontainers.image.version"])
			require.Equal(t, []string{"/" + p.Name}, entrypoint)
			require.True(t, exposed[strconv.Itoa(p.Port)], "EXPOSE %d", p.Port)

			build := df.goBuild(t)
			require.Contains(t, build.env, "CGO_ENABLED=0")
			require.Contains(t, build.args, "-trimpath")
			require.Equal(t, "./"+p.Dir+"/cmd/"+p.Name, build.args[len(build.args)-1])
			ldflags := build.args[indexOf(build.args, "-ldflags")+1]
			require.Contains(t, ldflags, "-X main.version=${VERSION}")
		})
	}
}

// The binaries are built with exactly the Dockerfiles' flags (the version substituted), so a
// flag the toolchain rejects, a wrong package path or an -X that misses main.version fails here.
func TestDockerfileBuildFlagsBuildEveryBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds six binaries")
	}
	root, err := RepoRoot()
	require.NoError(t, err)
	out := t.TempDir()
	const version = "deploycheck-1.2.3-test"
	for _, p := range Processes() {
		t.Run(p.Name, func(t *testing.T) {
			build := parseDockerfile(t, filepath.Join(root, p.Dir, "Dockerfile")).goBuild(t)
			bin := filepath.Join(out, p.Name)
			args := append([]string{"build"}, build.args...)
			for i, a := range args {
				a = strings.ReplaceAll(a, "${VERSION}", version)
				if i > 0 && args[i-1] == "-o" {
					a = bin
				}
				args[i] = a
			}
			cmd := exec.Command("go", args...)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), build.env...)
			output, err := cmd.CombinedOutput()
			require.NoError(t, err, "go %s\n%s", strings.Join(args, " "), output)

			info, err := buildinfo.ReadFile(bin)
			require.NoError(t, err)
			settings := map[string]string{}
			for _, s := range info.Settings {
				settings[s.Key] = s.Value
			}
			require.Equal(t, "0", settings["CGO_ENABLED"])
			require.Equal(t, "true", settings["-trimpath"])
			content, err := os.ReadFile(bin)
			require.NoError(t, err)
			require.True(t, bytes.Contains(content, []byte(version)), "-X main.version did not reach the binary")
		})
	}
}

func TestIsPinnedAcceptsOnlyExactTagsOrDigests(t *testing.T) {
	t.Parallel()
	digest := "@sha256:" + strings.Repeat("ab", 32)
	for image, want := range map[string]bool{
		"golang:1.26.8-bookworm":                   true,
		"prom/prometheus:v3.6.0":                   true,
		"minio/minio:RELEASE.2025-09-07T16-13-09Z": true,
		"gcr.io/distroless/static" + digest:        true,
		"golang:1.26.8" + digest:                   true,
		"golang:1.26":                              false,
		"golang":                                   false,
		"golang:latest":                            false,
		"gcr.io/distroless/static:nonroot":         false,
	} {
		require.Equal(t, want, isPinned(image), image)
	}
}
