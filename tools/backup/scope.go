package main

import (
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/tenancy"
)

// What of a deployment belongs to one town. Everything in the town's own database does; of
// the control plane and the county database, only the documents these rules select.

// platformFilters select the town's control-plane records: its registry entry and the
// accounts scoped to it. The rest of platform is county-wide (programme years, holidays,
// county-level audit, jobs, erasures) or short-lived security state (login throttles,
// revoked tokens, idempotency keys) that a restored town does not need.
func platformFilters(town tenancy.TownCode) map[string]bson.D {
	return map[string]bson.D{
		"towns":    {{Key: "_id", Value: town.String()}},
		"accounts": {{Key: "town", Value: town.String()}},
	}
}

// relation is how a document of a county-wide collection relates to a town.
type relation int

const (
	unrelated relation = iota
	// owned: the town's own row — its _id is the town code or starts with "<town>|"
	// (composite ids such as "130624100|2026"), or its top-level town field is the town.
	// Restore replaces it.
	owned
	// shared: a document of several towns that holds entries of this one in an array
	// (a personal file follows its cadre across towns). Restore adds the entries to the
	// document it finds, and never removes any.
	shared
)

// countyRelation applies the rule to one document of a county collection other than an
// outbox marker collection.
func countyRelation(doc bson.Raw, town tenancy.TownCode) relation {
	code := town.String()
	if id, ok := doc.Lookup("_id").StringValueOK(); ok && (id == code || strings.HasPrefix(id, code+"|")) {
		return owned
	}
	if t, ok := doc.Lookup("town").StringValueOK(); ok && t == code {
		return owned
	}
	elems, err := doc.Elements()
	if err != nil {
		return unrelated
	}
	for _, e := range elems {
		arr, ok := e.Value().ArrayOK()
		if !ok {
			continue
		}
		values, err := arr.Values()
		if err != nil {
			continue
		}
		for _, v := range values {
			sub, ok := v.DocumentOK()
			if !ok {
				continue
			}
			if t, ok := sub.Lookup("town").StringValueOK(); ok && t == code {
				return shared
			}
		}
	}
	return unrelated
}

// operational are county collections that record work done on the deployment rather than a
// town's data. A reporting rebuild job of one town names the town, but must not travel with
// it: restored as "running", it would start again in the other deployment.
var operational = map[string]bool{"reporting_rebuilds": true}

// holdsTownRows reports whether countyRelation applies to a county collection: not to the
// outbox markers, which markerBelongs selects, nor to operational records.
func holdsTownRows(name string) bool { return !isMarkerCollection(name) && !operational[name] }

// isMarkerCollection reports the county collections of libs/outbox's markers
// (`county.<service>_outbox`), which name the documents that have unpublished events.
func isMarkerCollection(name string) bool { return strings.HasSuffix(name, "_outbox") }

// markerBelongs reports whether an outbox marker points at a document of the town: one in its
// database, or a control-plane or county document the archive holds (exported keys are
// "<db>/<collection>/<id>", the marker's own _id).
func markerBelongs(marker bson.Raw, town tenancy.TownCode, exported map[string]bool) bool {
	if db, ok := marker.Lookup("db").StringValueOK(); ok && db == town.Database() {
		return true
	}
	id, ok := marker.Lookup("_id").StringValueOK()
	return ok && exported[id]
}

// docKey is the "<db>/<collection>/<id>" a marker uses for a document with a string _id.
func docKey(db, coll string, doc bson.Raw) (string, bool) {
	id, ok := doc.Lookup("_id").StringValueOK()
	if !ok {
		return "", false
	}
	return db + "/" + coll + "/" + id, true
}
