package h264

import (
	"bytes"
	"fmt"
	"io"
)

// AccessUnits splits an Annex B stream into access units, one per coded
// picture, each in Annex B form with 4-byte start codes. SEI and access
// unit delimiter NAL units are dropped (the encoder's banner lives in an
// SEI, and a lesson carries no tool signature). Parameter sets stay with
// the access unit they precede.
//
// A new access unit starts at a parameter set following a picture, or at a
// slice whose first_mb_in_slice is 0 once the current unit has a picture.
func AccessUnits(annexB []byte) ([][]byte, error) {
	var (
		aus     [][]byte
		cur     bytes.Buffer
		hasVCL  bool
		flushAU = func() {
			if cur.Len() > 0 {
				aus = append(aus, append([]byte(nil), cur.Bytes()...))
			}
			cur.Reset()
			hasVCL = false
		}
	)
	for _, nal := range SplitNALs(annexB) {
		if len(nal) == 0 {
			continue
		}
		switch typ := nal[0] & 0x1f; typ {
		case nalSEI, nalAUD:
			if hasVCL {
				flushAU()
			}
			continue
		case nalSPS, nalPPS:
			if hasVCL {
				flushAU()
			}
		case nalSlice, nalIDR:
			r := &bitReader{b: unescape(nal[1:min(len(nal), 16)])}
			first, err := r.ue()
			if err != nil {
				return nil, fmt.Errorf("h264: bad slice header: %w", err)
			}
			if first == 0 && hasVCL {
				flushAU()
			}
			hasVCL = true
		case 2, 3, 4:
			return nil, fmt.Errorf("%w: data partitioning", ErrUnsupported)
		default:
			// End of sequence or stream, filler, extensions: not needed.
			continue
		}
		cur.Write(startCode)
		cur.Write(nal)
	}
	if hasVCL {
		flushAU()
	} else if cur.Len() > 0 {
		return nil, fmt.Errorf("%w: parameter sets without a picture at the end", ErrUnsupported)
	}
	return aus, nil
}

// Clip is a run of coded pictures that starts with an IDR picture: a
// transition or an intro encoded with the same settings as a lesson's
// stills, so that it shares their parameter sets and splices between them
// without re-encoding.
type Clip struct {
	aus [][]byte
	ps  []byte // Annex B: SPS and PPS, to compare streams
}

// ParseClip splits an encoder's Annex B output into access units and checks
// that it starts with an IDR picture and uses one SPS and PPS throughout.
func ParseClip(annexB []byte) (*Clip, error) {
	aus, err := AccessUnits(annexB)
	if err != nil {
		return nil, err
	}
	if len(aus) == 0 {
		return nil, fmt.Errorf("%w: no pictures", ErrUnsupported)
	}
	c := &Clip{aus: aus}
	for i, au := range aus {
		var ps bytes.Buffer
		idr := false
		for _, nal := range SplitNALs(au) {
			switch nal[0] & 0x1f {
			case nalSPS, nalPPS:
				ps.Write(startCode)
				ps.Write(nal)
			case nalIDR:
				idr = true
			}
		}
		if i == 0 {
			if !idr || ps.Len() == 0 {
				return nil, fmt.Errorf("%w: a clip must start with parameter sets and an IDR picture", ErrUnsupported)
			}
			c.ps = ps.Bytes()
			if _, err := ParseStill(au); err != nil {
				return nil, err
			}
			continue
		}
		if ps.Len() > 0 && !bytes.Equal(ps.Bytes(), c.ps) {
			return nil, fmt.Errorf("%w: parameter sets change within the clip", ErrUnsupported)
		}
	}
	return c, nil
}

// Frames is the number of pictures in the clip.
func (c *Clip) Frames() int { return len(c.aus) }

// AccessUnit returns picture i (Annex B).
func (c *Clip) AccessUnit(i int) []byte { return c.aus[i] }

// Compatible reports whether the clip can sit in a stream of s's
// pictures: their parameter sets must be identical.
func (c *Clip) Compatible(s *Still) bool { return bytes.Equal(c.ps, s.ps) }

// WriteFrames writes the first n pictures of the clip, one Write per
// access unit (n ≤ Frames()).
func (c *Clip) WriteFrames(w io.Writer, n int) error {
	if n > len(c.aus) {
		return fmt.Errorf("h264: clip has %d pictures, %d asked", len(c.aus), n)
	}
	for _, au := range c.aus[:n] {
		if _, err := w.Write(au); err != nil {
			return err
		}
	}
	return nil
}
