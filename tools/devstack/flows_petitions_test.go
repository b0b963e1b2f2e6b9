package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestPetitionFlows drives the petitions work of the demo county in headless Chromium, as the
// people who do it would: a villager leaves an opinion on 城厢村's public page, the town
// office hands it on and answers it in the console, and the villager reads the answer by the
// tracking code; the office plans a task of a petition case and completes it, and the town's
// leader verifies it; a step the cadre answers for is done from the cadre's 待办 list; the
// office and the county read the petitions overview down to a cadre.
func TestPetitionFlows(t *testing.T) {
	d := startDemo(t)
	base, public, sec := d.base, d.public, d.sec

	t.Run("opinion answered in the console", func(t *testing.T) { opinionAnswered(t, base, public, sec.DemoPassword) })
	t.Run("case task verified", func(t *testing.T) { caseTaskVerified(t, base, sec.DemoPassword) })
	t.Run("overview", func(t *testing.T) { petitionsOverview(t, base, sec) })
}

// opinionAnswered: the villager's page solves the proof of work itself; the office answers in
// the console; the tracking code shows the answer, and the number stays masked throughout.
func opinionAnswered(t *testing.T, base, public, password string) {
	villager := openPhone(t, "petition-villager")
	villager.navigate("http://" + public + "/p/" + demoTown + "/" + demoCommunity + "/submit")
	villager.waitText("我要留言")
	text := "村西头的水渠堵了，一下雨就漫到路上。"
	villager.do("leave an opinion",
		chromedp.SetValue(chromedp.CSS(`#kind`), "appeal"),
		chromedp.SetValue(chromedp.CSS(`#category`), "infrastructure"),
		chromedp.SendKeys(chromedp.CSS(`#text`), text),
		chromedp.SendKeys(chromedp.CSS(`#phone`), "13900005678"),
		tap(`#petition-form button[type="submit"]`),
	)
	villager.waitText("已收到您的留言", "查询码：")
	code, err := chromedp.Run(villager.ctx, chromedp.Text(chromedp.CSS(`#petition-code`)))
	require.NoError(t, err)
	code = strings.TrimSpace(code)
	require.NotEmpty(t, code)

	office := openPhone(t, "petition-office")
	office.login(base, "fuping-office", password)
	office.navigate(base + "/#/opinions")
	office.waitText(text, "139****5678")
	row := fmt.Sprintf(`//tr[contains(., %q)]`, text)
	office.do("hand it to the cadre",
		tap(row+`//button[normalize-space(.)="交办"]`),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="cadre"]`), "demo-cadre"),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="name"]`), "王建国"),
		tap(`dialog[open] button[type="submit"]`),
	)
	reply := "已联系村委会清理水渠，本周内完成。"
	office.do("answer it",
		tap(row+`//button[normalize-space(.)="答复"]`),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="response"]`), reply),
		tap(`dialog[open] button[type="submit"]`),
	)
	office.waitFor("the opinion to show as answered", fmt.Sprintf(
		`(() => { const r = document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue; return !!r && r.innerText.includes("已答复"); })()`, row))
	office.shot("1-answered")

	villager.navigate("http://" + public + "/p/" + demoTown + "/" + demoCommunity + "/track?code=" + code)
	villager.waitText("办理状态", "已答复", reply, "139****5678")
	villager.shot("2-answer-read")
	page, err := chromedp.Run(villager.ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	require.NoError(t, err)
	require.NotContains(t, page, "13900005678", "the full number is never shown")
	require.NotContains(t, page, "王建国", "the status page names no handler")
}

// caseTaskVerified: the office registers a backlog case, plans a step owned by the town
// office and completes it; the town's leader (someone else) verifies it.
func caseTaskVerified(t *testing.T, base, password string) {
	office := openPhone(t, "case-office")
	office.login(base, "fuping-office", password)
	office.navigate(base + "/#/cases")
	office.waitText("信访案件")
	title := "老街拆迁补偿积案"
	office.do("register the backlog case",
		tap(button("登记苗头")),
		chromedp.SetValue(chromedp.CSS(`dialog[open] input[name="community"]`), demoCommunity),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="title"]`), title),
		tap(`dialog[open] input[name="backlog"]`),
		tap(`dialog[open] button[type="submit"]`),
	)
	row := fmt.Sprintf(`//tr[contains(., %q)]`, title)
	office.waitText(title, "已立案")
	office.toastsGone()
	step := "协调县人社局核算补偿"
	office.do("plan a step of the town office",
		tap(row+`//button[normalize-space(.)="任务"]`),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="title"]`), step),
		chromedp.SetValue(chromedp.CSS(`dialog[open] select[name="ownerKind"]`), "town_office"),
		// SetValue fires no event: tell the form, which then hides the owner's id
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`document.querySelector('dialog[open] select[name="ownerKind"]').dispatchEvent(new Event("change", {bubbles: true}))`)(ctx, tg)
			return err
		}),
		chromedp.SetValue(chromedp.CSS(`dialog[open] input[name="due"]`), "2030-12-31"),
		tap(`dialog[open] button[type="submit"]`),
	)
	taskRow := fmt.Sprintf(`//dialog[@open]//tr[contains(., %q)]`, step)
	office.do("complete it",
		tap(taskRow+`//button[normalize-space(.)="办结"]`),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="note"]`), "补偿方案已核算"),
		tap(`//dialog[@open][last()]//button[@type="submit"]`),
	)
	office.waitFor("the task to show as done", rowShows(taskRow, "已完成"))
	office.shot("1-task-done")

	leader := openPhone(t, "case-leader")
	leader.login(base, "fuping-leader", password)
	leader.navigate(base + "/#/cases")
	leader.waitText(title)
	leader.do("open the case's tasks", tap(row+`//button[normalize-space(.)="任务"]`))
	leader.waitFor("the done task", rowShows(taskRow, "已完成"))
	leader.do("verify it",
		tap(taskRow+`//button[normalize-space(.)="核实"]`),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="note"]`), "已到县人社局核对"),
		tap(`//dialog[@open][last()]//button[@type="submit"]`),
	)
	leader.waitFor("the task to show as verified", rowShows(taskRow, "已核实"))
	leader.shot("2-task-verified")

	// A step the cadre answers for: planned by the office, done by the cadre from 待办.
	cadre := openPhone(t, "case-cadre")
	cadre.login(base, "fuping-cadre", password)
	cadreID, err := chromedp.Run(cadre.ctx, chromedp.Evaluate[string](
		`fetch("/api/v1/me", {credentials: "same-origin"}).then((r) => r.json()).then((me) => (me.account || me).cadreId)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.NotEmpty(t, cadreID)
	visit := "走访信访人了解诉求"
	office.navigate(base + "/#/cases")
	office.waitText(title)
	office.do("plan a step of the cadre",
		tap(row+`//button[normalize-space(.)="任务"]`),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="title"]`), visit),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="ownerId"]`), cadreID),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="ownerName"]`), "王建国"),
		chromedp.SetValue(chromedp.CSS(`dialog[open] input[name="due"]`), "2030-12-31"),
		tap(`dialog[open] button[type="submit"]`),
	)
	office.waitFor("the cadre's step", rowShows(fmt.Sprintf(`//dialog[@open]//tr[contains(., %q)]`, visit), "王建国"))

	cadre.navigate(base + "/#/due")
	due := fmt.Sprintf(`//tr[contains(., %q)]`, visit)
	cadre.waitText(visit)
	cadre.do("report it done",
		tap(due+`//button[normalize-space(.)="办结"]`),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="note"]`), "已走访，诉求已记录"),
		tap(`dialog[open] button[type="submit"]`),
	)
	cadre.waitText("已报办结，待镇活动办核实")
	cadre.waitFor("the step to leave the cadre's hands", fmt.Sprintf(
		`!document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue`, due+`//button[normalize-space(.)="办结"]`))
	cadre.shot("3-done-from-due")
}

