package service

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/routes"

	"dundian.local/gateway/internal/domain/account"
)

// Config is the gateway's own configuration, read from the environment beside the common
// process variables (MONGO_URI, KAFKA_BROKERS, S3_*, ...). Every variable is listed in the
// README.
type Config struct {
	Addr       string // GATEWAY_ADDR: console, API, health and metrics (intranet)
	PublicAddr string // GATEWAY_PUBLIC_ADDR: /p/... and /api/v1/public/... only

	AccessKey   ed25519.PrivateKey // DUNDIAN_ACCESS_TOKEN_KEY: signs the console's access tokens
	IdentityKey ed25519.PrivateKey // DUNDIAN_IDENTITY_PRIVATE_KEY: signs the identity forwarded to services

	BootstrapAdmin    string // DUNDIAN_BOOTSTRAP_ADMIN
	BootstrapPassword string // DUNDIAN_BOOTSTRAP_PASSWORD

	Upstreams       map[string]*url.URL // PERSONNEL_URL, FIELDWORK_URL, PETITIONS_URL, REPORTING_URL, ASSESSMENT_URL
	UpstreamTimeout time.Duration       // GATEWAY_UPSTREAM_TIMEOUT

	RatePerIP          float64 // GATEWAY_RATE_PER_IP (requests per second; 0 disables)
	BurstPerIP         int     // GATEWAY_BURST_PER_IP
	RatePerTown        float64 // GATEWAY_RATE_PER_TOWN
	BurstPerTown       int     // GATEWAY_BURST_PER_TOWN
	LoginFailuresPerIP int     // GATEWAY_LOGIN_FAILURES_PER_IP (per 15 minutes)
	CookieSecure       bool    // GATEWAY_COOKIE_SECURE
	ImportLimit        int64   // GATEWAY_IMPORT_LIMIT (bytes)
	ProxyBodyLimit     int64   // GATEWAY_PROXY_BODY_LIMIT (bytes): any body forwarded to a service
	// SessionCacheTTL (GATEWAY_SESSION_CACHE_TTL, default DefaultSessionCacheTTL; 0 turns it
	// off) is how long a replica trusts the account and revocation it read for a token. A
	// logout, password change or account change on another replica takes effect here within it.
	SessionCacheTTL time.Duration
}

// DefaultSessionCacheTTL keeps the store's reads for authentication to one per account and
// token every few seconds, while a change made on another replica still lands quickly.
const DefaultSessionCacheTTL = 5 * time.Second

// DefaultUpstreamPorts are where the services listen by default on one host.
var DefaultUpstreamPorts = map[string]int{
	routes.Personnel: 8081, routes.Fieldwork: 8082, routes.Petitions: 8083, routes.Reporting: 8084, routes.Assessment: 8085,
}

// UpstreamVariable names the variable that holds a service's base URL.
func UpstreamVariable(service string) string { return strings.ToUpper(service) + "_URL" }

// LoadConfig reads the environment; it names every bad or missing variable at once.
func LoadConfig() (Config, error) {
	return loadConfig(os.Getenv)
}

