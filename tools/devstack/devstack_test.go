package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	mongooptions "go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/embedstack"
)

// TestDevstack runs the one command as a user would: it starts everything, seeds the demo
// county, serves logins through the gateway, gives a new town its database and carries a
// community through personnel and Kafka to the county comparison; it stops cleanly on
// Ctrl-C and keeps the data for the next start.
func TestDevstack(t *testing.T) {
	bin := devstackBinary(t)
	data := t.TempDir()
	addr, public := mustFreeAddr(t), mustFreeAddr(t)
	base := "http://" + addr

	stop := startDevstack(t, bin, data, addr, public, "demo county seeded")
	sec := readSecrets(t, data)
	admin := login(t, base, "admin", sec.AdminPassword)
	var towns struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	call(t, base, admin, http.MethodGet, "/api/v1/towns?limit=100", nil, http.StatusOK, &towns)
	require.Len(t, towns.Items, 14, "the demo county's 14 towns")
	login(t, base, "fuping-office", sec.DemoPassword)
	login(t, base, "fuping-cadre", sec.DemoPassword)

	// The demo cadre is on 城厢村's public board, which the public listener serves without a login.
	board, err := http.Get("http://" + public + "/p/" + demoTown + "/" + demoCommunity)
	require.NoError(t, err)
	page, _ := io.ReadAll(board.Body)
	board.Body.Close()
	require.Equal(t, http.StatusOK, board.StatusCode)
	require.Contains(t, string(page), "王建国")
	require.Contains(t, string(page), "城厢村")

	// A new town gets its database, and a community added there reaches the comparison.
	town := "130624999"
	call(t, base, admin, http.MethodPost, "/api/v1/towns", map[string]any{"code": town, "name": "测试镇", "countyName": "阜平县"}, http.StatusCreated, nil)
	call(t, base, admin, http.MethodPost, "/api/v1/towns/"+town+"/communities",
		map[string]string{"code": town + "201", "name": "测试村"}, http.StatusCreated, nil)
	require.Eventually(t, func() bool { return hasDatabase(t, data, "town_"+town) }, 60*time.Second, 200*time.Millisecond)
	require.Eventually(t, func() bool { return comparisonCount(t, base, admin, town) == 1 }, 60*time.Second, 300*time.Millisecond)
	t.Run("console", func(t *testing.T) { consoleShowsTheCounty(t, base, sec.AdminPassword) })
	t.Run("flows", func(t *testing.T) { mainFlows(t, base, public, sec) })

	stop()

	// A second start keeps everything and seeds nothing again.
	stop = startDevstack(t, bin, data, addr, public, "already seeded")
	defer stop()
	admin = login(t, base, "admin", sec.AdminPassword)
	call(t, base, admin, http.MethodGet, "/api/v1/towns?limit=100", nil, http.StatusOK, &towns)
	require.Len(t, towns.Items, 15)
	require.Equal(t, 1, comparisonCount(t, base, admin, town))
}

// builtDevstack is the devstack binary, built once for the package's tests from the tree.
var builtDevstack = sync.OnceValues(func() (string, error) {
	root, err := embedstack.RepoRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "devstack-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "devstack")
	build := exec.Command("go", "build", "-o", bin, "./tools/devstack")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./tools/devstack: %w\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := builtDevstack(); err == nil {
		_ = os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

func devstackBinary(t *testing.T) string {
	t.Helper()
	bin, err := builtDevstack()
	require.NoError(t, err)
	return bin
}

// demo is a running devstack with the demo county seeded, on a data directory of its own.
type demo struct {
	base, public, data string
	sec                secrets
}

// startDemo starts the devstack on a fresh data directory and stops it when the test ends,
// so that every test finds the demo county as seeded.
func startDemo(t *testing.T) demo {
	t.Helper()
	data := t.TempDir()
	addr, public := mustFreeAddr(t), mustFreeAddr(t)
	startDevstack(t, devstackBinary(t), data, addr, public, "demo county seeded")
	return demo{base: "http://" + addr, public: public, data: data, sec: readSecrets(t, data)}
}

func startDevstack(t *testing.T, bin, data, addr, public, want string) (stop func()) {
	t.Helper()
	cmd := exec.Command(bin, "--data", data, "--addr", addr, "--public-addr", public)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var seen []string
	deadline := time.After(8 * time.Minute)
	found := false
	for !found {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "devstack exited early:\n%s\n%s", strings.Join(seen, "\n"), stderr.String())
			seen = append(seen, line)
			if strings.Contains(line, want) {
				found = true
			}
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("devstack did not say %q in time:\n%s\n%s", want, strings.Join(seen, "\n"), stderr.String())
		}
	}
	for line := range lines { // the welcome text follows
		if strings.Contains(line, "Press Ctrl-C") {
			break
		}
	}
	done := make(chan error, 1)
	go func() {
		for range lines {
		}
		done <- cmd.Wait()
	}()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		select {
		case err := <-done:
			require.NoError(t, err, "devstack exits 0 on Ctrl-C: %s", stderr.String())
		case <-time.After(90 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("devstack did not stop within 90 s of Ctrl-C")
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			t.Fatal("the gateway still listens after devstack stopped")
		}
	}
	// A failing check between start and stop must not leave the system running.
	t.Cleanup(stop)
	return stop
}

func readSecrets(t *testing.T, data string) secrets {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "secrets.json"))
	require.NoError(t, err)
	var s secrets
	require.NoError(t, json.Unmarshal(b, &s))
	return s
}

