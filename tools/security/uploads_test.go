package security

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"dundian.local/libs/auth"
	"dundian.local/libs/tenancy"
)

// maxUpload is twice fieldwork's limit for a photo (15 MB): the photo below streams past it.
const maxUpload = 30 << 20

// uploadAbuse: uploads are refused by what they are, not by what they claim; a stored file's
// name cannot choose where it is stored; a download link opens its own object only.
func uploadAbuse(t *testing.T, s *system, a, b *town) {
	api := s.gateway + "/api/v1/towns/" + a.code + "/attachments/"
	cadre := a.tokens[auth.Cadre]
	put := func(t *testing.T, name, contentType string, body io.Reader) response {
		t.Helper()
		return call(t, "PUT", api+uuid.NewString()+"?name="+url.QueryEscape(name), cadre, body, "Content-Type", contentType)
	}

	t.Run("oversize is refused and not stored", func(t *testing.T) {
		t.Parallel()
		id := uuid.NewString()
		sendOversize(t, api+id+"?name=big.jpg", []int{http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable},
			"Authorization", "Bearer "+cadre)
		require.Equal(t, http.StatusNotFound, call(t, "GET", api+id, cadre, nil).status, "the refused upload was stored")
		identity := forge(t, "EdDSA", claimsFor(auth.Principal{AccountID: a.accounts[auth.Cadre], Role: auth.Cadre,
			Town: tenancy.TownCode(a.code), CadreID: a.cadre}, auth.InternalIssuer, auth.InternalAudience, nil), ed25519Sign(s.identityKey))
		sendOversize(t, s.services["fieldwork"]+"/api/v1/towns/"+a.code+"/attachments/"+id, []int{http.StatusRequestEntityTooLarge},
			auth.InternalHeader, identity)
	})

	t.Run("the content decides the type, not the header", func(t *testing.T) {
		t.Parallel()
		for name, body := range map[string][]byte{
			"windows program":        append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0}, 600)...),
			"html page":              []byte("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"),
			"gif and script":         []byte("GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.cookie)//"),
			"svg with script":        []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
			"zip archive":            append([]byte("PK\x03\x04\x14\x00"), bytes.Repeat([]byte{0}, 100)...),
			"html after a bom":       []byte("\xef\xbb\xbf<html><body onload=alert(1)>"),
			"empty":                  {},
			"png header only, short": []byte("\x89PNG\r\n\x1a\n"),
		} {
			r := put(t, "photo.png", "image/png", bytes.NewReader(body))
			require.Contains(t, []int{http.StatusUnsupportedMediaType, http.StatusBadRequest, http.StatusUnprocessableEntity},
				r.status, "%s: %s", name, r.body)
			requireProblem(t, r)
		}
	})

	t.Run("images that would decode to too many pixels are refused unread", func(t *testing.T) {
		t.Parallel()
		for name, body := range map[string][]byte{
			"100000 × 100000":      pngDeclaring(t, 100_000, 100_000),
			"just over 60 Mpixels": pngDeclaring(t, 7_800, 7_800),
			"one very long side":   pngDeclaring(t, 1_000_000, 1),
		} {
			r := put(t, "bomb.png", "image/png", bytes.NewReader(body))
			require.Contains(t, []int{http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge},
				r.status, "%s: %s", name, r.body)
			requireProblem(t, r)
		}
	})

	t.Run("a path in the name or id chooses nothing", func(t *testing.T) {
		t.Parallel()
		id := uuid.NewString()
		var att struct {
			Name        string `json:"name"`
			ContentType string `json:"contentType"`
		}
		must(t, http.StatusCreated, "PUT", api+id+"?name="+url.QueryEscape(`../../`+b.code+`/fieldwork/x/..\..\evil.html`), cadre,
			tinyPNG(t), "Content-Type", "text/html").json(t, &att)
		require.NotContains(t, att.Name, "/")
		require.NotContains(t, att.Name, `\`)
		require.NotContains(t, att.Name, "..")
		require.True(t, strings.HasSuffix(att.Name, ".png"), "the sniffed type names the extension: %q", att.Name)
		require.Equal(t, "image/png", att.ContentType)
		link := presigned(t, s, a, id)
		require.True(t, strings.Contains(link.Path, "/"+a.code+"/fieldwork/") && strings.HasSuffix(link.Path, id),
			"the object is stored under its town and id only: %s", link.Path)

		for _, bad := range []string{"..%2F..%2F" + b.code, "%2E%2E", url.PathEscape(b.code + "/fieldwork/attachment/" + b.attachment)} {
			r := call(t, "PUT", api+bad+"?name=x.png", cadre, tinyPNG(t), "Content-Type", "image/png")
			require.GreaterOrEqual(t, r.status, 400, "%s: %s", bad, r.body)
			require.Less(t, r.status, 500, "%s: %s", bad, r.body)
		}
	})

	t.Run("a presigned link opens its own object only", func(t *testing.T) {
		t.Parallel()
		link := presigned(t, s, a, a.attachment)
		resp, err := http.Get(link.String())
		require.NoError(t, err)
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, string(got))
		require.Equal(t, tinyPNG(t), got)

		// The same signature on town B's object key is refused by the object store.
		other := *link
		other.Path = strings.Replace(link.Path, a.code, b.code, 1)
		other.Path = strings.Replace(other.Path, a.attachment, b.attachment, 1)
		other.RawPath = ""
		resp, err = http.Get(other.String())
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusForbidden, resp.StatusCode, "a link re-aimed at another town's object")

		// Town B's accounts cannot get a link to town A's object, by id or by key.
		for _, id := range []string{a.attachment, url.PathEscape(a.code + "/fieldwork/attachment/" + a.attachment)} {
			for _, town := range []string{b.code, a.code} {
				r := call(t, "GET", s.gateway+"/api/v1/towns/"+town+"/attachments/"+id+"/url", b.tokens[auth.Cadre], nil)
				require.Contains(t, []int{http.StatusBadRequest, http.StatusNotFound}, r.status, "%s in %s: %s", id, town, r.body)
				require.NotContains(t, string(r.body), "X-Amz-Signature")
			}
		}
	})
}

// sendOversize uploads a JPEG one byte over the limit and expects one of statuses. The
// service answers 413 before reading the body and closes the connection; a client still
// sending the body (the gateway's transport, or this one) may see only the closed connection:
// the gateway then answers 503, this client gets a reset. Either way the upload is refused.
func sendOversize(t *testing.T, u string, statuses []int, header ...string) {
	t.Helper()
	body := io.MultiReader(bytes.NewReader(tinyJPEGHead()), io.LimitReader(zeros{}, maxUpload))
	req, err := http.NewRequest("PUT", u, body)
	require.NoError(t, err)
	req.ContentLength = int64(len(tinyJPEGHead())) + maxUpload
	req.Header.Set("Content-Type", "image/jpeg")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		require.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE), "%v", err)
		return
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, statuses, resp.StatusCode, string(b))
	require.Contains(t, resp.Header.Get("Content-Type"), "application/problem+json")
}

// presigned asks the gateway for an attachment's download link as the town's office.
func presigned(t *testing.T, s *system, tw *town, id string) *url.URL {
	t.Helper()
	var out struct {
		URL string `json:"url"`
	}
	must(t, http.StatusOK, "GET", s.gateway+"/api/v1/towns/"+tw.code+"/attachments/"+id+"/url", tw.tokens[auth.TownAdmin], nil).json(t, &out)
	u, err := url.Parse(out.URL)
	require.NoError(t, err)
	return u
}

// pngDeclaring returns a valid PNG of one pixel whose header declares w × h pixels.
func pngDeclaring(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := tinyPNG(t)
	// The IHDR chunk follows the 8-byte signature: length (4), "IHDR" (4), width, height, ...
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// tinyJPEGHead is the start of a JPEG file, enough for the type to be sniffed.
func tinyJPEGHead() []byte { return []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0} }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
