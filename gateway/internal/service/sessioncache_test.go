package service_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/objects"
	"dundian.local/libs/process"
	"dundian.local/libs/routes"
	"dundian.local/libs/testkit"

	"dundian.local/gateway/internal/adapters"
	"dundian.local/gateway/internal/app"
	"dundian.local/gateway/internal/service"
)

func TestSession_ChangeMadeOutsideThisReplica_TakesEffectWithinTheCacheTTL(t *testing.T) {
	t.Parallel()
	h := gw(t)
	acc, tok := h.account(t, auth.TownLeader, h.newTown(t))
	require.Equal(t, http.StatusOK, h.do(t, req{method: "GET", path: "/api/v1/me", token: tok}).StatusCode)

	// Another replica disables the account: this one learns it only from the store.
	_, err := h.p.Store.Platform(adapters.CollAccounts).UpdateOne(context.Background(),
		bson.D{{Key: "_id", Value: acc.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: "disabled"}}}})
	require.NoError(t, err)
	testkit.Eventually(t, time.Minute, func() bool {
		return h.do(t, req{method: "GET", path: "/api/v1/me", token: tok}).StatusCode == http.StatusUnauthorized
	}, "the disabled account was still let in")
}

func TestRateLimit_TownOverItsLimit_Is429WithoutReadingTheStore(t *testing.T) {
	t.Parallel()
	env := testkit.Stack(t)
	// The gateway's store is an address nobody listens on: any request that reads it waits
	// for the driver's server selection and fails.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	deadStore := "mongodb://" + ln.Addr().String() + "/?directConnection=true"
	require.NoError(t, ln.Close())

	_, accessKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	_, identityKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	cfg := service.Config{
		Addr: "127.0.0.1:0", PublicAddr: "127.0.0.1:0",
		AccessKey: accessKey, IdentityKey: identityKey,
		Upstreams:       map[string]*url.URL{},
		UpstreamTimeout: 10 * time.Second, ImportLimit: 1 << 20, ProxyBodyLimit: 1 << 20,
		RatePerTown: 0.001, BurstPerTown: 1,
	}
	up := newUpstream()
	for _, s := range routes.Services {
		cfg.Upstreams[s] = up.url
	}
	p, err := process.NewWithConfig(context.Background(), process.Config{
		Name: "gateway", HTTPAddr: cfg.Addr, MongoURI: deadStore, KafkaBrokers: bus.ParseBrokers(env.KafkaBrokers),
		KafkaReplication: 1, ShutdownTimeout: time.Second, BodyLimit: 1 << 20,
		Objects: objects.Config{Endpoint: env.S3Endpoint, AccessKey: env.S3AccessKey, SecretKey: env.S3SecretKey, Bucket: env.S3Bucket},
	}, "test")
	require.NoError(t, err)
	svc, err := service.New(context.Background(), p, cfg)
	require.NoError(t, err)

	town := testkit.NewTown(t)
	tok, err := auth.NewSigner(accessKey, app.AccessIssuer, app.AccessAudience, app.AccessTTL).
		Sign(auth.Principal{AccountID: "acc-" + string(town), Name: "测试", Role: auth.Cadre, Town: town, CadreID: "cad-1"})
	require.NoError(t, err)
	get := func() int {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/towns/"+string(town)+"/communities", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		resp, err := svc.Intranet.Test(r, -1)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.NotEqual(t, http.StatusTooManyRequests, get(), "the town's one request is admitted (and fails on the store)")
	require.Equal(t, http.StatusTooManyRequests, get(), "refused before anything is read from the store")
}
