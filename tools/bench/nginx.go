package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// findNginx returns Debian's nginx, installing nginx-light (or nginx) from Debian's packages
// when it is missing: the peer proxy is part of the result, so no peer means no result.
func findNginx(ctx context.Context) (string, error) {
	if p, err := lookNginx(); err == nil {
		return p, nil
	}
	sudo := []string{}
	if os.Geteuid() != 0 {
		sudo = []string{"sudo"}
	}
	apt := func(args ...string) error {
		cmd := exec.CommandContext(ctx, append(sudo, args...)[0], append(sudo, args...)[1:]...)
		// No service start from the package's scripts: the bench runs its own nginx.
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive", "RUNLEVEL=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, tail(out, 600))
		}
		return nil
	}
	step("nginx is missing: installing it from Debian's packages…")
	if err := apt("apt-get", "update"); err != nil {
		return "", err
	}
	var errs []error
	for _, pkg := range []string{"nginx-light", "nginx"} {
		err := apt("apt-get", "install", "-y", "--no-install-recommends", pkg)
		if err == nil {
			if p, err := lookNginx(); err == nil {
				return p, nil
			}
		}
		errs = append(errs, err)
	}
	return "", fmt.Errorf("installing nginx: %w", errors.Join(errs...))
}

func lookNginx() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	const debian = "/usr/sbin/nginx"
	if _, err := os.Stat(debian); err != nil {
		return "", err
	}
	return debian, nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// nginxProxy is a plain reverse proxy in front of one upstream: keep-alive to the upstream,
// no access log, one worker per core, as a tuned production front proxy would run.
type nginxProxy struct {
	url string
	cmd *exec.Cmd
}

func startNginx(ctx context.Context, bin, dir, upstream string) (*nginxProxy, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`daemon off;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path %[1]s/client_body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  upstream service { server %[2]s; keepalive 128; }
  server {
    listen %[3]s;
    location / {
      proxy_pass http://service;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
}
`, dir, strings.TrimPrefix(upstream, "http://"), addr)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "logs", "stderr.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-p", dir, "-c", path)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	n := &nginxProxy{url: "http://" + addr, cmd: cmd}
	err = waitUntil(ctx, 10*time.Second, 50*time.Millisecond, func() (bool, error) {
		resp, err := http.Get(n.url + "/healthz")
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		n.stop()
		b, _ := os.ReadFile(filepath.Join(dir, "logs", "error.log"))
		return nil, fmt.Errorf("nginx did not start: %w\n%s", err, tail(b, 600))
	}
	return n, nil
}

// stop ends nginx with SIGQUIT (graceful) and waits for it.
func (n *nginxProxy) stop() {
	_ = n.cmd.Process.Signal(syscall.SIGQUIT)
	done := make(chan struct{})
	go func() { _ = n.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = n.cmd.Process.Kill()
		<-done
	}
}
