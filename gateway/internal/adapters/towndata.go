package adapters

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/errs"
	"dundian.local/libs/objects"
	"dundian.local/libs/store"
	"dundian.local/libs/tenancy"

	"dundian.local/gateway/internal/app"
	"dundian.local/gateway/internal/domain/job"
)

// TownData reaches the whole of one town's data — its database and its objects — to export
// or erase it. Export archives are kept in the same bucket under exports/<town>/<id>.tar.gz,
// outside the town's own prefix, so that erasing the town keeps the archive it can be
// restored from.
type TownData struct {
	store   *store.Client
	objects *objects.Store
	s3      *minio.Client
	bucket  string
	tmpDir  string
}

// NewTownData connects the export store with the process's object-store settings.
func NewTownData(st *store.Client, obj *objects.Store, cfg objects.Config) (*TownData, error) {
	endpoint, secure := cfg.Endpoint, cfg.UseSSL
	if strings.Contains(endpoint, "://") {
		u, err := url.Parse(endpoint)
		if err != nil {
			return nil, fmt.Errorf("S3_ENDPOINT: %w", err)
		}
		endpoint, secure = u.Host, u.Scheme == "https"
	}
	region := cfg.Region
	if region == "" {
		region = objects.DefaultRegion
	}
	c, err := minio.New(endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: secure,
		Region: region,
	})
	if err != nil {
		return nil, fmt.Errorf("export store: %w", err)
	}
	return &TownData{store: st, objects: obj, s3: c, bucket: obj.Bucket()}, nil
}

// ArchiveKey is where an export's archive lives.
func ArchiveKey(town tenancy.TownCode, exportID string) string {
	return "exports/" + string(town) + "/" + exportID + ".tar.gz"
}

func (d *TownData) DropDatabase(ctx context.Context, t tenancy.TownCode) error {
	return storeErr(d.store.DropTown(ctx, t))
}

func (d *TownData) DeleteObjects(ctx context.Context, t tenancy.TownCode) (int, error) {
	return d.objects.DeleteTown(ctx, t)
}

func (d *TownData) Archive(ctx context.Context, t tenancy.TownCode, exportID string) (io.ReadCloser, int64, error) {
	obj, err := d.s3.GetObject(ctx, d.bucket, ArchiveKey(t, exportID), minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, err
	}
	st, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, 0, errs.ErrNotFound
		}
		return nil, 0, err
	}
	return obj, st.Size, nil
}

// Manifest opens every archive and says what it holds.
type Manifest struct {
	Format      int              `json:"format"`
	ExportID    string           `json:"exportId"`
	Town        tenancy.TownCode `json:"town"`
	Database    string           `json:"database"`
	By          string           `json:"by"`
	At          time.Time        `json:"at"`
	Collections map[string]int64 `json:"collections"` // name → documents
	Objects     int              `json:"objects"`
	Platform    []string         `json:"platform"`
}

// Export streams a tar.gz into the export store while writing it: manifest.json, the
// control-plane records under platform/, each collection of the town's database as
// database/<collection>.jsonl (canonical Extended JSON, one document a line), and every
// object under objects/<key>. Nothing is held in memory whole; each collection is staged in
// a temporary file because a tar entry needs its size first.
func (d *TownData) Export(ctx context.Context, req app.ExportRequest, progress func(done, total int)) (job.Result, error) {
	db := d.store.Mongo().Database(req.Town.Database())
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return job.Result{}, storeErr(err)
	}
	slices.Sort(names)
	var infos []objects.Info
	for info, err := range d.objects.ListTown(ctx, req.Town) {
		if err != nil {
			return job.Result{}, err
		}
		infos = append(infos, info)
	}
	total := len(names) + len(infos)
	progress(0, total)

	pr, pw := io.Pipe()
	var res job.Result
	go func() {
		pw.CloseWithError(d.writeArchive(ctx, pw, req, names, infos, &res, func(done int) { progress(done, total) }))
	}()
	key := ArchiveKey(req.Town, req.ID)
	info, err := d.s3.PutObject(ctx, d.bucket, key, pr, -1, minio.PutObjectOptions{
		ContentType: "application/gzip",
		PartSize:    objects.PartSize,
	})
	_ = pr.CloseWithError(err) // stops the writer when the upload failed first
	if err != nil {
		return job.Result{}, fmt.Errorf("export %s: %w", req.Town, err)
	}
	res.ArchiveKey, res.ArchiveSize = key, info.Size
	return res, nil
}

