// Package h264 makes still-picture H.264 streams cheaply.
//
// A slide is one picture shown for many frames. Encoding that picture once as
// an IDR frame and then emitting "skip" frames — P frames in which every
// macroblock is P_Skip, i.e. an exact copy of the previous frame — gives a
// standard, constant-frame-rate H.264 stream whose cost does not depend on how
// long the slide stays up. A skip frame is a dozen bytes and is written here,
// in Go, from the parameter sets of the encoded IDR frame. This is the core of
// tecno's fast build: the encoder runs once per distinct picture, never once
// per displayed frame.
//
// The IDR frame must be CAVLC-coded (x264: cabac=0) so that the skip slice is
// a plain Exp-Golomb mb_skip_run. Streams that do not fit the supported subset
// are rejected by ParseStill, and callers fall back to a full encode.
package h264

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// NAL unit types used here.
const (
	nalSlice = 1
	nalIDR   = 5
	nalSEI   = 6
	nalSPS   = 7
	nalPPS   = 8
	nalAUD   = 9
)

var startCode = []byte{0, 0, 0, 1}

// SplitNALs splits an Annex B byte stream into NAL units (without start
// codes).
func SplitNALs(b []byte) [][]byte {
	var nals [][]byte
	i := 0
	// Find the first start code.
	start := -1
	for i+3 <= len(b) {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				end := i
				// A 4-byte start code's leading zero belongs to it, and so
				// do trailing_zero_8bits.
				for end > start && b[end-1] == 0 {
					end--
				}
				nals = append(nals, b[start:end])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 && start < len(b) {
		nals = append(nals, b[start:])
	}
	return nals
}

// SPS holds the sequence parameter set fields the skip-slice writer needs.
type SPS struct {
	ID                 uint32
	ChromaArrayType    uint32
	Log2MaxFrameNum    int
	POCType            uint32
	Log2MaxPOCLsb      int
	MaxNumRefFrames    uint32
	WidthMbs           uint32
	HeightMapUnits     uint32
	FrameMbsOnly       bool
	separateColorPlane bool
}

// PPS holds the picture parameter set fields the skip-slice writer needs.
type PPS struct {
	ID                     uint32
	SPSID                  uint32
	CABAC                  bool
	BottomFieldPOCPresent  bool
	WeightedPred           bool
	DeblockingControl      bool
	RedundantPicCntPresent bool
}

// Still is one coded picture (an IDR access unit with its parameter sets)
// that can be repeated for any number of frames.
type Still struct {
	au  []byte // Annex B: SPS, PPS, IDR slice(s)
	sps SPS
	pps PPS
	ps  []byte // Annex B: SPS and PPS only, to compare streams

	psKey string // ps as a string, the skip frame memo's key
}

// ErrUnsupported reports an encoded picture outside the subset this package
// can extend with skip frames.
var ErrUnsupported = errors.New("h264: unsupported stream for skip frames")

// ParseStill takes an encoder's Annex B output and keeps its first access
// unit, which must be an IDR picture preceded by its SPS and PPS.
func ParseStill(annexB []byte) (*Still, error) {
	var (
		s      Still
		au     bytes.Buffer
		ps     bytes.Buffer
		gotSPS bool
		gotPPS bool
		gotIDR bool
	)
	for _, nal := range SplitNALs(annexB) {
		if len(nal) == 0 {
			continue
		}
		typ := nal[0] & 0x1f
		if gotIDR && typ != nalIDR {
			break // the first access unit is complete
		}
		switch typ {
		case nalSPS:
			sps, err := parseSPS(unescape(nal[1:]))
			if err != nil {
				return nil, err
			}
			s.sps, gotSPS = sps, true
			ps.Write(startCode)
			ps.Write(nal)
		case nalPPS:
			pps, err := parsePPS(unescape(nal[1:]))
			if err != nil {
				return nil, err
			}
			s.pps, gotPPS = pps, true
			ps.Write(startCode)
			ps.Write(nal)
		case nalIDR:
			gotIDR = true
		case nalSEI, nalAUD:
			continue // encoder banners and delimiters are not needed
		default:
			return nil, fmt.Errorf("%w: unexpected NAL type %d before the IDR picture", ErrUnsupported, typ)
		}
		au.Write(startCode)
		au.Write(nal)
	}
	switch {
	case !gotSPS || !gotPPS:
		return nil, fmt.Errorf("%w: missing SPS or PPS", ErrUnsupported)
	case !gotIDR:
		return nil, fmt.Errorf("%w: no IDR picture", ErrUnsupported)
	case s.pps.CABAC:
		return nil, fmt.Errorf("%w: CABAC entropy coding (encode with cabac=0)", ErrUnsupported)
	case s.pps.SPSID != s.sps.ID:
		return nil, fmt.Errorf("%w: PPS refers to another SPS", ErrUnsupported)
	case s.sps.POCType == 1:
		return nil, fmt.Errorf("%w: picture order count type 1", ErrUnsupported)
	case !s.sps.FrameMbsOnly:
		return nil, fmt.Errorf("%w: interlaced coding", ErrUnsupported)
	case s.sps.separateColorPlane:
		return nil, fmt.Errorf("%w: separate colour planes", ErrUnsupported)
	case s.sps.MaxNumRefFrames == 0:
		return nil, fmt.Errorf("%w: no reference frames allowed", ErrUnsupported)
	}
	s.au = au.Bytes()
	s.ps = ps.Bytes()
	s.psKey = string(s.ps)
	return &s, nil
}

// Bytes returns the access unit of the IDR picture (Annex B).
func (s *Still) Bytes() []byte { return s.au }

// Compatible reports whether two stills can share one stream: their
// parameter sets must be identical.
func (s *Still) Compatible(o *Still) bool { return bytes.Equal(s.ps, o.ps) }

// MacroblockCount is the number of macroblocks in a picture.
func (s *Still) MacroblockCount() int {
	return int(s.sps.WidthMbs * s.sps.HeightMapUnits)
}

// skipKey names a skip frame: it depends only on the parameter sets and
// the frame's distance from the IDR picture.
type skipKey struct {
	ps string
	n  int
}

// skipFrames remembers skip frames already written: a lesson repeats the
// same few hundred (one per position in a GOP) tens of thousands of times.
var skipFrames sync.Map // skipKey → []byte

// SkipFrame returns the Annex B bytes of a P frame that repeats the previous
// picture exactly; n is the frame's distance from the IDR picture (n ≥ 1).
// The result is shared: callers must not modify it.
func (s *Still) SkipFrame(n int) []byte {
	// Only frame_num (n modulo MaxFrameNum) and the picture order count
	// (2n modulo MaxPicOrderCntLsb) depend on n, so frames a period apart
	// are the same bytes, and the memo stays small however long a lesson.
	period := 1 << uint(s.sps.Log2MaxFrameNum)
	if s.sps.POCType == 0 {
		lsb := 1 << uint(s.sps.Log2MaxPOCLsb)
		period = lcm(period, max(lsb/2, 1))
	}
	n = (n-1)%period + 1 // in 1..period, so never the IDR's 0
	key := s.psKey
	if key == "" {
		key = string(s.ps)
	}
	k := skipKey{key, n}
	if b, ok := skipFrames.Load(k); ok {
		return b.([]byte)
	}
	b := s.skipFrame(n)
	skipFrames.Store(k, b)
	return b
}

func lcm(a, b int) int {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x * b
}

func (s *Still) skipFrame(n int) []byte {
	sps, pps := &s.sps, &s.pps
	var w bitWriter
	w.ue(0)      // first_mb_in_slice
	w.ue(5)      // slice_type: P, all slices of the picture
	w.ue(pps.ID) // pic_parameter_set_id
	maxFrameNum := 1 << uint(sps.Log2MaxFrameNum)
	w.u(sps.Log2MaxFrameNum, uint32(n%maxFrameNum)) // frame_num
	if sps.POCType == 0 {
		maxLsb := 1 << uint(sps.Log2MaxPOCLsb)
		w.u(sps.Log2MaxPOCLsb, uint32((2*n)%maxLsb)) // pic_order_cnt_lsb
		if pps.BottomFieldPOCPresent {
			w.se(0) // delta_pic_order_cnt_bottom
		}
	}
	if pps.RedundantPicCntPresent {
		w.ue(0)
	}
	w.flag(true)  // num_ref_idx_active_override_flag
	w.ue(0)       // num_ref_idx_l0_active_minus1: one reference
	w.flag(false) // ref_pic_list_modification_flag_l0
	if pps.WeightedPred {
		w.ue(0) // luma_log2_weight_denom
		if sps.ChromaArrayType != 0 {
			w.ue(0) // chroma_log2_weight_denom
		}
		w.flag(false) // luma_weight_l0_flag
		if sps.ChromaArrayType != 0 {
			w.flag(false) // chroma_weight_l0_flag
		}
	}
	w.flag(false) // adaptive_ref_pic_marking_mode_flag: sliding window
	w.se(0)       // slice_qp_delta
	if pps.DeblockingControl {
		w.ue(1) // disable_deblocking_filter_idc: nothing to filter anyway
	}
	w.ue(uint32(s.MacroblockCount())) // mb_skip_run: every macroblock
	w.trailing()

	out := make([]byte, 0, len(w.b)+8)
	out = append(out, startCode...)
	out = append(out, 0x40|nalSlice) // nal_ref_idc 2, non-IDR slice
	return append(out, escape(w.b)...)
}

// WriteFrames writes frames pictures of s: the IDR picture, then skip frames,
// repeating the IDR picture every gop frames so players can seek. gop ≤ 0
// means a single IDR picture.
func (s *Still) WriteFrames(w io.Writer, frames, gop int) error {
	n := 0
	for i := 0; i < frames; i++ {
		var b []byte
		if n == 0 {
			b = s.au
		} else {
			b = s.SkipFrame(n)
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

func parseSPS(rbsp []byte) (SPS, error) {
	var s SPS
	r := &bitReader{b: rbsp}
	profile, err := r.u(8)
	if err != nil {
		return s, err
	}
	if _, err := r.u(16); err != nil { // constraint flags, level_idc
		return s, err
	}
	if s.ID, err = r.ue(); err != nil {
		return s, err
	}
	s.ChromaArrayType = 1
	switch profile {
	case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
		cf, err := r.ue()
		if err != nil {
			return s, err
		}
		s.ChromaArrayType = cf
		if cf == 3 {
			if s.separateColorPlane, err = r.flag(); err != nil {
				return s, err
			}
			if s.separateColorPlane {
				s.ChromaArrayType = 0
			}
		}
		if _, err := r.ue(); err != nil { // bit_depth_luma_minus8
			return s, err
		}
		if _, err := r.ue(); err != nil { // bit_depth_chroma_minus8
			return s, err
		}
		if _, err := r.u(1); err != nil { // qpprime_y_zero_transform_bypass_flag
			return s, err
		}
		present, err := r.flag()
		if err != nil {
			return s, err
		}
		if present {
			lists := 8
			if cf == 3 {
				lists = 12
			}
			for i := 0; i < lists; i++ {
				p, err := r.flag()
				if err != nil {
					return s, err
				}
				if !p {
					continue
				}
				size := 16
				if i >= 6 {
					size = 64
				}
				last, next := int32(8), int32(8)
				for j := 0; j < size; j++ {
					if next != 0 {
						d, err := r.se()
						if err != nil {
							return s, err
						}
						next = (last + d + 256) % 256
					}
					if next != 0 {
						last = next
					}
				}
			}
		}
	}
	v, err := r.ue()
	if err != nil {
		return s, err
	}
	s.Log2MaxFrameNum = int(v) + 4
	if s.POCType, err = r.ue(); err != nil {
		return s, err
	}
	switch s.POCType {
	case 0:
		v, err := r.ue()
		if err != nil {
			return s, err
		}
		s.Log2MaxPOCLsb = int(v) + 4
	case 1:
		return s, nil // rejected by ParseStill
	}
	if s.MaxNumRefFrames, err = r.ue(); err != nil {
		return s, err
	}
	if _, err := r.u(1); err != nil { // gaps_in_frame_num_value_allowed_flag
		return s, err
	}
	if v, err = r.ue(); err != nil {
		return s, err
	}
	s.WidthMbs = v + 1
	if v, err = r.ue(); err != nil {
		return s, err
	}
	s.HeightMapUnits = v + 1
	if s.FrameMbsOnly, err = r.flag(); err != nil {
		return s, err
	}
	if s.Log2MaxFrameNum > 16 || s.Log2MaxPOCLsb > 16 {
		return s, fmt.Errorf("%w: bad SPS field sizes", ErrUnsupported)
	}
	return s, nil
}

func parsePPS(rbsp []byte) (PPS, error) {
	var p PPS
	r := &bitReader{b: rbsp}
	var err error
	if p.ID, err = r.ue(); err != nil {
		return p, err
	}
	if p.SPSID, err = r.ue(); err != nil {
		return p, err
	}
	if p.CABAC, err = r.flag(); err != nil {
		return p, err
	}
	if p.BottomFieldPOCPresent, err = r.flag(); err != nil {
		return p, err
	}
	groups, err := r.ue()
	if err != nil {
		return p, err
	}
	if groups != 0 {
		return p, fmt.Errorf("%w: slice groups", ErrUnsupported)
	}
	if _, err := r.ue(); err != nil { // num_ref_idx_l0_default_active_minus1
		return p, err
	}
	if _, err := r.ue(); err != nil { // num_ref_idx_l1_default_active_minus1
		return p, err
	}
	if p.WeightedPred, err = r.flag(); err != nil {
		return p, err
	}
	if _, err := r.u(2); err != nil { // weighted_bipred_idc
		return p, err
	}
	for i := 0; i < 3; i++ { // pic_init_qp, pic_init_qs, chroma_qp_index_offset
		if _, err := r.se(); err != nil {
			return p, err
		}
	}
	if p.DeblockingControl, err = r.flag(); err != nil {
		return p, err
	}
	if _, err := r.u(1); err != nil { // constrained_intra_pred_flag
		return p, err
	}
	if p.RedundantPicCntPresent, err = r.flag(); err != nil {
		return p, err
	}
	return p, nil
}