// petitionsOverview: the office opens its town's figures and drills into 城厢村's cadres; the
// county administrator starts from the towns side by side.
func petitionsOverview(t *testing.T, base string, sec secrets) {
	office := openPhone(t, "overview-office")
	office.login(base, "fuping-office", sec.DemoPassword)
	office.navigate(base + "/#/petitions-overview")
	office.waitText("信访工作统计", "合计", "在办案件", "答复用时中位数", demoCommunity)
	office.shot("1-town")
	office.do("open 城厢村", tap(fmt.Sprintf(`//tr//button[contains(., %q)]`, demoCommunity)))
	office.waitText("各蹲点干部信访情况", "王建国")
	office.shot("2-community")
	overflow, err := chromedp.Run(office.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	require.NoError(t, err)
	require.False(t, overflow, "no horizontal scrolling on a phone")

	county := openPhone(t, "overview-county")
	county.login(base, "admin", sec.AdminPassword)
	county.navigate(base + "/#/petitions-overview")
	county.waitText("信访工作统计", "全县", "各乡镇信访情况", "阜平镇")
	county.do("open 阜平镇", tap(`//tr//button[contains(., "阜平镇")]`))
	county.waitText("各社区（村）信访情况", demoCommunity)
	county.shot("3-county-to-town")
}

// rowShows is the condition that the row an XPath names shows a text.
func rowShows(xpath, text string) string {
	return fmt.Sprintf(`(() => { const r = document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue; return !!r && r.innerText.includes(%q); })()`, xpath, text)
}
