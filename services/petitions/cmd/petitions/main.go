// Command petitions serves opinions, public submissions, ratings and petition cases.
package main

import (
	"dundian.local/libs/process"
	"dundian.local/services/petitions/internal/service"
)

var version = "dev" // set with -ldflags "-X main.version=..."

func main() { process.Main(service.Name, version, service.Start) }
