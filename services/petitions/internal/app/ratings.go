package app

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/calendar"
	"dundian.local/libs/errs"
	"dundian.local/libs/httpx"
	"dundian.local/libs/tenancy"
	"dundian.local/services/petitions/internal/domain/guard"
	"dundian.local/services/petitions/internal/domain/opinion"
	"dundian.local/services/petitions/internal/domain/rating"
)

// Ratings is the repository of ratings, their monthly limits and aggregates.
type Ratings interface {
	// Claim records the limit keys of a rating; any key already claimed gives
	// rating.ErrAlreadyRated and claims nothing new that stays.
	Claim(ctx context.Context, keys []string) error
	// CommentSeen records a comment's fingerprint for the cadre's month and reports whether
	// it was there already.
	CommentSeen(ctx context.Context, fingerprint string) (bool, error)
	// Add stores the rating with its event and adds it to the cadre's monthly aggregate.
	Add(ctx context.Context, r rating.Rating) error
	// Month returns the aggregates of a month, one per rated cadre.
	Month(ctx context.Context, month string) ([]rating.Aggregate, error)
	// Review lets fn decide on the rating and stores the decision with its event; an accepted
	// rating is added to the accepted counts of its aggregate.
	Review(ctx context.Context, id, actor string, fn func(*rating.Rating) error) (rating.Rating, error)
	// List returns a month's ratings newest first, optionally only those of one review state.
	List(ctx context.Context, month string, review rating.Review, before string, limit int) ([]rating.Rating, error)
}

// Stationed is the copy of which cadres are stationed where (personnel.assignment.*) and of
// their names (personnel.cadre.*).
type Stationed interface {
	Cadres(ctx context.Context, community tenancy.CommunityCode) ([]StationedCadre, error)
	Link(ctx context.Context, assignment, cadre, community string, rev int64) error
	Name(ctx context.Context, cadre, name string, rev int64) error
}

// StationedCadre is a cadre the public may rate.
type StationedCadre struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// RateCadre is a rating from the public page.
type RateCadre struct {
	Community tenancy.CommunityCode
	Cadre     string
	Score     int
	Comment   string
	Device    string // a random id the page keeps on the device
	Phone     string
	Honeypot  string
	Solution  guard.Solution
	Client    string
}

var ErrDeviceRequired = errs.Invalid("rating-device-required",
	"the page could not identify this device; reload it and try again",
	"无法识别您的设备，请刷新页面后重试")

// Burst: a cadre gets at most this many ratings at once before they are flagged, then one
// more every burstRefill. Real residents rate over the month, not within minutes.
const (
	cadreBurst  = 10
	burstRefill = 6 * time.Minute
)

type RateCadreHandler struct {
	d          Deps
	challenger guard.Challenger
	clients    *guard.Limiter
	community  *guard.Limiter
	cadres     *guard.Limiter
}

func newRateCadre(d Deps) RateCadreHandler {
	return RateCadreHandler{
		d:          d,
		challenger: guard.NewChallenger(d.Public.ChallengeKey, d.Public.MaxNumber, d.Public.ChallengeTTL),
		clients:    guard.NewLimiter(d.Public.ClientBurst, d.Public.ClientRefill),
		community:  guard.NewLimiter(d.Public.CommunityBurst, d.Public.CommunityRefil),
		cadres:     guard.NewLimiter(cadreBurst, burstRefill),
	}
}

