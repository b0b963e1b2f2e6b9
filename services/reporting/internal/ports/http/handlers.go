// Package http is reporting's HTTP port.
package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/calendar"
	"dundian.local/libs/httpx"
	"dundian.local/services/reporting/internal/app"
	"dundian.local/services/reporting/internal/domain/comparison"
	"dundian.local/services/reporting/internal/domain/notification"
)

type Handlers struct{ app app.Application }

// Routes maps route ids of the table to handlers.
func Routes(a app.Application) map[string]fiber.Handler {
	h := Handlers{a}
	return map[string]fiber.Handler{
		"countyComparison":      h.CountyComparison,
		"countyMonth":           h.CountyMonth,
		"countyTrend":           h.CountyTrend,
		"townMonth":             h.TownMonth,
		"startRebuild":          h.StartRebuild,
		"latestRebuild":         h.LatestRebuild,
		"getComparisonSettings": h.GetComparisonSettings,
		"setComparisonSettings": h.SetComparisonSettings,
		"getWebhook":            h.GetWebhook,
		"configureWebhook":      h.ConfigureWebhook,
		"listWebhookDeliveries": h.ListWebhookDeliveries,
		"listMonthlyReports":    h.ListMonthlyReports,
		"getMonthlyReport":      h.GetMonthlyReport,
		"saveMonthlyReport":     h.SaveMonthlyReport,
		"submitMonthlyReport":   h.SubmitMonthlyReport,
		"approveMonthlyReport":  h.ApproveMonthlyReport,
		"returnMonthlyReport":   h.ReturnMonthlyReport,
		"listMeetings":          h.ListMeetings,
		"scheduleMeeting":       h.ScheduleMeeting,
		"getMeeting":            h.GetMeeting,
		"recordMinutes":         h.RecordMinutes,
		"addActionItem":         h.AddActionItem,
		"moveActionItem":        h.MoveActionItem,
		"exportComparison":      h.ExportComparison,
		"exportMonthlyReports":  h.ExportMonthlyReports,
		"listDueTasks":          h.ListDueTasks,
		"listNotifications":     h.ListNotifications,
		"markNotificationsRead": h.MarkNotificationsRead,
		"listStories":           h.ListStories,
		"draftStory":            h.DraftStory,
		"editStory":             h.EditStory,
		"approveStory":          h.ApproveStory,
		"withdrawStory":         h.WithdrawStory,
		"publicStories":         h.PublicStories,
		"listTownReports":       h.ListTownReports,
		"getTownReport":         h.GetTownReport,
		"editTownReport":        h.EditTownReport,
		"submitTownReport":      h.townReportStep(stepSubmit),
		"signTownReport":        h.townReportStep(stepSign),
		"returnTownReport":      h.townReportStep(stepReturn),
		"fileTownReport":        h.townReportStep(stepFile),
	}
}

type comparisonResponse struct {
	Month string           `json:"month"`
	Towns []comparison.Row `json:"towns"`
	// RankingsShown: the county lets the console sort the towns by a figure (a league table).
	RankingsShown bool `json:"rankingsShown"`
}

// comparisonMonth is the month whose reports the comparison counts: ?<param>=, by default the
// previous Beijing month (the one reported on now).
func comparisonMonth(c *fiber.Ctx, param string) (string, error) {
	if q := c.Query(param); q != "" {
		m, err := calendar.ParseMonth(q)
		if err != nil {
			return "", ErrBadMonth
		}
		return m.String(), nil
	}
	return calendar.MonthOf(time.Now()).Prev().String(), nil
}

func (h Handlers) CountyComparison(c *fiber.Ctx) error {
	month, err := comparisonMonth(c, "month")
	if err != nil {
		return err
	}
	rows, err := h.app.Queries.Comparison.Handle(c.UserContext(), month)
	if err != nil {
		return err
	}
	settings, err := h.app.Queries.Settings.Get(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(comparisonResponse{Month: month, Towns: rows, RankingsShown: settings.RankingsShown})
}

func (h Handlers) GetComparisonSettings(c *fiber.Ctx) error {
	s, err := h.app.Queries.Settings.Get(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(s)
}

type comparisonSettingsRequest struct {
	RankingsShown *bool `json:"rankingsShown" validate:"required"`
}

func (h Handlers) SetComparisonSettings(c *fiber.Ctx) error {
	var req comparisonSettingsRequest
	if err := httpx.Decode(c, &req); err != nil {
		return err
	}
	s, err := h.app.Commands.Settings.Set(c.UserContext(), *req.RankingsShown)
	if err != nil {
		return err
	}
	return c.JSON(s)
}

type dueTaskList struct {
	Items []app.DueTask `json:"items"`
}

func (h Handlers) ListDueTasks(c *fiber.Ctx) error {
	items, err := h.app.Queries.DueTasks.Handle(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(dueTaskList{Items: items})
}

type notificationList struct {
	Items []notification.Notification `json:"items"`
}

func (h Handlers) ListNotifications(c *fiber.Ctx) error {
	items, err := h.app.Queries.Notifications.List(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(notificationList{Items: items})
}

func (h Handlers) MarkNotificationsRead(c *fiber.Ctx) error {
	if err := h.app.Commands.Notifications.MarkRead(c.UserContext()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
