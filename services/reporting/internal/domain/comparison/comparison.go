// Package comparison holds the county projection that compares towns (D4). It is built from
// events only, idempotently: each community's state is kept with the revision it came from,
// so a redelivered or older event changes nothing.
package comparison

import "time"

// Town is one town's row of the county comparison.
type Town struct {
	Code        string                    `bson:"_id"`
	Name        string                    `bson:"name"`
	Communities map[string]CommunityState `bson:"communities"`
	Erased      bool                      `bson:"erased"`
	UpdatedAt   time.Time                 `bson:"updatedAt"`
	Ver         int64                     `bson:"ver"` // optimistic concurrency of the document
}

// CommunityState is what the projection knows of one community.
type CommunityState struct {
	Rev      int64 `bson:"rev"`
	Archived bool  `bson:"archived"`
}

// ApplyCommunity records a community's state at rev; it reports false when the projection
// already holds that revision or a newer one, or the town was erased.
func (t *Town) ApplyCommunity(code string, rev int64, archived bool, at time.Time) bool {
	if t.Erased {
		return false
	}
	if cur, ok := t.Communities[code]; ok && cur.Rev >= rev {
		return false
	}
	if t.Communities == nil {
		t.Communities = map[string]CommunityState{}
	}
	t.Communities[code] = CommunityState{Rev: rev, Archived: archived}
	t.UpdatedAt = at
	return true
}

// CommunityCount is the number of the town's communities that are not archived.
func (t Town) CommunityCount() int {
	n := 0
	for _, c := range t.Communities {
		if !c.Archived {
			n++
		}
	}
	return n
}

// Row is the comparison as the county sees it.
type Row struct {
	Town        string    `json:"town"`
	Name        string    `json:"name"`
	Communities int       `json:"communities"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// Row returns the town's comparison row.
func (t Town) Row() Row {
	return Row{Town: t.Code, Name: t.Name, Communities: t.CommunityCount(), UpdatedAt: t.UpdatedAt}
}
