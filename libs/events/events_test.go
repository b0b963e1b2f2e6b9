package events_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/events"
)

func TestEnvelope_RoundTrip(t *testing.T) {
	t.Parallel()
	in := events.MustNew("personnel.community.added", "130624100", "acc-1", "130624100201", map[string]string{"name": "城厢村"})
	in.Rev = 3
	b, err := in.Encode()
	require.NoError(t, err)
	out, err := events.Decode(b)
	require.NoError(t, err)
	require.Equal(t, in.ID, out.ID)
	require.Equal(t, in.Type, out.Type)
	require.Equal(t, in.Town, out.Town)
	require.Equal(t, int64(3), out.Rev)
	require.True(t, in.OccurredAt.Equal(out.OccurredAt))
	var data map[string]string
	require.NoError(t, out.Unmarshal(&data))
	require.Equal(t, "城厢村", data["name"])
	require.Equal(t, 1, out.Version)
}

func TestEnvelope_IDsAreTimeOrderedUUIDv7(t *testing.T) {
	t.Parallel()
	a := events.MustNew("x.y.z", "130624100", "", "s", nil)
	b := events.MustNew("x.y.z", "130624100", "", "s", nil)
	require.Equal(t, byte('7'), a.ID[14], "version nibble of a UUIDv7")
	require.Less(t, a.ID, b.ID)
}

func TestDecode_RejectsBadEnvelopes(t *testing.T) {
	t.Parallel()
	for name, raw := range map[string]string{
		"not json":   `{`,
		"no id":      `{"type":"a.b.c","subject":"s"}`,
		"bad type":   `{"id":"1","type":"ab","subject":"s"}`,
		"empty part": `{"id":"1","type":"a..c","subject":"s"}`,
		"no subject": `{"id":"1","type":"a.b.c"}`,
		"bad town":   `{"id":"1","type":"a.b.c","subject":"s","town":"x"}`,
		"bad data":   `{"id":"1","type":"a.b.c","subject":"s","data":{]}`,
	} {
		_, err := events.Decode([]byte(raw))
		require.ErrorIs(t, err, events.ErrBadEnvelope, name)
	}
}

func TestNew_RejectsMalformedType(t *testing.T) {
	t.Parallel()
	_, err := events.New("community-added", "130624100", "", "s", nil)
	require.ErrorIs(t, err, events.ErrBadEnvelope)
}

func TestTopics(t *testing.T) {
	t.Parallel()
	require.Equal(t, "dundian.fieldwork.v1", events.Topic(events.Fieldwork))
	require.Equal(t, "dundian.fieldwork.v1.dlq", events.DeadLetterTopic(events.Topic(events.Fieldwork)))
	require.Equal(t, "personnel", events.Service("personnel.community.added"))
	require.Len(t, events.AllTopics(), 6)
}
