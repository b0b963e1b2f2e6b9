package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/embedstack"
)

// services are started in this order and stopped in the reverse one.
var services = []string{"personnel", "fieldwork", "petitions", "reporting", "assessment"}

// proc is one process of the system under test: a real child process, so that its memory is
// its own and measurable.
type proc struct {
	name string
	url  string
	cmd  *exec.Cmd
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// system is the embedded stack, the five services and a gateway, as devstack runs them.
type system struct {
	root, data string
	binDir     string
	stack      *embedstack.Process
	stackPID   int
	base       []string // the environment every process shares
	gatewayEnv []string // and the gateway's own part

	identityPrivate string
	adminPassword   string
	signer          *auth.Signer // mints the identities the gateway would forward

	services map[string]*proc
	gateway  *proc
	extra    []*proc // further gateways started by a part

	built, ready time.Duration // footprint: build and start-up times
}

// startSystem builds the binaries (the Go build cache makes a repeated build fast) and starts
// everything with logs in data/logs.
func startSystem(ctx context.Context, root, data string) (*system, error) {
	s := &system{root: root, data: data, binDir: filepath.Join(data, "bin"), services: map[string]*proc{}}
	if err := os.MkdirAll(filepath.Join(data, "logs"), 0o755); err != nil {
		return nil, err
	}
	began := time.Now()
	step("building the embedded stack, the gateway and the five services…")
	emb, err := embedstack.Build(ctx, root)
	if err != nil {
		return nil, err
	}
	pkgs := []string{"./gateway/cmd/gateway"}
	for _, name := range services {
		pkgs = append(pkgs, "./services/"+name+"/cmd/"+name)
	}
	build := exec.CommandContext(ctx, "go", append([]string{"build", "-o", s.binDir + string(os.PathSeparator)}, pkgs...)...)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %w\n%s", err, out)
	}
	s.built = time.Since(began)

	began = time.Now()
	if err := s.start(ctx, emb); err != nil {
		s.stop()
		return nil, err
	}
	s.ready = time.Since(began)
	step("system ready (build %s, start %s)", s.built.Round(100*time.Millisecond), s.ready.Round(100*time.Millisecond))
	return s, nil
}

