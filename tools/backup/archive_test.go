package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestReadDocuments_ReadsAStreamAndRefusesADamagedOne(t *testing.T) {
	t.Parallel()
	one := raw(t, bson.D{{Key: "_id", Value: "stay-1"}, {Key: "nights", Value: int32(3)}})
	two := raw(t, bson.D{{Key: "_id", Value: "stay-2"}})
	stream := append(append([]byte{}, one...), two...)
	badElement := append([]byte{}, one...)
	badElement[4] = 0x7f // an element type BSON does not have

	for _, tc := range []struct {
		name    string
		in      []byte
		n       int64
		corrupt bool
	}{
		{"two documents", stream, 2, false},
		{"nothing", nil, 0, false},
		{"cut inside a document", stream[:len(stream)-3], 1, true},
		{"cut inside a length", stream[:len(one)+2], 1, true},
		{"a length below the smallest document", []byte{4, 0, 0, 0}, 0, true},
		{"an unknown element type", badElement, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []bson.Raw
			n, err := readDocuments(bytes.NewReader(tc.in), func(d bson.Raw) error {
				got = append(got, d)
				return nil
			})
			require.Equal(t, tc.n, n)
			require.Len(t, got, int(tc.n))
			if tc.corrupt {
				require.ErrorIs(t, err, ErrCorrupt)
				return
			}
			require.NoError(t, err)
			if n == 2 {
				require.Equal(t, []bson.Raw{one, two}, got)
			}
		})
	}
}
