package service_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
)

const cameraSecret = "GPS 39.9N 116.4E"

// jpegWithExif is a small photo carrying an EXIF segment with the camera's position.
func jpegWithExif(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		img.Set(x, x%48, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, nil))
	b := buf.Bytes()
	seg := append([]byte("Exif\x00\x00"), cameraSecret...)
	app1 := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(len(seg)+2))
	return append(append(append([]byte{}, b[:2]...), append(app1, seg...)...), b[2:]...)
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewGray(image.Rect(0, 0, 30, 40))))
	return buf.Bytes()
}

// bombPNG declares a 20000×20000 image in a few bytes.
func bombPNG() []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, 20000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 20000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(ihdr)))
	chunk = append(append(chunk, "IHDR"...), ihdr...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr...)))
	return append([]byte("\x89PNG\r\n\x1a\n"), chunk...)
}

func portraitPath(town tenancy.TownCode, cadre string) string {
	return "/api/v1/towns/" + string(town) + "/cadres/" + cadre + "/portrait"
}

func publicPortraitPath(town tenancy.TownCode, community, cadre string) string {
	return "/api/v1/public/towns/" + string(town) + "/communities/" + community + "/cadres/" + cadre + "/portrait"
}

func link(t *testing.T, s *processtest.Service, town tenancy.TownCode, cadre, community string) {
	t.Helper()
	r := s.Do(t, admin(town), http.MethodPut, "/api/v1/towns/"+string(town)+"/cadres/"+cadre+"/assignments/"+thisYear,
		map[string]string{"community": community})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
}

type boardJSON struct {
	Cadres []struct {
		ID       string `json:"id"`
		Portrait bool   `json:"portrait"`
	} `json:"cadres"`
}

