package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"dundian.local/libs/auth"
)

// pace is how long and how hard the load rounds run.
type pace struct {
	round    time.Duration // one round of one side
	rounds   int           // rounds per side, interleaved
	moderate float64       // requests per second of "moderate load"
	conns    int           // concurrent clients at saturation
}

func (b *bench) pace() pace {
	if b.o.quick {
		return pace{round: 1500 * time.Millisecond, rounds: 1, moderate: 100, conns: 16}
	}
	return pace{round: 5 * time.Second, rounds: 3, moderate: 100, conns: 16}
}

// side is one way of reaching the same route.
type side struct {
	name                string
	call                func(context.Context) error
	moderate, saturated result
}

// gatewayOverhead (part 1) compares one authenticated, MongoDB-backed GET (a community of
// personnel) through the gateway, straight to the service with the identity the gateway would
// forward, and through nginx in front of the service with that identity.
func gatewayOverhead(ctx context.Context, b *bench) []row {
	const part = "1 gateway"
	town := b.towns[0]
	path := "/api/v1/towns/" + town + "/communities/" + b.div.communitiesOf(town)[0]
	personnel := b.sys.services["personnel"].url
	caller := auth.Principal{AccountID: "bench-admin", Name: "bench", Role: auth.CountyAdmin}
	get := func(a *api) func(context.Context) error {
		return func(ctx context.Context) error { return a.get(ctx, path, nil) }
	}
	sides := []*side{
		{name: "gateway", call: get(b.admin)},
		{name: "direct", call: get(direct(personnel, b.sys.signer, caller))},
	}
	var peerErr error
	if bin, err := findNginx(ctx); err != nil {
		peerErr = err
	} else if ng, err := startNginx(ctx, bin, filepath.Join(b.o.data, "nginx"), personnel); err != nil {
		peerErr = err
	} else {
		defer ng.stop()
		sides = append(sides, &side{name: "nginx", call: get(direct(ng.url, b.sys.signer, caller))})
	}
	for _, s := range sides {
		if err := s.call(ctx); err != nil {
			return []row{notMeasured(part, "GET community via "+s.name, "", err)}
		}
		closedLoop(ctx, time.Second, 4, s.call) // warm connections and caches
	}

	p := b.pace()
	for r := range p.rounds {
		for i := range sides {
			s := sides[(i+r)%len(sides)] // rotate who goes first
			s.moderate = s.moderate.merge(openLoop(ctx, p.round, p.moderate, s.call))
		}
		for i := range sides {
			s := sides[(i+r)%len(sides)]
			s.saturated = s.saturated.merge(closedLoop(ctx, p.round, p.conns, s.call))
		}
	}

	var rows []row
	for _, s := range sides {
		if n := s.moderate.Failed + s.saturated.Failed; n > 0 {
			rows = append(rows, notMeasured(part, s.name+": failed requests", "0", fmt.Errorf("%d failed, first: %v", n, firstErr(s.moderate, s.saturated))))
		}
		rows = append(rows,
			figure(part, fmt.Sprintf("%s at %g/s: p50 / p99", s.name, p.moderate),
				ms(s.moderate.Latencies.percentile(50))+" / "+ms(s.moderate.Latencies.percentile(99)), ""),
			figure(part, fmt.Sprintf("%s at saturation (%d clients): throughput, p50 / p99", s.name, p.conns),
				fmt.Sprintf("%.0f req/s, %s / %s", s.saturated.throughput(),
					ms(s.saturated.Latencies.percentile(50)), ms(s.saturated.Latencies.percentile(99))), ""),
		)
	}
	gw, dir := sides[0], sides[1]
	added := gw.moderate.Latencies.percentile(50) - dir.moderate.Latencies.percentile(50)
	rows = append(rows,
		check(part, "gateway ÷ direct throughput at saturation", fmt.Sprintf("%.2f×", ratio(gw.saturated.throughput(), dir.saturated.throughput())), "≥ 0.6×",
			ratio(gw.saturated.throughput(), dir.saturated.throughput()) >= 0.6,
			"the gateway checks the token, roles and town, signs an identity for the service and adds a second HTTP hop, on the same two cores as the store, the service and the load generator; see Findings"),
		check(part, fmt.Sprintf("p50 added by the gateway at %g/s", p.moderate), ms(added), "≤ 1 ms", added <= time.Millisecond,
			"an Ed25519 signature of the identity and a second HTTP hop per request; see Findings"),
	)
	if len(sides) < 3 {
		return append(rows, notMeasured(part, "gateway ÷ nginx throughput at saturation", "≥ 1.0×", fmt.Errorf("no peer proxy: %w", peerErr)))
	}
	ng := sides[2]
	rows = append(rows, check(part, "gateway ÷ nginx throughput at saturation",
		fmt.Sprintf("%.2f×", ratio(gw.saturated.throughput(), ng.saturated.throughput())), "≥ 1.0×",
		ratio(gw.saturated.throughput(), ng.saturated.throughput()) >= 1,
		"nginx only relays bytes; the gateway also checks the token, roles and town and signs an identity; see Findings"))
	return rows
}

func firstErr(rs ...result) error {
	for _, r := range rs {
		if r.FirstErr != nil {
			return r.FirstErr
		}
	}
	return nil
}
