package adapters

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: RFC 9106's second recommended option (64 MiB, 3 passes) with two
// lanes. They are stored in every hash, so raising them later keeps old hashes verifiable.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 2
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Passwords hashes with Argon2id in the PHC string format
// ($argon2id$v=19$m=65536,t=3,p=2$salt$hash). At most a few hashes run at once: each takes
// 64 MiB, and a burst of logins must not exhaust the gateway's memory.
type Passwords struct {
	slots chan struct{}
}

// NewPasswords allows as many concurrent hashes as there are CPUs, at least two.
func NewPasswords() *Passwords {
	return &Passwords{slots: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}
}

func (p *Passwords) Hash(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p.slots <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	<-p.slots
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func (p *Passwords) Verify(hash, password string) bool {
	params, salt, want, err := parseHash(hash)
	if err != nil {
		return false
	}
	p.slots <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, params.time, params.memory, params.threads, uint32(len(want)))
	<-p.slots
	return subtle.ConstantTimeCompare(got, want) == 1
}

type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

var errBadHash = errors.New("not an argon2id hash")

func parseHash(s string) (argonParams, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return argonParams{}, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return argonParams{}, nil, nil, errBadHash
	}
	var p argonParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return argonParams{}, nil, nil, errBadHash
	}
	// Bounds keep a tampered hash from costing the gateway its memory.
	if p.memory < 8*1024 || p.memory > 1<<20 || p.time < 1 || p.time > 10 || p.threads < 1 {
		return argonParams{}, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return argonParams{}, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return argonParams{}, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
