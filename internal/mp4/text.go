package mp4

import (
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"
)

// TextSample is the body of a mov_text (tx3g) sample: a 16-bit big-endian
// length, then the UTF-8 text (cut at a character boundary to fit 65535
// bytes). Line breaks are "\n". The empty string gives the 2-byte empty
// sample that clears the screen.
func TextSample(text string) []byte {
	text = truncateUTF8(text, math.MaxUint16)
	b := make([]byte, 2, 2+len(text))
	b[0], b[1] = byte(len(text)>>8), byte(len(text))
	return append(b, text...)
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// encd is the text encoding atom (UTF-8) that ffmpeg appends to each chapter
// sample, as QuickTime does.
var encd = []byte{0, 0, 0, 0x0c, 'e', 'n', 'c', 'd', 0, 0, 1, 0}

// Cue is one subtitle: text shown from Start to End, in seconds.
type Cue struct {
	Start, End float64
	Text       string
}

// millis rounds seconds to whole milliseconds: subtitle and chapter times
// have millisecond precision (as in SRT and in ffmpeg's chapters).
func millis(s float64) int64 { return int64(math.Round(s * 1000)) }

// SubtitleTrack makes a mov_text subtitle track in language lang (ISO
// 639-2) from cues in order, as ffmpeg's mov_text muxing does: an empty
// sample fills each gap (and the time before the first cue), and an empty
// sample of zero duration ends the track so players clear the last cue.
// Times are rounded to milliseconds; the timescale is SubtitleTimescale.
func SubtitleTrack(lang string, cues []Cue) (*Track, error) {
	if len(cues) == 0 {
		return nil, errors.New("mp4: subtitle track has no cues")
	}
	const perMs = SubtitleTimescale / 1000
	var samples []Sample
	var bodies [][]byte
	add := func(body []byte, ms int64) error {
		d := ms * perMs
		if d > math.MaxUint32 {
			return fmt.Errorf("mp4: subtitle sample of %d ms is too long", ms)
		}
		samples = append(samples, Sample{Size: uint32(len(body)), Duration: uint32(d), Sync: true})
		bodies = append(bodies, body)
		return nil
	}
	empty := TextSample("")
	var now int64
	for i, c := range cues {
		s, e := millis(c.Start), millis(c.End)
		if s < now || e <= s {
			return nil, fmt.Errorf("mp4: cue %d (%.3f–%.3f s) overlaps the one before or has no duration", i+1, c.Start, c.End)
		}
		// A gap too long for one sample is split into several.
		const maxGap = math.MaxUint32 / perMs
		for gap := s - now; gap > 0; gap -= min(gap, maxGap) {
			add(empty, min(gap, maxGap))
		}
		if err := add(TextSample(c.Text), e-s); err != nil {
			return nil, err
		}
		now = e
	}
	add(empty, 0)
	return &Track{Kind: Subtitle, Language: lang, Timescale: SubtitleTimescale, Samples: samples, Source: BytesSource(bodies)}, nil
}

// BytesSource is a SampleSource of samples held in memory.
type BytesSource [][]byte

// WriteSample writes sample i.
func (s BytesSource) WriteSample(w io.Writer, i int) error {
	if i < 0 || i >= len(s) {
		return fmt.Errorf("no sample %d", i)
	}
	_, err := w.Write(s[i])
	return err
}

// chapterTrack makes the QuickTime chapter text track: one sample per
// chapter (title, then the encd atom), lasting until the next chapter.
func chapterTrack(chapters []Chapter) (*Track, error) {
	var samples []Sample
	var bodies [][]byte
	for i, c := range chapters {
		s, e := millis(c.Start), millis(c.End)
		if i == 0 && s != 0 {
			return nil, fmt.Errorf("mp4: chapter 1 starts at %.3f s; the first chapter must start at 0", c.Start)
		}
		if i+1 < len(chapters) {
			e = millis(chapters[i+1].Start)
		}
		if e <= s || e-s > math.MaxUint32 || math.IsNaN(c.Start) || math.IsNaN(c.End) {
			return nil, fmt.Errorf("mp4: chapter %d (%q) has a bad time span %.3f–%.3f s", i+1, c.Title, c.Start, c.End)
		}
		body := append(TextSample(c.Title), encd...)
		samples = append(samples, Sample{Size: uint32(len(body)), Duration: uint32(e - s), Sync: true})
		bodies = append(bodies, body)
	}
	return &Track{Kind: chapterKind, Language: "", Timescale: chapterTimescale, Samples: samples, Source: BytesSource(bodies)}, nil
}
