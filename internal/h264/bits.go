package h264

import "errors"

var errShort = errors.New("h264: truncated bitstream")

// bitReader reads an RBSP (emulation prevention bytes already removed).
type bitReader struct {
	b   []byte
	pos int // bit position
}

func (r *bitReader) u(n int) (uint32, error) {
	var v uint32
	for i := 0; i < n; i++ {
		if r.pos >= len(r.b)*8 {
			return 0, errShort
		}
		bit := (r.b[r.pos/8] >> (7 - uint(r.pos%8))) & 1
		v = v<<1 | uint32(bit)
		r.pos++
	}
	return v, nil
}

func (r *bitReader) flag() (bool, error) {
	v, err := r.u(1)
	return v == 1, err
}

// ue reads an unsigned Exp-Golomb code.
func (r *bitReader) ue() (uint32, error) {
	zeros := 0
	for {
		b, err := r.u(1)
		if err != nil {
			return 0, err
		}
		if b == 1 {
			break
		}
		zeros++
		if zeros > 31 {
			return 0, errors.New("h264: bad exp-golomb code")
		}
	}
	if zeros == 0 {
		return 0, nil
	}
	rest, err := r.u(zeros)
	if err != nil {
		return 0, err
	}
	return (1<<uint(zeros) - 1) + rest, nil
}

// se reads a signed Exp-Golomb code.
func (r *bitReader) se() (int32, error) {
	k, err := r.ue()
	if err != nil {
		return 0, err
	}
	if k%2 == 1 {
		return int32((k + 1) / 2), nil
	}
	return -int32(k / 2), nil
}

// bitWriter writes an RBSP.
type bitWriter struct {
	b    []byte
	nbit int
}

func (w *bitWriter) u(n int, v uint32) {
	for i := n - 1; i >= 0; i-- {
		if w.nbit%8 == 0 {
			w.b = append(w.b, 0)
		}
		if (v>>uint(i))&1 == 1 {
			w.b[len(w.b)-1] |= 1 << (7 - uint(w.nbit%8))
		}
		w.nbit++
	}
}

func (w *bitWriter) flag(f bool) {
	if f {
		w.u(1, 1)
	} else {
		w.u(1, 0)
	}
}

func (w *bitWriter) ue(v uint32) {
	x := uint64(v) + 1
	n := 0
	for t := x; t > 1; t >>= 1 {
		n++
	}
	w.u(n, 0)
	w.u(n+1, uint32(x))
}

func (w *bitWriter) se(v int32) {
	if v > 0 {
		w.ue(uint32(2*v - 1))
	} else {
		w.ue(uint32(-2 * v))
	}
}

// trailing writes rbsp_trailing_bits: a stop bit then zero bits to the byte
// boundary.
func (w *bitWriter) trailing() {
	w.u(1, 1)
	for w.nbit%8 != 0 {
		w.u(1, 0)
	}
}

// unescape removes emulation prevention bytes (00 00 03 → 00 00).
func unescape(nal []byte) []byte {
	out := make([]byte, 0, len(nal))
	zeros := 0
	for _, c := range nal {
		if zeros >= 2 && c == 3 {
			zeros = 0
			continue
		}
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
		out = append(out, c)
	}
	return out
}

// escape inserts emulation prevention bytes so that no 00 00 0x (x ≤ 3)
// sequence appears inside a NAL unit.
func escape(rbsp []byte) []byte {
	out := make([]byte, 0, len(rbsp)+len(rbsp)/64+1)
	zeros := 0
	for _, c := range rbsp {
		if zeros >= 2 && c <= 3 {
			out = append(out, 3)
			zeros = 0
		}
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
		out = append(out, c)
	}
	return out
}
