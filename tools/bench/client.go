package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"time"

	"dundian.local/libs/auth"
)

// api calls one base URL as one caller: with an access token through the gateway, or with an
// internal identity straight to a service.
type api struct {
	base     string
	token    string        // Authorization: Bearer, for the gateway
	identity func() string // X-Dundian-Identity, for a service
	http     *http.Client
}

// newHTTPClient keeps up to conns idle connections per host, so that load runs reuse them.
func newHTTPClient(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = conns * 4
	t.MaxIdleConnsPerHost = conns
	t.MaxConnsPerHost = 0
	return &http.Client{Transport: t, Timeout: 2 * time.Minute}
}

// login returns an api for the gateway at base signed in as user.
func login(ctx context.Context, base, user, password string) (*api, error) {
	a := &api{base: base, http: newHTTPClient(64)}
	var out struct {
		Token string `json:"token"`
	}
	if err := a.send(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"username": user, "password": password}, &out); err != nil {
		return nil, err
	}
	a.token = out.Token
	return a, nil
}

// direct returns an api for a service at base that presents p's identity, signed afresh for
// each request as the gateway does.
func direct(base string, signer *auth.Signer, p auth.Principal) *api {
	return &api{base: base, http: newHTTPClient(64), identity: func() string {
		tok, _ := signer.Sign(p)
		return tok
	}}
}

func (a *api) request(ctx context.Context, method, path, contentType string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if a.identity != nil {
		req.Header.Set(auth.InternalHeader, a.identity())
	}
	return req, nil
}

// httpError is an answer other than 2xx.
type httpError struct {
	method, path, status string
	body                 []byte
}

func (e *httpError) Error() string {
	return fmt.Sprintf("%s %s: %s: %.300s", e.method, e.path, e.status, e.body)
}

// do sends a request and decodes a 2xx JSON answer into out (when not nil).
func (a *api) do(req *http.Request, out any) error {
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return &httpError{method: req.Method, path: req.URL.Path, status: resp.Status, body: b}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (a *api) get(ctx context.Context, path string, out any) error {
	req, err := a.request(ctx, http.MethodGet, path, "", nil)
	if err != nil {
		return err
	}
	return a.do(req, out)
}

func (a *api) send(ctx context.Context, method, path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := a.request(ctx, method, path, "application/json", bytes.NewReader(b))
	if err != nil {
		return err
	}
	return a.do(req, out)
}

// importTowns uploads a division-code CSV and waits for the import job, calling progress with
// (done, total) as it advances.
func (a *api) importTowns(ctx context.Context, csv []byte, progress func(done, total int)) error {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", "towns.csv")
	if err != nil {
		return err
	}
	_, _ = part.Write(csv)
	_ = w.Close()
	req, err := a.request(ctx, http.MethodPost, "/api/v1/towns/import", w.FormDataContentType(), &body)
	if err != nil {
		return err
	}
	var started struct {
		Job struct {
			ID string `json:"id"`
		} `json:"job"`
	}
	if err := a.do(req, &started); err != nil {
		return err
	}
	for {
		var job struct {
			Status string            `json:"status"`
			Total  int               `json:"total"`
			Done   int               `json:"done"`
			Errors []json.RawMessage `json:"errors"`
		}
		if err := a.get(ctx, "/api/v1/jobs/"+started.Job.ID, &job); err != nil {
			return err
		}
		if progress != nil {
			progress(job.Done, job.Total)
		}
		switch job.Status {
		case "succeeded":
			return nil
		case "failed":
			return fmt.Errorf("import failed: %s", bytes.Join(bytesOf(job.Errors), []byte(", ")))
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

func bytesOf(raw []json.RawMessage) [][]byte {
	out := make([][]byte, len(raw))
	for i, r := range raw {
		out[i] = r
	}
	return out
}

// waitUntil polls cond every interval until it is true, fails, or limit passes.
func waitUntil(ctx context.Context, limit, interval time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not reached within %s", limit)
		}
		if err := sleep(ctx, interval); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
