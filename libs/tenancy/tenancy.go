// Package tenancy defines the tenant of every request and event: the town, named by its
// 9-digit national division code. A town enters the system only through Parse, and travels
// in the context so that no code path reaches town data without one.
package tenancy

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// TownCode is a town's (乡镇/街道) 9-digit national division code, e.g. "130624100".
type TownCode string

// CommunityCode is a village's or community's (村/社区) 12-digit division code; its first nine
// digits are the code of the town it belongs to.
type CommunityCode string

// CountyCode is a county's 6-digit division code.
type CountyCode string

var (
	ErrInvalidTown      = errors.New("a town code has exactly 9 digits")
	ErrInvalidCommunity = errors.New("a community code has exactly 12 digits")
	ErrNoTown           = errors.New("no town in context")
)

// ParseTown validates a town code and copies it, so that a value taken from a reused request
// buffer cannot change under us later.
func ParseTown(s string) (TownCode, error) {
	if !digits(s, 9) {
		return "", fmt.Errorf("%w: %q", ErrInvalidTown, s)
	}
	return TownCode(strings.Clone(s)), nil
}

// ParseCommunity validates a community code and copies it.
func ParseCommunity(s string) (CommunityCode, error) {
	if !digits(s, 12) {
		return "", fmt.Errorf("%w: %q", ErrInvalidCommunity, s)
	}
	return CommunityCode(strings.Clone(s)), nil
}

// Town returns the code of the town a community belongs to.
func (c CommunityCode) Town() TownCode { return TownCode(c[:9]) }

// County returns the code of the county a town belongs to.
func (t TownCode) County() CountyCode { return CountyCode(t[:6]) }

// Database is the name of the town's own MongoDB database.
func (t TownCode) Database() string { return "town_" + string(t) }

func (t TownCode) String() string { return string(t) }

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

type townKey struct{}

// WithTown returns a context that carries the town. Only code that has verified the caller's
// right to the town (the tenant middleware, the event consumer) calls it.
func WithTown(ctx context.Context, town TownCode) context.Context {
	return context.WithValue(ctx, townKey{}, town)
}

// TownFrom returns the town the context carries.
func TownFrom(ctx context.Context) (TownCode, error) {
	t, ok := ctx.Value(townKey{}).(TownCode)
	if !ok || t == "" {
		return "", ErrNoTown
	}
	return t, nil
}

// Database names of the data that belongs to no single town.
const (
	PlatformDatabase = "platform" // the gateway's control plane
	CountyDatabase   = "county"   // cross-town data, collections prefixed by the owning service
)
