package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// mainFlows drives the demo county's main flows in headless Chromium at a phone's size, as
// the people who do them would: a cadre's day, the one-links-five list, the monthly report
// and an opinion left on a village's public page.
func mainFlows(t *testing.T, base, public string, sec secrets) {
	t.Run("cadre today", func(t *testing.T) { cadreToday(t, base, sec.DemoPassword) })
	t.Run("one links five", func(t *testing.T) { oneLinksFive(t, base, sec.DemoPassword) })
	t.Run("monthly report", func(t *testing.T) { monthlyReport(t, base, sec.DemoPassword) })
	t.Run("public opinion", func(t *testing.T) { publicOpinion(t, public) })
}

// cadreToday: the demo cadre starts a stay at 城厢村 (chosen already: personnel links them
// there), writes a work log with a photo, ends the stay, sees the month's stationing days, and
// finds the photo's thumbnail with the log.
func cadreToday(t *testing.T, base, password string) {
	p := openPhone(t, "today")
	p.login(base, "fuping-cadre", password)
	p.waitText("开始蹲点", "本月已蹲点0天", "累计满4小时")
	// The link reaches fieldwork as an event; until it has, the page cannot know it.
	p.waitFor("the linked community to be chosen", fmt.Sprintf(`(() => {
		const s = document.querySelector("#fw-community");
		if (s && s.value === %q) return true;
		if (s) location.reload();
		return false;
	})()`, demoCommunity))
	p.do("start the stay", tap(button("开始蹲点")))
	p.waitText("已开始蹲点", "正在城厢村", "结束蹲点")
	p.shot("1-stay-started")

	// No wait for the toast: on a phone it sits at the top, and a tap passes through it.
	p.do("write a work log with a photo",
		chromedp.SendKeys(chromedp.CSS(`textarea[name="text"]`), "走访城厢村困难户三户，了解冬季取暖情况。"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="photo"]`), []string{photoFile(t)}),
		tap(`form button[type="submit"]`),
	)
	p.waitText("已保存")
	p.shot("2-log-saved")

	// Stays are kept to the second, and one must end after it starts.
	p.do("end the stay", chromedp.Sleep(time.Second), tap(button("结束蹲点")))
	// A day counts once the stays cover 4 hours of it (DOMAIN O3): a short stay adds none.
	p.waitText("已结束本次蹲点", "开始蹲点", "本月已蹲点0天，每月至少2天", "未达标")
	p.shot("3-stay-ended")

	p.navigate(base + "/#/logs")
	p.waitText("走访城厢村困难户三户")
	p.do("open the log", tap(button("查看")))
	p.waitFor("the photo's thumbnail", `(() => {
		const img = document.querySelector(".photo-open img");
		return !!img && img.complete && img.naturalWidth === 480;
	})()`)
	p.shot("4-log-with-photo")
}

// photoFile is a phone photo (800×600 JPEG) to upload.
func photoFile(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 800, 600)), nil))
	path := filepath.Join(t.TempDir(), "走访.jpg")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path
}

// oneLinksFive: the cadre fills the five contacts and submits the list; the town office sees
// it submitted and accepts it.
func oneLinksFive(t *testing.T, base, password string) {
	kinds := []struct{ kind, name string }{
		{"组织带头人", "李组织"},
		{"老党员", "张老党员"},
		{"群众代表", "赵代表"},
		{"困难户", "孙困难"},
		{"致富带头人", "周致富"},
	}
	cadre := openPhone(t, "contacts")
	cadre.login(base, "fuping-cadre", password)
	cadre.navigate(base + "/#/contacts")
	cadre.waitText("草稿", "尚未填写")
	for i, k := range kinds {
		card := fmt.Sprintf(`//div[contains(@class,"card")][h2[normalize-space(.)=%q]]//button`, k.kind)
		fields := []chromedp.Action[chromedp.Void]{
			tap(card),
			chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="name"]`), k.name),
			chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="phone"]`), fmt.Sprintf("1391234000%d", i)),
			chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="address"]`), "城厢村"+fmt.Sprint(i+1)+"组"),
		}
		if k.kind == "困难户" {
			fields = append(fields, chromedp.SendKeys(chromedp.CSS(`dialog[open] input[name="hardship"]`), "因病致贫"))
		}
		fields = append(fields, tap(`dialog[open] button[type="submit"]`))
		cadre.do("set the "+k.kind, fields...)
		cadre.waitText(k.name + " · ")
	}
	cadre.shot("1-filled")
	cadre.do("submit the list", tap(button("报送乡镇")))
	cadre.waitText("已报送乡镇")
	cadre.toastsGone() // the toast says 已报送 too: the list's own status must
	cadre.waitText("已报送")
	cadre.shot("2-submitted")

	office := openPhone(t, "contacts-office")
	office.login(base, "fuping-office", password)
	office.navigate(base + "/#/contacts")
	office.waitText("王建国", "已报送", "5/5")
	office.shot("3-office-sees")
	office.do("accept the list", tap(button("通过")))
	office.waitText("已通过王建国的名单")
	office.toastsGone()
	office.waitText("王建国", "已通过")
	office.shot("4-office-accepted")
}

// monthlyReport: the cadre writes last month's report, declares integrity and submits it;
// the page says whether it came on time or late.
func monthlyReport(t *testing.T, base, password string) {
	p := openPhone(t, "report")
	p.login(base, "fuping-cadre", password)
	p.navigate(base + "/#/reports")
	p.waitText("草稿", "本月采取的措施", "提交月报告")
	p.shot("1-draft")
	p.do("write and submit the report",
		chromedp.SendKeys(chromedp.CSS(`textarea[name="measures"]`), "每周在城厢村蹲点两天，走访困难户。"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="results"]`), "解决了三户的冬季取暖问题。"),
		tap(`input[name="declared"]`),
		tap(button("提交月报告")),
	)
	p.waitText("月报告已提交")
	p.toastsGone()
	p.waitText("已提交")
	declared, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="declared"]').checked`))
	require.NoError(t, err)
	require.True(t, declared, "the submitted report keeps the integrity declaration")
	// On time means by the end of the due day the page shows (the 5th, later after a holiday).
	late, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => {
		const due = document.body.innerText.match(/截止日期：(\d{4}-\d{2}-\d{2})/)[1];
		const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
		return today > due;
	})()`))
	require.NoError(t, err)
	if late {
		p.waitText("逾期")
	} else {
		p.waitText("按时")
	}
	p.shot("2-submitted")
}

// publicOpinion: a villager opens 城厢村's public page, leaves an opinion (the page's own
// script does the proof of work), gets a tracking code and looks it up.
func publicOpinion(t *testing.T, public string) {
	p := openPhone(t, "opinion")
	p.navigate("http://" + public + "/p/" + demoTown + "/" + demoCommunity)
	p.waitText("城厢村", "王建国", "在线留言")
	p.do("open the form", tap(`//a[normalize-space(.)="在线留言"]`))
	p.waitText("我要留言")
	text := "村东头的路灯坏了一个多月了，晚上出行不方便。"
	p.do("leave an opinion",
		chromedp.SetValue(chromedp.CSS(`#kind`), "appeal"),
		chromedp.SetValue(chromedp.CSS(`#category`), "infrastructure"),
		chromedp.SendKeys(chromedp.CSS(`#text`), text),
		chromedp.SendKeys(chromedp.CSS(`#phone`), "13800001234"),
		tap(`#petition-form button[type="submit"]`),
	)
	p.waitText("已收到您的留言", "查询码：")
	code, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(`#petition-code`)))
	require.NoError(t, err)
	code = strings.TrimSpace(code)
	require.NotEmpty(t, code, "the page shows a tracking code")
	p.shot("1-code")
	p.do("look it up", tap(`//a[normalize-space(.)="查看办理进度"]`))
	p.waitText("办理状态", text, "138****1234")
	p.shot("2-tracked")
}