func (d *TownData) writeArchive(ctx context.Context, w io.Writer, req app.ExportRequest, names []string,
	infos []objects.Info, res *job.Result, progress func(done int)) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	m := Manifest{Format: 1, ExportID: req.ID, Town: req.Town, Database: req.Town.Database(), By: req.By,
		At: req.At, Collections: map[string]int64{}, Objects: len(infos)}

	files := map[string][]byte{}
	for name, v := range req.Platform {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		files["platform/"+name] = b
		m.Platform = append(m.Platform, name)
	}
	slices.Sort(m.Platform)

	staged := make([]*os.File, 0, len(names))
	defer func() {
		for _, f := range staged {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	done := 0
	for _, name := range names {
		f, n, err := d.stageCollection(ctx, req.Town, name)
		if f != nil {
			staged = append(staged, f)
		}
		if err != nil {
			return err
		}
		m.Collections[name] = n
		res.Documents += n
	}
	res.Collections, res.Objects = len(names), len(infos)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := addBytes(tw, "manifest.json", mb, req.At); err != nil {
		return err
	}
	for _, name := range m.Platform {
		if err := addBytes(tw, "platform/"+name, files["platform/"+name], req.At); err != nil {
			return err
		}
	}
	for i, f := range staged {
		if err := addFile(tw, "database/"+names[i]+".jsonl", f, req.At); err != nil {
			return err
		}
		done++
		progress(done)
	}
	townCtx := tenancy.WithTown(ctx, req.Town)
	for _, info := range infos {
		if err := d.addObject(townCtx, tw, info); err != nil {
			return err
		}
		done++
		progress(done)
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func (d *TownData) stageCollection(ctx context.Context, t tenancy.TownCode, name string) (*os.File, int64, error) {
	f, err := os.CreateTemp(d.tmpDir, "dundian-export-*.jsonl")
	if err != nil {
		return nil, 0, err
	}
	cur, err := d.store.Mongo().Database(t.Database()).Collection(name).Find(ctx, bson.D{})
	if err != nil {
		return f, 0, storeErr(err)
	}
	defer cur.Close(ctx)
	var n int64
	for cur.Next(ctx) {
		line, err := bson.MarshalExtJSON(cur.Current, true, false)
		if err != nil {
			return f, n, err
		}
		if _, err := f.Write(append(line, '\n')); err != nil {
			return f, n, err
		}
		n++
	}
	if err := cur.Err(); err != nil {
		return f, n, storeErr(err)
	}
	_, err = f.Seek(0, io.SeekStart)
	return f, n, err
}

func (d *TownData) addObject(ctx context.Context, tw *tar.Writer, info objects.Info) error {
	r, got, err := d.objects.Get(ctx, info.Key)
	if errors.Is(err, errs.ErrNotFound) {
		return nil // removed since the listing: it is no longer part of the town
	}
	if err != nil {
		return err
	}
	defer r.Close()
	hdr := &tar.Header{Name: "objects/" + info.Key.String(), Mode: 0o600, Size: got.Size, ModTime: got.LastModified,
		PAXRecords: map[string]string{"DUNDIAN.content-type": got.ContentType}}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, r)
	return err
}

func addBytes(tw *tar.Writer, name string, b []byte, at time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: at}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func addFile(tw *tar.Writer, name string, f *os.File, at time.Time) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: at}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}
