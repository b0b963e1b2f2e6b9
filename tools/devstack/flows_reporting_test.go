package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReportingFlows drives the reporting work of the demo county in headless Chromium, as the
// people who do it would: the cadre submits last month's report and the town office approves
// it; the county administrator compares the towns, reads the county's trend as a chart and as
// its table, opens a town's month down to a contact point and its cadre, rebuilds the town's
// figures and connects notifications to the county's messaging gateway.
func TestReportingFlows(t *testing.T) {
	d := startDemo(t)
	base, sec := d.base, d.sec

	t.Run("monthly report approved", func(t *testing.T) {
		monthlyReport(t, base, sec.DemoPassword)
		reportApproved(t, base, sec.DemoPassword)
	})
	t.Run("county comparison", func(t *testing.T) { countyComparison(t, base, sec.AdminPassword) })
	t.Run("rebuild and messaging", func(t *testing.T) { rebuildAndMessaging(t, base, sec.AdminPassword) })
}

// reportApproved: the town office finds the cadre's submitted report in the town's list,
// reads it and approves it.
func reportApproved(t *testing.T, base, password string) {
	office := openPhone(t, "report-office")
	office.login(base, "fuping-office", password)
	office.navigate(base + "/#/reports")
	office.waitText("王建国", "已提交")
	office.shot("1-town-list")
	office.do("open the report", tap(button("审核")))
	office.waitText("每周在城厢村蹲点两天，走访困难户。", "解决了三户的冬季取暖问题。")
	office.do("approve it", tap(`//dialog[@open]//button[normalize-space(.)="通过"]`))
	office.waitText("月报告已通过")
	office.toastsGone()
	office.waitText("已通过")
	office.shot("2-approved")
}

// countyComparison: the county administrator sees the towns side by side and the trend; the
// chart's table is one click away; a town opens its month by contact point, and a contact
// point its cadres.
func countyComparison(t *testing.T, base, password string) {
	p := openPhone(t, "comparison")
	p.login(base, "admin", password)
	p.navigate(base + "/#/comparison")
	p.waitText("乡镇对比", "阜平镇", "月度趋势", "月报告报送率", "按时报送率")
	p.waitFor("the trend chart to draw its lines", `!!document.querySelector('figure svg[role="img"] path')`)
	p.shot("1-comparison")
	p.do("show the table behind the chart", tap(button("查看数据表")))
	p.waitText("月份", "查看图表")
	p.waitFor("the chart to give way to its table", `document.querySelector('figure').offsetParent === null`)
	p.shot("2-trend-table")
	p.do("open the town", tap(`//button[normalize-space(.)="阜平镇"]`))
	p.waitText("月度概况", "全镇合计", "城厢村")
	p.shot("3-town-month")
	p.do("open the contact point", tap(`//button[contains(normalize-space(.), "城厢村")]`))
	p.waitText("的蹲点干部", "王建国")
	p.shot("4-community-cadres")

	// No league table until the county allows one, and back again.
	p.navigate(base + "/#/comparison")
	p.waitText("不排名次", "允许按指标给乡镇排序")
	p.waitFor("no sortable column", `!document.querySelector("th button.th-sort")`)
	p.do("allow sorting by a figure", tap(`#rankings-shown`))
	p.waitText("已允许按指标排序")
	p.waitFor("sortable columns", `document.querySelectorAll("th button.th-sort").length >= 6`)
	p.shot("5-rankings-allowed")
	p.do("forbid it again", tap(`#rankings-shown`))
	p.waitText("不排名次")
	p.waitFor("no sortable column", `!document.querySelector("th button.th-sort")`)
}

// rebuildAndMessaging: the county administrator rebuilds the demo town's figures and follows
// the progress to the end; the month overview still shows the cadre's report afterwards. Then
// they connect the messaging gateway; the secret is not shown again.
func rebuildAndMessaging(t *testing.T, base, password string) {
	p := openPhone(t, "maintenance")
	p.login(base, "admin", password)
	p.navigate(base + "/#/reporting-maintenance")
	p.waitText("重建统计数据", "消息推送", "还没有推送记录。")
	p.do("rebuild the demo town",
		chromedp.SendKeys(chromedp.CSS(`input[name="town"]`), demoTown),
		tap(button("开始重建")),
	)
	p.waitText("已开始重建")
	p.waitText("已完成", "乡镇"+demoTown)
	p.shot("1-rebuilt")
	p.navigate(base + "/#/comparison")
	p.do("open the town", tap(`//button[normalize-space(.)="阜平镇"]`))
	p.waitText("月度概况", "全镇合计", "城厢村")
	p.waitFor("the rebuilt month to count the report", `document.body.innerText.includes("1 / 1（100%）")`)

	p.navigate(base + "/#/reporting-maintenance")
	p.waitText("消息推送")
	p.do("connect the messaging gateway",
		chromedp.SendKeys(chromedp.CSS(`input[name="url"]`), "http://127.0.0.1:9/sms"),
		chromedp.SendKeys(chromedp.CSS(`input[name="secret"]`), "fuping-sms-secret-2026"),
		tap(`input[name="enabled"]`),
		tap(button("保存")),
	)
	p.waitText("消息推送设置已保存")
	p.do("open the page again", chromedp.Reload())
	p.waitText("已设置；留空则保留原密钥")
	p.waitFor("the secret field to stay empty", `document.querySelector('input[name="secret"]').value === ""`)
	p.shot("2-messaging")
}
