// Command personnel serves communities, cadres, assignments and one-links-five lists.
package main

import (
	"dundian.local/libs/process"
	"dundian.local/services/personnel/internal/service"
)

var version = "dev" // set with -ldflags "-X main.version=..."

func main() { process.Main(service.Name, version, service.Start) }
