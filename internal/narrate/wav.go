package narrate

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// WAV format codes this package reads.
const (
	wavFormatPCM        = 0x0001
	wavFormatExtensible = 0xFFFE
)

// maxWAVRate bounds the sample rate DecodeWAV accepts; anything above is a
// corrupt header rather than speech.
const maxWAVRate = 768000

// ksFormatGUIDTail is the tail shared by the KSDATAFORMAT_SUBTYPE GUIDs of
// WAVE_FORMAT_EXTENSIBLE; the GUID's first two bytes carry the format code.
var ksFormatGUIDTail = []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// DecodeWAV reads a RIFF/WAVE file of 16-bit PCM, mono or stereo (stereo is
// averaged to mono). It accepts the "streaming" headers that programs write
// when their output is a pipe (espeak-ng writes a data size of 0x7FFFF000,
// ffmpeg 0xFFFFFFFF, others 0): the samples then run to the end of r. Other
// sample formats are rejected with an error that names the format.
func DecodeWAV(r io.Reader) (Audio, error) {
	br := bufio.NewReader(r)
	var hdr [12]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return Audio{}, fmt.Errorf("wav: reading header: %w", unexpected(err))
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return Audio{}, errors.New("wav: not a RIFF/WAVE file")
	}
	var (
		haveFmt  bool
		channels int
		rate     int
	)
	for {
		var ch [8]byte
		if _, err := io.ReadFull(br, ch[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return Audio{}, errors.New("wav: no data chunk")
			}
			return Audio{}, fmt.Errorf("wav: reading chunk header: %w", unexpected(err))
		}
		id := string(ch[0:4])
		size := binary.LittleEndian.Uint32(ch[4:8])
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return Audio{}, fmt.Errorf("wav: bad fmt chunk size %d", size)
			}
			buf := make([]byte, size)
			if _, err := io.ReadFull(br, buf); err != nil {
				return Audio{}, fmt.Errorf("wav: reading fmt chunk: %w", unexpected(err))
			}
			if size%2 == 1 {
				if _, err := br.Discard(1); err != nil {
					return Audio{}, fmt.Errorf("wav: reading fmt chunk: %w", unexpected(err))
				}
			}
			format := binary.LittleEndian.Uint16(buf[0:2])
			channels = int(binary.LittleEndian.Uint16(buf[2:4]))
			rate = int(binary.LittleEndian.Uint32(buf[4:8]))
			bits := binary.LittleEndian.Uint16(buf[14:16])
			if format == wavFormatExtensible {
				if size < 40 || !bytes.Equal(buf[26:40], ksFormatGUIDTail) {
					return Audio{}, errors.New("wav: unsupported extensible format (only 16-bit integer PCM is supported)")
				}
				format = binary.LittleEndian.Uint16(buf[24:26])
			}
			if format != wavFormatPCM {
				return Audio{}, fmt.Errorf("wav: unsupported format code %#04x (only 16-bit integer PCM is supported)", format)
			}
			if bits != 16 {
				return Audio{}, fmt.Errorf("wav: unsupported sample size %d bits (only 16-bit PCM is supported)", bits)
			}
			if channels != 1 && channels != 2 {
				return Audio{}, fmt.Errorf("wav: unsupported channel count %d (only mono and stereo are supported)", channels)
			}
			if rate <= 0 || rate > maxWAVRate {
				return Audio{}, fmt.Errorf("wav: bad sample rate %d", rate)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return Audio{}, errors.New("wav: data chunk before fmt chunk")
			}
			var data []byte
			var err error
			if streamingSize(size) {
				data, err = io.ReadAll(br)
			} else {
				data, err = io.ReadAll(io.LimitReader(br, int64(size)))
				if err == nil && len(data) < int(size) {
					err = fmt.Errorf("data chunk is truncated: header says %d bytes, found %d", size, len(data))
				}
			}
			if err != nil {
				return Audio{}, fmt.Errorf("wav: %w", err)
			}
			return Audio{Rate: rate, Samples: pcmToMono(data, channels)}, nil
		default:
			skip := int64(size) + int64(size%2)
			n, err := io.CopyN(io.Discard, br, skip)
			if err != nil && n < int64(size) {
				return Audio{}, fmt.Errorf("wav: chunk %q is truncated", id)
			}
		}
	}
}