// stepTimeout bounds one step of a flow: a page answers in well under it.
const stepTimeout = 30 * time.Second

// phone is one person's browser at a phone's size.
type phone struct {
	t    *testing.T
	ctx  context.Context
	name string
}

// openPhone starts a browser of its own (its own cookies and storage) for one person.
func openPhone(t *testing.T, name string) *phone {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is required for the flows (.ci/run installs it)")
		}
		t.Skip("chromium is not installed; apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	// The first run starts the browser and must not carry the timeout (it would stop it).
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	tctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return &phone{t: t, ctx: tctx, name: name}
}

func (p *phone) navigate(url string) {
	p.t.Helper()
	p.do("open "+url, chromedp.Navigate(url))
}

// login fills the console's login form.
func (p *phone) login(base, user, password string) {
	p.t.Helper()
	p.navigate(base + "/#/login")
	u, pw := chromedp.CSS(`input[autocomplete="username"]`), chromedp.CSS(`input[type="password"]`)
	p.do("log in as "+user,
		chromedp.WaitVisible(u),
		chromedp.SendKeys(u, user),
		chromedp.SendKeys(pw, password),
		tap(`form button[type="submit"]`),
		chromedp.WaitNotPresent(u),
	)
}

// do runs steps and, when one fails, says what the page showed.
func (p *phone) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.fail(what, err)
	}
}

