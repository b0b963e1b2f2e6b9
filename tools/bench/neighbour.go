package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// noisyNeighbour (part 6): on a gateway with the per-town limit on (the defaults: 100/s,
// burst 400), one town sends far more than its limit while another town's requests at a
// steady rate are timed; rounds with and without the noise alternate, and the quiet town's p99
// is compared with its own baseline from the same run.
func noisyNeighbour(ctx context.Context, b *bench) []row {
	const part = "6 neighbour"
	gw, err := b.sys.startGateway(ctx, "gateway-limited", "GATEWAY_RATE_PER_IP=0", "GATEWAY_RATE_PER_TOWN=100", "GATEWAY_BURST_PER_TOWN=400")
	if err != nil {
		return []row{notMeasured(part, "noisy neighbour", "", err)}
	}
	// The access-token key is shared, so the administrator's token holds on this gateway too.
	client := &api{base: gw.url, token: b.admin.token, http: newHTTPClient(64)}
	quiet, noisy := b.towns[0], b.towns[2]
	getIn := func(town string) func(context.Context) error {
		path := "/api/v1/towns/" + town + "/communities/" + b.div.communitiesOf(town)[0]
		return func(ctx context.Context) error { return client.get(ctx, path, nil) }
	}
	quietCall, noisyCall := getIn(quiet), getIn(noisy)
	if err := quietCall(ctx); err != nil {
		return []row{notMeasured(part, "noisy neighbour", "", err)}
	}

	const quietRate = 50 // half the town's limit
	p := b.pace()
	rounds := p.rounds * 2
	var baseline, withNoise result
	var noise result
	for r := range rounds {
		// baseline first in even rounds, noise first in odd ones
		for _, loud := range []bool{r%2 == 1, r%2 == 0} {
			if !loud {
				baseline = baseline.merge(openLoop(ctx, p.round, quietRate, quietCall))
				continue
			}
			var wg sync.WaitGroup
			var n result
			wg.Go(func() { n = closedLoop(ctx, p.round, p.conns, noisyCall) })
			withNoise = withNoise.merge(openLoop(ctx, p.round, quietRate, quietCall))
			wg.Wait()
			noise = noise.merge(n)
		}
	}
	limited := noise.Failed
	if noise.FirstErr != nil && !strings.Contains(noise.FirstErr.Error(), "429") {
		return []row{notMeasured(part, "noisy town's requests", "", fmt.Errorf("failed for another reason than the limit: %w", noise.FirstErr))}
	}
	if baseline.Failed+withNoise.Failed > 0 {
		return []row{notMeasured(part, "quiet town's requests", "", errors.Join(baseline.FirstErr, withNoise.FirstErr))}
	}
	base, loud := baseline.Latencies.percentile(99), withNoise.Latencies.percentile(99)
	return []row{
		figure(part, "noisy town: sent, admitted, refused 429", fmt.Sprintf("%.0f/s, %.0f/s, %.0f/s",
			float64(noise.OK+limited)/noise.Elapsed.Seconds(), noise.throughput(), float64(limited)/noise.Elapsed.Seconds()),
			fmt.Sprintf("%d clients without pause against a limit of 100/s (burst 400)", p.conns)),
		figure(part, fmt.Sprintf("quiet town at %d/s: p50 / p99 alone", quietRate), ms(baseline.Latencies.percentile(50))+" / "+ms(base), ""),
		figure(part, fmt.Sprintf("quiet town at %d/s: p50 / p99 beside the noisy town", quietRate), ms(withNoise.Latencies.percentile(50))+" / "+ms(loud), ""),
		check(part, "quiet town's p99 beside the noise ÷ alone", fmt.Sprintf("%.2f×", ratio(float64(loud), float64(base))), "≤ 1.20×",
			ratio(float64(loud), float64(base)) <= 1.2,
			"a refused request costs no store read, but the noisy town's clients send without pause and share the two cores with the gateway and the quiet town; see Findings"),
	}
}
