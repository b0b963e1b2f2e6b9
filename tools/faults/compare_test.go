package faults

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The ledger is the suite's oracle: these cases show it catches each kind of failure.
func TestCompare_CatchesEveryKindOfFailure(t *testing.T) {
	t.Parallel()
	ok := func(id, tok string) writeResult { return writeResult{token: tok, status: 201, id: id} }
	log := func(id, tok string) storedLog { return storedLog{ID: id, Text: logText(tok)} }
	fig := func(ver int64, ids ...string) figuresDoc {
		f := figuresDoc{Ver: ver, Sources: map[string]figureSource{}}
		for _, id := range ids {
			f.Sources[id] = figureSource{Kind: "log"}
		}
		return f
	}
	cases := []struct {
		name    string
		results []writeResult
		logs    []storedLog
		figs    []figuresDoc
		want    tally
	}{
		{"all well", []writeResult{ok("a", "t1"), ok("b", "t2")},
			[]storedLog{log("a", "t1"), log("b", "t2")}, []figuresDoc{fig(2, "a", "b")},
			tally{Written: 2, Accepted: 2, Stored: 2, Applied: 2}},
		{"accepted but never applied is lost", []writeResult{ok("a", "t1"), ok("b", "t2")},
			[]storedLog{log("a", "t1"), log("b", "t2")}, []figuresDoc{fig(1, "a")},
			tally{Written: 2, Accepted: 2, Stored: 2, Applied: 1, Lost: 1}},
		{"stored without an answer and never applied is lost", []writeResult{{token: "t1", status: 503, code: "store-interrupted"}},
			[]storedLog{log("a", "t1")}, nil,
			tally{Written: 1, Refused: 1, Stored: 1, Lost: 1, Unanswered: 1}},
		{"an event applied twice is a duplicate effect", []writeResult{ok("a", "t1")},
			[]storedLog{log("a", "t1")}, []figuresDoc{fig(2, "a")},
			tally{Written: 1, Accepted: 1, Stored: 1, Applied: 1, Duplicates: 1}},
		{"one write stored twice is a duplicate effect", []writeResult{ok("a", "t1")},
			[]storedLog{log("a", "t1"), log("b", "t1")}, []figuresDoc{fig(2, "a", "b")},
			tally{Written: 1, Accepted: 1, Stored: 2, Applied: 2, Duplicates: 1, Unanswered: 1}},
		{"an event left in its outbox is pending", []writeResult{ok("a", "t1")},
			[]storedLog{{ID: "a", Text: logText("t1"), Outbox: []bson.Raw{bson.Raw("x")}}}, []figuresDoc{fig(1, "a")},
			tally{Written: 1, Accepted: 1, Stored: 1, Applied: 1, Pending: 1}},
		{"applied but stored nowhere is a phantom", nil, nil, []figuresDoc{fig(1, "z")},
			tally{Applied: 1, Phantom: 1}},
		{"'nothing was saved' that was saved breaks a promise", []writeResult{{token: "t1", status: 503, code: "store-unavailable"}},
			[]storedLog{log("a", "t1")}, []figuresDoc{fig(1, "a")},
			tally{Written: 1, Refused: 1, Stored: 1, Applied: 1, Unanswered: 1, Broken: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, c.want, compare(c.results, c.logs, c.figs))
		})
	}
}