// streamingSize reports whether a data chunk size is a placeholder written
// by a program that could not seek back to fill it in.
func streamingSize(size uint32) bool {
	return size == 0 || size >= 0x7FFF0000
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// pcmToMono converts little-endian 16-bit frames to mono samples. A partial
// trailing frame is dropped.
func pcmToMono(data []byte, channels int) []int16 {
	frame := 2 * channels
	n := len(data) / frame
	out := make([]int16, n)
	for i := range n {
		p := data[i*frame:]
		if channels == 1 {
			out[i] = int16(binary.LittleEndian.Uint16(p))
			continue
		}
		l := int32(int16(binary.LittleEndian.Uint16(p)))
		r := int32(int16(binary.LittleEndian.Uint16(p[2:])))
		out[i] = int16((l + r) / 2)
	}
	return out
}

// EncodeWAV writes a as a canonical 44-byte-header mono 16-bit PCM WAV file.
func EncodeWAV(w io.Writer, a Audio) error {
	if a.Rate <= 0 || a.Rate > maxWAVRate {
		return fmt.Errorf("wav: bad sample rate %d", a.Rate)
	}
	dataLen := 2 * len(a.Samples)
	if dataLen > 0xFFFFFFFF-36 {
		return fmt.Errorf("wav: %d samples do not fit in a WAV file", len(a.Samples))
	}
	buf := make([]byte, 44+dataLen)
	copy(buf[0:4], "RIFF")
	binary.LittleEndian.PutUint32(buf[4:8], uint32(36+dataLen))
	copy(buf[8:12], "WAVE")
	copy(buf[12:16], "fmt ")
	binary.LittleEndian.PutUint32(buf[16:20], 16)
	binary.LittleEndian.PutUint16(buf[20:22], wavFormatPCM)
	binary.LittleEndian.PutUint16(buf[22:24], 1) // mono
	binary.LittleEndian.PutUint32(buf[24:28], uint32(a.Rate))
	binary.LittleEndian.PutUint32(buf[28:32], uint32(2*a.Rate)) // byte rate
	binary.LittleEndian.PutUint16(buf[32:34], 2)                // block align
	binary.LittleEndian.PutUint16(buf[34:36], 16)               // bits
	copy(buf[36:40], "data")
	binary.LittleEndian.PutUint32(buf[40:44], uint32(dataLen))
	for i, s := range a.Samples {
		binary.LittleEndian.PutUint16(buf[44+2*i:], uint16(s))
	}
	_, err := w.Write(buf)
	return err
}

// DefaultSilenceThreshold is the amplitude, as a fraction of full scale,
// below which SpeechBounds treats a sample as silence (about -40 dBFS).
const DefaultSilenceThreshold = 0.01

// SpeechBounds returns the span of a that holds sound: start is the time of
// the first sample whose magnitude reaches threshold (a fraction of full
// scale; <= 0 means DefaultSilenceThreshold) and end is the time just after
// the last one, both in seconds. Audio with no such sample returns 0, 0.
func SpeechBounds(a Audio, threshold float64) (start, end float64) {
	if a.Rate <= 0 || len(a.Samples) == 0 {
		return 0, 0
	}
	if threshold <= 0 || threshold >= 1 {
		threshold = DefaultSilenceThreshold
	}
	limit := int32(threshold * 32768)
	if limit < 1 {
		limit = 1
	}
	first, last := -1, -1
	for i, s := range a.Samples {
		if abs32(int32(s)) >= limit {
			first = i
			break
		}
	}
	if first < 0 {
		return 0, 0
	}
	for i := len(a.Samples) - 1; i >= first; i-- {
		if abs32(int32(a.Samples[i])) >= limit {
			last = i
			break
		}
	}
	rate := float64(a.Rate)
	return float64(first) / rate, float64(last+1) / rate
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