func board(t *testing.T, s *processtest.Service, town tenancy.TownCode, community string) boardJSON {
	t.Helper()
	r := s.Do(t, auth.Principal{}, http.MethodGet, "/api/v1/public/towns/"+string(town)+"/communities/"+community, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var b boardJSON
	r.JSON(t, &b)
	return b
}

func TestPortrait_UploadedByTheCadre_IsStrippedAndShownOnTheBoard(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	code := addCommunity(t, s, town, "201", "城厢村")
	c := addCadre(t, s, town, "张三", true)
	link(t, s, town, c.ID, code)
	require.False(t, board(t, s, town, code).Cadres[0].Portrait)

	photo := jpegWithExif(t)
	// The Content-Type a client claims is not what decides.
	r := s.Do(t, cadreAccount(town, c.ID), http.MethodPut, portraitPath(town, c.ID), photo, "Content-Type", "application/pdf")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var got struct {
		Phone    string `json:"phone"`
		Portrait struct {
			ContentType   string `json:"contentType"`
			Width, Height int
		} `json:"portrait"`
	}
	r.JSON(t, &got)
	require.Equal(t, "image/jpeg", got.Portrait.ContentType)
	require.Equal(t, [2]int{64, 48}, [2]int{got.Portrait.Width, got.Portrait.Height})
	require.Equal(t, "13812345678", got.Phone, "the cadre sees their own phone whole")

	b := board(t, s, town, code)
	require.Equal(t, c.ID, b.Cadres[0].ID)
	require.True(t, b.Cadres[0].Portrait, "the board says the portrait exists")

	pub := s.Do(t, auth.Principal{}, http.MethodGet, publicPortraitPath(town, code, c.ID), nil)
	require.Equal(t, http.StatusOK, pub.Status, string(pub.Body))
	require.Equal(t, "image/jpeg", pub.Header.Get("Content-Type"))
	require.Equal(t, "public, max-age=3600", pub.Header.Get("Cache-Control"))
	require.Equal(t, "nosniff", pub.Header.Get("X-Content-Type-Options"))
	require.NotContains(t, string(pub.Body), cameraSecret, "the camera's metadata is not published")
	img, _, err := image.Decode(bytes.NewReader(pub.Body))
	require.NoError(t, err, "the stored photo still decodes")
	require.Equal(t, 64, img.Bounds().Dx())

	// The town office replaces it; then removes it, twice.
	r = s.Do(t, admin(town), http.MethodPut, portraitPath(town, c.ID), smallPNG(t))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	pub = s.Do(t, auth.Principal{}, http.MethodGet, publicPortraitPath(town, code, c.ID), nil)
	require.Equal(t, http.StatusOK, pub.Status, string(pub.Body))
	require.Equal(t, "image/png", pub.Header.Get("Content-Type"))
	for range 2 {
		r = s.Do(t, admin(town), http.MethodDelete, portraitPath(town, c.ID), nil)
		require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	}
	require.Equal(t, http.StatusNotFound, s.Do(t, auth.Principal{}, http.MethodGet, publicPortraitPath(town, code, c.ID), nil).Status)
	require.False(t, board(t, s, town, code).Cadres[0].Portrait)
}

func TestPortrait_Refusals(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	c := addCadre(t, s, town, "张三", true)
	other := addCadre(t, s, town, "李四", true)
	for name, tc := range map[string]struct {
		who    auth.Principal
		cadre  string
		body   []byte
		status int
		code   string
	}{
		"a PDF":                   {cadreAccount(town, c.ID), c.ID, []byte("%PDF-1.7\n" + strings.Repeat("x", 600)), http.StatusUnsupportedMediaType, "portrait-type"},
		"a GIF":                   {cadreAccount(town, c.ID), c.ID, []byte("GIF89a" + strings.Repeat("\x00", 600)), http.StatusUnsupportedMediaType, "portrait-type"},
		"a decompression bomb":    {admin(town), c.ID, bombPNG(), http.StatusBadRequest, "image-dimensions"},
		"a damaged JPEG":          {admin(town), c.ID, append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 600)...), http.StatusBadRequest, ""},
		"another cadre's":         {cadreAccount(town, other.ID), c.ID, jpegWithExif(t), http.StatusForbidden, "cadre-not-yours"},
		"a town leader":           {auth.Principal{AccountID: "leader", Role: auth.TownLeader, Town: town}, c.ID, jpegWithExif(t), http.StatusForbidden, ""},
		"a branch secretary":      {auth.Principal{AccountID: "sec", Role: auth.BranchSecretary, Town: town}, c.ID, jpegWithExif(t), http.StatusForbidden, ""},
		"a cadre that is unknown": {admin(town), "nobody", jpegWithExif(t), http.StatusNotFound, "cadre-not-found"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := s.Do(t, tc.who, http.MethodPut, portraitPath(town, tc.cadre), tc.body, "Content-Type", "image/jpeg")
			require.Equal(t, tc.status, r.Status, string(r.Body))
			require.Contains(t, string(r.Body), tc.code)
		})
	}
	r := s.Do(t, admin(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), `"portrait"`, "no refused upload left a portrait")
}

func TestPortrait_DeclaredOverTheLimit_IsRefusedBeforeReading(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	c := addCadre(t, s, town, "张三", true)
	// Far less than declared is sent: the answer must come from the declared length alone.
	u, err := url.Parse(s.URL)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer conn.Close()
	tok, err := s.Signer.Sign(admin(town))
	require.NoError(t, err)
	head := jpegWithExif(t)[:64]
	_, err = fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\n%s: %s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n%s",
		portraitPath(town, c.ID), u.Host, auth.InternalHeader, tok, 9<<20, head)
	require.NoError(t, err)
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	// The server reads ahead up to its ordinary body limit (1 MB) before the handler runs;
	// send a little more than that, nowhere near the declared size.
	go func() { _, _ = io.Copy(conn, io.LimitReader(bytes.NewReader(make([]byte, 2<<20)), 2<<20)) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(b))
	require.Contains(t, string(b), "upload-too-large")
}

