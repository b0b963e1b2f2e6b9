package service_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/testkit"
)

// qrCodes renders a PDF with poppler and decodes its QR codes with zbar.
func qrCodes(t *testing.T, pdf []byte) []string {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (.ci/run installs poppler-utils and zbar-tools)", tool)
			}
			t.Skipf("%s is not installed (apt-get install poppler-utils zbar-tools)", tool)
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "cards.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	require.NoError(t, exec.Command("pdftoppm", "-r", "200", "-png", in, filepath.Join(dir, "page")).Run())
	pages, err := filepath.Glob(filepath.Join(dir, "page*.png"))
	require.NoError(t, err)
	var codes []string
	for _, p := range pages {
		out, err := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", p).Output()
		require.NoError(t, err)
		codes = append(codes, strings.Fields(string(out))...)
	}
	return codes
}

func TestCards_LeadToTheCommunityPublicPage(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	code := addCommunity(t, s, town, "201", "城厢村")
	zhang := addCadre(t, s, town, "张三", true)
	li := addCadre(t, s, town, "李四", true)
	r := s.Do(t, admin(town), http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+zhang.ID+"/assignments/"+thisYear,
		map[string]string{"community": code})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	page := "http://localhost:8090/p/" + string(town) + "/" + code

	self := cadreAccount(town, zhang.ID)
	r = s.Do(t, self, http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres/"+zhang.ID+"/card", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "application/pdf", r.Header.Get("Content-Type"))
	require.Equal(t, []string{page}, qrCodes(t, r.Body))

	require.Equal(t, http.StatusForbidden, s.Do(t, self, http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres/"+li.ID+"/card", nil).Status,
		"a cadre prints only their own card")
	r = s.Do(t, admin(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres/"+li.ID+"/card", nil)
	require.Equal(t, http.StatusConflict, r.Status, "no card without a linked community")
	require.Contains(t, string(r.Body), "card-not-linked")

	r = s.Do(t, auth.Principal{AccountID: "leader", Role: auth.TownLeader, Town: town}, http.MethodGet, "/api/v1/towns/"+string(town)+"/cards", nil)
	require.Equal(t, http.StatusForbidden, r.Status)
	r = s.Do(t, admin(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/cards", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, []string{page}, qrCodes(t, r.Body), "the batch holds the cards of linked cadres only")
}

func TestPoster_ShowsTheBoardWithItsCode(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	code := addCommunity(t, s, town, "201", "城厢村")
	c := addCadre(t, s, town, "张三", true)
	r := s.Do(t, admin(town), http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID+"/assignments/"+thisYear,
		map[string]string{"community": code})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	secretary := auth.Principal{AccountID: "sec", Role: auth.BranchSecretary, Town: town}
	r = s.Do(t, secretary, http.MethodGet, "/api/v1/towns/"+string(town)+"/communities/"+code+"/poster", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, []string{"http://localhost:8090/p/" + string(town) + "/" + code}, qrCodes(t, r.Body))
	other := testkit.NewTown(t)
	r = s.Do(t, admin(other), http.MethodGet, "/api/v1/towns/"+string(other)+"/communities/"+code+"/poster", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
}
