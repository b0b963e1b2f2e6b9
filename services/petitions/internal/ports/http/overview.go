package http

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"dundian.local/libs/xlsx"
	"dundian.local/services/petitions/internal/app"
	"dundian.local/services/petitions/internal/domain/overview"
)

func (h Handlers) TownOverview(c *fiber.Ctx) error {
	v, err := h.townOverview(c)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h Handlers) CountyOverview(c *fiber.Ctx) error {
	v, err := h.countyOverview(c)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h Handlers) ExportTownOverview(c *fiber.Ctx) error {
	v, err := h.townOverview(c)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("petitions-%s-%d", v.Town, v.Year)
	if v.Community != "" {
		name = fmt.Sprintf("petitions-%s-%d", v.Community, v.Year)
	}
	return sendOverview(c, name, v)
}

func (h Handlers) ExportCountyOverview(c *fiber.Ctx) error {
	v, err := h.countyOverview(c)
	if err != nil {
		return err
	}
	return sendOverview(c, fmt.Sprintf("petitions-county-%d", v.Year), v)
}

func (h Handlers) townOverview(c *fiber.Ctx) (app.View, error) {
	year, err := queryYear(c)
	if err != nil {
		return app.View{}, err
	}
	return h.app.Queries.Overview.Town(c.UserContext(), year, c.Query("community"))
}

func (h Handlers) countyOverview(c *fiber.Ctx) (app.View, error) {
	year, err := queryYear(c)
	if err != nil {
		return app.View{}, err
	}
	return h.app.Queries.Overview.County(c.UserContext(), year)
}

func queryYear(c *fiber.Ctx) (int, error) {
	s := c.Query("year")
	if s == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil {
		return 0, app.ErrBadYear
	}
	return y, nil
}

// OverviewHeaders are the export's column headings after the row's code and name, in the
// order of the figures.
func OverviewHeaders(level app.Level) []string {
	first := map[app.Level][]string{
		app.LevelCounty:    {"乡镇代码", "乡镇"},
		app.LevelTown:      {"社区（村）代码", "社区（村）"},
		app.LevelCommunity: {"干部编号", "蹲点干部"},
	}[level]
	head := append(first, "信访苗头", "在办案件")
	for _, b := range overview.Buckets {
		head = append(head, "案龄"+b.Zh)
	}
	return append(head, "在办积案", "本年化解积案", "逾期未答复意见", "逾期任务",
		"本年意见建议", "已答复", "答复用时中位数（小时）", "答复用时90%分位（小时）")
}

var sheetNames = map[app.Level]string{app.LevelCounty: "各乡镇信访情况", app.LevelTown: "各社区信访情况", app.LevelCommunity: "各干部信访情况"}

func overviewRow(key, name string, f overview.Figures) []any {
	row := []any{key, name, f.Signs, f.OpenCases}
	for _, n := range f.ByAge {
		row = append(row, n)
	}
	hours := func(v *float64) any {
		if v == nil {
			return ""
		}
		return *v
	}
	return append(row, f.BacklogOpen, f.BacklogResolved, f.OverdueOpinions, f.OverdueTasks,
		f.Opinions, f.Responded, hours(f.ResponseMedianHours), hours(f.ResponseP90Hours))
}

// sendOverview answers one sheet: the headings, a row per town, community or cadre, and the
// total.
func sendOverview(c *fiber.Ctx, name string, v app.View) error {
	rows := [][]any{xlsx.Row(OverviewHeaders(v.Level))}
	for _, r := range v.Rows {
		name := r.Name
		if v.Level == app.LevelCommunity && r.Key == overview.Unassigned {
			name = "未交办"
		}
		rows = append(rows, overviewRow(r.Key, name, r.Figures))
	}
	rows = append(rows, overviewRow("合计", "", v.Total))
	var body bytes.Buffer
	if err := xlsx.Write(&body, sheetNames[v.Level], rows); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsx.ContentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body.Bytes())
}
