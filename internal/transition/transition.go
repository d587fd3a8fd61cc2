// Package transition draws the frames of a scene transition in Go: a
// crossfade, a fade through black, a wipe or a slide from one picture to
// the next. Only these few frames are encoded (see package build).
//
// The frames are drawn in Y'CbCr 4:2:0, limited range (what the encoder
// takes, so they go to it without conversion), between the two encoded
// stills as decoded: the transition starts and ends exactly on the
// pictures shown before and after it. Measured on 2 cores, this costs
// about a quarter of blending the rendered PNGs in an ffmpeg filter graph
// (xfade), whose image inputs decode the PNG again for every frame and
// convert every blended frame from RGB.
package transition

import "fmt"

// Kinds lists the transitions (tecno's names; a cut has no frames).
var Kinds = []string{"fade", "crossfade", "slide-left", "wipe"}

// Frame is a picture in planar Y'CbCr 4:2:0 (I420): the Y plane, then Cb
// and Cr at half width and height. W and H are even.
type Frame struct {
	W, H int
	Pix  []byte
}

// Size is the byte length of a W×H frame.
func Size(w, h int) int { return w*h + 2*(w/2)*(h/2) }

// planes returns a frame's planes with their widths.
func planes(pix []byte, w, h int) (p [3][]byte, pw [3]int) {
	cw, ch := w/2, h/2
	p[0], p[1], p[2] = pix[:w*h], pix[w*h:w*h+cw*ch], pix[w*h+cw*ch:w*h+2*cw*ch]
	return p, [3]int{w, cw, cw}
}

// black is the limited-range black of each plane.
var black = [3]int32{16, 128, 128}

// Frames calls emit with n frames going from a to b (same size). Frame k
// shows progress (k+1)/(n+1): neither a nor b itself, so the frames just
// before and after the transition are the two stills. The buffer passed to
// emit is reused for the next frame.
func Frames(a, b Frame, kind string, n int, emit func(i420 []byte) error) error {
	if a.W != b.W || a.H != b.H || a.W%2 != 0 || a.H%2 != 0 || len(a.Pix) != Size(a.W, a.H) || len(b.Pix) != Size(b.W, b.H) {
		return fmt.Errorf("transition: frames of %dx%d and %dx%d do not match", a.W, a.H, b.W, b.H)
	}
	buf := make([]byte, len(a.Pix))
	pa, widths := planes(a.Pix, a.W, a.H)
	pb, _ := planes(b.Pix, b.W, b.H)
	out, _ := planes(buf, a.W, a.H)
	for k := 0; k < n; k++ {
		p := float64(k+1) / float64(n+1)
		for c := 0; c < 3; c++ {
			w := widths[c]
			switch kind {
			case "crossfade":
				blend(out[c], pa[c], pb[c], p)
			case "fade":
				// Out to black over the first half, in from black over the
				// second.
				if p < 0.5 {
					toward(out[c], pa[c], black[c], 2*p)
				} else {
					toward(out[c], pb[c], black[c], 2-2*p)
				}
			case "wipe":
				// b is uncovered from the right edge leftwards; the edge
				// falls on an even luma column so the planes agree.
				edge := 2 * int(float64(a.W/2)*(1-p)+0.5)
				if c > 0 {
					edge /= 2
				}
				for row := 0; row+w <= len(out[c]); row += w {
					copy(out[c][row:row+edge], pa[c][row:row+edge])
					copy(out[c][row+edge:row+w], pb[c][row+edge:row+w])
				}
			case "slide-left":
				// a moves out to the left as b comes in from the right.
				shift := 2 * int(float64(a.W/2)*p+0.5)
				if c > 0 {
					shift /= 2
				}
				for row := 0; row+w <= len(out[c]); row += w {
					copy(out[c][row:row+w-shift], pa[c][row+shift:row+w])
					copy(out[c][row+w-shift:row+w], pb[c][row:row+shift])
				}
			default:
				return fmt.Errorf("transition: unknown kind %q", kind)
			}
		}
		if err := emit(buf); err != nil {
			return err
		}
	}
	return nil
}

// blend writes a·(1-p) + b·p, in 8-bit fixed point.
func blend(dst, a, b []byte, p float64) {
	wb := uint32(p*256 + 0.5)
	wa := 256 - wb
	b = b[:len(a)]
	dst = dst[:len(a)]
	for i, v := range a {
		dst[i] = byte((uint32(v)*wa + uint32(b[i])*wb + 128) >> 8)
	}
}

// toward writes a moved toward the value v by p (0: a, 1: v).
func toward(dst, a []byte, v int32, p float64) {
	wv := int32(p*256 + 0.5)
	wa := 256 - wv
	dst = dst[:len(a)]
	for i, x := range a {
		dst[i] = byte((int32(x)*wa + v*wv + 128) >> 8)
	}
}
