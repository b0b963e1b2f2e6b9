package telemetry

import (
	"context"
	"fmt"
	"maps"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

const residentPhone = "13812345678"

func rawCommand(t *testing.T, doc bson.D) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(doc)
	require.NoError(t, err)
	return b
}

func TestMongoMonitor_Commands(t *testing.T) {
	t.Parallel()
	dupKey := driver.Error{Code: 11000, Name: "DuplicateKey",
		Message: `E11000 duplicate key error collection: town_130624100.petitions_residents index: phone_1 dup key: { phone: "` + residentPhone + `" }`}
	tests := []struct {
		name        string
		command     string
		doc         bson.D
		failure     error
		wantName    string
		wantAttrs   map[string]any // beyond db.system.name, db.namespace, server.address/port
		wantMetric  map[string]any // beyond db.system.name, db.namespace, server.address/port
		wantErrType string
	}{
		{
			name: "find names the collection, not the filter", command: "find",
			doc:      bson.D{{Key: "find", Value: "petitions_petitions"}, {Key: "filter", Value: bson.D{{Key: "phone", Value: residentPhone}}}},
			wantName: "find petitions_petitions",
			wantAttrs: map[string]any{
				"db.operation.name": "find", "db.collection.name": "petitions_petitions",
			},
		},
		{
			name: "getMore reads the collection field", command: "getMore",
			doc:      bson.D{{Key: "getMore", Value: int64(8812)}, {Key: "collection", Value: "fieldwork_stays"}},
			wantName: "getMore fieldwork_stays",
			wantAttrs: map[string]any{
				"db.operation.name": "getMore", "db.collection.name": "fieldwork_stays",
			},
		},
		{
			name: "database command is named by the database", command: "aggregate",
			doc:      bson.D{{Key: "aggregate", Value: int32(1)}, {Key: "pipeline", Value: bson.A{}}},
			wantName: "aggregate town_130624100",
			wantAttrs: map[string]any{
				"db.operation.name": "aggregate",
			},
		},
		{
			name: "server error is named by its code name, never its text", command: "insert",
			doc:     bson.D{{Key: "insert", Value: "petitions_residents"}, {Key: "documents", Value: bson.A{bson.D{{Key: "phone", Value: residentPhone}}}}},
			failure: dupKey, wantName: "insert petitions_residents",
			wantAttrs: map[string]any{
				"db.operation.name": "insert", "db.collection.name": "petitions_residents",
				"error.type": "DuplicateKey", "db.response.status_code": "11000",
			},
			wantMetric:  map[string]any{"error.type": "DuplicateKey"},
			wantErrType: "DuplicateKey",
		},
		{
			name: "timeout", command: "find",
			doc:     bson.D{{Key: "find", Value: "petitions_petitions"}},
			failure: fmt.Errorf("socket: %w", context.DeadlineExceeded), wantName: "find petitions_petitions",
			wantAttrs: map[string]any{
				"db.operation.name": "find", "db.collection.name": "petitions_petitions", "error.type": "timeout",
			},
			wantMetric:  map[string]any{"error.type": "timeout"},
			wantErrType: "timeout",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder(t)
			monitor := newMongoMonitor(rec.tracers, rec.meters)
			ctx, parent := rec.tracers.Tracer("test").Start(t.Context(), "handler")

			started := &event.CommandStartedEvent{
				Command: rawCommand(t, tt.doc), DatabaseName: "town_130624100", CommandName: tt.command,
				RequestID: 17, ConnectionID: "mongo.local:27017[-3]",
			}
			monitor.Started(ctx, started)
			finished := event.CommandFinishedEvent{
				Duration: 12 * time.Millisecond, CommandName: tt.command, DatabaseName: "town_130624100",
				RequestID: 17, ConnectionID: "mongo.local:27017[-3]",
			}
			if tt.failure != nil {
				monitor.Failed(ctx, &event.CommandFailedEvent{CommandFinishedEvent: finished, Failure: tt.failure})
			} else {
				monitor.Succeeded(ctx, &event.CommandSucceededEvent{CommandFinishedEvent: finished, Reply: rawCommand(t, bson.D{{Key: "ok", Value: 1}})})
			}
			parent.End()

			var span sdktrace.ReadOnlySpan
			for _, s := range rec.spans.Ended() {
				if s.Name() != "handler" {
					span = s
				}
			}
			require.NotNil(t, span)
			require.Equal(t, tt.wantName, span.Name())
			require.Equal(t, trace.SpanKindClient, span.SpanKind())
			require.Equal(t, parent.SpanContext().SpanID(), span.Parent().SpanID())
			common := map[string]any{
				"db.system.name": "mongodb", "db.namespace": "town_130624100",
				"server.address": "mongo.local", "server.port": int64(27017),
			}
			want := maps.Clone(common)
			maps.Copy(want, tt.wantAttrs)
			require.Equal(t, want, attrs(span.Attributes()))
			if tt.wantErrType != "" {
				require.Equal(t, codes.Error, span.Status().Code)
				require.Equal(t, tt.wantErrType, span.Status().Description)
			}
			require.Empty(t, span.Events(), "no error text, which can quote the data")
			require.NotContains(t, fmt.Sprint(span.Attributes(), span.Status()), residentPhone)

			points := rec.histogram(t, "db.client.operation.duration")
			require.Len(t, points, 1)
			require.Equal(t, 0.012, points[0].Sum)
			require.Equal(t, dbDurationBuckets, points[0].Bounds)
			wantMetric := maps.Clone(common)
			maps.Copy(wantMetric, tt.wantMetric)
			wantMetric["db.operation.name"] = tt.command
			if c, ok := tt.wantAttrs["db.collection.name"]; ok {
				wantMetric["db.collection.name"] = c
			}
			require.Equal(t, wantMetric, attrs(points[0].Attributes.ToSlice()))
		})
	}
}

// Against a real server when the test command provides one (MONGO_URI): the driver's own
// events, in the order and shape it really sends them.
func TestMongoMonitor_RealServer_SpansPerCommand(t *testing.T) {
	uri := os.Getenv("MONGO_URI")
	if uri == "" {
		t.Skip("MONGO_URI not set")
	}
	t.Parallel()
	rec := newRecorder(t)
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetMonitor(newMongoMonitor(rec.tracers, rec.meters)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })

	db := fmt.Sprintf("telemetry_test_%d", time.Now().UnixNano())
	coll := client.Database(db).Collection("telemetry_probe")
	t.Cleanup(func() { _ = client.Database(db).Drop(context.Background()) })
	_, err = coll.InsertOne(t.Context(), bson.D{{Key: "phone", Value: residentPhone}})
	require.NoError(t, err)
	require.NoError(t, coll.FindOne(t.Context(), bson.D{{Key: "phone", Value: residentPhone}}).Err())
	require.Error(t, client.Database(db).RunCommand(t.Context(), bson.D{{Key: "noSuchCommand", Value: 1}}).Err())

	names := map[string]bool{}
	for _, s := range rec.spans.Ended() {
		names[s.Name()] = true
		require.NotContains(t, fmt.Sprint(s.Attributes()), residentPhone)
		if s.Name() == "noSuchCommand "+db {
			require.Equal(t, codes.Error, s.Status().Code)
			require.Equal(t, "CommandNotFound", s.Status().Description)
		}
	}
	require.True(t, names["insert telemetry_probe"], "spans: %v", names)
	require.True(t, names["find telemetry_probe"], "spans: %v", names)
	require.True(t, names["noSuchCommand "+db], "spans: %v", names)
	require.NotEmpty(t, rec.histogram(t, "db.client.operation.duration"))
}
