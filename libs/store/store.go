// Package store reaches MongoDB the way ARCHITECTURE prescribes: one database per town
// (`town_<code>`), each service owning the collections with its prefix, cross-town data in
// `county`, the control plane in `platform`. A town collection can only be reached with a
// town taken from the context, which the verified request or event put there.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"dundian.local/libs/tenancy"
)

// Client is the process's one MongoDB connection pool.
type Client struct {
	mc *mongo.Client
}

// Options tune Connect; the zero value is fine.
type Options struct {
	// Monitor, when set, observes every command (telemetry.MongoMonitor()).
	Monitor *event.CommandMonitor
	// AppName shows in the server's logs and currentOp.
	AppName string
}

// Connect opens the pool; it does not wait for the server, so a process can start while
// MongoDB is still coming up and report it on /readyz.
func Connect(uri string, opt Options) (*Client, error) {
	o := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5 * time.Second).
		SetTimeout(15 * time.Second)
	if opt.AppName != "" {
		o.SetAppName(opt.AppName)
	}
	if opt.Monitor != nil {
		o.SetMonitor(opt.Monitor)
	}
	mc, err := mongo.Connect(o)
	if err != nil {
		return nil, fmt.Errorf("connect to MongoDB: %w", err)
	}
	return &Client{mc: mc}, nil
}

// Wrap adopts an existing driver client (tests).
func Wrap(mc *mongo.Client) *Client { return &Client{mc: mc} }

// Mongo returns the driver client for the few places that need it (dropping a town).
func (c *Client) Mongo() *mongo.Client { return c.mc }

// Ping is the readiness check.
func (c *Client) Ping(ctx context.Context) error { return c.mc.Ping(ctx, readpref.Primary()) }

// Close closes the pool.
func (c *Client) Close(ctx context.Context) error { return c.mc.Disconnect(ctx) }

// Platform returns a collection of the gateway's control plane. Only the gateway calls it.
func (c *Client) Platform(name string) *mongo.Collection {
	return c.mc.Database(tenancy.PlatformDatabase).Collection(name)
}

// DropTown removes the whole database of a town (erasure). Only the gateway's erase flow
// calls it, after an export and an explicit confirmation.
func (c *Client) DropTown(ctx context.Context, town tenancy.TownCode) error {
	return c.mc.Database(town.Database()).Drop(ctx)
}

// Service returns the view of one owning service: the collections with its prefix.
func (c *Client) Service(prefix string) Service { return Service{c: c, prefix: prefix} }

// Service reaches only the collections its prefix names.
type Service struct {
	c      *Client
	prefix string
}

// Prefix is the owning service's collection prefix.
func (s Service) Prefix() string { return s.prefix }

// Client returns the shared pool.
func (s Service) Client() *Client { return s.c }

// Collection returns the service's collection in the database of the town in ctx.
func (s Service) Collection(ctx context.Context, name string) (*mongo.Collection, error) {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return nil, err
	}
	return s.c.mc.Database(town.Database()).Collection(s.prefix + "_" + name), nil
}

// County returns the service's collection in the county-wide database.
func (s Service) County(name string) *mongo.Collection {
	return s.c.mc.Database(tenancy.CountyDatabase).Collection(s.prefix + "_" + name)
}

// IsDuplicate reports a unique-key violation.
func IsDuplicate(err error) bool { return mongo.IsDuplicateKeyError(err) }

// IsNotFound reports that a single-document read found nothing.
func IsNotFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// IsUnavailable reports that the server could not be reached (the caller answers 503).
func IsUnavailable(err error) bool {
	return mongo.IsTimeout(err) || mongo.IsNetworkError(err) ||
		errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "server selection error")
}
