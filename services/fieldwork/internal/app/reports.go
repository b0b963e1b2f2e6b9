package app

import (
	"context"

	"github.com/google/uuid"

	"dundian.local/libs/auth"
	"dundian.local/libs/errs"
	"dundian.local/libs/events"
	"dundian.local/services/fieldwork/internal/domain/report"
)

// recordResearchReport is the record kind of attachments of research reports.
const recordResearchReport = "research_report"

// canReadReport: the author, the town office and the county; reports go to the town office,
// not to the branch.
func (c caller) canReadReport(r report.Report) bool {
	if c.Role == auth.Cadre {
		return c.CadreID != "" && r.Cadre == c.CadreID
	}
	return c.office()
}

// WriteReport starts a research report (T4) as a draft (cadre).
type WriteReport struct {
	Community string
	Content   report.Content
}

type WriteReportHandler struct{ d *Deps }

func (h WriteReportHandler) Handle(ctx context.Context, cmd WriteReport) (report.Report, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return report.Report{}, err
	}
	if c.Role != auth.Cadre {
		return report.Report{}, errs.ErrForbidden
	}
	cadre, err := c.recordsFor("")
	if err != nil {
		return report.Report{}, err
	}
	community, err := c.community(cmd.Community)
	if err != nil {
		return report.Report{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return report.Report{}, err
	}
	r, err := report.New(id.String(), c.town, cadre, community, cmd.Content, c.AccountID, h.d.Now())
	if err != nil {
		return report.Report{}, err
	}
	if err := h.d.checkAttachments(ctx, cadre, recordResearchReport, r.ID, r.Attachments); err != nil {
		return report.Report{}, err
	}
	r, err = h.d.Reports.Insert(ctx, r, events.ResearchReportWritten, c.AccountID)
	if err != nil {
		return report.Report{}, err
	}
	return r, h.d.link(ctx, c.AccountID, recordResearchReport, r.ID, r.Attachments)
}

// EditReport changes a draft or returned report (its author).
type EditReport struct {
	ID      string
	Content report.Content
}

type EditReportHandler struct{ d *Deps }

func (h EditReportHandler) Handle(ctx context.Context, cmd EditReport) (report.Report, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return report.Report{}, err
	}
	if c.Role != auth.Cadre || c.CadreID == "" {
		return report.Report{}, ErrNoCadre
	}
	cur, err := h.d.Reports.Get(ctx, cmd.ID)
	if err != nil {
		return report.Report{}, err
	}
	if cur.Cadre != c.CadreID {
		return report.Report{}, report.ErrNotFound
	}
	if err := h.d.checkAttachments(ctx, c.CadreID, recordResearchReport, cur.ID, cmd.Content.Attachments); err != nil {
		return report.Report{}, err
	}
	r, err := h.d.Reports.Update(ctx, cmd.ID, c.AccountID, func(r *report.Report) (string, error) {
		return events.ResearchReportEdited, r.Edit(cmd.Content)
	})
	if err != nil {
		return report.Report{}, err
	}
	return r, h.d.link(ctx, c.AccountID, recordResearchReport, r.ID, r.Attachments)
}

type SubmitReportHandler struct{ d *Deps }

// Handle sends the author's report to the town office.
func (h SubmitReportHandler) Handle(ctx context.Context, id string) (report.Report, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return report.Report{}, err
	}
	if c.Role != auth.Cadre || c.CadreID == "" {
		return report.Report{}, ErrNoCadre
	}
	return h.d.Reports.Update(ctx, id, c.AccountID, func(r *report.Report) (string, error) {
		if r.Cadre != c.CadreID {
			return "", report.ErrNotFound
		}
		return events.ResearchReportSubmitted, r.Submit(c.AccountID, h.d.Now())
	})
}

// ReviewReport is the town office's acceptance or return of a submitted report.
type ReviewReport struct {
	ID      string
	Accept  bool
	Comment string
}

type ReviewReportHandler struct{ d *Deps }

func (h ReviewReportHandler) Handle(ctx context.Context, cmd ReviewReport) (report.Report, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return report.Report{}, err
	}
	if !c.Has(auth.CountyAdmin, auth.TownAdmin) {
		return report.Report{}, errs.ErrForbidden
	}
	return h.d.Reports.Update(ctx, cmd.ID, c.AccountID, func(r *report.Report) (string, error) {
		return events.ResearchReportReviewed, r.Review(cmd.Accept, c.AccountID, cmd.Comment, h.d.Now())
	})
}

type ReportHandler struct{ d *Deps }

func (h ReportHandler) Handle(ctx context.Context, id string) (report.Report, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return report.Report{}, err
	}
	r, err := h.d.Reports.Get(ctx, id)
	if err != nil {
		return report.Report{}, err
	}
	if !c.canReadReport(r) {
		return report.Report{}, report.ErrNotFound
	}
	return r, nil
}

type ReportsHandler struct{ d *Deps }

// Handle lists research reports newest first: a cadre's own, or the town's (of one cadre
// when named) for the town office.
func (h ReportsHandler) Handle(ctx context.Context, cadre, before string, limit int) ([]report.Report, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Role == auth.Cadre:
		if c.CadreID == "" {
			return nil, ErrNoCadre
		}
		cadre = c.CadreID
	case !c.office():
		return nil, errs.ErrForbidden
	}
	return h.d.Lists.Reports(ctx, cadre, before, limit)
}