func loadConfig(getenv func(string) string) (Config, error) {
	env := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	var problems []error
	c := Config{
		Addr:              env("GATEWAY_ADDR", env("HTTP_ADDR", ":8080")),
		PublicAddr:        env("GATEWAY_PUBLIC_ADDR", ":8090"),
		BootstrapAdmin:    env("DUNDIAN_BOOTSTRAP_ADMIN", ""),
		BootstrapPassword: getenv("DUNDIAN_BOOTSTRAP_PASSWORD"),
		Upstreams:         map[string]*url.URL{},
	}
	key := func(name string) ed25519.PrivateKey {
		v := getenv(name)
		if v == "" {
			problems = append(problems, fmt.Errorf("%s is required (base64 of a 32-byte Ed25519 seed)", name))
			return nil
		}
		k, err := auth.ParsePrivateKey(v)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
		}
		return k
	}
	c.AccessKey = key("DUNDIAN_ACCESS_TOKEN_KEY")
	c.IdentityKey = key("DUNDIAN_IDENTITY_PRIVATE_KEY")
	for _, s := range routes.Services {
		name := UpstreamVariable(s)
		raw := env(name, fmt.Sprintf("http://127.0.0.1:%d", DefaultUpstreamPorts[s]))
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			problems = append(problems, fmt.Errorf("%s: %q is not an http(s) base URL", name, raw))
			continue
		}
		c.Upstreams[s] = u
	}
	num := func(name string, def float64) float64 {
		v := env(name, "")
		if v == "" {
			return def
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			problems = append(problems, fmt.Errorf("%s: %q is not a number ≥ 0", name, v))
		}
		return f
	}
	c.RatePerIP = num("GATEWAY_RATE_PER_IP", 50)
	c.BurstPerIP = int(num("GATEWAY_BURST_PER_IP", 200))
	c.RatePerTown = num("GATEWAY_RATE_PER_TOWN", 100)
	c.BurstPerTown = int(num("GATEWAY_BURST_PER_TOWN", 400))
	c.LoginFailuresPerIP = int(num("GATEWAY_LOGIN_FAILURES_PER_IP", 30))
	c.ImportLimit = int64(num("GATEWAY_IMPORT_LIMIT", 32<<20))
	c.ProxyBodyLimit = int64(num("GATEWAY_PROXY_BODY_LIMIT", 128<<20))
	var err error
	if c.UpstreamTimeout, err = time.ParseDuration(env("GATEWAY_UPSTREAM_TIMEOUT", "30s")); err != nil {
		problems = append(problems, fmt.Errorf("GATEWAY_UPSTREAM_TIMEOUT: %w", err))
	}
	if c.SessionCacheTTL, err = time.ParseDuration(env("GATEWAY_SESSION_CACHE_TTL", DefaultSessionCacheTTL.String())); err != nil || c.SessionCacheTTL < 0 {
		problems = append(problems, fmt.Errorf("GATEWAY_SESSION_CACHE_TTL: %q is not a duration ≥ 0", env("GATEWAY_SESSION_CACHE_TTL", "")))
	}
	if c.CookieSecure, err = strconv.ParseBool(env("GATEWAY_COOKIE_SECURE", "false")); err != nil {
		problems = append(problems, fmt.Errorf("GATEWAY_COOKIE_SECURE: %w", err))
	}
	if err := errors.Join(problems...); err != nil {
		return c, fmt.Errorf("gateway configuration: %w", err)
	}
	return c, c.Validate()
}

// Validate checks what a hand-built configuration (tests) must have too.
func (c Config) Validate() error {
	var problems []error
	if len(c.AccessKey) != ed25519.PrivateKeySize {
		problems = append(problems, errors.New("DUNDIAN_ACCESS_TOKEN_KEY is required"))
	}
	if len(c.IdentityKey) != ed25519.PrivateKeySize {
		problems = append(problems, errors.New("DUNDIAN_IDENTITY_PRIVATE_KEY is required"))
	}
	for _, s := range routes.Services {
		if c.Upstreams[s] == nil {
			problems = append(problems, fmt.Errorf("%s is required", UpstreamVariable(s)))
		}
	}
	if c.Addr == "" || c.PublicAddr == "" {
		problems = append(problems, errors.New("GATEWAY_ADDR and GATEWAY_PUBLIC_ADDR must not be empty"))
	}
	if (c.BootstrapAdmin == "") != (c.BootstrapPassword == "") {
		problems = append(problems, errors.New("set DUNDIAN_BOOTSTRAP_ADMIN and DUNDIAN_BOOTSTRAP_PASSWORD together"))
	} else if c.BootstrapAdmin != "" {
		if err := account.CheckPassword(c.BootstrapAdmin, c.BootstrapPassword); err != nil {
			problems = append(problems, fmt.Errorf("DUNDIAN_BOOTSTRAP_PASSWORD: at least %d characters, not the username", account.MinPasswordLen))
		}
	}
	if c.ImportLimit <= 0 || c.ProxyBodyLimit <= 0 {
		problems = append(problems, errors.New("GATEWAY_IMPORT_LIMIT and GATEWAY_PROXY_BODY_LIMIT must be positive"))
	}
	if err := errors.Join(problems...); err != nil {
		return fmt.Errorf("gateway configuration: %w", err)
	}
	return nil
}
