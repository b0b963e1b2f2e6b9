package card_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/services/personnel/internal/card"
)

// readPDF renders each page with poppler and decodes the QR codes with zbar, and extracts the
// text; both tools come with poppler-utils and zbar-tools.
func readPDF(t *testing.T, pdf []byte) (codes []string, text string) {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "pdftotext", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (.ci/run installs poppler-utils and zbar-tools)", tool)
			}
			t.Skipf("%s is not installed (apt-get install poppler-utils zbar-tools)", tool)
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "card.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").Output()
	require.NoError(t, err)
	require.NoError(t, exec.Command("pdftoppm", "-r", "200", "-png", in, filepath.Join(dir, "page")).Run())
	pages, err := filepath.Glob(filepath.Join(dir, "page*.png"))
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	for _, p := range pages {
		b, err := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", p).Output()
		require.NoError(t, err, "no QR code found on %s", filepath.Base(p))
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			codes = append(codes, line)
		}
	}
	return codes, string(out)
}

func TestOne_QRCodeDecodesToThePublicPageAndTheTextIsChinese(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	c := card.Card{Name: "张三", Unit: "县农业局", Post: "副局长", Phone: "13812345678", Community: "城厢村",
		URL: "https://dundian.example.cn/p/130624100/130624100201"}
	require.NoError(t, card.One(&buf, c))
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
	require.Less(t, buf.Len(), 400_000, "the font is embedded as a subset, not whole")
	codes, text := readPDF(t, buf.Bytes())
	require.Equal(t, []string{c.URL}, codes)
	for _, s := range []string{"连心卡", "张三", "县农业局 副局长", "13812345678", "城厢村", "扫码留言"} {
		require.Contains(t, text, s)
	}
}

func TestSheets_TenCardsAnA4PageEachWithItsCode(t *testing.T) {
	t.Parallel()
	var cards []card.Card
	want := map[string]bool{}
	for i := range 12 {
		u := "https://dundian.example.cn/p/130624100/1306241002" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		cards = append(cards, card.Card{Name: "干部", Post: "职务", Phone: "13812345678", Community: "村", URL: u})
		want[u] = true
	}
	var buf bytes.Buffer
	require.NoError(t, card.Sheets(&buf, cards))
	codes, _ := readPDF(t, buf.Bytes())
	got := map[string]bool{}
	for _, c := range codes {
		got[c] = true
	}
	require.Equal(t, want, got, "every card's code decodes to its community's page")
}

func TestWritePoster_ShowsTheBoardAndItsCode(t *testing.T) {
	t.Parallel()
	p := card.Poster{Community: "城厢村", URL: "https://dundian.example.cn/p/130624100/130624100201",
		Cadres: []card.PosterCadre{{Name: "张三", Unit: "县农业局", Post: "副局长", Phone: "13812345678"}, {Name: "李四", Phone: "13900001111"}}}
	var buf bytes.Buffer
	require.NoError(t, card.WritePoster(&buf, p))
	codes, text := readPDF(t, buf.Bytes())
	require.Equal(t, []string{p.URL}, codes)
	for _, s := range []string{"驻村蹲点干部公示", "城厢村", "张三", "县农业局 副局长", "13812345678", "李四"} {
		require.Contains(t, text, s)
	}
}
