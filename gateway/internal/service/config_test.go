package service

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
)

func TestLoadConfig_DefaultsWithBothKeys(t *testing.T) {
	t.Parallel()
	_, access, err := auth.GenerateKeyPair()
	require.NoError(t, err)
	_, identity, err := auth.GenerateKeyPair()
	require.NoError(t, err)
	env := map[string]string{"DUNDIAN_ACCESS_TOKEN_KEY": access, "DUNDIAN_IDENTITY_PRIVATE_KEY": identity}
	c, err := loadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	require.Equal(t, ":8080", c.Addr)
	require.Equal(t, ":8090", c.PublicAddr)
	require.Equal(t, "http://127.0.0.1:8081", c.Upstreams["personnel"].String())
	require.Equal(t, "http://127.0.0.1:8085", c.Upstreams["assessment"].String())
	require.Equal(t, 30*time.Second, c.UpstreamTimeout)
	require.EqualValues(t, 32<<20, c.ImportLimit)
	require.False(t, c.CookieSecure)
	require.Equal(t, DefaultSessionCacheTTL, c.SessionCacheTTL)
}

func TestLoadConfig_NamesEveryBadVariableAtOnce(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"PERSONNEL_URL":                "ftp://personnel",
		"GATEWAY_RATE_PER_IP":          "fast",
		"GATEWAY_UPSTREAM_TIMEOUT":     "soon",
		"GATEWAY_SESSION_CACHE_TTL":    "-1s",
		"DUNDIAN_BOOTSTRAP_ADMIN":      "admin",
		"DUNDIAN_IDENTITY_PRIVATE_KEY": "bm90IGEga2V5",
	}
	_, err := loadConfig(func(k string) string { return env[k] })
	require.Error(t, err)
	for _, name := range []string{"DUNDIAN_ACCESS_TOKEN_KEY", "DUNDIAN_IDENTITY_PRIVATE_KEY", "PERSONNEL_URL", "GATEWAY_RATE_PER_IP", "GATEWAY_UPSTREAM_TIMEOUT", "GATEWAY_SESSION_CACHE_TTL"} {
		require.True(t, strings.Contains(err.Error(), name), "%s in %v", name, err)
	}
}

func TestValidate_BootstrapNeedsBothAndAStrongPassword(t *testing.T) {
	t.Parallel()
	_, access, err := auth.GenerateKeyPair()
	require.NoError(t, err)
	base := map[string]string{"DUNDIAN_ACCESS_TOKEN_KEY": access, "DUNDIAN_IDENTITY_PRIVATE_KEY": access}
	for name, tc := range map[string]struct {
		admin, password string
		ok              bool
	}{
		"neither":       {"", "", true},
		"both":          {"admin", "correct horse battery", true},
		"no password":   {"admin", "", false},
		"weak password": {"admin", "admin", false},
	} {
		env := map[string]string{"DUNDIAN_BOOTSTRAP_ADMIN": tc.admin, "DUNDIAN_BOOTSTRAP_PASSWORD": tc.password}
		for k, v := range base {
			env[k] = v
		}
		_, err := loadConfig(func(k string) string { return env[k] })
		if tc.ok {
			require.NoError(t, err, name)
		} else {
			require.ErrorContains(t, err, "DUNDIAN_BOOTSTRAP", name)
		}
	}
}
