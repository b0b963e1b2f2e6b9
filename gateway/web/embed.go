// Package web holds the console: static HTML, CSS, ES modules and message catalogues, served
// as they are by the gateway. There is no build step and nothing is fetched from outside the
// county's network at run time.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:static
var static embed.FS

// FS is the console's file tree with index.html at its root; the gateway serves it under /.
var FS fs.FS = mustSub(static, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // only a malformed constant dir name gets here
	}
	return sub
}
