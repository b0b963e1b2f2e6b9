// Command reporting serves monthly and town reports, dispatch meetings, projections and the
// county comparison.
package main

import (
	"dundian.local/libs/process"
	"dundian.local/services/reporting/internal/service"
)

var version = "dev" // set with -ldflags "-X main.version=..."

func main() { process.Main(service.Name, version, service.Start) }
