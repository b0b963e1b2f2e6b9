package deploycheck

import (
	"errors"
	"os"
	"path/filepath"
)

// Process is one of the six Dundian binaries.
type Process struct {
	Name string // binary, image and OTEL_SERVICE_NAME
	Dir  string // module folder, relative to the repository root
	Port int    // default HTTP_ADDR port (the gateway's console and API port)
}

// Service reports whether the process is one of the five services behind the gateway.
func (p Process) Service() bool { return p.Name != "gateway" }

// Processes lists the gateway and the five services with their default ports (README.md,
// "Configuration").
func Processes() []Process {
	return []Process{
		{Name: "gateway", Dir: "gateway", Port: 8080},
		{Name: "personnel", Dir: "services/personnel", Port: 8081},
		{Name: "fieldwork", Dir: "services/fieldwork", Port: 8082},
		{Name: "petitions", Dir: "services/petitions", Port: 8083},
		{Name: "reporting", Dir: "services/reporting", Port: 8084},
		{Name: "assessment", Dir: "services/assessment", Port: 8085},
	}
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
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("deploycheck: no go.work above the working directory")
		}
		dir = parent
	}
}
