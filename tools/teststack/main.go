// Command teststack runs a command against one fresh embedded stack:
//
//	go run ./tools/teststack -- go test -count=1 work
//
// It builds tools/embedded (cached), starts one stack on a temporary data directory, runs the
// command with MONGO_URI, KAFKA_BROKERS, S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY and S3_BUCKET
// added to its environment, then stops the stack, removes the data and exits with the command's
// exit code. Every test binary of the run shares the stack; tests keep apart by town.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"dundian.local/libs/embedstack"
)

func main() {
	code, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "teststack:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(args []string) (int, error) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return 2, errors.New("usage: go run ./tools/teststack -- COMMAND [ARG...]")
	}

	// Ctrl-C reaches the command and the stack too (same process group); we only have to outlive
	// the command so that the stack is stopped and the data removed.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		cancel(interrupted{<-signals})
	}()

	root, err := embedstack.RepoRoot()
	if err != nil {
		return 1, err
	}
	start := time.Now()
	progress("building embedded stack…")
	bin, err := embedstack.Build(ctx, root)
	if err != nil {
		return 1, err
	}
	progress("embedded stack built in %s; starting it…", since(start))

	data, err := os.MkdirTemp("", "dundian-teststack-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(data)

	start = time.Now()
	stack, err := embedstack.Start(ctx, bin, data, embedstack.Options{Log: os.Stderr})
	if err != nil {
		return 1, err
	}
	progress("stack ready in %s (mongo %s, kafka %s, s3 %s)",
		since(start), stack.Env.MongoURI, stack.Env.KafkaBrokers, stack.Env.S3Endpoint)

	code, runErr := command(ctx, args, stack.Env)
	if err := stack.Stop(); err != nil {
		progress("stopping the stack: %v", err)
	}
	return code, runErr
}

// command runs args with the stack's variables added and returns its exit code.
func command(ctx context.Context, args []string, env embedstack.Env) (int, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), env.Environ()...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return 1, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return exitCode(err)
	case <-ctx.Done():
		// A terminal's Ctrl-C has reached the command already; a SIGTERM sent to us alone has not.
		var sig interrupted
		if errors.As(context.Cause(ctx), &sig) && sig.Signal == syscall.SIGTERM {
			_ = cmd.Process.Signal(syscall.SIGTERM)
		}
		select {
		case err := <-done:
			return exitCode(err)
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			return 130, context.Cause(ctx)
		}
	}
}

type interrupted struct{ os.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.String() }

func exitCode(err error) (int, error) {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		if code := exit.ExitCode(); code > 0 {
			return code, nil
		}
		return 1, err // killed by a signal
	default:
		return 1, err
	}
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "teststack: "+format+"\n", args...)
}

func since(t time.Time) string {
	return fmt.Sprintf("%.1fs", time.Since(t).Seconds())
}
