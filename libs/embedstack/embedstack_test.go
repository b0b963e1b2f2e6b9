package embedstack

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEnviron_RoundTripsThroughTheEnvironment(t *testing.T) {
	want := Env{
		MongoURI:     "mongodb://127.0.0.1:1/",
		KafkaBrokers: "127.0.0.1:2",
		S3Endpoint:   "127.0.0.1:3",
		S3AccessKey:  "ak",
		S3SecretKey:  "sk",
		S3Bucket:     "b",
	}
	for _, kv := range want.Environ() {
		name, value, ok := strings.Cut(kv, "=")
		require.True(t, ok, kv)
		t.Setenv(name, value)
	}
	got, ok := FromEnviron()
	require.True(t, ok)
	require.Equal(t, want, got)

	t.Setenv(VarMongoURI, "")
	_, ok = FromEnviron()
	require.False(t, ok, "no stack without MONGO_URI")
}

func TestSourceHash_ChangesWithSourcesButNotWithTests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	hash := func() string {
		t.Helper()
		h, err := sourceHash(dir, "go1.26")
		require.NoError(t, err)
		return h
	}
	write("go.mod", "module x\n")
	write("main.go", "package main\n")
	base := hash()

	write("main_test.go", "package main\n")
	write("README.md", "docs\n")
	require.Equal(t, base, hash(), "tests and docs do not change the binary")

	write("internal/stack/stack.go", "package stack\n")
	withPackage := hash()
	require.NotEqual(t, base, withPackage, "a new source file")

	write("go.sum", "x v1.0.0 h1:abc\n")
	require.NotEqual(t, withPackage, hash(), "a changed go.sum")

	h, err := sourceHash(dir, "go1.27")
	require.NoError(t, err)
	require.NotEqual(t, hash(), h, "another Go version")
}

func TestRepoRoot_FindsTheFolderWithGoWork(t *testing.T) {
	root, err := RepoRoot()
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(root, "go.work"))
	require.DirExists(t, filepath.Join(root, SourceDir))
}

// The tests below run the real binary; Build is a cache hit once the test command has built it.

func build(t *testing.T) string {
	t.Helper()
	root, err := RepoRoot()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	bin, err := Build(ctx, root)
	require.NoError(t, err)
	return bin
}

func TestStart_ListensOnTheFixedAddressesAndStopsCleanly(t *testing.T) {
	t.Parallel()
	bin := build(t)
	mongo, kafka, s3 := freeAddr(t), freeAddr(t), freeAddr(t)
	data := t.TempDir()
	p, err := Start(t.Context(), bin, data, Options{MongoAddr: mongo, KafkaAddr: kafka, S3Addr: s3})
	require.NoError(t, err)

	require.Equal(t, "mongodb://"+mongo+"/", p.Env.MongoURI)
	require.Equal(t, kafka, p.Env.KafkaBrokers)
	require.Equal(t, s3, p.Env.S3Endpoint)
	require.Equal(t, "dundian", p.Env.S3Bucket)
	for _, addr := range []string{mongo, kafka, s3} {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		require.NoError(t, err, addr)
		require.NoError(t, c.Close())
	}

	require.NoError(t, p.Stop(), "SIGTERM ends the stack with exit status 0")
	require.FileExists(t, filepath.Join(data, "kafka", "meta.json"), "kfake wrote its state on the way out")
}

func TestStart_StackExitsWhenItsParentGoesAway(t *testing.T) {
	t.Parallel()
	p, err := Start(t.Context(), build(t), t.TempDir(), Options{})
	require.NoError(t, err)

	// A dying parent closes the stack's standard input; nothing else tells the stack.
	require.NoError(t, p.stdin.Close())
	select {
	case <-p.done:
		require.NoError(t, p.err)
	case <-time.After(stopTimeout):
		_ = p.Stop()
		t.Fatal("the stack kept running after its standard input closed")
	}
}

func TestStart_ReportsAStackThatCannotStart(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()

	_, err = Start(t.Context(), build(t), t.TempDir(), Options{MongoAddr: taken.Addr().String()})
	require.ErrorContains(t, err, "exited before it was ready")
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}
