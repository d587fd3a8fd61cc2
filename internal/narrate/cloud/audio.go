package cloud

import (
	"encoding/binary"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
)

// BadResponse returns the error for a 2xx answer whose content cannot be
// used (wrong type, undecodable, truncated, empty or silent audio). It is
// never cached: the caller caches successful results only.
func (c *Client) BadResponse(format string, args ...any) *fault.Error {
	msg := c.red.String(fmt.Sprintf(format, args...))
	return fault.New(fault.Provider, "%s: unusable response: %s", c.spec.Name, msg).
		WithHint("try again; if it persists, check %sBASE_URL or report it to %s", c.prefix, c.spec.Name)
}

// CheckContentType fails unless the response's media type is one of want.
// "audio/*" matches any audio type.
func (c *Client) CheckContentType(resp *Response, want ...string) error {
	ct := resp.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return c.BadResponse("content type %q, want %s", ct, strings.Join(want, " or "))
	}
	for _, w := range want {
		if w == mt || (strings.HasSuffix(w, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(w, "*"))) {
			return nil
		}
	}
	return c.BadResponse("content type %q, want %s (body starts %q)", ct, strings.Join(want, " or "),
		Excerpt(resp.Body, 80))
}

// CheckAudio fails on an empty result or one with no audible sample, which
// a provider can return on an internal failure with a 200 status.
func (c *Client) CheckAudio(a narrate.Audio) error {
	if a.Rate <= 0 {
		return c.BadResponse("audio has no sample rate")
	}
	if len(a.Samples) == 0 {
		return c.BadResponse("empty audio")
	}
	if Silent(a.Samples) {
		return c.BadResponse("audio is silent (%.2f s of silence)", a.Duration())
	}
	return nil
}

// silenceThreshold is the peak below which audio counts as silent:
// 32/32768 is about -60 dBFS, far under any speech.
const silenceThreshold = 32

// Silent reports whether no sample reaches about -60 dBFS.
func Silent(s []int16) bool {
	for _, v := range s {
		if v >= silenceThreshold || v <= -silenceThreshold {
			return false
		}
	}
	return true
}

// ErrTruncated marks audio whose container declares more data than came.
var ErrTruncated = errors.New("truncated audio")

// DecodePCM16LE reads raw signed 16-bit little-endian mono samples.
func DecodePCM16LE(b []byte, rate int) (narrate.Audio, error) {
	if len(b)%2 != 0 {
		return narrate.Audio{}, fmt.Errorf("%w: odd number of PCM bytes (%d)", ErrTruncated, len(b))
	}
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return narrate.Audio{Rate: rate, Samples: s}, nil
}

// placeholderMin: a declared data size at least this large (1 GiB, far
// beyond any narration response) that exceeds the bytes present is a
// streaming writer's "unknown length" (OpenAI writes 0xFFFFFFFF), not a
// truncation.
const placeholderMin = 1 << 30

