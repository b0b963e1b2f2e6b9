package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"dundian.local/libs/objects"
)

// attachmentSize is the attachment: 100 MB, a phone's video of a meeting (fieldwork
// takes MP4 and MOV up to 120 MB).
const attachmentSize = 100 << 20

// videoBody streams n bytes that sniff as an MP4 video, made as they are read, so that the
// bench holds none of it in memory.
type videoBody struct {
	left int64
	head []byte
	rnd  *rand.ChaCha8
}

func newVideoBody(n int64) *videoBody {
	return &videoBody{left: n, head: []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), rnd: rand.NewChaCha8([32]byte{1})}
}

func (p *videoBody) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.left)]
	n := copy(b, p.head)
	p.head = p.head[n:]
	if n < len(b) {
		_, _ = p.rnd.Read(b[n:])
	}
	p.left -= int64(len(b))
	return len(b), nil
}

// peak follows a process's resident memory while something runs: its growth over the
// resident size it had before, from the kernel's high-water mark, reset first.
type peak struct {
	pid    int
	before int64
	mu     sync.Mutex
	max    int64
	stop   chan struct{}
	done   chan struct{}
}

func watchPeak(pid int) *peak {
	p := &peak{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	m, _ := readMemory(pid)
	p.before = m.RSS
	// The high-water mark is the precise answer; sampling VmRSS covers a kernel that refuses
	// the reset.
	hwmReset := resetPeak(pid) == nil
	go func() {
		defer close(p.done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			m, err := readMemory(pid)
			if err == nil {
				p.mu.Lock()
				p.max = max(p.max, m.RSS)
				if hwmReset {
					p.max = max(p.max, m.HWM)
				}
				p.mu.Unlock()
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// growth stops watching and returns the peak's growth over the start.
func (p *peak) growth() int64 {
	close(p.stop)
	<-p.done
	return max(p.max-p.before, 0)
}

// uploads (part 4): a 100 MB attachment streamed through the gateway to fieldwork to the
// store, against minio-go putting the same bytes straight into the same store, in
// interleaved rounds; peak RSS growth of the gateway and fieldwork processes meanwhile.
func uploads(ctx context.Context, b *bench) []row {
	const part = "4 uploads"
	town := b.towns[0]
	env := b.sys.stack.Env
	mc, err := minio.New(env.S3Endpoint, &minio.Options{Creds: credentials.NewStaticV4(env.S3AccessKey, env.S3SecretKey, ""), Region: "us-east-1"})
	if err != nil {
		return []row{notMeasured(part, "uploads", "", err)}
	}
	put := func(ctx context.Context, size int64) error {
		q := url.Values{"cadre": {"bench-cadre"}, "name": {"bench.mp4"}}
		req, err := b.admin.request(ctx, http.MethodPut, "/api/v1/towns/"+town+"/attachments/"+uuid.NewString()+"?"+q.Encode(),
			"video/mp4", newVideoBody(size))
		if err != nil {
			return err
		}
		req.ContentLength = size
		return b.admin.do(req, nil)
	}
	gateway := func(ctx context.Context) error { return put(ctx, attachmentSize) }
	direct := func(ctx context.Context) error {
		_, err := mc.PutObject(ctx, env.S3Bucket, town+"/bench/uploads/"+uuid.NewString(), newVideoBody(attachmentSize), attachmentSize,
			minio.PutObjectOptions{ContentType: "video/mp4", PartSize: objects.PartSize})
		return err
	}
	rounds := 3
	if b.o.quick {
		rounds = 1
	}
	gw, fw := b.sys.gateway.pid(), b.sys.services["fieldwork"].pid()
	var viaGateway, viaMinio time.Duration
	var gwGrowth, fwGrowth int64
	for r := range rounds * 2 {
		if (r%2 == 0) == (r/2%2 == 0) { // gateway, minio, minio, gateway, …
			pg, pf := watchPeak(gw), watchPeak(fw)
			t := time.Now()
			err := gateway(ctx)
			viaGateway += time.Since(t)
			gwGrowth, fwGrowth = max(gwGrowth, pg.growth()), max(fwGrowth, pf.growth())
			if err != nil {
				return []row{notMeasured(part, "upload through the gateway", "", err)}
			}
		} else {
			t := time.Now()
			if err := direct(ctx); err != nil {
				return []row{notMeasured(part, "minio-go upload", "", err)}
			}
			viaMinio += time.Since(t)
		}
	}
	mbps := func(d time.Duration) float64 { return float64(rounds*attachmentSize) / (1 << 20) / d.Seconds() }
	limit := int64(32 << 20)
	return []row{
		figure(part, fmt.Sprintf("%d MB video through gateway → fieldwork → store", attachmentSize>>20), fmt.Sprintf("%.1f MB/s", mbps(viaGateway)),
			fmt.Sprintf("%d rounds, interleaved with the direct uploads", rounds)),
		figure(part, "same bytes with minio-go straight to the store", fmt.Sprintf("%.1f MB/s", mbps(viaMinio)), ""),
		check(part, "gateway path ÷ direct minio-go throughput", fmt.Sprintf("%.2f×", ratio(mbps(viaGateway), mbps(viaMinio))), "≥ 0.5×",
			ratio(mbps(viaGateway), mbps(viaMinio)) >= 0.5, "two extra HTTP hops (gateway, fieldwork) and fieldwork's 5 MiB part buffering, on the same two cores as the store"),
		check(part, "gateway peak RSS growth during an upload", mib(gwGrowth), "≤ 32 MiB", gwGrowth <= limit, "the gateway buffers the body; see Findings"),
		check(part, "fieldwork peak RSS growth during an upload", mib(fwGrowth), "≤ 32 MiB", fwGrowth <= limit, "fieldwork buffers the body; see Findings"),
	}
}