func login(t *testing.T, base, user, pw string) string {
	t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	call(t, base, "", http.MethodPost, "/api/v1/auth/login", map[string]string{"username": user, "password": pw}, http.StatusOK, &out)
	require.NotEmpty(t, out.Token)
	return out.Token
}

func call(t *testing.T, base, token, method, path string, body any, status int, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, status, resp.StatusCode, "%s %s: %s", method, path, b)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), string(b))
	}
}

func comparisonCount(t *testing.T, base, token, town string) int {
	t.Helper()
	var out struct {
		Towns []struct {
			Town        string `json:"town"`
			Communities int    `json:"communities"`
		} `json:"towns"`
	}
	call(t, base, token, http.MethodGet, "/api/v1/county/comparison", nil, http.StatusOK, &out)
	for _, r := range out.Towns {
		if r.Town == town {
			return r.Communities
		}
	}
	return -1
}

func hasDatabase(t *testing.T, data, name string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "stack.env"))
	require.NoError(t, err)
	var uri string
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "MONGO_URI="); ok {
			uri = v
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := mongo.Connect(mongooptions.Client().ApplyURI(uri))
	require.NoError(t, err)
	defer c.Disconnect(ctx)
	names, err := c.ListDatabaseNames(ctx, bson.D{})
	require.NoError(t, err)
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

func mustFreeAddr(t *testing.T) string {
	t.Helper()
	a, err := freeAddr()
	require.NoError(t, err)
	return a
}

// consoleShowsTheCounty logs in through the console's form in headless Chromium at a phone's
// size and waits for the county overview to list the new town, without horizontal scrolling.
func consoleShowsTheCounty(t *testing.T, base, password string) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is required for the console test (.ci/run installs it)")
		}
		t.Skip("chromium is not installed; apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first run starts the browser and must not carry the timeout (it would stop it).
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/#/login")))
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	user, pw := chromedp.CSS(`input[autocomplete="username"]`), chromedp.CSS(`input[type="password"]`)
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(user),
		chromedp.SendKeys(user, "admin"),
		chromedp.SendKeys(pw, password),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		// The town's name is also in the (hidden) town switcher: wait for the visible text.
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			for {
				shown, err := chromedp.Evaluate[bool](`document.body.innerText.includes("测试镇")`)(ctx, tg)
				if err != nil || shown {
					return err
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(200 * time.Millisecond):
				}
			}
		}),
	)
	if err != nil {
		// Say what the page showed instead.
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer scancel()
		seen, _ := chromedp.Run(sctx, chromedp.Evaluate[string](`document.location.href + "\n" + document.body.innerText`))
		if shot, serr := chromedp.Run(sctx, chromedp.CaptureScreenshot()); serr == nil && os.Getenv("DUNDIAN_SCREENSHOTS") != "" {
			_ = os.WriteFile(filepath.Join(os.Getenv("DUNDIAN_SCREENSHOTS"), "overview-phone-failed.png"), shot, 0o644)
		}
		t.Fatalf("the console did not show the new town: %v; the page showed:\n%s", err, seen)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	require.NoError(t, err)
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	require.NoError(t, err)
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.Contains(t, text, "阜平镇", "the demo county's towns are listed")
	require.Contains(t, text, "测试镇")
	require.False(t, overflow, "no horizontal scrolling on a phone")
	// DUNDIAN_SCREENSHOTS=dir keeps the screenshot for a person to look at.
	if dir := os.Getenv("DUNDIAN_SCREENSHOTS"); dir != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "overview-phone.png"), shot, 0o644))
	}
	require.NotEmpty(t, shot)
}
