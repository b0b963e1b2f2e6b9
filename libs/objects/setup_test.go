package objects_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/objects"
	"dundian.local/libs/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// newStore returns a store on the embedded stack's bucket and the config it was built from.
func newStore(t *testing.T) (*objects.Store, objects.Config) {
	t.Helper()
	e := testkit.Stack(t)
	cfg := objects.Config{
		Endpoint:  e.S3Endpoint,
		AccessKey: e.S3AccessKey,
		SecretKey: e.S3SecretKey,
		Bucket:    e.S3Bucket,
	}
	s, err := objects.New(cfg)
	require.NoError(t, err)
	require.NoError(t, s.EnsureBucket(context.Background()))
	return s, cfg
}
