package inspection

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
)

// DrawAlgorithm names the draw below. A recorded draw keeps it so that an auditor knows
// which rule to replay; a changed rule must get a new name.
const DrawAlgorithm = "sha256-rank-v1"

// Draw is the record of an unannounced visit's random choice: with the seed, the candidates
// and the algorithm anyone can replay it and get the same picks.
type Draw struct {
	Algorithm  string   `json:"algorithm" bson:"algorithm"`
	Seed       string   `json:"seed" bson:"seed"`
	Candidates []string `json:"candidates" bson:"candidates"`
	Count      int      `json:"count" bson:"count"`
	Picked     []string `json:"picked" bson:"picked"`
}

// NewSeed returns 128 random bits as hex: unpredictable to those inspected.
func NewSeed() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// DrawFrom picks count of the candidates. Each distinct candidate is ranked by
// SHA-256(seed ":" candidate) and the lowest ranks are picked, so the result depends only
// on the seed and the set of candidates, never on their order or on the Go version.
func DrawFrom(seed string, candidates []string, count int) Draw {
	set := slices.Clone(candidates)
	slices.Sort(set)
	set = slices.Compact(set)
	ranked := slices.Clone(set)
	rank := func(c string) string {
		h := sha256.Sum256([]byte(seed + ":" + c))
		return hex.EncodeToString(h[:])
	}
	sort.SliceStable(ranked, func(i, j int) bool { return rank(ranked[i]) < rank(ranked[j]) })
	count = max(0, min(count, len(ranked)))
	picked := ranked[:count]
	slices.Sort(picked)
	return Draw{Algorithm: DrawAlgorithm, Seed: seed, Candidates: set, Count: count, Picked: slices.Clone(picked)}
}

// Reproduces reports whether replaying the record gives the recorded picks.
func (d Draw) Reproduces() bool {
	if d.Algorithm != DrawAlgorithm {
		return false
	}
	return slices.Equal(DrawFrom(d.Seed, d.Candidates, d.Count).Picked, d.Picked)
}
