package app

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/libs/tenancy"
	"dundian.local/services/personnel/internal/domain/cadre"
	"dundian.local/services/personnel/internal/domain/community"
	"dundian.local/services/personnel/internal/domain/personalfile"
)

// Files is the county-level store of personal files: append-only.
type Files interface {
	Append(ctx context.Context, cadre string, e personalfile.Entry) error
	Get(ctx context.Context, cadre string) (personalfile.File, error)
}

// FileEventHandler files the events that belong in a personal file; others pass by.
type FileEventHandler struct{ files Files }

func (h FileEventHandler) Handle(ctx context.Context, ev events.Envelope) error {
	id, e, err := personalfile.FromEvent(ev)
	if errors.Is(err, personalfile.ErrNotFiled) {
		return nil
	}
	if err != nil {
		return err
	}
	return h.files.Append(ctx, id, e)
}

// FileHandler reads a cadre's personal file: the county, the town office of the cadre's
// current town, and the cadre themself.
type FileHandler struct {
	files  Files
	cadres Cadres
}

func (h FileHandler) Handle(ctx context.Context, id string) (personalfile.File, error) {
	p, err := principal(ctx)
	if err != nil {
		return personalfile.File{}, err
	}
	switch {
	case p.Role == auth.Cadre && p.CadreID != id:
		return personalfile.File{}, cadre.ErrNotYours
	case !p.Has(auth.CountyAdmin, auth.CountyInspector, auth.TownAdmin, auth.Cadre):
		return personalfile.File{}, errs.ErrForbidden
	}
	if _, err := h.cadres.Get(ctx, id); err != nil {
		return personalfile.File{}, err
	}
	return h.files.Get(ctx, id)
}

var (
	ErrTransferTown = errs.Invalid("transfer-town-invalid",
		"name another town of the county to transfer to", "请填写调往的另一个乡镇")
	ErrTransferReason = errs.Invalid("transfer-reason-required",
		"say why the cadre is transferred (at most 200 characters)", "请填写调动原因，最多200个字")
	ErrAlreadyTransferred = errs.Conflict("cadre-already-transferred",
		"the cadre has already left this town", "该干部已调离本乡镇")
)

// TransferCadre moves a cadre to another town of the county (county admin). The cadre keeps
// their id: in the new town they start active and outside the leadership team; here they
// become transferred; their personal file records the move and stays whole.
type TransferCadre struct {
	ID     string
	To     tenancy.TownCode
	Reason string
}

type TransferCadreHandler struct {
	cadres Cadres
	files  Files
	now    func() time.Time
}

func (h TransferCadreHandler) Handle(ctx context.Context, cmd TransferCadre) (cadre.Cadre, error) {
	p, err := principal(ctx)
	if err != nil {
		return cadre.Cadre{}, err
	}
	if p.Role != auth.CountyAdmin {
		return cadre.Cadre{}, errs.ErrForbidden
	}
	from, err := tenancy.TownFrom(ctx)
	if err != nil {
		return cadre.Cadre{}, err
	}
	reason := strings.TrimSpace(cmd.Reason)
	switch {
	case cmd.To == from: // one deployment is one county: every other town is the county's
		return cadre.Cadre{}, ErrTransferTown
	case reason == "" || utf8.RuneCountInString(reason) > 200:
		return cadre.Cadre{}, ErrTransferReason
	}
	c, err := h.cadres.Get(ctx, cmd.ID)
	if err != nil {
		return cadre.Cadre{}, err
	}
	if c.Status == cadre.Transferred {
		return cadre.Cadre{}, ErrAlreadyTransferred
	}
	at := h.now() // before the arrival, so the file reads leave-then-join
	moved := c
	moved.Town, moved.Status, moved.Leadership, moved.Rev = cmd.To, cadre.Active, false, 0
	// The portrait is a file of this town's store; the new town's board starts without one.
	moved.Portrait = nil
	// A retried transfer finds the cadre already there, which is what it wanted.
	if err := h.cadres.Add(tenancy.WithTown(ctx, cmd.To), moved, p.AccountID); err != nil && !errors.Is(err, cadre.ErrExists) {
		return cadre.Cadre{}, err
	}
	status := cadre.Transferred
	left, err := h.cadres.Update(ctx, c.ID, p.AccountID, func(c *cadre.Cadre) error {
		return c.Apply(cadre.Changes{Status: &status})
	})
	if err != nil {
		return cadre.Cadre{}, err
	}
	entry := personalfile.TransferEntry("transfer|"+c.ID+"|"+string(from)+"|"+string(cmd.To), from, cmd.To, reason, p.AccountID, at)
	if err := h.files.Append(ctx, c.ID, entry); err != nil {
		return cadre.Cadre{}, err
	}
	return left, nil
}

// SetDemonstrationPoint sets a community's demonstration-point flag (L1) from assessment's
// designation events; the same state again changes nothing.
type SetDemonstrationPointHandler struct{ repo Communities }

var errUnchanged = errors.New("unchanged")

func (h SetDemonstrationPointHandler) Handle(ctx context.Context, code tenancy.CommunityCode, on bool, actor string) error {
	_, err := h.repo.Update(ctx, code, actor, func(c *community.Community) error {
		if c.DemonstrationPoint == on {
			return errUnchanged
		}
		c.DemonstrationPoint = on
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}
