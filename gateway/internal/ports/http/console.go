package http

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
)

// consoleFile is one file of the console, read once at start-up.
type consoleFile struct {
	body        []byte
	contentType string
	etag        string
	cache       string
}

// hashed matches file names that carry a content hash (app.3f9a1c2b.js): they never change,
// so browsers may keep them for a year. Everything else is revalidated by ETag on each use,
// so a new release is picked up at once.
var hashed = regexp.MustCompile(`\.[0-9a-f]{8,}\.[a-z0-9]+$`)

func loadConsole(fsys fs.FS) (map[string]consoleFile, error) {
	files := map[string]consoleFile{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ct := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".js", ".mjs":
			ct = "text/javascript; charset=utf-8"
		case ".json":
			ct = "application/json; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		case ".webmanifest":
			ct = "application/manifest+json"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		cache := "no-cache"
		if hashed.MatchString(p) {
			cache = "public, max-age=31536000, immutable"
		}
		files["/"+p] = consoleFile{body: body, contentType: ct, etag: `W/"` + hex.EncodeToString(sum[:8]) + `"`, cache: cache}
		return nil
	})
	return files, err
}

// console serves the web console: its files with their types, ETags and cache rules, and
// index.html for every other page address (the console routes in the browser).
func (s *Server) console(r *fiber.App) error {
	if s.cfg.Console == nil {
		return nil
	}
	files, err := loadConsole(s.cfg.Console)
	if err != nil {
		return err
	}
	index, ok := files["/index.html"]
	if !ok {
		return fs.ErrNotExist
	}
	index.cache = "no-cache"
	serve := func(c *fiber.Ctx) error {
		p := path.Clean("/" + c.Params("*"))
		f, ok := files[p]
		if !ok {
			if path.Ext(p) != "" || strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/p/") {
				return fiber.ErrNotFound
			}
			f = index
		}
		c.Set(fiber.HeaderCacheControl, f.cache)
		c.Set(fiber.HeaderETag, f.etag)
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
		if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && strings.Contains(match, f.etag) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, f.contentType)
		return c.Send(f.body)
	}
	gz := compress.New(compress.Config{Level: compress.LevelDefault})
	r.Get("/*", gz, serve)
	r.Head("/*", serve)
	return nil
}
