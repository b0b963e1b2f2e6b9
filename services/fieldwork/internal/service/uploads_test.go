package service_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"dundian.local/libs/auth"
	"dundian.local/libs/events"
	"dundian.local/libs/process"
	"dundian.local/libs/process/processtest"
	"dundian.local/libs/tenancy"
	"dundian.local/libs/testkit"
	"dundian.local/services/fieldwork/internal/app"
	"dundian.local/services/fieldwork/internal/service"
	"dundian.local/services/fieldwork/internal/testphoto"
)

func TestUploads_AbandonedOnesAreSweptWithTheirFiles(t *testing.T) {
	t.Parallel()
	var a app.Application
	s := processtest.Start(t, service.Name, func(ctx context.Context, p *process.Process) error {
		var err error
		a, err = service.New(ctx, p)
		return err
	})
	town := testkit.NewTown(t)
	community := string(town) + "201"
	c1 := cadre(town, "c1")
	photo := pngBytes(t)

	kept, abandoned, failed := uuid.NewString(), uuid.NewString(), uuid.NewString()
	for _, id := range []string{kept, abandoned} {
		r := upload(t, s, c1, id, "走访.png", bytes.NewReader(photo), int64(len(photo)))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	}
	r := s.Do(t, c1, http.MethodPost, base(town)+"/work-logs", map[string]any{
		"community": community, "date": day(1).String(), "text": "走访困难户", "attachments": []string{kept}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	// An upload that stored its file and failed before its record: listed, with no record.
	_, err := testkit.Minio(t).PutObject(context.Background(), testkit.Stack(t).S3Bucket,
		string(town)+"/fieldwork/attachment/"+failed, bytes.NewReader(photo), int64(len(photo)), minio.PutObjectOptions{})
	require.NoError(t, err)
	pending := testkit.Mongo(t).Database(tenancy.CountyDatabase).Collection("fieldwork_pending_uploads")
	_, err = pending.InsertOne(context.Background(), bson.D{{Key: "_id", Value: string(town) + "|" + failed},
		{Key: "town", Value: town}, {Key: "upload", Value: failed}, {Key: "started", Value: time.Now()}})
	require.NoError(t, err)

	ofTown := bson.D{{Key: "town", Value: town}}
	n, err := pending.CountDocuments(context.Background(), ofTown)
	require.NoError(t, err)
	require.EqualValues(t, 2, n, "the attached upload left the list; the abandoned and the failed remain")

	// Nothing is due within the grace period; then this town's uploads are made old.
	settled, err := a.Commands.SweepUploads.Handle(context.Background(), time.Now())
	require.NoError(t, err)
	require.True(t, objectExists(t, town, abandoned) && objectExists(t, town, failed), "settled %d too early", settled)
	_, err = pending.UpdateMany(context.Background(), ofTown, bson.D{{Key: "$set", Value: bson.D{{Key: "started", Value: time.Now().Add(-72 * time.Hour)}}}})
	require.NoError(t, err)
	_, err = a.Commands.SweepUploads.Handle(context.Background(), time.Now())
	require.NoError(t, err)

	require.True(t, objectExists(t, town, kept), "an attached upload keeps its file")
	require.False(t, objectExists(t, town, abandoned), "an abandoned upload loses its file")
	thumbs := minio.ListObjectsOptions{Prefix: string(town) + "/fieldwork/thumbnail/", Recursive: true}
	var left []string
	for o := range testkit.Minio(t).ListObjects(context.Background(), testkit.Stack(t).S3Bucket, thumbs) {
		require.NoError(t, o.Err)
		left = append(left, o.Key)
	}
	require.Equal(t, []string{string(town) + "/fieldwork/thumbnail/" + kept}, left, "only the kept photo's thumbnail remains")
	require.False(t, objectExists(t, town, failed), "a failed upload's file is removed")
	n, err = pending.CountDocuments(context.Background(), ofTown)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, http.StatusNotFound, s.Do(t, c1, http.MethodGet, base(town)+"/attachments/"+abandoned, nil).Status)
	r = s.Do(t, c1, http.MethodPost, base(town)+"/work-logs", map[string]any{
		"community": community, "date": day(1).String(), "text": "补记", "attachments": []string{abandoned}})
	require.Equal(t, http.StatusNotFound, r.Status, "a discarded upload cannot be attached: %s", r.Body)
	require.Equal(t, http.StatusOK, s.Do(t, c1, http.MethodGet, base(town)+"/attachments/"+kept, nil).Status)
}

func TestAttachments_ThumbnailAndEvidenceForTheOfficeOnly(t *testing.T) {
	t.Parallel()
	s := fieldwork(t)
	plain, collecting := testkit.NewTown(t), testkit.NewTown(t)
	ev := events.MustNew(events.SettingsChanged, collecting, "office", "settings", map[string]any{
		"town": collecting, "locationEvidence": "optional"})
	ev.Rev = 2
	publish(t, ev)
	photo := testphoto.JPEG(testphoto.Exif("2026:05:12 09:30:00", [3]uint32{38, 51, 0}, [3]uint32{114, 9, 0}))

	type shown struct {
		Thumbnail bool `json:"thumbnail"`
		Evidence  *struct {
			Taken *time.Time `json:"taken"`
			Lat   *float64   `json:"lat"`
		} `json:"evidence"`
	}
	get := func(p auth.Principal, id string) shown {
		r := s.Do(t, p, http.MethodGet, base(p.Town)+"/attachments/"+id, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var a shown
		r.JSON(t, &a)
		return a
	}

	// Where the town collects location evidence, the camera's time and place are kept.
	var id string
	testkit.Eventually(t, 60*time.Second, func() bool {
		id = uuid.NewString()
		r := upload(t, s, cadre(collecting, "c1"), id, "走访.jpg", bytes.NewReader(photo), int64(len(photo)))
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		return get(office(collecting), id).Evidence != nil
	})
	a := get(office(collecting), id)
	require.InDelta(t, 38.85, *a.Evidence.Lat, 1e-9)
	require.Equal(t, time.Date(2026, 5, 12, 1, 30, 0, 0, time.UTC), a.Evidence.Taken.UTC())
	require.Nil(t, get(cadre(collecting, "c1"), id).Evidence, "evidence is the office's, not shown to others")
	require.True(t, a.Thumbnail)

	r := s.Do(t, cadre(collecting, "c1"), http.MethodGet, base(collecting)+"/attachments/"+id+"/thumbnail", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	thumb, err := jpeg.Decode(bytes.NewReader(r.Body))
	require.NoError(t, err)
	require.Equal(t, 480, thumb.Bounds().Dx(), "640×480 fits 480 a side")
	require.NotContains(t, string(r.Body), "Exif", "the thumbnail carries no metadata")
	require.Equal(t, http.StatusNotFound, s.Do(t, cadre(collecting, "c2"), http.MethodGet, base(collecting)+"/attachments/"+id+"/thumbnail", nil).Status,
		"another cadre does not see an unattached photo")

	// Where the town does not, nothing of it is kept.
	pid := uuid.NewString()
	r = upload(t, s, cadre(plain, "c1"), pid, "走访.jpg", bytes.NewReader(photo), int64(len(photo)))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.Nil(t, get(office(plain), pid).Evidence)

	// A document has no thumbnail.
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	did := uuid.NewString()
	r = upload(t, s, cadre(plain, "c1"), did, "报告.pdf", bytes.NewReader(pdf), int64(len(pdf)))
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	r = s.Do(t, cadre(plain, "c1"), http.MethodGet, base(plain)+"/attachments/"+did+"/thumbnail", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, "attachment-no-thumbnail", problemCode(t, r))
}
