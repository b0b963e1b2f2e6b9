package main

import (
	"context"
	"fmt"
	"time"
)

// idleMemory is every process's resident memory a few seconds after start-up, before any load.
type idleMemory struct {
	name string
	mem  memory
	err  error
}

func (b *bench) measureIdle(ctx context.Context) {
	_ = sleep(ctx, 3*time.Second) // let start-up work (topics, sweeps, towns' collections) settle
	measure := func(name string, pid int) {
		m, err := readMemory(pid)
		b.idle = append(b.idle, idleMemory{name: name, mem: m, err: err})
	}
	if b.sys.stackPID != 0 {
		measure("embedded stack", b.sys.stackPID)
	}
	for _, p := range b.sys.procs() {
		measure(p.name, p.pid())
	}
	measure("gateway", b.sys.gateway.pid())
}

// footprint (part 5): how long the system takes from `go build` on a warm cache to every
// /readyz, as devstack starts it, and the idle resident memory of every process.
func footprint(_ context.Context, b *bench) []row {
	const part = "5 footprint"
	rows := []row{
		figure(part, "build of the six binaries and the embedded stack (warm cache)", b.sys.built.Round(100*time.Millisecond).String(),
			"go build of what changed since the last build; the embedded stack's binary is cached by its sources"),
		figure(part, "start to every /readyz", b.sys.ready.Round(10*time.Millisecond).String(), "embedded stack, five services, gateway: devstack's order"),
		figure(part, "time to ready on a warm build cache", (b.sys.built + b.sys.ready).Round(100*time.Millisecond).String(), ""),
	}
	var total int64
	for _, m := range b.idle {
		if m.err != nil {
			rows = append(rows, notMeasured(part, "idle RSS of "+m.name, "", m.err))
			continue
		}
		total += m.mem.RSS
		rows = append(rows, figure(part, "idle RSS of "+m.name, mib(m.mem.RSS), fmt.Sprintf("peak so far %s", mib(m.mem.HWM))))
	}
	return append(rows, figure(part, "idle RSS of the whole system", mib(total), ""))
}