// DecodeWAV reads a RIFF/WAVE file holding 16-bit PCM (format 1, or
// WAVE_FORMAT_EXTENSIBLE with the PCM sub-format). Several channels are
// mixed down to mono. A data chunk declaring more bytes than present is
// ErrTruncated, except the huge "unknown length" sizes streaming writers
// use (0xFFFFFFFF, 0x7FFFFFFF), which mean "to the end of the file".
func DecodeWAV(b []byte) (narrate.Audio, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return narrate.Audio{}, errors.New("not a RIFF/WAVE file")
	}
	var (
		channels, bits int
		rate           int
		haveFmt        bool
	)
	p := 12
	for p+8 <= len(b) {
		id := string(b[p : p+4])
		size := binary.LittleEndian.Uint32(b[p+4 : p+8])
		body := p + 8
		switch id {
		case "fmt ":
			if size < 16 || body+16 > len(b) {
				return narrate.Audio{}, fmt.Errorf("%w: short fmt chunk", ErrTruncated)
			}
			format := binary.LittleEndian.Uint16(b[body:])
			channels = int(binary.LittleEndian.Uint16(b[body+2:]))
			rate = int(binary.LittleEndian.Uint32(b[body+4:]))
			bits = int(binary.LittleEndian.Uint16(b[body+14:]))
			if format == 0xFFFE { // WAVE_FORMAT_EXTENSIBLE: sub-format GUID at offset 24
				if size < 40 || body+26 > len(b) {
					return narrate.Audio{}, fmt.Errorf("%w: short extensible fmt chunk", ErrTruncated)
				}
				format = binary.LittleEndian.Uint16(b[body+24:])
			}
			if format != 1 {
				return narrate.Audio{}, fmt.Errorf("WAV format %d is not PCM", format)
			}
			if bits != 16 {
				return narrate.Audio{}, fmt.Errorf("WAV has %d-bit samples, want 16", bits)
			}
			if channels < 1 || rate <= 0 {
				return narrate.Audio{}, fmt.Errorf("WAV has %d channels at %d Hz", channels, rate)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return narrate.Audio{}, errors.New("WAV data chunk before fmt chunk")
			}
			avail := len(b) - body
			frame := 2 * channels
			n := int(size)
			if size > uint32(avail) && size >= placeholderMin {
				// A streaming writer's "unknown length": the data runs to
				// the end of the file, which must then hold whole frames.
				n = avail
				if n%frame != 0 {
					return narrate.Audio{}, fmt.Errorf("%w: %d data bytes is not a whole number of frames", ErrTruncated, n)
				}
			} else if n > avail {
				return narrate.Audio{}, fmt.Errorf("%w: WAV declares %d data bytes, %d present", ErrTruncated, n, avail)
			}
			n -= n % frame
			return mixdown(b[body:body+n], channels, rate), nil
		}
		next := body + int(size) + int(size&1) // chunks are word aligned
		if next <= p || size > uint32(len(b)) {
			break
		}
		p = next
	}
	if !haveFmt {
		return narrate.Audio{}, fmt.Errorf("%w: WAV has no fmt chunk", ErrTruncated)
	}
	return narrate.Audio{}, fmt.Errorf("%w: WAV has no data chunk", ErrTruncated)
}

func mixdown(pcm []byte, channels, rate int) narrate.Audio {
	frames := len(pcm) / (2 * channels)
	s := make([]int16, frames)
	for i := range s {
		sum := 0
		for ch := 0; ch < channels; ch++ {
			sum += int(int16(binary.LittleEndian.Uint16(pcm[2*(i*channels+ch):])))
		}
		s[i] = int16(sum / channels)
	}
	return narrate.Audio{Rate: rate, Samples: s}
}

// EncodeWAV writes a as a 16-bit mono PCM WAV file (tests and fixtures).
func EncodeWAV(a narrate.Audio) []byte {
	n := 2 * len(a.Samples)
	b := make([]byte, 44+n)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(a.Rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(2*a.Rate))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n))
	for i, v := range a.Samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	return b
}

// EncodePCM16LE writes samples as raw 16-bit little-endian bytes.
func EncodePCM16LE(s []int16) []byte {
	b := make([]byte, 2*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

// Join concatenates chunk results in order into one result. Word timings
// of later chunks are shifted by the audio before them. All chunks must
// share one sample rate.
func Join(parts []narrate.Result) (narrate.Result, error) {
	if len(parts) == 1 {
		return parts[0], nil
	}
	var out narrate.Result
	total := 0
	for _, p := range parts {
		total += len(p.Audio.Samples)
	}
	out.Audio.Samples = make([]int16, 0, total)
	for i, p := range parts {
		if i == 0 {
			out.Audio.Rate = p.Audio.Rate
		} else if p.Audio.Rate != out.Audio.Rate {
			return narrate.Result{}, fmt.Errorf("chunk %d is at %d Hz, chunk 1 at %d Hz", i+1, p.Audio.Rate, out.Audio.Rate)
		}
		offset := out.Audio.Duration()
		for _, w := range p.Words {
			out.Words = append(out.Words, narrate.Timing{Text: w.Text, Start: w.Start + offset, End: w.End + offset})
		}
		out.Audio.Samples = append(out.Audio.Samples, p.Audio.Samples...)
	}
	return out, nil
}