func TestPortrait_StreamOverTheLimitWithoutALength_IsRefused(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	c := addCadre(t, s, town, "张三", true)
	photo := jpegWithExif(t)
	// Sent chunked, so only the stream itself can tell it is too large: a real photo with
	// 9 MB after its end.
	body := io.MultiReader(bytes.NewReader(photo[:len(photo)-2]), bytes.NewReader(make([]byte, 9<<20)), bytes.NewReader(photo[len(photo)-2:]))
	req, err := http.NewRequest(http.MethodPut, s.URL+portraitPath(town, c.ID), io.NopCloser(body))
	require.NoError(t, err)
	require.EqualValues(t, 0, req.ContentLength)
	tok, err := s.Signer.Sign(admin(town))
	require.NoError(t, err)
	req.Header.Set(auth.InternalHeader, tok)
	resp, err := http.DefaultClient.Do(req)
	if err == nil { // the server may close the connection before the client finished sending
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(b))
	}
	r := s.Do(t, admin(town), http.MethodGet, "/api/v1/towns/"+string(town)+"/cadres/"+c.ID, nil)
	require.NotContains(t, string(r.Body), `"portrait"`)
}

func TestPublicPortrait_OnlyForACadreStationedThere(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	town := testkit.NewTown(t)
	here := addCommunity(t, s, town, "201", "城厢村")
	there := addCommunity(t, s, town, "202", "青沿村")
	zhang := addCadre(t, s, town, "张三", true)
	li := addCadre(t, s, town, "李四", true)
	wang := addCadre(t, s, town, "王五", true)
	for _, id := range []string{zhang.ID, li.ID, wang.ID} {
		r := s.Do(t, admin(town), http.MethodPut, portraitPath(town, id), jpegWithExif(t))
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}
	link(t, s, town, zhang.ID, here)
	link(t, s, town, li.ID, there)
	get := func(community, cadre string) int {
		return s.Do(t, auth.Principal{}, http.MethodGet, publicPortraitPath(town, community, cadre), nil).Status
	}
	require.Equal(t, http.StatusOK, get(here, zhang.ID))
	require.Equal(t, http.StatusNotFound, get(here, li.ID), "stationed at another community")
	require.Equal(t, http.StatusNotFound, get(here, wang.ID), "stationed nowhere")
	require.Equal(t, http.StatusNotFound, get(string(town)+"299", zhang.ID), "no such community")

	r := s.Do(t, admin(town), http.MethodPatch, "/api/v1/towns/"+string(town)+"/cadres/"+zhang.ID, map[string]any{"status": "recalled"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, http.StatusNotFound, get(here, zhang.ID), "a recalled cadre is off the board")
}

func TestPortrait_Isolation(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	a, b := testkit.NewTown(t), testkit.NewTown(t)
	code := addCommunity(t, s, a, "201", "城厢村")
	c := addCadre(t, s, a, "张三", true)
	link(t, s, a, c.ID, code)
	r := s.Do(t, admin(a), http.MethodPut, portraitPath(a, c.ID), jpegWithExif(t))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	// Town b's office cannot reach a's cadre through its own town, nor through a's.
	require.Equal(t, http.StatusNotFound, s.Do(t, admin(b), http.MethodPut, portraitPath(b, c.ID), smallPNG(t)).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, admin(b), http.MethodDelete, portraitPath(b, c.ID), nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, admin(b), http.MethodDelete, portraitPath(a, c.ID), nil).Status)
	// A's community and cadre are not found under b's public path.
	require.Equal(t, http.StatusNotFound, s.Do(t, auth.Principal{}, http.MethodGet, publicPortraitPath(b, code, c.ID), nil).Status)
	require.Equal(t, http.StatusOK, s.Do(t, auth.Principal{}, http.MethodGet, publicPortraitPath(a, code, c.ID), nil).Status)
}

func TestTransfer_LeavesThePortraitBehind(t *testing.T) {
	t.Parallel()
	s := personnel(t)
	from, to := testkit.NewTown(t), testkit.NewTown(t)
	c := addCadre(t, s, from, "张三", true)
	r := s.Do(t, admin(from), http.MethodPut, portraitPath(from, c.ID), jpegWithExif(t))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	county := auth.Principal{AccountID: "county", Role: auth.CountyAdmin}
	r = s.Do(t, county, http.MethodPost, "/api/v1/towns/"+string(from)+"/cadres/"+c.ID+"/transfer",
		map[string]string{"town": string(to), "reason": "工作调动"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = s.Do(t, admin(to), http.MethodGet, "/api/v1/towns/"+string(to)+"/cadres/"+c.ID, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), `"portrait"`, "the new town's board starts without the old town's file")
}