// Handle runs the same defences as a submission, then the monthly limit per device and phone,
// then stores the rating with its anomaly flags; it waits for the town office's review.
func (h RateCadreHandler) Handle(ctx context.Context, cmd RateCadre) (rating.Rating, error) {
	town, err := tenancy.TownFrom(ctx)
	if err != nil {
		return rating.Rating{}, err
	}
	now := h.d.Now()
	if ok, wait := h.clients.Allow(cmd.Client, now); !ok {
		return rating.Rating{}, httpx.RetryAfter(ErrTooManyFromClient, wait)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return rating.Rating{}, err
	}
	r, err := rating.New(id.String(), town, cmd.Community, cmd.Cadre, cmd.Score, cmd.Comment, now.UTC())
	if err != nil {
		return rating.Rating{}, err
	}
	if strings.TrimSpace(cmd.Honeypot) != "" {
		return r, nil // looks accepted; nothing is kept
	}
	if err := h.challenger.Verify(cmd.Solution, scope(town, cmd.Community), now); err != nil {
		return rating.Rating{}, err
	}
	if err := h.d.Guards.UseChallenge(ctx, cmd.Solution.Challenge, h.challenger.Expires(cmd.Solution)); err != nil {
		return rating.Rating{}, err
	}
	if ok, wait := h.community.Allow(string(cmd.Community), now); !ok {
		return rating.Rating{}, httpx.RetryAfter(ErrTooManyForCommunity, wait)
	}
	if strings.TrimSpace(cmd.Device) == "" {
		return rating.Rating{}, ErrDeviceRequired
	}
	if _, ok := opinion.MaskPhone(cmd.Phone); !ok {
		return rating.Rating{}, opinion.ErrInvalid.WithFields(errs.FieldError{Field: "phone", Slug: "bad-phone",
			Message: "a mobile number has 11 digits starting with 1", Zh: "手机号须为1开头的11位数字"})
	}
	cadres, err := h.d.Stationed.Cadres(ctx, cmd.Community)
	if err != nil {
		return rating.Rating{}, err
	}
	if !stationedHere(cadres, cmd.Cadre) {
		return rating.Rating{}, rating.ErrNotStationed
	}
	month := calendar.MonthOf(now)
	if err := h.d.Ratings.Claim(ctx, rating.LimitKeys(h.d.Public.ChallengeKey, cmd.Cadre, month, cmd.Device, cmd.Phone)); err != nil {
		return rating.Rating{}, err
	}
	if ok, _ := h.cadres.Allow(cmd.Cadre, now); !ok {
		r.Flag(rating.FlagBurst)
	}
	if r.Comment != "" {
		seen, err := h.d.Ratings.CommentSeen(ctx, guard.Fingerprint(rating.AggregateID(cmd.Cadre, month), r.Comment))
		if err != nil {
			return rating.Rating{}, err
		}
		if seen {
			r.Flag(rating.FlagIdenticalComment)
		}
	}
	if err := h.d.Ratings.Add(ctx, r); err != nil {
		return rating.Rating{}, err
	}
	return r, nil
}

func stationedHere(cadres []StationedCadre, id string) bool {
	for _, c := range cadres {
		if c.ID == id {
			return true
		}
	}
	return false
}

type StationedCadresHandler struct{ d Deps }

// Handle lists the cadres the public page offers to rate.
func (h StationedCadresHandler) Handle(ctx context.Context, community tenancy.CommunityCode) ([]StationedCadre, error) {
	return h.d.Stationed.Cadres(ctx, community)
}

type RatingMonthHandler struct{ d Deps }

// Handle returns a month's aggregates per cadre (the town office, the town's leaders and the
// county: assessment's input).
func (h RatingMonthHandler) Handle(ctx context.Context, month calendar.Month) ([]rating.Aggregate, error) {
	if _, _, err := callerWith(ctx, caseReaders); err != nil {
		return nil, err
	}
	return h.d.Ratings.Month(ctx, month.String())
}

// ApplyStationingHandler keeps the copy of stationing and cadre names.
type ApplyStationingHandler struct{ d Deps }

func (h ApplyStationingHandler) Link(ctx context.Context, assignment, cadre, community string, rev int64) error {
	return h.d.Stationed.Link(ctx, assignment, cadre, community, rev)
}

func (h ApplyStationingHandler) Name(ctx context.Context, cadre, name string, rev int64) error {
	return h.d.Stationed.Name(ctx, cadre, name, rev)
}

// ReviewRatingHandler records the town office's decision on a rating.
type ReviewRatingHandler struct{ d Deps }

func (h ReviewRatingHandler) Handle(ctx context.Context, id string, decision rating.Review) (rating.Rating, error) {
	p, _, err := callerWith(ctx, []auth.Role{auth.TownAdmin})
	if err != nil {
		return rating.Rating{}, err
	}
	return h.d.Ratings.Review(ctx, id, p.AccountID, func(r *rating.Rating) error {
		return r.Decide(decision, p.AccountID, h.d.Now().UTC())
	})
}

// RatingsHandler lists a month's ratings for review (town office, leaders, county).
type RatingsHandler struct{ d Deps }

func (h RatingsHandler) Handle(ctx context.Context, month calendar.Month, review rating.Review, before string, limit int) ([]rating.Rating, error) {
	if _, _, err := callerWith(ctx, caseReaders); err != nil {
		return nil, err
	}
	return h.d.Ratings.List(ctx, month.String(), review, before, limit)
}
