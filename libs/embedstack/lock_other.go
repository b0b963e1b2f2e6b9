//go:build !unix

package embedstack

import "context"

// lock is a no-op where flock is missing: concurrent builds then both compile, and the atomic
// rename still leaves one complete binary.
func lock(context.Context, string) (func(), error) { return func() {}, nil }
