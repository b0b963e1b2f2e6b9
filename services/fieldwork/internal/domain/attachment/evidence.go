package attachment

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"time"

	"github.com/rwcarlsen/goexif/exif"

	"dundian.local/libs/calendar"
	"dundian.local/libs/uploads"
)

// PhotoEvidence is what a photo's camera recorded: when, and where. It is kept only where the
// town collects location evidence, shown only to the town office, and never in the served copy.
type PhotoEvidence struct {
	Taken *time.Time `json:"taken,omitempty" bson:"taken,omitempty"`
	Lat   *float64   `json:"lat,omitempty" bson:"lat,omitempty"`
	Lng   *float64   `json:"lng,omitempty" bson:"lng,omitempty"`
}

// exifTime is how EXIF writes a time; it carries no zone, and a phone in the county is on
// Beijing time.
const exifTime = "2006:01:02 15:04:05"

// ReadEvidence reads the camera's time and GPS position from an EXIF block (as Strip returns
// it); nil when the block holds neither. A damaged block is no evidence, not an error: the
// photo itself is fine.
func ReadEvidence(block []byte) *PhotoEvidence {
	if len(block) == 0 || !exifBounded(block) {
		return nil
	}
	x, err := exif.Decode(bytes.NewReader(block))
	if err != nil {
		return nil
	}
	var ev PhotoEvidence
	for _, name := range []exif.FieldName{exif.DateTimeOriginal, exif.DateTime} {
		tag, err := x.Get(name)
		if err != nil {
			continue
		}
		s, err := tag.StringVal()
		if err != nil {
			continue
		}
		if at, err := time.ParseInLocation(exifTime, strings.TrimSpace(s), calendar.Beijing); err == nil {
			at = at.UTC()
			ev.Taken = &at
			break
		}
	}
	if lat, lng, err := x.LatLong(); err == nil && validPosition(lat, lng) {
		ev.Lat, ev.Lng = &lat, &lng
	}
	if ev.Taken == nil && ev.Lat == nil {
		return nil
	}
	return &ev
}

func validPosition(lat, lng float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lng) && math.Abs(lat) <= 90 && math.Abs(lng) <= 180 && (lat != 0 || lng != 0)
}

// exifBounded walks the directories of an EXIF block (a TIFF structure, after the "Exif\0\0"
// of a JPEG segment) before goexif reads it. goexif sizes a tag's values by the count the tag
// declares, whatever the block holds — 30 bytes declaring a billion values cost it 8 GB — and
// follows a loop of directories forever. A tag declaring more values than the block has bytes,
// or a directory reached twice, makes the block no evidence.
func exifBounded(block []byte) bool {
	b := bytes.TrimPrefix(block, uploads.ExifHeader)
	if len(b) < 8 {
		return false
	}
	var order binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return false
	}
	size := int64(len(b))
	pending, seen := []int64{int64(order.Uint32(b[4:]))}, map[int64]bool{}
	for len(pending) > 0 {
		dir := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		if dir == 0 || dir+2 > size {
			continue // no directory, or one goexif fails to read without allocating
		}
		if seen[dir] {
			return false
		}
		seen[dir] = true
		n := max(int64(int16(order.Uint16(b[dir:]))), 0) // goexif reads the count as signed
		for i := int64(0); i < n && dir+2+i*12+12 <= size; i++ {
			e := b[dir+2+i*12:]
			if int64(order.Uint32(e[4:])) > size {
				return false
			}
			switch order.Uint16(e) {
			case 0x8769, 0x8825, 0xa005: // the Exif, GPS and interoperability sub-directories
				pending = append(pending, int64(order.Uint32(e[8:])))
			}
		}
		if next := dir + 2 + n*12; next+4 <= size {
			pending = append(pending, int64(order.Uint32(b[next:])))
		}
	}
	return true
}
