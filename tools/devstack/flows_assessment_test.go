package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/calendar"
)

// TestAssessmentFlows drives the assessment work of the demo county in headless Chromium at
// phone size: the town office plans an unannounced check whose targets are drawn with a
// recorded seed and stay hidden from the cadre until the visit is recorded, then records the
// visit and a finding; the county supervision group opens the demo cadre's year-end draft,
// adjusts it with a written reason and fixes the grade, and then compares the towns' results.
func TestAssessmentFlows(t *testing.T) {
	d := startDemo(t)
	base, sec := d.base, d.sec
	cadre := demoCadreID(t, base, sec.DemoPassword)

	t.Run("unannounced inspection", func(t *testing.T) { unannouncedInspection(t, base, sec.DemoPassword, cadre) })
	t.Run("year-end review", func(t *testing.T) { yearEndReview(t, base, sec.DemoPassword) })
}

// demoCadreID is the id personnel gave 王建国, the demo cadre.
func demoCadreID(t *testing.T, base, password string) string {
	t.Helper()
	var me struct {
		Account struct {
			CadreID string `json:"cadreId"`
		} `json:"account"`
	}
	call(t, base, login(t, base, "fuping-cadre", password), http.MethodGet, "/api/v1/me", nil, http.StatusOK, &me)
	require.NotEmpty(t, me.Account.CadreID)
	return me.Account.CadreID
}

// unannouncedInspection: the office plans the check and sees its draw; the cadre sees only
// that a visit is coming; the office records the visit and a finding about the cadre.
func unannouncedInspection(t *testing.T, base, password, cadre string) {
	office := openPhone(t, "inspection-office")
	office.login(base, "fuping-office", password)
	office.navigate(base + "/#/inspections")
	office.waitText("明查暗访")
	title := "驻村在岗暗访"
	today := time.Now().In(calendar.Beijing).Format(time.DateOnly)
	office.do("plan an unannounced check",
		tap(button("安排督查")),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="title"]`), title),
		chromedp.SetValue(chromedp.CSS(`dialog[open] select[name="mode"]`), "unannounced"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('dialog[open] select[name="mode"]').dispatchEvent(new Event("change", {bubbles: true}))`),
		chromedp.SetValue(chromedp.CSS(`dialog[open] input[name="plannedFor"]`), today),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="communities"]`), demoCommunity),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="cadres"]`), cadre),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="drawCommunities"]`), "1"),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="drawCadres"]`), "1"),
		tap(`dialog[open] button[type="submit"]`),
	)
	row := fmt.Sprintf(`//tr[contains(., %q)]`, title)
	office.waitFor("the planned check", rowShows(row, "已安排"))
	office.toastsGone()
	office.do("look at the draw", tap(row+`//button[normalize-space(.)="抽取记录"]`))
	office.waitText("随机种子", "候选名单", cadre)
	office.shot("1-draw")
	office.do("close the draw", tap(`dialog[open] .dialog-head button`))

	them := openPhone(t, "inspection-cadre")
	them.login(base, "fuping-cadre", password)
	them.navigate(base + "/#/inspections")
	them.waitText("暗访（时间和对象暂不公开）")
	page, err := chromedp.Run(them.ctx, chromedp.Evaluate[string](`document.body.innerText`))
	require.NoError(t, err)
	require.NotContains(t, page, title, "the cadre does not learn what is coming")
	them.shot("2-hidden")

	office.do("record the visit",
		tap(row+`//button[normalize-space(.)="记录督查"]`),
		chromedp.SetValue(chromedp.CSS(`dialog[open] input[name="visitedOn"]`), today),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="summary"]`), "走访城厢村，干部当天不在联系点"),
		tap(`dialog[open] button[type="submit"]`),
	)
	office.waitFor("the recorded check", rowShows(row, "已记录"))
	office.toastsGone()
	finding := "连续两周未到联系点蹲点"
	office.do("record a finding",
		tap(row+`//button[normalize-space(.)="发现问题"]`),
		chromedp.SetValue(chromedp.CSS(`dialog[open] select[name="category"]`), "stationing"),
		chromedp.SetValue(chromedp.CSS(`dialog[open] select[name="severity"]`), "general"),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="cadre"]`), cadre),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="description"]`), finding),
		tap(`dialog[open] button[type="submit"]`),
	)
	office.waitText(finding, "蹲点在岗")
	office.shot("3-finding")
	overflow, err := chromedp.Run(office.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	require.NoError(t, err)
	require.False(t, overflow, "no horizontal scrolling on a phone")

	them.navigate(base + "/#/today") // leave the page, so that coming back loads the list again
	them.navigate(base + "/#/inspections")
	them.waitText(title)
	them.shot("4-shown")
}

// yearEndReview: the county supervision group opens the demo cadre's draft, which the other
// services' records already fill, adjusts it with a reason and fixes the grade.
func yearEndReview(t *testing.T, base, password string) {
	inspector := openPhone(t, "yearend-inspector")
	inspector.login(base, "inspector", password)
	inspector.navigate(base + "/#/assessment")
	inspector.do("pick 阜平镇", tap(`//ul[@class="town-picks"]//button[normalize-space(.)="阜平镇"]`))
	row := `//tr[contains(., "王建国")]`
	inspector.waitFor("the demo cadre's draft", rowShows(row, "审核中"))
	inspector.do("open the draft", tap(row+`//button[normalize-space(.)="查看"]`))
	inspector.waitText("王建国的年终考核", "起草得分", "蹲点天数", "来源：")
	inspector.shot("1-draft")

	reason := "驻村帮扶成效突出，群众反映良好"
	inspector.do("adjust with a reason",
		chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="points"]`), "3"),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="reason"]`), reason),
		tap(`//dialog[@open]//button[normalize-space(.)="调整分数" and @type="submit"]`),
	)
	inspector.waitText("调整3分：" + reason)
	inspector.toastsGone()
	inspector.do("fix the grade",
		chromedp.SetValue(chromedp.CSS(`dialog[open] select[name="grade"]`), "competent"),
		tap(`//dialog[@open]//button[normalize-space(.)="确定等次" and @type="submit"]`),
	)
	inspector.waitText("最终等次：称职")
	inspector.shot("2-finalised")
	inspector.do("close the assessment", tap(`dialog[open] .dialog-head button`))
	inspector.waitFor("the row to show the assessment finalised", rowShows(row, "已确定"))

	// The county compares the towns' results: distributions only, no cadre listed by score
	// where the town has not chosen to show rankings.
	inspector.reloadUntil(base+"/#/assessment/comparison", "全县共1名干部已确定等次")
	inspector.waitText("考核结果对比", "得分分布（每10分一档）")
	town := `//tr[contains(., "阜平镇")]`
	inspector.do("open 阜平镇's distribution", tap(town+`//button[normalize-space(.)="查看分布"]`))
	inspector.waitText("称职1人", "该乡镇未开启排名显示，只显示分布。")
	inspector.shot("3-comparison")
}

// reloadUntil opens a page again until it shows text: what it shows comes from events that
// reach the read models a moment after the change.
func (p *phone) reloadUntil(url, text string) {
	p.t.Helper()
	for range 30 {
		p.navigate(url + "?again=" + time.Now().Format("150405.000"))
		time.Sleep(time.Second)
		shown, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.body.innerText.includes(%q)`, text)))
		if err == nil && shown {
			return
		}
	}
	p.waitText(text) // fails with what the page showed
}
