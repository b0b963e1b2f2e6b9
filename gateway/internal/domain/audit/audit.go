// Package audit is the gateway's append-only record of every mutation: who did what to which
// target, with what result. Records are written once and never changed or deleted by any
// route; a town's records live in its own database and go with it when it is erased.
package audit

import (
	"time"

	"dundian.local/libs/auth"
	"dundian.local/libs/tenancy"
)

// Record is one audited request.
type Record struct {
	// ID is a UUIDv7, so the order of ids is the order of time and pages by _id are pages
	// by time (the embedded store indexes only _id).
	ID        string            `json:"id" bson:"_id"`
	AccountID string            `json:"accountId,omitempty" bson:"accountId,omitempty"`
	Name      string            `json:"name,omitempty" bson:"name,omitempty"`
	Role      auth.Role         `json:"role,omitempty" bson:"role,omitempty"`
	Town      tenancy.TownCode  `json:"town,omitempty" bson:"town,omitempty"`
	Action    string            `json:"action" bson:"action"` // the route's id in the route table
	Method    string            `json:"method" bson:"method"`
	Path      string            `json:"path" bson:"path"`
	Target    map[string]string `json:"target,omitempty" bson:"target,omitempty"` // path parameters
	Result    int               `json:"result" bson:"result"`                     // HTTP status
	RequestID string            `json:"requestId,omitempty" bson:"requestId,omitempty"`
	At        time.Time         `json:"at" bson:"at"`
}