// waitText waits until the page shows every text (document.body.innerText: only what a
// person sees, not the hidden town switcher's options).
func (p *phone) waitText(texts ...string) {
	p.t.Helper()
	want, err := json.Marshal(texts)
	require.NoError(p.t, err)
	p.waitFor(fmt.Sprintf("the page to show %q", texts),
		fmt.Sprintf(`%s.every((s) => document.body && document.body.innerText.includes(s))`, want))
}

// waitFor polls until the JavaScript condition holds.
func (p *phone) waitFor(what, condition string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for {
			ok, err := chromedp.Evaluate[bool](condition)(ctx, tg)
			if err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}))
	if err != nil {
		p.fail("wait for "+what, err)
	}
}

// toastsGone waits until the confirmations have gone away on their own.
func (p *phone) toastsGone() {
	p.t.Helper()
	p.waitFor("the toasts to go", `!document.querySelector("#toasts .toast")`)
}

func (p *phone) fail(what string, err error) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.ctx), 10*time.Second)
	defer cancel()
	seen, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.location.href + "\n" + document.body.innerText`))
	if dir := os.Getenv("DUNDIAN_SCREENSHOTS"); dir != "" {
		if shot, serr := chromedp.Run(ctx, chromedp.CaptureScreenshot()); serr == nil {
			_ = os.WriteFile(filepath.Join(dir, p.name+"-failed.png"), shot, 0o644)
		}
	}
	p.t.Fatalf("%s: %v; the page showed:\n%s", what, err, seen)
}

// shot keeps a screenshot for a person to look at when DUNDIAN_SCREENSHOTS names a folder.
func (p *phone) shot(step string) {
	p.t.Helper()
	dir := os.Getenv("DUNDIAN_SCREENSHOTS")
	if dir == "" {
		return
	}
	b, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(p.t, err)
	require.NoError(p.t, os.WriteFile(filepath.Join(dir, p.name+"-"+step+".png"), b, 0o644))
}

// button is the XPath of the button whose text is exactly text.
func button(text string) string {
	return fmt.Sprintf(`//button[normalize-space(.)=%q]`, text)
}

// tap clicks the element an XPath (starting with "/") or a CSS selector names, as a person
// would: first scrolled to the middle of the screen, since an element that is on screen but
// under the phone's fixed tab bar would otherwise take the click on the tab instead.
func tap(sel string) chromedp.Action[chromedp.Void] {
	find := fmt.Sprintf(`document.querySelector(%q)`, sel)
	if strings.HasPrefix(sel, "/") {
		find = fmt.Sprintf(`document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue`, sel)
	}
	js := fmt.Sprintf(`(() => { const el = %s; if (!el || !el.offsetParent) return false; el.scrollIntoView({block: "center"}); return true; })()`, find)
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for {
			shown, err := chromedp.Evaluate[bool](js)(ctx, tg)
			if err != nil {
				return err
			}
			if shown {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s is not on the page: %w", sel, ctx.Err())
			case <-time.After(200 * time.Millisecond):
			}
		}
		var err error
		if strings.HasPrefix(sel, "/") {
			_, err = chromedp.Click(chromedp.Search(sel))(ctx, tg)
		} else {
			_, err = chromedp.Click(chromedp.CSS(sel))(ctx, tg)
		}
		return err
	})
}
