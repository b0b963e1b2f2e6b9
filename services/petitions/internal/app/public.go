package app

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/domain/guard"
	"dundian.local/services/petitions/internal/domain/opinion"
)

// PublicConfig sets the public page's defences.
type PublicConfig struct {
	ChallengeKey   []byte        // HMAC key of the proof-of-work challenge; same on every replica
	MaxNumber      int           // the challenge's difficulty (hashes at most), default 50,000
	ChallengeTTL   time.Duration // default 10 minutes
	ClientBurst    int           // submissions at once per client address, default 5
	ClientRefill   time.Duration // one more per client every, default 1 minute
	CommunityBurst int           // submissions at once per community, default 30
	CommunityRefil time.Duration // one more per community every, default 20 seconds
	DuplicateFor   time.Duration // the same text in the same community is refused for, default 24 h
}

func (c *PublicConfig) setDefaults() {
	if c.MaxNumber == 0 {
		c.MaxNumber = 50_000
	}
	if c.ChallengeTTL == 0 {
		c.ChallengeTTL = 10 * time.Minute
	}
	if c.ClientBurst == 0 {
		c.ClientBurst, c.ClientRefill = 5, time.Minute
	}
	if c.CommunityBurst == 0 {
		c.CommunityBurst, c.CommunityRefil = 30, 20*time.Second
	}
	if c.DuplicateFor == 0 {
		c.DuplicateFor = 24 * time.Hour
	}
}

var (
	ErrTooManyFromClient = errs.TooMany("submissions-too-many-client",
		"too many submissions from this device; please wait a while",
		"您提交得太频繁了，请稍后再试")
	ErrTooManyForCommunity = errs.TooMany("submissions-too-many-community",
		"this community's page is receiving too many submissions; please try again later",
		"该社区（村）当前提交量过大，请稍后再试")
	ErrDuplicate = errs.Conflict("submission-duplicate",
		"the same text was already submitted for this community; it is being handled",
		"相同内容已提交过，正在办理中，请勿重复提交")
	ErrTooManyLookups = errs.TooMany("tracking-too-many",
		"too many lookups from this device; please wait a while",
		"查询太频繁了，请稍后再试")
	ErrTrackingNotFound = errs.NotFound("tracking-code-not-found",
		"no submission with this tracking code", "没有找到该查询码对应的意见，请核对查询码")
)

// SubmitPublic is what anyone may leave on a community's public page.
type SubmitPublic struct {
	Community tenancy.CommunityCode
	Kind      opinion.Kind
	Category  opinion.Category
	Text      string
	Phone     string
	Honeypot  string // a field people never see; bots fill it
	Solution  guard.Solution
	Client    string // the client's address
}

// Receipt is the answer to a submission.
type Receipt struct {
	TrackingCode string         `json:"trackingCode"`
	Status       opinion.Status `json:"status"`
	Due          time.Time      `json:"due"`
}

type SubmitPublicHandler struct {
	d          Deps
	challenger guard.Challenger
	clients    *guard.Limiter
	community  *guard.Limiter
}

func newSubmitPublic(d Deps) SubmitPublicHandler {
	return SubmitPublicHandler{
		d:          d,
		challenger: guard.NewChallenger(d.Public.ChallengeKey, d.Public.MaxNumber, d.Public.ChallengeTTL),
		clients:    guard.NewLimiter(d.Public.ClientBurst, d.Public.ClientRefill),
		community:  guard.NewLimiter(d.Public.CommunityBurst, d.Public.CommunityRefil),
	}
}

