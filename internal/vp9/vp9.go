// Package vp9 makes still-picture VP9 streams cheaply, the way package h264
// does for H.264: each distinct picture is encoded once as a key frame, and
// every further frame that shows the same picture is a one-byte VP9 frame
// with show_existing_frame set, which tells the decoder to show reference
// slot 0 again (a key frame refreshes every slot). The encoder runs once per
// picture, never once per displayed frame, so a WebM lesson costs the same
// whether a slide stays up for 5 seconds or 5 minutes.
package vp9

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrUnsupported reports a frame outside what this package handles.
var ErrUnsupported = errors.New("vp9: unsupported frame")

// Header is what the uncompressed header of a frame says.
type Header struct {
	Profile      int
	ShowExisting bool
	KeyFrame     bool
	ShowFrame    bool
	Width        int // key frames only
	Height       int
}

type bits struct {
	b   []byte
	pos int
}

func (r *bits) u(n int) (int, error) {
	v := 0
	for i := 0; i < n; i++ {
		if r.pos >= len(r.b)*8 {
			return 0, fmt.Errorf("%w: truncated header", ErrUnsupported)
		}
		v = v<<1 | int(r.b[r.pos/8]>>(7-uint(r.pos%8))&1)
		r.pos++
	}
	return v, nil
}

// ParseHeader reads the start of a frame's uncompressed header.
func ParseHeader(frame []byte) (Header, error) {
	var h Header
	r := &bits{b: frame}
	marker, err := r.u(2)
	if err != nil {
		return h, err
	}
	if marker != 2 {
		return h, fmt.Errorf("%w: bad frame marker", ErrUnsupported)
	}
	lo, _ := r.u(1)
	hi, _ := r.u(1)
	h.Profile = hi<<1 | lo
	if h.Profile == 3 {
		if _, err := r.u(1); err != nil { // reserved_zero
			return h, err
		}
	}
	se, err := r.u(1)
	if err != nil {
		return h, err
	}
	if se == 1 {
		h.ShowExisting = true
		return h, nil
	}
	ft, err := r.u(1)
	if err != nil {
		return h, err
	}
	h.KeyFrame = ft == 0
	sf, err := r.u(1)
	if err != nil {
		return h, err
	}
	h.ShowFrame = sf == 1
	if _, err := r.u(1); err != nil { // error_resilient_mode
		return h, err
	}
	if !h.KeyFrame {
		return h, nil
	}
	sync, err := r.u(24)
	if err != nil {
		return h, err
	}
	if sync != 0x498342 {
		return h, fmt.Errorf("%w: bad key frame sync code", ErrUnsupported)
	}
	// color_config
	if h.Profile >= 2 {
		if _, err := r.u(1); err != nil { // ten_or_twelve_bit
			return h, err
		}
	}
	cs, err := r.u(3)
	if err != nil {
		return h, err
	}
	if cs != 7 { // not CS_RGB
		if _, err := r.u(1); err != nil { // color_range
			return h, err
		}
		if h.Profile == 1 || h.Profile == 3 {
			if _, err := r.u(3); err != nil { // subsampling_x, subsampling_y, reserved_zero
				return h, err
			}
		}
	} else if h.Profile == 1 || h.Profile == 3 {
		if _, err := r.u(1); err != nil {
			return h, err
		}
	}
	w, err := r.u(16)
	if err != nil {
		return h, err
	}
	hh, err := r.u(16)
	if err != nil {
		return h, err
	}
	h.Width, h.Height = w+1, hh+1
	return h, nil
}

// RepeatFrame returns the one-byte frame that shows reference slot 0
// again, for a stream of the given profile.
func RepeatFrame(profile int) []byte {
	// frame_marker = 2, profile_low_bit, profile_high_bit, reserved_zero
	// (profile 3 only), show_existing_frame = 1, frame_to_show_map_idx = 0;
	// zero bits pad the header to whole bytes.
	b := []int{1, 0, profile & 1, profile >> 1 & 1}
	if profile == 3 {
		b = append(b, 0)
	}
	b = append(b, 1, 0, 0, 0)
	out := make([]byte, (len(b)+7)/8)
	for i, v := range b {
		out[i/8] |= byte(v) << (7 - uint(i%8))
	}
	return out
}

// Still is one VP9 key frame that can be shown for any number of frames.
type Still struct {
	frame  []byte
	header Header
	repeat []byte
}

