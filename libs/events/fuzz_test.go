package events_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
)

// FuzzDecode: a message value either decodes into an envelope with everything consumers rely
// on (id, a <service>.<entity>.<verb> type, subject, a valid town or none) or is refused as a
// bad envelope, never a panic; a decoded envelope encodes to a value that decodes and encodes
// again to the same bytes.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"id":"0190f7c2-8a1e-7cc3-9b1d-2f0c4c1e9a55","type":"fieldwork.stay.recorded","version":1,"town":"130624100","occurredAt":"2026-05-01T08:00:00Z","actor":"a1","subject":"s1","rev":3,"data":{"cadre":"c1"}}`,
		`{"id":"e","type":"platform.town.created","subject":"130624100","data":null}`,
		`{"id":"e","type":"fieldwork.stay","subject":"s"}`,
		`{"id":"e","type":"a..b","subject":"s"}`,
		`{"id":"e","type":"a.b.c","subject":"s","town":"13062410x"}`,
		`{"id":"e","type":"a.b.c","subject":"s","town":"","data":[1,2,{"x":"\u0000"}]}`,
		`{"id":"e","type":"a.b.c","subject":"s","occurredAt":"not a time"}`,
		`{"id":"e","type":"a.b.c","subject":"s","rev":1e400}`,
		`[]`, `null`, ``, `{`, `{"data":`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := events.Decode(b)
		if err != nil {
			require.ErrorIs(t, err, events.ErrBadEnvelope)
			return
		}
		require.NotEmpty(t, e.ID)
		require.NotEmpty(t, e.Subject)
		require.NotEmpty(t, events.Service(e.Type))
		if e.Town != "" {
			_, err := tenancy.ParseTown(string(e.Town))
			require.NoError(t, err)
		}
		once, err := e.Encode()
		require.NoError(t, err)
		again, err := events.Decode(once)
		require.NoError(t, err, string(once))
		twice, err := again.Encode()
		require.NoError(t, err)
		require.Equal(t, string(once), string(twice))
	})
}