// Handle runs the defences cheapest first, then stores the opinion. A filled honeypot gets a
// receipt that looks real, so a bot learns nothing, and nothing is stored.
func (h SubmitPublicHandler) Handle(ctx context.Context, cmd SubmitPublic) (Receipt, error) {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return Receipt{}, err
	}
	now := h.d.Now()
	if ok, wait := h.clients.Allow(cmd.Client, now); !ok {
		return Receipt{}, httpx.RetryAfter(ErrTooManyFromClient, wait)
	}
	if strings.TrimSpace(cmd.Honeypot) != "" {
		return Receipt{TrackingCode: newTrackingCode(), Status: opinion.Received, Due: opinion.DueAfter(now.UTC(), 0)}, nil
	}
	if err := h.challenger.Verify(cmd.Solution, scope(town, cmd.Community), now); err != nil {
		return Receipt{}, err
	}
	if err := h.d.Guards.UseChallenge(ctx, cmd.Solution.Challenge, h.challenger.Expires(cmd.Solution)); err != nil {
		return Receipt{}, err
	}
	if ok, wait := h.community.Allow(string(cmd.Community), now); !ok {
		return Receipt{}, httpx.RetryAfter(ErrTooManyForCommunity, wait)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Receipt{}, err
	}
	days, err := h.d.responseDueDays(ctx, town)
	if err != nil {
		return Receipt{}, err
	}
	o, err := opinion.New(opinion.Draft{
		ID: id.String(), Town: town, Community: cmd.Community, Source: opinion.FromPublic,
		Kind: cmd.Kind, Category: cmd.Category, Text: cmd.Text, Phone: cmd.Phone,
		TrackingCode: newTrackingCode(),
	}, now.UTC(), days)
	if err != nil {
		return Receipt{}, err
	}
	seen, err := h.d.Guards.SeenText(ctx, guard.Fingerprint(string(cmd.Community), o.Text), now, h.d.Public.DuplicateFor)
	if err != nil {
		return Receipt{}, err
	}
	if seen {
		return Receipt{}, ErrDuplicate
	}
	if err := h.d.Opinions.Add(ctx, o, "public"); err != nil {
		return Receipt{}, err
	}
	return Receipt{TrackingCode: o.TrackingCode, Status: o.Status, Due: o.Due}, nil
}

// Tracked is what the tracking code shows: the status and the reply, never who handled it.
type Tracked struct {
	TrackingCode string           `json:"trackingCode"`
	Kind         opinion.Kind     `json:"kind"`
	Category     opinion.Category `json:"category"`
	Text         string           `json:"text"`
	Phone        string           `json:"phone,omitempty"`
	Status       opinion.Status   `json:"status"`
	StatusZh     string           `json:"statusZh"`
	ReceivedAt   time.Time        `json:"receivedAt"`
	Due          time.Time        `json:"due"`
	Response     string           `json:"response,omitempty"`
	RespondedAt  *time.Time       `json:"respondedAt,omitempty"`
}

// TrackHandler shows a submission by its tracking code. Lookups are limited per client (30 at
// once, then one every 10 s) so that codes cannot be guessed by brute force.
type TrackHandler struct {
	d       Deps
	clients *guard.Limiter
}

func newTrack(d Deps) TrackHandler {
	return TrackHandler{d: d, clients: guard.NewLimiter(30, 10*time.Second)}
}

func (h TrackHandler) Handle(ctx context.Context, community tenancy.CommunityCode, code, client string) (Tracked, error) {
	if ok, wait := h.clients.Allow(client, h.d.Now()); !ok {
		return Tracked{}, httpx.RetryAfter(ErrTooManyLookups, wait)
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	if !validTrackingCode(code) {
		return Tracked{}, ErrTrackingNotFound
	}
	o, err := h.d.Opinions.ByTrackingCode(ctx, code)
	if errors.Is(err, opinion.ErrNotFound) || (err == nil && o.Community != community) {
		return Tracked{}, ErrTrackingNotFound
	}
	if err != nil {
		return Tracked{}, err
	}
	return Tracked{
		TrackingCode: o.TrackingCode, Kind: o.Kind, Category: o.Category, Text: o.Text, Phone: o.Phone,
		Status: o.Status, StatusZh: o.Status.Zh(), ReceivedAt: o.ReceivedAt, Due: o.Due,
		Response: o.Response, RespondedAt: o.RespondedAt,
	}, nil
}

type ChallengeHandler struct{ d Deps }

// Handle issues a proof-of-work challenge for a submission to the community.
func (h ChallengeHandler) Handle(ctx context.Context, community tenancy.CommunityCode) (guard.Challenge, error) {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return guard.Challenge{}, err
	}
	c := guard.NewChallenger(h.d.Public.ChallengeKey, h.d.Public.MaxNumber, h.d.Public.ChallengeTTL)
	return c.Issue(scope(town, community), h.d.Now())
}

func scope(town tenancy.TownCode, community tenancy.CommunityCode) string {
	return string(town) + "/" + string(community)
}

// Tracking codes use an alphabet without look-alike characters (no 0/O, 1/I/L).
const trackingAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

const trackingLen = 10

func newTrackingCode() string {
	b := make([]byte, trackingLen)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = trackingAlphabet[int(b[i])%len(trackingAlphabet)]
	}
	return string(b)
}

func validTrackingCode(s string) bool {
	if len(s) != trackingLen {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(trackingAlphabet, r) {
			return false
		}
	}
	return true
}