// ParseStill keeps the first frame of an IVF file, which must be a shown
// key frame.
func ParseStill(ivf []byte) (*Still, error) {
	frames, err := IVFFrames(ivf)
	if err != nil {
		return nil, err
	}
	if len(frames) == 0 {
		return nil, fmt.Errorf("%w: no frames", ErrUnsupported)
	}
	h, err := ParseHeader(frames[0])
	if err != nil {
		return nil, err
	}
	if !h.KeyFrame || !h.ShowFrame {
		return nil, fmt.Errorf("%w: the first frame is not a shown key frame", ErrUnsupported)
	}
	return &Still{frame: frames[0], header: h, repeat: RepeatFrame(h.Profile)}, nil
}

// Header returns the key frame's header.
func (s *Still) Header() Header { return s.header }

// Bytes returns the key frame.
func (s *Still) Bytes() []byte { return s.frame }

// Compatible reports whether two stills can share a stream: same size and
// profile.
func (s *Still) Compatible(o *Still) bool {
	return s.header.Profile == o.header.Profile && s.header.Width == o.header.Width && s.header.Height == o.header.Height
}

// WriteFrames writes frames frames of s: the key frame, then repeats, with
// the key frame again every gop frames so players can seek (gop ≤ 0: once).
// Each Write is one frame.
func (s *Still) WriteFrames(w io.Writer, frames, gop int) error {
	n := 0
	for i := 0; i < frames; i++ {
		b := s.repeat
		if n == 0 {
			b = s.frame
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		n++
		if gop > 0 && n == gop {
			n = 0
		}
	}
	return nil
}

// Clip is a run of frames starting with a key frame (a transition).
type Clip struct {
	frames [][]byte
	header Header
}

// ParseClip reads an IVF file whose first frame is a key frame. Every frame
// must be shown: hidden alternate reference frames would break the one
// packet per displayed frame that splicing needs (encode with
// -auto-alt-ref 0 -lag-in-frames 0).
func ParseClip(ivf []byte) (*Clip, error) {
	frames, err := IVFFrames(ivf)
	if err != nil {
		return nil, err
	}
	if len(frames) == 0 {
		return nil, fmt.Errorf("%w: no frames", ErrUnsupported)
	}
	h, err := ParseHeader(frames[0])
	if err != nil {
		return nil, err
	}
	if !h.KeyFrame {
		return nil, fmt.Errorf("%w: a clip must start with a key frame", ErrUnsupported)
	}
	for i, f := range frames {
		fh, err := ParseHeader(f)
		if err != nil {
			return nil, err
		}
		if !fh.ShowFrame && !fh.ShowExisting {
			return nil, fmt.Errorf("%w: frame %d is hidden (superframes are not supported)", ErrUnsupported, i)
		}
	}
	return &Clip{frames: frames, header: h}, nil
}

// Frames is the number of frames in the clip.
func (c *Clip) Frames() int { return len(c.frames) }

// Compatible reports whether the clip fits a stream of s's pictures.
func (c *Clip) Compatible(s *Still) bool {
	return c.header.Profile == s.header.Profile && c.header.Width == s.header.Width && c.header.Height == s.header.Height
}

// WriteFrames writes the first n frames, one Write per frame.
func (c *Clip) WriteFrames(w io.Writer, n int) error {
	if n > len(c.frames) {
		return fmt.Errorf("vp9: clip has %d frames, %d asked", len(c.frames), n)
	}
	for _, f := range c.frames[:n] {
		if _, err := w.Write(f); err != nil {
			return err
		}
	}
	return nil
}

// IVFFrames returns the frames of an IVF file.
func IVFFrames(ivf []byte) ([][]byte, error) {
	if len(ivf) < 32 || string(ivf[:4]) != "DKIF" {
		return nil, fmt.Errorf("%w: not an IVF file", ErrUnsupported)
	}
	hdr := int(binary.LittleEndian.Uint16(ivf[6:]))
	if hdr < 32 || hdr > len(ivf) {
		return nil, fmt.Errorf("%w: bad IVF header", ErrUnsupported)
	}
	var out [][]byte
	for p := hdr; p < len(ivf); {
		if p+12 > len(ivf) {
			return nil, fmt.Errorf("%w: truncated IVF frame header", ErrUnsupported)
		}
		n := int(binary.LittleEndian.Uint32(ivf[p:]))
		p += 12
		if n < 0 || p+n > len(ivf) {
			return nil, fmt.Errorf("%w: truncated IVF frame", ErrUnsupported)
		}
		out = append(out, ivf[p:p+n])
		p += n
	}
	return out, nil
}
