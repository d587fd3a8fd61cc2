package h264

import (
	"encoding/binary"
	"io"
)

// IVFWriter writes H.264 access units into an IVF container. IVF carries a
// time base and a timestamp per frame, which gives ffmpeg exact constant
// frame-rate timestamps to copy into MP4 (a raw Annex B stream would make
// ffmpeg guess them, and it rounds).
type IVFWriter struct {
	w   io.Writer
	pts uint64
	hdr [12]byte
}

// NewIVFWriter writes the IVF file header. frames may be 0 when unknown.
func NewIVFWriter(w io.Writer, width, height, fps, frames int) (*IVFWriter, error) {
	return NewIVFWriterCodec(w, "H264", width, height, fps, frames)
}

// NewIVFWriterCodec writes the header of an IVF file holding another codec,
// named by its four-character code ("VP90" for VP9).
func NewIVFWriterCodec(w io.Writer, fourcc string, width, height, fps, frames int) (*IVFWriter, error) {
	var h [32]byte
	copy(h[0:4], "DKIF")
	binary.LittleEndian.PutUint16(h[4:], 0)  // version
	binary.LittleEndian.PutUint16(h[6:], 32) // header size
	copy(h[8:12], fourcc)
	binary.LittleEndian.PutUint16(h[12:], uint16(width))
	binary.LittleEndian.PutUint16(h[14:], uint16(height))
	binary.LittleEndian.PutUint32(h[16:], uint32(fps)) // time base denominator
	binary.LittleEndian.PutUint32(h[20:], 1)           // time base numerator
	binary.LittleEndian.PutUint32(h[24:], uint32(frames))
	if _, err := w.Write(h[:]); err != nil {
		return nil, err
	}
	return &IVFWriter{w: w}, nil
}

// Write writes one access unit as the next frame. It implements io.Writer
// so Still.WriteFrames can target it: each Write call must be exactly one
// access unit.
func (v *IVFWriter) Write(au []byte) (int, error) {
	binary.LittleEndian.PutUint32(v.hdr[0:], uint32(len(au)))
	binary.LittleEndian.PutUint64(v.hdr[4:], v.pts)
	if _, err := v.w.Write(v.hdr[:]); err != nil {
		return 0, err
	}
	v.pts++
	return v.w.Write(au)
}

// Frames returns the number of frames written so far.
func (v *IVFWriter) Frames() int { return int(v.pts) }
