package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/embedstack"
)

// services are started in this order and stopped in the reverse one.
var services = []string{"personnel", "fieldwork", "petitions", "reporting", "assessment"}

func repoRoot() (string, error) { return embedstack.RepoRoot() }

// secrets are made once per data directory and kept there (mode 0600).
type secrets struct {
	IdentityPublic  string `json:"identityPublic"`
	IdentityPrivate string `json:"identityPrivate"`
	AccessKey       string `json:"accessKey"`
	AdminPassword   string `json:"adminPassword"`
	DemoPassword    string `json:"demoPassword"`
	ChallengeKey    string `json:"challengeKey"` // signs the public forms' proof-of-work challenges
}

func loadSecrets(dir string) (secrets, error) {
	path := filepath.Join(dir, "secrets.json")
	var s secrets
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &s); err != nil || s.ChallengeKey != "" {
			return s, err
		}
		// a data directory from before the challenge key: add one and keep the rest
		s.ChallengeKey = randomKey()
		b, _ := json.MarshalIndent(s, "", "  ")
		return s, os.WriteFile(path, b, 0o600)
	}
	s.ChallengeKey = randomKey()
	var err error
	if s.IdentityPublic, s.IdentityPrivate, err = auth.GenerateKeyPair(); err != nil {
		return s, err
	}
	if _, s.AccessKey, err = auth.GenerateKeyPair(); err != nil {
		return s, err
	}
	s.AdminPassword = password()
	s.DemoPassword = password()
	b, _ := json.MarshalIndent(s, "", "  ")
	return s, os.WriteFile(path, b, 0o600)
}

// randomKey is 32 random bytes, hex-encoded.
func randomKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// password makes a readable random password such as "dundian-k3m9-x7q2".
func password() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "dundian-" + string(b[:4]) + "-" + string(b[4:])
}

type binaries struct {
	embedded string
	dir      string
}

// build compiles the embedded stack (cached by its sources) and every process of the system.
func build(ctx context.Context, root, data string) (binaries, error) {
	step("building the embedded stack (first time takes a few minutes; cached afterwards)…")
	emb, err := embedstack.Build(ctx, root)
	if err != nil {
		return binaries{}, err
	}
	dir := filepath.Join(data, "bin")
	step("building the gateway and the five services…")
	pkgs := []string{"./gateway/cmd/gateway"}
	for _, s := range services {
		pkgs = append(pkgs, "./services/"+s+"/cmd/"+s)
	}
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", dir + string(os.PathSeparator)}, pkgs...)...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return binaries{}, fmt.Errorf("go build: %w", err)
	}
	return binaries{embedded: emb, dir: dir}, nil
}

type system struct {
	stack *embedstack.Process
	procs []*exec.Cmd // in start order
}

// start runs the embedded stack, then the services, then the gateway, and waits for each
// /readyz.
func start(ctx context.Context, o options, bins binaries, sec secrets) (*system, error) {
	sys := &system{}
	step("starting the embedded MongoDB-wire, Kafka and S3 servers…")
	stackLog, err := os.OpenFile(filepath.Join(o.data, "logs", "embedded.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return sys, err
	}
	sys.stack, err = embedstack.Start(ctx, bins.embedded, filepath.Join(o.data, "stack"), embedstack.Options{Log: stackLog})
	if err != nil {
		return sys, fmt.Errorf("embedded stack: %w (log: %s)", err, stackLog.Name())
	}
	// The stack's addresses change at every start; tools and a developer's mongosh read them here.
	if err := os.WriteFile(filepath.Join(o.data, "stack.env"), []byte(strings.Join(sys.stack.Env.Environ(), "\n")+"\n"), 0o600); err != nil {
		return sys, err
	}
	base := append(os.Environ(), sys.stack.Env.Environ()...)
	base = append(base,
		"DUNDIAN_IDENTITY_PUBLIC_KEY="+sec.IdentityPublic,
		"PUBLIC_BASE_URL=http://"+o.publicAddr,
		"PETITIONS_CHALLENGE_KEY="+sec.ChallengeKey,
	)

	urls := map[string]string{}
	for _, name := range services {
		addr, err := freeAddr()
		if err != nil {
			return sys, err
		}
		urls[name] = "http://" + addr
		if err := sys.spawn(ctx, o, bins, name, append(base, "HTTP_ADDR="+addr)); err != nil {
			return sys, err
		}
	}
	gw := append(base,
		"HTTP_ADDR="+o.addr,
		"GATEWAY_ADDR="+o.addr,
		"GATEWAY_PUBLIC_ADDR="+o.publicAddr,
		"DUNDIAN_IDENTITY_PRIVATE_KEY="+sec.IdentityPrivate,
		"DUNDIAN_ACCESS_TOKEN_KEY="+sec.AccessKey,
		"DUNDIAN_BOOTSTRAP_ADMIN=admin",
		"DUNDIAN_BOOTSTRAP_PASSWORD="+sec.AdminPassword,
	)
	for name, u := range urls {
		gw = append(gw, strings.ToUpper(name)+"_URL="+u)
	}
	if err := sys.spawn(ctx, o, bins, "gateway", gw); err != nil {
		return sys, err
	}
	urls["gateway"] = "http://" + o.addr
	for _, name := range append(services, "gateway") {
		if err := waitReady(ctx, name, urls[name]+"/readyz", filepath.Join(o.data, "logs", name+".log")); err != nil {
			return sys, err
		}
	}
	return sys, nil
}

func (s *system) spawn(ctx context.Context, o options, bins binaries, name string, env []string) error {
	logf, err := os.OpenFile(filepath.Join(o.data, "logs", name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(bins.dir, name))
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own process group: Ctrl-C reaches only devstack, which stops the processes in order;
	// if devstack dies, the kernel stops them.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	step("started %s (pid %d, log %s)", name, cmd.Process.Pid, logf.Name())
	s.procs = append(s.procs, cmd)
	return nil
}

// stop ends the gateway first, then the services, then the stack, each with SIGTERM so
// in-flight work finishes.
func (s *system) stop() {
	if s == nil {
		return
	}
	for i := len(s.procs) - 1; i >= 0; i-- {
		p := s.procs[i]
		_ = p.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(25 * time.Second):
			_ = p.Process.Kill()
			<-done
		}
	}
	if s.stack != nil {
		_ = s.stack.Stop()
	}
	step("stopped")
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitReady(ctx context.Context, name, url, logPath string) error {
	deadline := time.Now().Add(2 * time.Minute)
	last := time.Now()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				step("%s is ready", name)
				return nil
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return errors.New(name + " did not become ready in 2 minutes; see " + logPath)
		}
		if time.Since(last) > 5*time.Second {
			step("waiting for %s…", name)
			last = time.Now()
		}
		time.Sleep(200 * time.Millisecond)
	}
}
