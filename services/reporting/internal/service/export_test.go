package service_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"dundian.local/libs/auth"
	"dundian.local/libs/bus"
	"dundian.local/libs/calendar"
	"dundian.local/libs/events"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/testkit"
)

// sheet opens an exported workbook and returns the rows of its one sheet.
func sheet(t *testing.T, r processtest.Response, name string) [][]string {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", r.Header.Get("Content-Type"))
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows(name)
	require.NoError(t, err)
	return rows
}

func TestExport_MonthlyReportsOfATown(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	m := calendar.MonthOf(time.Now())
	call(t, s, cadre(town, "c1"), http.MethodPost, reportPath(town, "c1", m)+"/submit", complete("无"), http.StatusOK)
	call(t, s, cadre(town, "c2"), http.MethodPut, reportPath(town, "c2", m), complete(""), http.StatusOK)

	path := fmt.Sprintf("/api/v1/towns/%s/monthly-reports/export?month=%s", town, m)
	rows := sheet(t, s.Do(t, office(town), http.MethodGet, path, nil), "月报告")
	require.Len(t, rows, 3)
	require.Equal(t, []string{"蹲点干部", "月份", "状态", "是否按时"}, rows[0][:4])
	require.Equal(t, []string{"c1", m.String(), "已提交", "是"}, rows[1][:4])
	require.Equal(t, "走访农户12户，召开院坝会2次", rows[1][17])
	require.Equal(t, "是", rows[1][19])
	require.Equal(t, []string{"c2", m.String(), "草稿", "未提交"}, rows[2][:4])
	require.Equal(t, http.StatusForbidden, s.Do(t, cadre(town, "c1"), http.MethodGet, path, nil).Status)
}

func TestExport_CountyComparison(t *testing.T) {
	t.Parallel()
	s := reporting(t)
	town := testkit.NewTown(t)
	created := events.MustNew(events.TownCreated, town, "county", string(town), events.TownCreatedData{Code: string(town), Name: "导出镇"})
	created.Rev = 1
	pub := bus.NewPublisher(testkit.Brokers(t))
	defer pub.Close()
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Platform), created))
	require.NoError(t, pub.Publish(context.Background(), events.Topic(events.Personnel), community(town, string(town)+"201", 1, false)))
	testkit.Eventually(t, 60*time.Second, func() bool { return comparison(t, s)[string(town)].Communities == 1 })

	m := calendar.MonthOf(time.Now())
	call(t, s, cadre(town, "c1"), http.MethodPost, reportPath(town, "c1", m)+"/submit", complete(""), http.StatusOK)
	testkit.Eventually(t, 60*time.Second, func() bool {
		r := s.Do(t, countyAdmin, http.MethodGet, "/api/v1/county/comparison?month="+m.String(), nil)
		var body struct {
			Towns []struct {
				Town          string
				ReportsOnTime int
			}
		}
		r.JSON(t, &body)
		for _, x := range body.Towns {
			if x.Town == string(town) {
				return x.ReportsOnTime == 1
			}
		}
		return false
	})

	rows := sheet(t, s.Do(t, countyAdmin, http.MethodGet, "/api/v1/county/comparison/export?month="+m.String(), nil), "乡镇对比")
	require.Equal(t, []string{"乡镇代码", "乡镇名称", "联系点数", "在岗蹲点干部", "月份", "已交月报告", "按时月报告", "已通过月报告",
		"一联五名单齐全", "一联五名单已通过", "一联五名单报送县委组织部时间", "更新时间"}, rows[0])
	var found []string
	for _, r := range rows[1:] {
		if r[0] == string(town) {
			found = r
		}
	}
	require.Equal(t, []string{string(town), "导出镇", "1", "0", m.String(), "1", "1", "0", "0", "0", ""}, found[:11])
	require.Equal(t, http.StatusForbidden, s.Do(t, auth.Principal{AccountID: "o", Role: auth.TownAdmin, Town: town}, http.MethodGet, "/api/v1/county/comparison/export", nil).Status)
}
