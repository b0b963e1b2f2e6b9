package guard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dundian.local/libs/errs"
)

// Algorithm is the only hash the challenge uses.
const Algorithm = "SHA-256"

// Challenge is a proof-of-work puzzle in the style of ALTCHA: find the number n in
// [0, MaxNumber] with SHA-256(salt + n) = challenge. The salt carries the scope and the
// expiry, and the signature (HMAC-SHA-256 of the challenge) lets any replica check a
// solution without remembering what it issued.
type Challenge struct {
	Algorithm string `json:"algorithm"`
	Challenge string `json:"challenge"`
	MaxNumber int    `json:"maxnumber"`
	Salt      string `json:"salt"`
	Signature string `json:"signature"`
}

// Solution is what the browser sends back.
type Solution struct {
	Algorithm string `json:"algorithm"`
	Challenge string `json:"challenge"`
	Number    int    `json:"number"`
	Salt      string `json:"salt"`
	Signature string `json:"signature"`
}

var (
	ErrChallengeFailed = errs.Forbidden("challenge-failed",
		"the anti-abuse check failed; reload the page and try again",
		"安全校验未通过，请刷新页面后重新提交")
	ErrChallengeExpired = errs.Forbidden("challenge-expired",
		"the anti-abuse check has expired; reload the page and try again",
		"安全校验已过期，请刷新页面后重新提交")
	ErrChallengeUsed = errs.Conflict("challenge-used",
		"this form was already submitted; reload the page to submit again",
		"该表单已提交过，如需再次提交请刷新页面")
)

// Challenger issues and verifies challenges with one secret key.
type Challenger struct {
	key       []byte
	maxNumber int
	ttl       time.Duration
}

// NewChallenger signs with key; solutions take up to maxNumber hashes and expire after ttl.
func NewChallenger(key []byte, maxNumber int, ttl time.Duration) Challenger {
	return Challenger{key: key, maxNumber: maxNumber, ttl: ttl}
}

// Issue makes a challenge valid for scope (the town and community) until now + ttl.
func (c Challenger) Issue(scope string, now time.Time) (Challenge, error) {
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		return Challenge{}, err
	}
	n, err := randomNumber(c.maxNumber)
	if err != nil {
		return Challenge{}, err
	}
	params := url.Values{"expires": {strconv.FormatInt(now.Add(c.ttl).Unix(), 10)}, "scope": {scope}}
	salt := hex.EncodeToString(nonce) + "?" + params.Encode()
	ch := hashHex(salt + strconv.Itoa(n))
	return Challenge{Algorithm: Algorithm, Challenge: ch, MaxNumber: c.maxNumber, Salt: salt, Signature: c.sign(ch)}, nil
}

// Verify checks a solution for scope at now, statelessly. Replays are refused by the caller,
// who records the challenge as used (see ID).
func (c Challenger) Verify(s Solution, scope string, now time.Time) error {
	if s.Algorithm != Algorithm || s.Number < 0 || s.Number > c.maxNumber ||
		!hmac.Equal([]byte(c.sign(s.Challenge)), []byte(s.Signature)) ||
		!hmac.Equal([]byte(hashHex(s.Salt+strconv.Itoa(s.Number))), []byte(s.Challenge)) {
		return ErrChallengeFailed
	}
	_, query, ok := strings.Cut(s.Salt, "?")
	if !ok {
		return ErrChallengeFailed
	}
	params, err := url.ParseQuery(query)
	if err != nil || params.Get("scope") != scope {
		return ErrChallengeFailed
	}
	expires, err := strconv.ParseInt(params.Get("expires"), 10, 64)
	if err != nil {
		return ErrChallengeFailed
	}
	if now.After(time.Unix(expires, 0)) {
		return ErrChallengeExpired
	}
	return nil
}

// Expires is when a verified solution's challenge stops being accepted; a record of its use
// need not outlive it.
func (c Challenger) Expires(s Solution) time.Time {
	_, query, _ := strings.Cut(s.Salt, "?")
	params, _ := url.ParseQuery(query)
	sec, _ := strconv.ParseInt(params.Get("expires"), 10, 64)
	return time.Unix(sec, 0)
}

// Solve finds the number of a challenge, as the browser does; tests and tools use it.
func Solve(ch Challenge) (Solution, error) {
	for n := 0; n <= ch.MaxNumber; n++ {
		if hashHex(ch.Salt+strconv.Itoa(n)) == ch.Challenge {
			return Solution{Algorithm: ch.Algorithm, Challenge: ch.Challenge, Number: n, Salt: ch.Salt, Signature: ch.Signature}, nil
		}
	}
	return Solution{}, fmt.Errorf("no solution up to %d", ch.MaxNumber)
}

func (c Challenger) sign(challenge string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(challenge))
	return hex.EncodeToString(m.Sum(nil))
}

func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func randomNumber(maxNumber int) (int, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return 0, err
	}
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return int(v % uint64(maxNumber+1)), nil
}
