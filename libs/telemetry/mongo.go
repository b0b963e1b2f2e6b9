package telemetry

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// dbDurationBuckets are the boundaries the database semantic conventions recommend for
// db.client.operation.duration, in seconds.
var dbDurationBuckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}

// MongoMonitor returns a command monitor for options.Client().SetMonitor: each command
// becomes a client span and a db.client.operation.duration measurement, named by operation,
// database and collection only. The command and reply documents are never read beyond the
// collection name: they hold residents' phone numbers and hardship details.
func MongoMonitor() *event.CommandMonitor {
	return newMongoMonitor(otel.GetTracerProvider(), otel.GetMeterProvider())
}

type mongoMonitor struct {
	tracer   trace.Tracer
	duration metric.Float64Histogram
	inFlight sync.Map // commandKey → *mongoCommand
}

// commandKey names one command: request ids are unique per connection.
type commandKey struct {
	connection string
	request    int64
}

type mongoCommand struct {
	span  trace.Span
	attrs []attribute.KeyValue
}

func newMongoMonitor(tp trace.TracerProvider, mp metric.MeterProvider) *event.CommandMonitor {
	duration, err := mp.Meter(scope).Float64Histogram("db.client.operation.duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of database client operations."),
		metric.WithExplicitBucketBoundaries(dbDurationBuckets...))
	reportError(err)
	m := &mongoMonitor{tracer: tp.Tracer(scope), duration: duration}
	return &event.CommandMonitor{Started: m.started, Succeeded: m.succeeded, Failed: m.failed}
}

func (m *mongoMonitor) started(ctx context.Context, e *event.CommandStartedEvent) {
	attrs := []attribute.KeyValue{
		semconv.DBSystemNameMongoDB,
		semconv.DBOperationName(e.CommandName),
		semconv.DBNamespace(e.DatabaseName),
	}
	target := e.DatabaseName
	if coll := collectionName(e.CommandName, e.Command); coll != "" {
		attrs = append(attrs, semconv.DBCollectionName(coll))
		target = coll
	}
	if host, port, ok := serverAddress(e.ConnectionID); ok {
		attrs = append(attrs, semconv.ServerAddress(host), semconv.ServerPort(port))
	}
	_, span := m.tracer.Start(ctx, e.CommandName+" "+target,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	m.inFlight.Store(commandKey{e.ConnectionID, e.RequestID}, &mongoCommand{span: span, attrs: attrs})
}

func (m *mongoMonitor) succeeded(ctx context.Context, e *event.CommandSucceededEvent) {
	m.finish(ctx, e.CommandFinishedEvent, nil)
}

func (m *mongoMonitor) failed(ctx context.Context, e *event.CommandFailedEvent) {
	m.finish(ctx, e.CommandFinishedEvent, e.Failure)
}

func (m *mongoMonitor) finish(ctx context.Context, e event.CommandFinishedEvent, failure error) {
	v, ok := m.inFlight.LoadAndDelete(commandKey{e.ConnectionID, e.RequestID})
	if !ok {
		return
	}
	cmd := v.(*mongoCommand)
	attrs := cmd.attrs
	if failure != nil {
		// The error text is left out on purpose: a duplicate-key message quotes the key, which
		// may be a phone number. The server's code name says what went wrong.
		errType, code := mongoErrorType(failure)
		attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
		if code != "" {
			cmd.span.SetAttributes(semconv.DBResponseStatusCode(code))
		}
		cmd.span.SetAttributes(semconv.ErrorTypeKey.String(errType))
		cmd.span.SetStatus(codes.Error, errType)
	}
	// Server-side commands time from the event, which excludes time queued in the driver.
	m.duration.Record(ctx, e.Duration.Seconds(), metric.WithAttributes(attrs...))
	cmd.span.End()
}

// collectionName reads the collection a command targets: the value of its first element
// (find, insert, update, delete, aggregate, count, distinct, findAndModify, createIndexes…)
// when that is a string, or the "collection" field of getMore. Nothing else is read.
func collectionName(command string, doc bson.Raw) string {
	if command == "getMore" {
		if v, err := doc.LookupErr("collection"); err == nil {
			if s, ok := v.StringValueOK(); ok {
				return s
			}
		}
		return ""
	}
	elems, err := doc.Elements()
	if err != nil || len(elems) == 0 {
		return ""
	}
	if s, ok := elems[0].Value().StringValueOK(); ok {
		return s
	}
	return ""
}

// serverAddress parses the driver's connection id, "host:port[-n]".
func serverAddress(connectionID string) (string, int, bool) {
	addr, _, _ := strings.Cut(connectionID, "[")
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, false
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return "", 0, false
	}
	return host, p, true
}

// mongoErrorType names a failed command's error by the server's code name (DuplicateKey),
// or its number when it has no name; failures that never got an answer are "network",
// "timeout" or "canceled", and any other is "_OTHER".
func mongoErrorType(err error) (errType, code string) {
	var de driver.Error
	if errors.As(err, &de) && de.Code != 0 {
		code = strconv.Itoa(int(de.Code))
		if de.Name != "" {
			return de.Name, code
		}
		return code, code
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout", ""
	case errors.Is(err, context.Canceled):
		return "canceled", ""
	case errors.As(err, &de) && de.NetworkError():
		return "network", ""
	}
	return semconv.ErrorTypeOther.Value.AsString(), ""
}