func (s *system) start(ctx context.Context, emb string) error {
	stackLog, err := os.Create(filepath.Join(s.data, "logs", "embedded.log"))
	if err != nil {
		return err
	}
	s.stack, err = embedstack.Start(ctx, emb, filepath.Join(s.data, "stack"), embedstack.Options{Log: stackLog})
	if err != nil {
		return fmt.Errorf("embedded stack: %w", err)
	}
	s.stackPID = childPID(filepath.Base(emb))

	pub, priv, err := auth.GenerateKeyPair()
	if err != nil {
		return err
	}
	_, access, err := auth.GenerateKeyPair()
	if err != nil {
		return err
	}
	key, err := auth.ParsePrivateKey(priv)
	if err != nil {
		return err
	}
	s.identityPrivate = priv
	s.signer = auth.NewSigner(key, auth.InternalIssuer, auth.InternalAudience, auth.InternalTTL)
	s.adminPassword = "bench-" + randomHex(8)
	// Logs at warn: an info line per request would measure the logger, not the system.
	s.base = append(os.Environ(), s.stack.Env.Environ()...)
	s.base = append(s.base,
		"LOG_LEVEL=warn",
		"DUNDIAN_IDENTITY_PUBLIC_KEY="+pub,
		"PETITIONS_CHALLENGE_KEY="+randomHex(32),
	)
	for _, name := range services {
		p, err := s.spawn(ctx, name, name, nil)
		if err != nil {
			return err
		}
		s.services[name] = p
	}
	s.gatewayEnv = []string{
		"DUNDIAN_IDENTITY_PRIVATE_KEY=" + priv,
		"DUNDIAN_ACCESS_TOKEN_KEY=" + access,
		"DUNDIAN_BOOTSTRAP_ADMIN=admin",
		"DUNDIAN_BOOTSTRAP_PASSWORD=" + s.adminPassword,
	}
	for name, p := range s.services {
		s.gatewayEnv = append(s.gatewayEnv, strings.ToUpper(name)+"_URL="+p.url)
	}
	// The bench's load comes from one address and, per part, one town: the limits would
	// measure themselves. Part 6 starts a gateway of its own with the town limit on.
	s.gateway, err = s.startGateway(ctx, "gateway", "GATEWAY_RATE_PER_IP=0", "GATEWAY_RATE_PER_TOWN=0")
	if err != nil {
		return err
	}
	for _, p := range append(s.procs(), s.gateway) {
		if err := waitReady(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// startGateway starts a gateway process (log name name) with extra environment entries and
// waits until it is ready.
func (s *system) startGateway(ctx context.Context, name string, env ...string) (*proc, error) {
	public, err := freeAddr()
	if err != nil {
		return nil, err
	}
	env = append(append(s.gatewayEnv, "GATEWAY_PUBLIC_ADDR="+public), env...)
	p, err := s.spawn(ctx, name, "gateway", env)
	if err != nil {
		return nil, err
	}
	if name != "gateway" {
		s.extra = append(s.extra, p)
	}
	return p, waitReady(ctx, p)
}

func (s *system) spawn(ctx context.Context, name, binary string, env []string) (*proc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(s.data, "logs", name+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(s.binDir, binary))
	cmd.Env = append(append(append([]string{}, s.base...), env...), "HTTP_ADDR="+addr, "GATEWAY_ADDR="+addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own process group, and stopped by the kernel if the bench dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return &proc{name: name, url: "http://" + addr, cmd: cmd}, nil
}

// procs returns the services in start order.
func (s *system) procs() []*proc {
	out := make([]*proc, 0, len(services))
	for _, name := range services {
		if p := s.services[name]; p != nil {
			out = append(out, p)
		}
	}
	return out
}

// stop ends the gateways, then the services, then the stack.
func (s *system) stop() {
	all := append(append([]*proc{}, s.extra...), s.gateway)
	procs := s.procs()
	for i := len(procs) - 1; i >= 0; i-- {
		all = append(all, procs[i])
	}
	for _, p := range all {
		if p != nil {
			terminate(p.cmd)
		}
	}
	if s.stack != nil {
		_ = s.stack.Stop()
	}
}

func terminate(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGCONT) // a paused process cannot act on SIGTERM
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(25 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func waitReady(ctx context.Context, p *proc) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return errors.New(p.name + " did not become ready in 2 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// memory is a process's resident set now (VmRSS) and at its peak (VmHWM), in bytes.
type memory struct{ RSS, HWM int64 }

func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return memory{}, err
	}
	var m memory
	for _, line := range strings.Split(string(b), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("%s: %w", line, err)
		}
		if name == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.HWM = kb << 10
		}
	}
	return m, nil
}

// resetPeak resets the kernel's high-water mark of a process (writing 5 to clear_refs), so that
// VmHWM afterwards is the peak of what follows; it needs to own the process or be root.
func resetPeak(pid int) error {
	return os.WriteFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", []byte("5"), 0)
}

// childPID finds the pid of this process's child whose command name starts like binary (the
// embedded stack, which embedstack starts without exposing its pid); 0 when there is none.
func childPID(binary string) int {
	entries, _ := os.ReadDir("/proc")
	self := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm is cut to 15 bytes by the kernel
		open, closing := strings.IndexByte(string(b), '('), strings.LastIndexByte(string(b), ')')
		if open < 0 || closing < open {
			continue
		}
		comm := string(b[open+1 : closing])
		fields := strings.Fields(string(b[closing+1:]))
		if len(fields) > 1 && fields[1] == self && strings.HasPrefix(binary, comm) {
			return pid
		}
	}
	return 0
}

// step prints one line of progress.
func step(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
}
