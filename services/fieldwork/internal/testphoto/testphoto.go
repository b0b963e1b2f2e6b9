// Package testphoto makes photos as phones write them, for fieldwork's tests.
package testphoto

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
)

// Exif is a real EXIF block, as a phone writes it into a JPEG's APP1 segment: the time
// the photo was taken and a GPS position (degrees, minutes, seconds).
func Exif(taken string, lat, lng [3]uint32) []byte {
	var b bytes.Buffer
	be := binary.BigEndian
	u16 := func(v uint16) { _ = binary.Write(&b, be, v) }
	u32 := func(v uint32) { _ = binary.Write(&b, be, v) }
	entry := func(tag, typ uint16, count, value uint32) { u16(tag); u16(typ); u32(count); u32(value) }
	b.WriteString("MM\x00*")
	u32(8)
	// IFD0 at 8: pointers to the EXIF and GPS directories.
	u16(2)
	entry(0x8769, 4, 1, 38)
	entry(0x8825, 4, 1, 76)
	u32(0)
	// EXIF directory at 38: DateTimeOriginal, its 20 bytes at 56.
	u16(1)
	entry(0x9003, 2, 20, 56)
	u32(0)
	b.WriteString(taken + "\x00")
	// GPS directory at 76: N latitude (rationals at 130), E longitude (rationals at 154).
	u16(4)
	entry(0x0001, 2, 2, uint32('N')<<24)
	entry(0x0002, 5, 3, 130)
	entry(0x0003, 2, 2, uint32('E')<<24)
	entry(0x0004, 5, 3, 154)
	u32(0)
	for _, v := range append(lat[:], lng[:]...) {
		u32(v)
		u32(1)
	}
	return append([]byte("Exif\x00\x00"), b.Bytes()...)
}

// JPEG is a small photo whose APP1 segment holds the EXIF block.
func JPEG(exif []byte) []byte {
	var j bytes.Buffer
	_ = jpeg.Encode(&j, image.NewRGBA(image.Rect(0, 0, 640, 480)), nil)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(exif)+2))
	out := append([]byte{0xff, 0xd8}, seg...)
	out = append(out, exif...)
	return append(out, j.Bytes()[2:]...)
}
