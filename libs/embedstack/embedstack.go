// Package embedstack builds and runs tools/embedded, the one process that stands in for MongoDB,
// Kafka and S3 on a developer's machine and in tests. The servers live in their own module
// outside go.work so that their dependencies never enter the product's build list; this package
// only runs the binary and reads the JSON line it prints when ready.
package embedstack

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Env is what the product reads to reach the stack. The same variables pointed at real MongoDB,
// Kafka and S3 run the same code against them.
type Env struct {
	MongoURI     string
	KafkaBrokers string // comma-separated host:port list
	S3Endpoint   string // host:port, plain HTTP
	S3AccessKey  string
	S3SecretKey  string
	S3Bucket     string
}

// Names of the environment variables that carry an Env.
const (
	VarMongoURI     = "MONGO_URI"
	VarKafkaBrokers = "KAFKA_BROKERS"
	VarS3Endpoint   = "S3_ENDPOINT"
	VarS3AccessKey  = "S3_ACCESS_KEY"
	VarS3SecretKey  = "S3_SECRET_KEY"
	VarS3Bucket     = "S3_BUCKET"
)

// Environ returns the Env as NAME=value entries for exec.Cmd.Env.
func (e Env) Environ() []string {
	return []string{
		VarMongoURI + "=" + e.MongoURI,
		VarKafkaBrokers + "=" + e.KafkaBrokers,
		VarS3Endpoint + "=" + e.S3Endpoint,
		VarS3AccessKey + "=" + e.S3AccessKey,
		VarS3SecretKey + "=" + e.S3SecretKey,
		VarS3Bucket + "=" + e.S3Bucket,
	}
}

// FromEnviron reads an Env from the process's environment. It reports false when MONGO_URI is
// unset, meaning no stack was provided.
func FromEnviron() (Env, bool) {
	e := Env{
		MongoURI:     os.Getenv(VarMongoURI),
		KafkaBrokers: os.Getenv(VarKafkaBrokers),
		S3Endpoint:   os.Getenv(VarS3Endpoint),
		S3AccessKey:  os.Getenv(VarS3AccessKey),
		S3SecretKey:  os.Getenv(VarS3SecretKey),
		S3Bucket:     os.Getenv(VarS3Bucket),
	}
	return e, e.MongoURI != ""
}

// RepoRoot walks up from the working directory to the folder holding go.work.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("embedstack: no go.work above the working directory")
		}
		dir = parent
	}
}
