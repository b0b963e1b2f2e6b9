package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPersonnelFlows drives personnel's console work of the demo county in headless Chromium
// at a phone's size: the town forwards its one-links-five lists and the county reads every
// town's status; the cadre puts a photo on their community's public page; the county
// administrator transfers the cadre to another town.
func TestPersonnelFlows(t *testing.T) {
	d := startDemo(t)
	base, public, sec := d.base, d.public, d.sec

	t.Run("county forwarding view", func(t *testing.T) {
		oneLinksFive(t, base, sec.DemoPassword)
		listsForwarded(t, base, sec.DemoPassword)
		countyForwarding(t, base, sec.AdminPassword)
	})
	t.Run("portrait on the public page", func(t *testing.T) { portraitPublished(t, base, public, sec.DemoPassword) })
	t.Run("transfer", func(t *testing.T) { cadreTransferred(t, base, sec.AdminPassword) })
}

// listsForwarded: with every list accepted, the town office forwards them to the county.
func listsForwarded(t *testing.T, base, password string) {
	office := openPhone(t, "forward-office")
	office.login(base, "fuping-office", password)
	office.navigate(base + "/#/contacts")
	office.waitText("王建国", "已通过")
	office.do("forward the lists", tap(button("报送县里")))
	office.waitText("已报送县里")
	office.toastsGone()
	office.waitFor("the forwarding to be shown", `/已于.+报送县里/.test(document.body.innerText)`)
	office.shot("1-forwarded")
}

// countyForwarding: the county administrator sees every town's lists of the year, 阜平镇
// forwarded with its one accepted and late list, orders the towns by lateness and leaves
// out those that forwarded.
func countyForwarding(t *testing.T, base, password string) {
	p := openPhone(t, "county-lists")
	p.login(base, "admin", password)
	p.navigate(base + "/#/county-contact-lists")
	p.waitText("一联五汇总", "阜平镇", "龙泉关镇", "未报送", "导出Excel")
	fuping := `//tr[.//*[normalize-space(.)="阜平镇"]]`
	p.waitFor("阜平镇 forwarded with its list", `(() => {
		const row = document.evaluate('`+fuping+`', document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
		return !!row && row.innerText.includes("已报送") && !row.innerText.includes("未报送");
	})()`)
	p.shot("1-towns")

	p.do("order by lateness",
		chromedp.SetValue(chromedp.CSS(`select[id^="filter-order"]`), "late"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('select[id^="filter-order"]').dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	p.waitFor("the late town first", `(() => {
		const first = document.querySelector(".data-table tbody tr");
		return !!first && first.innerText.includes("阜平镇");
	})()`)
	p.do("order by town code",
		chromedp.SetValue(chromedp.CSS(`select[id^="filter-order"]`), "town"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('select[id^="filter-order"]').dispatchEvent(new Event("change", {bubbles: true}))`),
		chromedp.SetValue(chromedp.CSS(`select[id^="filter-state"]`), "waiting"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('select[id^="filter-state"]').dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	p.waitFor("only the towns still waiting", `(() => {
		const rows = [...document.querySelectorAll(".data-table tbody tr")];
		return rows.length > 0 && rows.every((r) => !r.innerText.includes("阜平镇")) && rows[0].innerText.includes("龙泉关镇");
	})()`)
	p.shot("2-waiting")
}

// portraitPublished: the cadre uploads a photo on their own page; 城厢村's public page shows
// it beside their name.
func portraitPublished(t *testing.T, base, public, password string) {
	p := openPhone(t, "portrait")
	p.login(base, "fuping-cadre", password)
	p.navigate(base + "/#/me")
	p.waitText("我的连心卡", "打印连心卡", "还没有上传照片")
	p.do("upload a photo", chromedp.SetUploadFiles(chromedp.CSS(`#me-portrait`), []string{photoFile(t)}))
	p.waitText("照片已上传")
	p.waitFor("the photo to be listed", `/已上传照片/.test(document.body.innerText)`)
	p.shot("1-uploaded")

	villager := openPhone(t, "portrait-public")
	villager.navigate("http://" + public + "/p/" + demoTown + "/" + demoCommunity)
	villager.waitText("王建国")
	villager.waitFor("the cadre's photo", `(() => {
		const img = document.querySelector("img.portrait");
		return !!img && img.complete && img.naturalWidth === 800 && img.alt === "王建国";
	})()`)
	villager.shot("2-public-page")
}

// cadreTransferred: the county administrator transfers the demo cadre to 龙泉关镇 from the
// cadres page; the dialog says where they went and that the personal file followed.
func cadreTransferred(t *testing.T, base, password string) {
	p := openPhone(t, "transfer")
	p.login(base, "admin", password)
	p.navigate(base + "/#/cadres")
	p.do("pick the town", tap(`//ul[contains(@class,"town-picks")]//button[normalize-space(.)="阜平镇"]`))
	p.waitText("王建国", "调动")
	p.do("open the transfer dialog", tap(`//tr[contains(., "王建国")]//button[normalize-space(.)="调动"]`))
	p.waitText("调动王建国", "个人档案随人转移")
	p.do("transfer to 龙泉关镇",
		chromedp.SetValue(chromedp.CSS(`dialog[open] select[name="town"]`), "130624101"),
		chromedp.SendKeys(chromedp.CSS(`dialog[open] textarea[name="reason"]`), "工作需要，调往龙泉关镇"),
		tap(`dialog[open] button[type="submit"]`),
	)
	p.waitText("王建国已从阜平镇调往龙泉关镇", "王建国的个人档案已随人转移")
	p.shot("1-transferred")
	p.do("close the dialog", tap(`dialog[open] .btn-primary`))
	p.waitFor("the cadre to show as transferred", `(() => {
		const row = document.evaluate('//tr[contains(., "王建国")]', document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
		return !!row && row.innerText.includes("已调离");
	})()`)
	p.shot("2-cadres")
}
