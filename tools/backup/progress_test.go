package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProgress_PrintsCountsAsTheyGrowAndAtTheEnd(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := NewProgress(&out, "export 130624100")
	p.interval = 0 // every change prints
	p.ObjectsTotal(2)
	p.Documents(3)
	p.Object(1 << 20)
	p.Done()

	require.Equal(t, []string{
		"export 130624100: 3 documents, 0/2 objects (0.0 MB)",
		"export 130624100: 3 documents, 1/2 objects (1.0 MB)",
		"export 130624100: done, 3 documents, 1/2 objects (1.0 MB)",
	}, strings.Split(strings.TrimSpace(out.String()), "\n"))
}

func TestProgress_NilPrintsNothing(t *testing.T) {
	t.Parallel()
	var p *Progress
	p.Documents(1)
	p.Object(1)
	p.Step("checking")
	p.Done()
}
