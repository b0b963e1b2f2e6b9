// Command assessment serves inspections, findings, year-end assessments, recalls and
// demonstration points.
package main

import (
	"dundian.local/libs/process"
	"dundian.local/services/assessment/internal/service"
)

var version = "dev" // set with -ldflags "-X main.version=..."

func main() { process.Main(service.Name, version, service.Start) }
