package embedstack

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Options for Start. The zero value is a stack on free loopback ports with no log.
type Options struct {
	// Fixed listen addresses (host:port); empty picks a free port on 127.0.0.1.
	MongoAddr, KafkaAddr, S3Addr string
	// Log receives the stack's stderr; nil discards it.
	Log io.Writer
	// ReadyTimeout bounds the wait for the ready line; zero means one minute.
	ReadyTimeout time.Duration
}

// stopTimeout is how long Stop waits after SIGTERM; the S3 gateway alone may wait 10 s for
// open connections before it lets go.
const stopTimeout = 20 * time.Second

// Process is a running embedded stack.
type Process struct {
	Env Env

	cmd   *exec.Cmd
	stdin io.Closer
	done  chan struct{} // closed when the process has exited
	err   error         // from cmd.Wait, set before done closes
}

// ready mirrors the line tools/embedded prints once all three servers listen.
type ready struct {
	Ready        bool   `json:"ready"`
	MongoURI     string `json:"mongoURI"`
	KafkaBrokers string `json:"kafkaBrokers"`
	S3Endpoint   string `json:"s3Endpoint"`
	S3AccessKey  string `json:"s3AccessKey"`
	S3SecretKey  string `json:"s3SecretKey"`
	Bucket       string `json:"bucket"`
}

// Start runs the binary bin with its data under dataDir and returns once it is ready. ctx bounds
// only the start: the process runs until Stop, or until this process exits (the stack watches
// its standard input, which closes when we die).
func Start(ctx context.Context, bin, dataDir string, opt Options) (*Process, error) {
	if opt.ReadyTimeout == 0 {
		opt.ReadyTimeout = time.Minute
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("embedstack: %w", err)
	}
	args := []string{"--data", dataDir, "--exit-on-stdin-eof"}
	for flag, addr := range map[string]string{"--mongo-addr": opt.MongoAddr, "--kafka-addr": opt.KafkaAddr, "--s3-addr": opt.S3Addr} {
		if addr != "" {
			args = append(args, flag, addr)
		}
	}
	cmd := exec.Command(bin, args...)
	stderr := &tail{}
	cmd.Stderr = stderr
	if opt.Log != nil {
		cmd.Stderr = io.MultiWriter(opt.Log, stderr)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("embedstack: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("embedstack: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("embedstack: %w", err)
	}
	p := &Process{cmd: cmd, stdin: stdin, done: make(chan struct{})}

	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout) // nothing more is expected; never block the stack
		p.err = cmd.Wait()
		close(p.done)
	}()

	timer := time.NewTimer(opt.ReadyTimeout)
	defer timer.Stop()
	select {
	case line, ok := <-lines:
		if !ok {
			<-p.done
			return nil, fmt.Errorf("embedstack: %s exited before it was ready: %v\n%s", bin, p.err, stderr)
		}
		var r ready
		if err := json.Unmarshal([]byte(line), &r); err != nil || !r.Ready {
			_ = p.Stop()
			return nil, fmt.Errorf("embedstack: unexpected ready line %q: %v", line, err)
		}
		p.Env = Env{
			MongoURI:     r.MongoURI,
			KafkaBrokers: r.KafkaBrokers,
			S3Endpoint:   r.S3Endpoint,
			S3AccessKey:  r.S3AccessKey,
			S3SecretKey:  r.S3SecretKey,
			S3Bucket:     r.Bucket,
		}
		return p, nil
	case <-timer.C:
		_ = p.Stop()
		return nil, fmt.Errorf("embedstack: %s not ready within %s\n%s", bin, opt.ReadyTimeout, stderr)
	case <-ctx.Done():
		_ = p.Stop()
		return nil, ctx.Err()
	}
}

// Stop asks the stack to shut down (SIGTERM), so that kfake writes its state to disk, and kills
// it if it has not exited within 20 s. It returns nil for a clean exit.
func (p *Process) Stop() error {
	defer p.stdin.Close()
	select {
	case <-p.done:
		return p.err
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = p.cmd.Process.Kill()
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("embedstack: killed after %s without exiting: %v", stopTimeout, p.err)
	}
}

// tail keeps the end of the stack's stderr, so that an error says why the stack did not start.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailSize = 4 << 10

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > tailSize {
		t.buf = t.buf[len(t.buf)-tailSize:]
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
