package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress prints how far a long export or restore has come, at most once per interval, and
// a last line when it is done. A nil *Progress prints nothing.
type Progress struct {
	w        io.Writer
	label    string
	interval time.Duration

	mu           sync.Mutex
	last         time.Time
	documents    int64
	objects      int
	objectsTotal int
	bytes        int64
}

// NewProgress reports to w, prefixing every line with label ("export 130624100").
func NewProgress(w io.Writer, label string) *Progress {
	return &Progress{w: w, label: label, interval: time.Second, last: time.Now()}
}

// Documents counts n more documents.
func (p *Progress) Documents(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.documents += n
	p.maybePrint()
}

// ObjectsTotal says how many objects there are to copy.
func (p *Progress) ObjectsTotal(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.objectsTotal = n
}

// Object counts one more object of size bytes.
func (p *Progress) Object(size int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.objects++
	p.bytes += size
	p.maybePrint()
}

// Step prints a line about a phase at once.
func (p *Progress) Step(format string, args ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "%s: %s\n", p.label, fmt.Sprintf(format, args...))
}

// Done prints the final counts.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.print("done, ")
}

func (p *Progress) maybePrint() {
	if time.Since(p.last) < p.interval {
		return
	}
	p.print("")
}

func (p *Progress) print(prefix string) {
	p.last = time.Now()
	objects := fmt.Sprint(p.objects)
	if p.objectsTotal > 0 {
		objects = fmt.Sprintf("%d/%d", p.objects, p.objectsTotal)
	}
	fmt.Fprintf(p.w, "%s: %s%d documents, %s objects (%.1f MB)\n",
		p.label, prefix, p.documents, objects, float64(p.bytes)/(1<<20))
}
