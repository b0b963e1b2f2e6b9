package outbox

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"dundian.local/libs/errs"
)

func TestUnacknowledged_SaysWhetherTheChangeMayHaveLanded(t *testing.T) {
	t.Parallel()
	selection := fmt.Errorf("server selection error: context deadline exceeded, current topology: { Type: Single }")
	network := mongo.CommandError{Code: 0, Message: "connection closed", Labels: []string{"NetworkError"}}
	conflict := mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "duplicate key"}}}
	cases := []struct {
		name string
		err  error
		want error // nil: the error passes through unchanged
	}{
		{"no server could be selected: never sent", selection, errs.ErrUnavailable},
		{"connection broke after sending", network, ErrInterrupted},
		{"timed out waiting for the answer", context.DeadlineExceeded, ErrInterrupted},
		{"a refusal by the server is no outage", conflict, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := unacknowledged(c.err)
			require.ErrorContains(t, got, c.err.Error(), "the cause stays in the message")
			if c.want == nil {
				require.Equal(t, c.err.Error(), got.Error())
				_, ok := errs.As(got)
				require.False(t, ok)
				return
			}
			require.ErrorIs(t, got, c.want)
			e, ok := errs.As(got)
			require.True(t, ok)
			require.Equal(t, errs.CategoryUnavailable, e.Category)
		})
	}
}

func TestUnavailable_MarkFailuresPromiseNothingWasSaved(t *testing.T) {
	t.Parallel()
	network := mongo.CommandError{Message: "connection closed", Labels: []string{"NetworkError"}}
	require.ErrorIs(t, unavailable(network), errs.ErrUnavailable)
	plain := errors.New("document too large")
	require.Equal(t, plain, unavailable(plain))
	require.False(t, errors.Is(unavailable(plain), errs.ErrUnavailable))
}
