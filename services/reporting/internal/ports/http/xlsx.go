package http

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/calendar"
	"dundian.local/libs/xlsx"
	"dundian.local/services/reporting/internal/app"
	"dundian.local/services/reporting/internal/domain/comparison"
)

// Column headings of the exports, as the town office and the county name them.
var (
	ComparisonHeaders = []string{"乡镇代码", "乡镇名称", "联系点数", "在岗蹲点干部", "月份", "已交月报告", "按时月报告", "已通过月报告",
		"一联五名单齐全", "一联五名单已通过", "一联五名单报送县委组织部时间", "更新时间"}
	MonthlyReportHeaders = []string{"蹲点干部", "月份", "状态", "是否按时", "截止日期", "首次提交时间",
		"蹲点天数", "工作日志", "民情日记", "接受教育", "指导活动", "服务群众", "听取意见", "帮建组织", "促进和谐",
		"走访联系对象", "办理意见建议", "采取的措施", "取得的成效", "廉洁自律承诺", "需要说明的情况"}
)

var reportStatusZh = map[string]string{"draft": "草稿", "submitted": "已提交", "approved": "已通过", "returned": "已退回"}

// sendXLSX answers one sheet: the headings, then one row per item.
func sendXLSX(c *fiber.Ctx, name, sheet string, headers []string, rows [][]any) error {
	var body bytes.Buffer
	if err := xlsx.Write(&body, sheet, append([][]any{xlsx.Row(headers)}, rows...)); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsx.ContentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body.Bytes())
}

func comparisonRows(month string, rows []comparison.Row) [][]any {
	out := make([][]any, 0, len(rows))
	for _, r := range rows {
		forwarded := ""
		if r.ContactListsForwardedAt != nil {
			forwarded = r.ContactListsForwardedAt.In(calendar.Beijing).Format("2006-01-02 15:04")
		}
		out = append(out, []any{r.Town, r.Name, r.Communities, r.Cadres, month, r.ReportsSubmitted, r.ReportsOnTime, r.ReportsApproved,
			r.ContactListsComplete, r.ContactListsAccepted, forwarded, r.UpdatedAt.In(calendar.Beijing).Format("2006-01-02 15:04")})
	}
	return out
}

func monthlyReportRows(reps []app.MonthlyReportView) [][]any {
	out := make([][]any, 0, len(reps))
	yesNo := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	for _, r := range reps {
		onTime, first := "未提交", ""
		if r.OnTime != nil {
			onTime = yesNo(*r.OnTime)
			first = r.FirstSubmittedAt.In(calendar.Beijing).Format("2006-01-02 15:04")
		}
		f := r.Figures
		who := r.Cadre
		if r.CadreName != "" {
			who = r.CadreName
		}
		row := []any{who, r.Month.String(), reportStatusZh[string(r.Status)], onTime, r.Deadline.Day.String(), first,
			f.DaysPresent, f.Logs, f.Diaries}
		for _, task := range []string{"T1", "T2", "T3", "T4", "T5", "T6"} {
			row = append(row, f.ActivitiesByTask[task])
		}
		row = append(row, f.ContactsVisited, f.OpinionsHandled, r.Narrative.Measures, r.Narrative.Results,
			yesNo(r.Integrity.Declared), r.Integrity.Note)
		out = append(out, row)
	}
	return out
}

func (h Handlers) ExportComparison(c *fiber.Ctx) error {
	month, err := comparisonMonth(c, "month")
	if err != nil {
		return err
	}
	rows, err := h.app.Queries.Comparison.Handle(c.UserContext(), month)
	if err != nil {
		return err
	}
	return sendXLSX(c, "county-comparison", "乡镇对比", ComparisonHeaders, comparisonRows(month, rows))
}

func (h Handlers) ExportMonthlyReports(c *fiber.Ctx) error {
	m, err := calendar.ParseMonth(c.Query("month"))
	if err != nil {
		return ErrBadMonth
	}
	reps, err := h.app.Queries.MonthlyReports.List(c.UserContext(), m)
	if err != nil {
		return err
	}
	return sendXLSX(c, "monthly-reports-"+m.String(), "月报告", MonthlyReportHeaders, monthlyReportRows(reps))
}
