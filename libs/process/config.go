// Package process is what every Dundian process (the gateway and the five services) starts
// with: configuration from the environment, telemetry, the MongoDB pool, the Kafka
// publisher, the object store, a Fiber app with the common middleware, background workers,
// and a graceful shutdown on SIGTERM.
package process

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"dundian.local/libs/bus"
	"dundian.local/libs/objects"
)

// Config is read once from the environment; every variable is listed in the README.
type Config struct {
	Name              string
	HTTPAddr          string         // HTTP_ADDR
	MongoURI          string         // MONGO_URI
	KafkaBrokers      []string       // KAFKA_BROKERS
	KafkaReplication  int            // KAFKA_REPLICATION_FACTOR
	Objects           objects.Config // S3_*
	IdentityPublicKey string         // DUNDIAN_IDENTITY_PUBLIC_KEY: verifies the gateway's internal tokens
	ShutdownTimeout   time.Duration  // SHUTDOWN_TIMEOUT
	BodyLimit         int            // HTTP_BODY_LIMIT (bytes)
	// StreamBodies makes the process's app stream large bodies to their handlers (see
	// AppOptions.Streaming); set by the process's code, not the environment.
	StreamBodies bool
}

// DefaultPorts are the HTTP ports the processes listen on unless HTTP_ADDR says otherwise.
var DefaultPorts = map[string]int{
	"gateway": 8080, "personnel": 8081, "fieldwork": 8082, "petitions": 8083, "reporting": 8084, "assessment": 8085,
}

// LoadConfig reads the environment for the named process.
func LoadConfig(name string) (Config, error) {
	c := Config{
		Name:              name,
		HTTPAddr:          env("HTTP_ADDR", fmt.Sprintf(":%d", DefaultPorts[name])),
		MongoURI:          os.Getenv("MONGO_URI"),
		KafkaBrokers:      bus.ParseBrokers(os.Getenv("KAFKA_BROKERS")),
		IdentityPublicKey: os.Getenv("DUNDIAN_IDENTITY_PUBLIC_KEY"),
		Objects: objects.Config{
			Endpoint:       os.Getenv("S3_ENDPOINT"),
			AccessKey:      os.Getenv("S3_ACCESS_KEY"),
			SecretKey:      os.Getenv("S3_SECRET_KEY"),
			Bucket:         os.Getenv("S3_BUCKET"),
			Region:         os.Getenv("S3_REGION"),
			PublicEndpoint: os.Getenv("S3_PUBLIC_ENDPOINT"),
		},
	}
	var errs []error
	var err error
	if c.KafkaReplication, err = atoi("KAFKA_REPLICATION_FACTOR", 1); err != nil {
		errs = append(errs, err)
	}
	if c.BodyLimit, err = atoi("HTTP_BODY_LIMIT", 1<<20); err != nil {
		errs = append(errs, err)
	}
	if c.Objects.UseSSL, err = strconv.ParseBool(env("S3_USE_SSL", "false")); err != nil {
		errs = append(errs, fmt.Errorf("S3_USE_SSL: %w", err))
	}
	if c.ShutdownTimeout, err = time.ParseDuration(env("SHUTDOWN_TIMEOUT", "20s")); err != nil {
		errs = append(errs, fmt.Errorf("SHUTDOWN_TIMEOUT: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Validate names every missing variable at once, so a misconfigured start-up says all.
func (c Config) Validate() error {
	var missing []string
	if c.MongoURI == "" {
		missing = append(missing, "MONGO_URI")
	}
	if len(c.KafkaBrokers) == 0 {
		missing = append(missing, "KAFKA_BROKERS")
	}
	if c.Objects.Endpoint == "" {
		missing = append(missing, "S3_ENDPOINT")
	}
	if c.Name != "gateway" && c.IdentityPublicKey == "" {
		missing = append(missing, "DUNDIAN_IDENTITY_PUBLIC_KEY")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: missing environment variable(s): %s", c.Name, strings.Join(missing, ", "))
	}
	return nil
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func atoi(key string, def int) (int, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return n, nil
}
