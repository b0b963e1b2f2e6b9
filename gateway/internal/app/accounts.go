package app

import (
	"context"
	"errors"
	"slices"
	"strings"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/domain/account"
	"dundian.local/gateway/internal/domain/town"
)

// AccountAdmin is account management: a county administrator manages every account, a town
// administrator only those of their own town.
type AccountAdmin struct{ d Deps }

// accountEvent is platform.account.created or .changed; the data is the account without its
// password hash, keyed by the account's town (none for county roles).
func accountEvent(typ string, by auth.Principal, a account.Account) (events.Envelope, error) {
	return events.New(typ, a.Town, by.AccountID, a.ID, a)
}

// List returns the accounts the caller manages, optionally of one town, by username.
func (s *AccountAdmin) List(ctx context.Context, townFilter tenancy.TownCode) ([]account.Account, error) {
	p, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	switch p.Role {
	case auth.CountyAdmin:
	case auth.TownAdmin:
		if townFilter != "" && townFilter != p.Town {
			return nil, auth.ErrTownNotFound
		}
		townFilter = p.Town
	default:
		return nil, errs.ErrForbidden
	}
	all, err := s.d.Accounts.List(ctx, townFilter)
	if err != nil {
		return nil, err
	}
	out := make([]account.Account, 0, len(all))
	for _, a := range all {
		if a.Visible(p) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b account.Account) int { return strings.Compare(a.Username, b.Username) })
	return out, nil
}

// Get returns one account the caller may see.
func (s *AccountAdmin) Get(ctx context.Context, id string) (account.Account, error) {
	p, err := actor(ctx)
	if err != nil {
		return account.Account{}, err
	}
	a, err := s.d.Accounts.Get(ctx, id)
	if err != nil {
		return account.Account{}, err
	}
	if !a.Visible(p) {
		return account.Account{}, account.ErrNotFound
	}
	return a, nil
}

// CreateAccount is what an administrator fills in.
type CreateAccount struct {
	Spec     account.Spec
	Password string
}

// Create makes an account. A town-scoped account needs an active town.
func (s *AccountAdmin) Create(ctx context.Context, cmd CreateAccount) (account.Account, error) {
	p, err := actor(ctx)
	if err != nil {
		return account.Account{}, err
	}
	if err := account.CanCreate(p, cmd.Spec.Role, cmd.Spec.Town); err != nil {
		return account.Account{}, err
	}
	if err := s.checkTown(ctx, cmd.Spec.Town); err != nil {
		return account.Account{}, err
	}
	if err := account.CheckPassword(cmd.Spec.Username, cmd.Password); err != nil {
		return account.Account{}, err
	}
	// Validate before hashing: the hash is slow and need not be paid for a bad form.
	if _, err := account.New("check", cmd.Spec, "-", s.d.Now()); err != nil {
		return account.Account{}, err
	}
	hash, err := s.d.Passwords.Hash(cmd.Password)
	if err != nil {
		return account.Account{}, err
	}
	a, err := account.New(newID(), cmd.Spec, hash, s.d.Now())
	if err != nil {
		return account.Account{}, err
	}
	ev, err := accountEvent(events.AccountCreated, p, a)
	if err != nil {
		return account.Account{}, err
	}
	if err := s.d.Accounts.Create(ctx, a, ev); err != nil {
		return account.Account{}, err
	}
	a.Rev = 1
	return a, nil
}

func (s *AccountAdmin) checkTown(ctx context.Context, code tenancy.TownCode) error {
	if code == "" {
		return nil
	}
	t, err := s.d.Towns.Get(ctx, code)
	if errors.Is(err, town.ErrNotFound) {
		return account.ErrInvalid.WithFields(errs.FieldError{
			Field: "town", Slug: "unknown", Message: "no such town", Zh: "没有该乡镇",
		})
	}
	if err != nil {
		return err
	}
	if !t.Active() {
		return town.ErrArchived
	}
	return nil
}

// Update applies an administrator's changes; stale writes are retried on the fresh account.
func (s *AccountAdmin) Update(ctx context.Context, id string, c account.Changes) (account.Account, error) {
	p, err := actor(ctx)
	if err != nil {
		return account.Account{}, err
	}
	return retryConflict(func() (account.Account, error) {
		a, err := s.d.Accounts.Get(ctx, id)
		if err != nil {
			return account.Account{}, err
		}
		next, err := a.Change(p, c, s.d.Now())
		if err != nil {
			return account.Account{}, err
		}
		if next.Town != a.Town {
			if err := s.checkTown(ctx, next.Town); err != nil {
				return account.Account{}, err
			}
		}
		ev, err := accountEvent(events.AccountChanged, p, next)
		if err != nil {
			return account.Account{}, err
		}
		return s.d.Accounts.Update(ctx, next, ev)
	})
}

// ResetPassword sets a new password for an account the caller manages and lifts a lock.
func (s *AccountAdmin) ResetPassword(ctx context.Context, id, password string) error {
	p, err := actor(ctx)
	if err != nil {
		return err
	}
	_, err = retryConflict(func() (account.Account, error) {
		a, err := s.d.Accounts.Get(ctx, id)
		if err != nil {
			return account.Account{}, err
		}
		if !a.Visible(p) {
			return account.Account{}, account.ErrNotFound
		}
		if err := account.CanCreate(p, a.Role, a.Town); err != nil {
			return account.Account{}, err
		}
		if err := account.CheckPassword(a.Username, password); err != nil {
			return account.Account{}, err
		}
		return setPassword(ctx, s.d, p, a, password)
	})
	if err != nil {
		return err
	}
	a, err := s.d.Accounts.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.d.Throttles.Clear(ctx, a.Username)
}

// retryConflict runs a read-modify-write again when another writer got in between.
func retryConflict[T any](fn func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for range 3 {
		v, err = fn()
		if !errors.Is(err, errs.ErrConflict) {
			return v, err
		}
	}
	return v, err
}
