package mp4

import (
	"bytes"
	"errors"
	"fmt"
)

// NAL unit types used here.
const (
	nalSPS = 7
	nalPPS = 8
	nalAUD = 9
)

// nextNAL finds the next NAL unit of an Annex B buffer at or after *pos and
// advances *pos past it. Leading zero bytes of a 4-byte start code and
// trailing_zero_8bits are not part of the unit.
func nextNAL(b []byte, pos *int) ([]byte, bool) {
	i := *pos
	for {
		k := bytes.Index(b[i:], startCode)
		if k < 0 {
			*pos = len(b)
			return nil, false
		}
		start := i + k + 3
		end := len(b)
		if k := bytes.Index(b[start:], startCode); k >= 0 {
			end = start + k
		}
		i = end
		for end > start && b[end-1] == 0 {
			end--
		}
		if end > start { // else an empty unit between two start codes
			*pos = i
			return b[start:end], true
		}
	}
}

var startCode = []byte{0, 0, 1}

// SplitAnnexB returns the NAL units of an Annex B buffer, without start
// codes, as subslices of b.
func SplitAnnexB(b []byte) [][]byte {
	var nals [][]byte
	pos := 0
	for {
		nal, ok := nextNAL(b, &pos)
		if !ok {
			return nals
		}
		nals = append(nals, nal)
	}
}

// AnnexBToAVCC appends to dst the access unit au (Annex B: start-code
// prefixed NAL units) in the MP4 sample form: each NAL unit prefixed by its
// 4-byte big-endian length. Access unit delimiters are dropped (an MP4
// sample is already one access unit). Parameter sets (SPS, PPS) and SEI are
// kept in-band: the sample then holds the same bytes `ffmpeg -c copy` writes
// for the same stream, and a decoder still finds parameter sets that change
// mid-stream (a clip encoded apart from the slides).
func AnnexBToAVCC(au []byte, dst []byte) []byte {
	pos := 0
	for {
		nal, ok := nextNAL(au, &pos)
		if !ok {
			return dst
		}
		if nal[0]&0x1f == nalAUD {
			continue
		}
		n := len(nal)
		dst = append(dst, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
		dst = append(dst, nal...)
	}
}

// AVCCSize is len(AnnexBToAVCC(au, nil)), computed without converting: the
// sample size to put in the table before the sample is written.
func AVCCSize(au []byte) int {
	size, pos := 0, 0
	for {
		nal, ok := nextNAL(au, &pos)
		if !ok {
			return size
		}
		if nal[0]&0x1f != nalAUD {
			size += 4 + len(nal)
		}
	}
}

// AVCConfigFromAnnexB collects the SPS and PPS NAL units of an Annex B
// access unit (a stream's first IDR) into a configuration for a picture of
// width×height pixels.
func AVCConfigFromAnnexB(au []byte, width, height int) (*AVCConfig, error) {
	c := &AVCConfig{Width: width, Height: height}
	for _, nal := range SplitAnnexB(au) {
		switch nal[0] & 0x1f {
		case nalSPS:
			c.SPS = append(c.SPS, nal)
		case nalPPS:
			c.PPS = append(c.PPS, nal)
		}
	}
	if len(c.SPS) == 0 || len(c.PPS) == 0 {
		return nil, errors.New("mp4: access unit has no SPS or PPS")
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("mp4: %w", err)
	}
	return c, nil
}

// avcDecoderConfig builds the AVCDecoderConfigurationRecord (avcC body):
// profile, compatibility and level from the first SPS, 4-byte NAL lengths,
// the parameter sets and, for profiles other than Baseline, Main and
// Extended, the chroma format and bit depths (as ffmpeg writes them).
func avcDecoderConfig(c *AVCConfig) ([]byte, error) {
	sps := c.SPS[0]
	b := []byte{1, sps[1], sps[2], sps[3], 0xfc | 3, 0xe0 | byte(len(c.SPS))}
	for _, s := range c.SPS {
		b = append(b, byte(len(s)>>8), byte(len(s)))
		b = append(b, s...)
	}
	b = append(b, byte(len(c.PPS)))
	for _, p := range c.PPS {
		b = append(b, byte(len(p)>>8), byte(len(p)))
		b = append(b, p...)
	}
	switch sps[1] {
	case 66, 77, 88:
	default:
		chroma, lumaDepth, chromaDepth, err := spsFormat(sps)
		if err != nil {
			return nil, err
		}
		b = append(b, 0xfc|byte(chroma), 0xf8|byte(lumaDepth-8), 0xf8|byte(chromaDepth-8), 0)
	}
	return b, nil
}

// spsFormat reads chroma_format_idc and the bit depths of an SPS NAL unit.
func spsFormat(sps []byte) (chroma, lumaDepth, chromaDepth int, err error) {
	r := bitReader{b: unescapeRBSP(sps[4:])}
	r.ue() // seq_parameter_set_id
	chroma, lumaDepth, chromaDepth = 1, 8, 8
	switch sps[1] {
	case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
		chroma = int(r.ue())
		if chroma == 3 {
			r.bit() // separate_colour_plane_flag
		}
		lumaDepth = int(r.ue()) + 8
		chromaDepth = int(r.ue()) + 8
	}
	if r.err || chroma > 3 || lumaDepth > 14 || chromaDepth > 14 {
		return 0, 0, 0, errors.New("bad SPS")
	}
	return chroma, lumaDepth, chromaDepth, nil
}

// unescapeRBSP removes emulation prevention bytes (00 00 03 → 00 00).
func unescapeRBSP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	zeros := 0
	for _, c := range b {
		if zeros >= 2 && c == 3 {
			zeros = 0
			continue
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// bitReader reads bits MSB first; reading past the end sets err.
type bitReader struct {
	b   []byte
	pos int
	err bool
}

func (r *bitReader) bit() uint32 {
	if r.pos >= 8*len(r.b) {
		r.err = true
		return 0
	}
	v := uint32(r.b[r.pos/8]>>(7-r.pos%8)) & 1
	r.pos++
	return v
}

// ue reads an unsigned Exp-Golomb code.
func (r *bitReader) ue() uint32 {
	zeros := 0
	for r.bit() == 0 {
		if r.err || zeros == 31 {
			r.err = true
			return 0
		}
		zeros++
	}
	v := uint32(0)
	for i := 0; i < zeros; i++ {
		v = v<<1 | r.bit()
	}
	return v + 1<<zeros - 1
}
