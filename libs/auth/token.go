package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"dundian.local/libs/errs"
	"dundian.local/libs/tenancy"
)

// The internal identity token: the gateway signs the verified principal and forwards it in
// InternalHeader; every service verifies it again. It is signed with Ed25519 so that services
// hold only the public key and cannot mint identities themselves.
// InternalIssuer and InternalAudience are in principal.go.
const (
	InternalHeader = "X-Dundian-Identity"
	// InternalTTL is short: the token is made per request and replaying it is worth little.
	InternalTTL = 2 * time.Minute
)

// clockLeeway absorbs clock skew between the gateway's and a service's host.
const clockLeeway = 10 * time.Second

// claims is the token body: the Principal's fields next to the registered claims (`sub` is
// the account id).
type claims struct {
	Name      string `json:"name,omitempty"`
	Role      Role   `json:"role"`
	Town      string `json:"town,omitempty"`
	CadreID   string `json:"cadre,omitempty"`
	Community string `json:"community,omitempty"`
	jwt.RegisteredClaims
}

// Signer makes tokens for one issuer and audience.
type Signer struct {
	priv     ed25519.PrivateKey
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
}

// NewSigner returns a signer; ttl <= 0 means InternalTTL.
func NewSigner(priv ed25519.PrivateKey, issuer, audience string, ttl time.Duration) *Signer {
	if ttl <= 0 {
		ttl = InternalTTL
	}
	return &Signer{priv: priv, issuer: issuer, audience: audience, ttl: ttl, now: time.Now}
}

// Sign returns a token naming p; it refuses a principal that Verify would refuse.
func (s *Signer) Sign(p Principal) (string, error) {
	if _, err := checkPrincipal(p); err != nil {
		return "", fmt.Errorf("sign identity: %w", err)
	}
	now := s.now()
	c := claims{
		Name:      p.Name,
		Role:      p.Role,
		Town:      string(p.Town),
		CadreID:   p.CadreID,
		Community: string(p.Community),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.issuer,
			Subject:   p.AccountID,
			Audience:  jwt.ClaimStrings{s.audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(s.ttl)),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        uuid.Must(uuid.NewV7()).String(),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c).SignedString(s.priv)
	if err != nil {
		return "", fmt.Errorf("sign identity: %w", err)
	}
	return tok, nil
}

// Verifier checks tokens of one issuer and audience against one public key.
type Verifier struct {
	pub    ed25519.PublicKey
	parser *jwt.Parser
}

// NewVerifier returns a verifier that accepts only EdDSA tokens signed by pub's key, from
// issuer, for audience, with an expiry.
func NewVerifier(pub ed25519.PublicKey, issuer, audience string) *Verifier {
	return &Verifier{
		pub: pub,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
			jwt.WithIssuer(issuer),
			jwt.WithAudience(audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(clockLeeway),
		),
	}
}

// Verify returns the principal a valid token names. Every failure wraps errs.ErrUnauthorized.
func (v *Verifier) Verify(token string) (Principal, error) {
	var c claims
	_, err := v.parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		// WithValidMethods already refuses other algorithms; checking the type as well keeps
		// an HMAC key confusion impossible even if the options change.
		if _, ok := t.Method.(*jwt.SigningMethodEd25519); !ok {
			return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
		}
		return v.pub, nil
	})
	if err != nil {
		return Principal{}, fmt.Errorf("verify identity: %w: %w", errs.ErrUnauthorized, err)
	}
	p := Principal{
		AccountID: c.Subject,
		Name:      c.Name,
		Role:      c.Role,
		Town:      tenancy.TownCode(c.Town),
		CadreID:   c.CadreID,
		Community: tenancy.CommunityCode(c.Community),
	}
	p, err = checkPrincipal(p)
	if err != nil {
		return Principal{}, fmt.Errorf("verify identity: %w: %w", errs.ErrUnauthorized, err)
	}
	return p, nil
}

// checkPrincipal enforces what a token may claim: an account, a known role, a valid town
// for every town-scoped role, and a community inside that town. It returns p with its codes
// parsed (copied).
func checkPrincipal(p Principal) (Principal, error) {
	if p.AccountID == "" {
		return p, errors.New("no account id")
	}
	if !p.Role.Valid() {
		return p, fmt.Errorf("unknown role %q", p.Role)
	}
	if p.Town != "" || !p.Role.CountyWide() {
		t, err := tenancy.ParseTown(string(p.Town))
		if err != nil {
			return p, fmt.Errorf("role %s: %w", p.Role, err)
		}
		p.Town = t
	}
	if p.Community != "" {
		c, err := tenancy.ParseCommunity(string(p.Community))
		if err != nil {
			return p, err
		}
		if p.Town == "" || c.Town() != p.Town {
			return p, fmt.Errorf("community %s is not in town %s", c, p.Town)
		}
		p.Community = c
	}
	return p, nil
}

// ParsePrivateKey reads an Ed25519 private key given as standard base64 of its 32-byte seed.
func ParsePrivateKey(b64 string) (ed25519.PrivateKey, error) {
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, fmt.Errorf("private key: not base64: %w", err)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("private key: want a %d-byte seed, got %d bytes", ed25519.SeedSize, len(seed))
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ParsePublicKey reads an Ed25519 public key given as standard base64 of its 32 bytes.
func ParsePublicKey(b64 string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, fmt.Errorf("public key: not base64: %w", err)
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("public key: want %d bytes, got %d", ed25519.PublicKeySize, len(b))
	}
	return ed25519.PublicKey(b), nil
}

// GenerateKeyPair makes a key pair in the form ParsePublicKey and ParsePrivateKey read.
func GenerateKeyPair() (pubB64, privB64 string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("generate key pair: %w", err)
	}
	return base64.StdEncoding.EncodeToString(pub), base64.StdEncoding.EncodeToString(priv.Seed()), nil
}
