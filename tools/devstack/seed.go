package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// demoTown is the town the demo accounts belong to: 阜平镇 of Fuping county.
const (
	demoTown      = "130624100"
	demoCommunity = "130624100200" // 城厢村
)

// demoAccount is one account per role of DOMAIN.md.
type demoAccount struct {
	Username  string `json:"username"`
	Name      string `json:"displayName"`
	Role      string `json:"role"`
	Town      string `json:"town,omitempty"`
	Community string `json:"community,omitempty"`
	CadreID   string `json:"cadreId,omitempty"`
	Password  string `json:"password"`
}

// demoCadre is the stationed cadre the demo shows on 城厢村's public board; the
// fuping-cadre account is theirs.
var demoCadre = map[string]any{"name": "王建国", "unit": "中共阜平镇委员会", "post": "镇党委副书记", "phone": "13912345678", "leadership": true}

func demoAccounts(pw string) []demoAccount {
	return []demoAccount{
		{Username: "inspector", Name: "县督导组", Role: "county_inspector", Password: pw},
		{Username: "fuping-office", Name: "阜平镇活动办", Role: "town_admin", Town: demoTown, Password: pw},
		{Username: "fuping-leader", Name: "阜平镇领导小组", Role: "town_leader", Town: demoTown, Password: pw},
		{Username: "fuping-cadre", Name: "蹲点干部（演示）", Role: "cadre", Town: demoTown, Password: pw},
		{Username: "fuping-secretary", Name: "城厢村党支部书记", Role: "branch_secretary", Town: demoTown, Community: demoCommunity, Password: pw},
	}
}

// seed imports the demo county and creates the demo accounts, once per data directory.
func seed(ctx context.Context, o options, root string, sec secrets) error {
	marker := filepath.Join(o.data, "seeded")
	if _, err := os.Stat(marker); err == nil {
		step("demo county already seeded (use --reset to start over)")
		return nil
	}
	c := &client{base: "http://" + o.addr, http: &http.Client{Timeout: 2 * time.Minute}}
	if err := c.login(ctx, "admin", sec.AdminPassword); err != nil {
		return err
	}
	csv, err := os.ReadFile(filepath.Join(root, "tools", "devstack", "data", "fuping-county.csv"))
	if err != nil {
		return err
	}
	step("importing Fuping county (14 towns, 213 communities)…")
	job, err := c.importTowns(ctx, csv)
	if err != nil {
		return err
	}
	if err := c.waitJob(ctx, job); err != nil {
		return err
	}
	// Personnel creates the communities from the import's event: wait for the demo one.
	if err := c.waitFor(ctx, "/api/v1/towns/"+demoTown+"/communities/"+demoCommunity, time.Minute); err != nil {
		return fmt.Errorf("the imported communities did not reach personnel: %w", err)
	}
	var cadre struct {
		ID string `json:"id"`
	}
	if err := c.post(ctx, "/api/v1/towns/"+demoTown+"/cadres", demoCadre, &cadre); err != nil {
		return fmt.Errorf("create the demo cadre: %w", err)
	}
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	link := map[string]string{"community": demoCommunity}
	if err := c.send(ctx, http.MethodPut, fmt.Sprintf("/api/v1/towns/%s/cadres/%s/assignments/%d", demoTown, cadre.ID, year), link, nil); err != nil {
		return fmt.Errorf("link the demo cadre to %s: %w", demoCommunity, err)
	}
	for _, a := range demoAccounts(sec.DemoPassword) {
		if a.Role == "cadre" {
			a.CadreID = cadre.ID
		}
		if err := c.post(ctx, "/api/v1/accounts", a, nil); err != nil {
			return fmt.Errorf("create demo account %s: %w", a.Username, err)
		}
	}
	step("demo county seeded")
	return os.WriteFile(marker, []byte(time.Now().Format(time.RFC3339)+"\n"), 0o644)
}

func printWelcome(o options, sec secrets) {
	fmt.Printf(`
  蹲点服务管理平台 is running.

  Console (intranet):   http://%s/
  Public pages:         http://%s/p/%s/%s

  Accounts (password):
    admin              county_admin        %s
`, o.addr, o.publicAddr, demoTown, demoCommunity, sec.AdminPassword)
	for _, a := range demoAccounts(sec.DemoPassword) {
		fmt.Printf("    %-18s %-19s %s\n", a.Username, a.Role, a.Password)
	}
	fmt.Printf("\n  Data: %s   Logs: %s\n  Press Ctrl-C to stop.\n\n", o.data, filepath.Join(o.data, "logs"))
}

type client struct {
	base  string
	token string
	http  *http.Client
}

func (c *client) do(ctx context.Context, method, path, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (c *client) post(ctx context.Context, path string, in, out any) error {
	return c.send(ctx, http.MethodPost, path, in, out)
}

func (c *client) send(ctx context.Context, method, path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return c.do(ctx, method, path, "application/json", bytes.NewReader(b), out)
}

func (c *client) login(ctx context.Context, user, pw string) error {
	var out struct {
		Token string `json:"token"`
	}
	if err := c.post(ctx, "/api/v1/auth/login", map[string]string{"username": user, "password": pw}, &out); err != nil {
		return err
	}
	c.token = out.Token
	return nil
}

func (c *client) importTowns(ctx context.Context, csv []byte) (string, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", "fuping-county.csv")
	if err != nil {
		return "", err
	}
	_, _ = part.Write(csv)
	_ = w.Close()
	var out struct {
		Job struct {
			ID string `json:"id"`
		} `json:"job"`
	}
	err = c.do(ctx, http.MethodPost, "/api/v1/towns/import", w.FormDataContentType(), &body, &out)
	return out.Job.ID, err
}

// waitFor polls a GET until it answers 2xx.
func (c *client) waitFor(ctx context.Context, path string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		err := c.do(ctx, http.MethodGet, path, "", nil, nil)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (c *client) waitJob(ctx context.Context, id string) error {
	lastDone := -1
	for {
		var job struct {
			Status string `json:"status"`
			Total  int    `json:"total"`
			Done   int    `json:"done"`
			Errors []struct {
				Line int    `json:"line"`
				Zh   string `json:"zh"`
			} `json:"errors"`
		}
		if err := c.do(ctx, http.MethodGet, "/api/v1/jobs/"+id, "", nil, &job); err != nil {
			return err
		}
		if job.Done != lastDone {
			step("import: %d of %d", job.Done, job.Total)
			lastDone = job.Done
		}
		switch job.Status {
		case "succeeded":
			return nil
		case "failed":
			return fmt.Errorf("import failed: %+v", job.Errors)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}
