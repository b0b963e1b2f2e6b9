package bus

import (
	"testing"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/require"
)

func TestInflight_CommitsOnlyPastTheDonePrefixOfEachPartition(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		fetched []kafka.Message
		finish  []int           // indexes into fetched, in the order they finish
		want    map[int][]int64 // after each finish: committable offsets by partition
	}{
		{
			name:    "in order: each finish is committable",
			fetched: []kafka.Message{msg(0, 10), msg(0, 11)},
			finish:  []int{0, 1},
			want:    map[int][]int64{0: {10}, 1: {11}},
		},
		{
			name:    "a later event done first waits for the earlier one",
			fetched: []kafka.Message{msg(0, 10), msg(0, 11), msg(0, 12)},
			finish:  []int{2, 1, 0},
			want:    map[int][]int64{0: nil, 1: nil, 2: {12}},
		},
		{
			name:    "partitions do not wait for each other",
			fetched: []kafka.Message{msg(0, 10), msg(1, 50), msg(0, 11)},
			finish:  []int{1, 2, 0},
			want:    map[int][]int64{0: {50}, 1: nil, 2: {11}},
		},
		{
			name:    "a refetched older offset after a rebalance waits in fetch order",
			fetched: []kafka.Message{msg(0, 10), msg(0, 11), msg(0, 10)},
			finish:  []int{0, 2, 1},
			want:    map[int][]int64{0: {10}, 1: nil, 2: {10}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newInflight()
			ds := make([]*delivery, len(tc.fetched))
			for i, m := range tc.fetched {
				ds[i] = f.add(m)
			}
			for step, i := range tc.finish {
				f.finish(ds[i])
				var got []int64
				for _, m := range f.take() {
					got = append(got, m.Offset)
				}
				require.ElementsMatch(t, tc.want[step], got, "after finishing %d (step %d)", i, step)
			}
		})
	}
}

func TestLane_SameKeyAlwaysSameLane(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"130624100", "130624101", ""} {
		first := lane([]byte(key), 4)
		require.GreaterOrEqual(t, first, 0)
		require.Less(t, first, 4)
		for range 10 {
			require.Equal(t, first, lane([]byte(key), 4))
		}
	}
	require.Zero(t, lane([]byte("130624100"), 1))
}

func msg(partition int, offset int64) kafka.Message {
	return kafka.Message{Topic: "t", Partition: partition, Offset: offset}
}
