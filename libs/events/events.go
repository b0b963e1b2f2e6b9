// Package events defines the envelope every Dundian event travels in and the naming of
// topics. Events are past-tense facts (`personnel.community.added`); their data is the
// entity's new state, so consumers can upsert by subject and rev.
package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/tenancy"
)

// Envelope is one event. It is stored as it is in the outbox of the changed document and
// published as the Kafka message value.
type Envelope struct {
	ID         string           `json:"id" bson:"id"`
	Type       string           `json:"type" bson:"type"`
	Version    int              `json:"version" bson:"version"`
	Town       tenancy.TownCode `json:"town" bson:"town"`
	OccurredAt time.Time        `json:"occurredAt" bson:"occurredAt"`
	Actor      string           `json:"actor,omitempty" bson:"actor,omitempty"`
	Subject    string           `json:"subject" bson:"subject"`
	Rev        int64            `json:"rev" bson:"rev"`
	// Data is the entity's new state as JSON; kept as a string in the outbox so that the
	// stored element compares byte for byte when it is removed after publishing.
	Data json.RawMessage `json:"data" bson:"-"`
	// DataJSON mirrors Data inside MongoDB.
	DataJSON string `json:"-" bson:"data"`
}

// Headers carried by every message, besides the W3C trace context.
const (
	HeaderType    = "dundian-event-type"
	HeaderID      = "dundian-event-id"
	HeaderTown    = "dundian-town"
	HeaderVersion = "dundian-event-version"
	HeaderError   = "dundian-dlq-error" // on dead-lettered messages: why
)

var ErrBadEnvelope = errors.New("bad event envelope")

// New builds an event about subject in town; rev is filled in by the outbox with the
// entity's revision after the change.
func New(typ string, town tenancy.TownCode, actor, subject string, data any) (Envelope, error) {
	if Service(typ) == "" {
		return Envelope{}, fmt.Errorf("%w: type %q is not <service>.<entity>.<verb>", ErrBadEnvelope, typ)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return Envelope{}, fmt.Errorf("marshal %s data: %w", typ, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Envelope{}, err
	}
	return Envelope{
		ID:         id.String(),
		Type:       typ,
		Version:    1,
		Town:       town,
		OccurredAt: time.Now().UTC().Truncate(time.Millisecond),
		Actor:      actor,
		Subject:    subject,
		Data:       raw,
		DataJSON:   string(raw),
	}, nil
}

// MustNew is New for data that cannot fail to marshal (tests, literals).
func MustNew(typ string, town tenancy.TownCode, actor, subject string, data any) Envelope {
	e, err := New(typ, town, actor, subject, data)
	if err != nil {
		panic(err)
	}
	return e
}

// Decode parses a message value and checks the fields every consumer relies on.
func Decode(b []byte) (Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return Envelope{}, fmt.Errorf("%w: %v", ErrBadEnvelope, err)
	}
	if e.ID == "" || Service(e.Type) == "" || e.Subject == "" {
		return Envelope{}, fmt.Errorf("%w: id, type and subject are required", ErrBadEnvelope)
	}
	if e.Town != "" {
		if _, err := tenancy.ParseTown(string(e.Town)); err != nil {
			return Envelope{}, fmt.Errorf("%w: %v", ErrBadEnvelope, err)
		}
	}
	e.DataJSON = string(e.Data)
	return e, nil
}

// Encode is the message value.
func (e Envelope) Encode() ([]byte, error) {
	if e.Data == nil && e.DataJSON != "" {
		e.Data = json.RawMessage(e.DataJSON)
	}
	return json.Marshal(e)
}

// Unmarshal decodes the event's data into v.
func (e Envelope) Unmarshal(v any) error {
	data := e.Data
	if data == nil {
		data = json.RawMessage(e.DataJSON)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %s data: %v", ErrBadEnvelope, e.Type, err)
	}
	return nil
}

// Service is the producing service named by an event type's first part
// ("personnel.community.added" → "personnel"), or "" when the type is malformed.
func Service(typ string) string {
	parts := strings.Split(typ, ".")
	if len(parts) < 3 {
		return ""
	}
	for _, p := range parts {
		if p == "" {
			return ""
		}
	}
	return parts[0]
}

// Topic is the topic a service publishes on: one per producing service, key = town, so
// every town's events stay in order.
func Topic(service string) string { return "dundian." + service + ".v1" }

// DeadLetterTopic is where a consumer group parks events it cannot apply.
func DeadLetterTopic(topic string) string { return topic + ".dlq" }

// Producing services (and the gateway's control plane, "platform").
const (
	Platform   = "platform"
	Personnel  = "personnel"
	Fieldwork  = "fieldwork"
	Petitions  = "petitions"
	Reporting  = "reporting"
	Assessment = "assessment"
)

// AllTopics lists every service topic, created at start-up by every process.
func AllTopics() []string {
	return []string{Topic(Platform), Topic(Personnel), Topic(Fieldwork), Topic(Petitions), Topic(Reporting), Topic(Assessment)}
}
