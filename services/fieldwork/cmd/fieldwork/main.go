// Command fieldwork serves stays, attendance sheets, work logs, diaries, activities,
// research reports and attachments.
package main

import (
	"dundian.local/libs/process"
	"dundian.local/services/fieldwork/internal/service"
)

var version = "dev" // set with -ldflags "-X main.version=..."

func main() { process.Main(service.Name, version, service.Start) }
