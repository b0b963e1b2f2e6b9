package comparison

import "strings"

// Part names one entry of a town's row: a community, report, cadre, list, assignment or case
// under its id. An event about one entity changes one part, so the store writes that entry
// alone instead of the whole row, which grows with the town.
type Part struct {
	Field string // the row's map the entry lives in, as stored ("cadres")
	Key   string // the entity's id
}

// The parts of a row, one constructor per kind of entity.
func CommunityPart(code string) Part { return Part{Field: "communities", Key: code} }
func ReportPart(id string) Part      { return Part{Field: "reports", Key: id} }
func CadrePart(id string) Part       { return Part{Field: "cadres", Key: id} }
func ContactListPart(id string) Part { return Part{Field: "contactLists", Key: id} }
func AssignmentPart(id string) Part  { return Part{Field: "assignments", Key: id} }
func CasePart(id string) Part        { return Part{Field: "cases", Key: id} }

// Path is the part's dotted path in the stored row; ok is false for an id the row cannot
// hold as a key (empty, or with "." or "$"), which no Apply method accepts either.
func (p Part) Path() (path string, ok bool) {
	if p.Key == "" || strings.ContainsAny(p.Key, ".$") {
		return "", false
	}
	return p.Field + "." + p.Key, true
}

// Entry returns the state t holds for the part and its revision; ok is false when t holds
// none.
func (t Town) Entry(p Part) (state any, rev int64, ok bool) {
	switch p.Field {
	case "communities":
		return entry(t.Communities, p.Key)
	case "reports":
		return entry(t.Reports, p.Key)
	case "cadres":
		return entry(t.Cadres, p.Key)
	case "contactLists":
		return entry(t.ContactLists, p.Key)
	case "assignments":
		return entry(t.Assignments, p.Key)
	case "cases":
		return entry(t.Cases, p.Key)
	}
	return nil, 0, false
}

func entry[S interface{ rev() int64 }](m map[string]S, key string) (any, int64, bool) {
	s, ok := m[key]
	if !ok {
		return nil, 0, false
	}
	return s, s.rev(), true
}

func (s CommunityState) rev() int64 { return s.Rev }
