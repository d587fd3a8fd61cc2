package subtitle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Validate checks that cues can be written: finite times, 0 <= Start <
// End (after rounding to milliseconds), in order without overlap, and
// non-empty text with no blank line (a blank line ends a cue in both
// formats).
func Validate(cues []Cue) error {
	prevEnd := int64(0)
	for i, c := range cues {
		if math.IsNaN(c.Start) || math.IsNaN(c.End) || math.IsInf(c.Start, 0) || math.IsInf(c.End, 0) {
			return fmt.Errorf("subtitle: cue %d: time is not a number", i+1)
		}
		s, e := ms(c.Start), ms(c.End)
		if s < 0 {
			return fmt.Errorf("subtitle: cue %d: negative start %gs", i+1, c.Start)
		}
		if e <= s {
			return fmt.Errorf("subtitle: cue %d: end %s is not after start %s", i+1, formatTime(c.End, '.'), formatTime(c.Start, '.'))
		}
		if s < prevEnd {
			return fmt.Errorf("subtitle: cue %d starts at %s, before cue %d ends", i+1, formatTime(c.Start, '.'), i)
		}
		prevEnd = e
		text := normalizeNewlines(c.Text)
		if blank(text) {
			return fmt.Errorf("subtitle: cue %d has no text", i+1)
		}
		for line := range strings.SplitSeq(text, "\n") {
			if blank(line) {
				return fmt.Errorf("subtitle: cue %d has a blank line", i+1)
			}
		}
		if strings.Contains(text, "-->") {
			return fmt.Errorf("subtitle: cue %d text contains \"-->\"", i+1)
		}
	}
	return nil
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// ms rounds seconds to whole milliseconds.
func ms(t float64) int64 { return int64(math.Round(t * 1000)) }

// formatTime writes HH:MM:SS<sep>mmm.
func formatTime(t float64, sep byte) string {
	v := ms(t)
	if v < 0 {
		v = 0
	}
	return fmt.Sprintf("%02d:%02d:%02d%c%03d", v/3600000, v/60000%60, v/1000%60, sep, v%1000)
}

// WriteSRT writes cues as SubRip: numbered blocks with HH:MM:SS,mmm times.
func WriteSRT(w io.Writer, cues []Cue) error {
	if err := Validate(cues); err != nil {
		return err
	}
	var b bytes.Buffer
	for i, c := range cues {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d\n%s --> %s\n%s\n", i+1, formatTime(c.Start, ','), formatTime(c.End, ','), trimLines(c.Text))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteVTT writes cues as WebVTT, escaping &, < and > in the text.
func WriteVTT(w io.Writer, cues []Cue) error {
	if err := Validate(cues); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("WEBVTT\n")
	for _, c := range cues {
		fmt.Fprintf(&b, "\n%s --> %s\n%s\n", formatTime(c.Start, '.'), formatTime(c.End, '.'), vttEscaper.Replace(trimLines(c.Text)))
	}
	_, err := w.Write(b.Bytes())
	return err
}

var (
	vttEscaper   = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	vttUnescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&lrm;", "\u200e", "&rlm;", "\u200f", "&nbsp;", "\u00a0")
)

func trimLines(s string) string {
	lines := strings.Split(normalizeNewlines(s), "\n")
	for i, l := range lines {
		lines[i] = strings.Trim(l, " \t")
	}
	return strings.Join(lines, "\n")
}

// ParseError is a syntax error in a subtitle file.
type ParseError struct {
	Line int // 1-based
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// maxSubtitleBytes bounds what the parsers read.
const maxSubtitleBytes = 64 << 20

// readLines reads r as lines, splitting at \n, \r\n or a lone \r, and
// drops a UTF-8 byte order mark.
func readLines(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSubtitleBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSubtitleBytes {
		return nil, fmt.Errorf("subtitle: file is larger than %d bytes", maxSubtitleBytes)
	}
	text := normalizeNewlines(strings.TrimPrefix(string(data), "\ufeff"))
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil, nil
	}
	return strings.Split(text, "\n"), nil
}

// blank reports whether a line is empty but for spaces and tabs.
func blank(line string) bool { return strings.Trim(line, " \t") == "" }

var (
	srtTimingRe = regexp.MustCompile(`^(\d{2,}):(\d{2}):(\d{2}),(\d{3}) --> (\d{2,}):(\d{2}):(\d{2}),(\d{3})$`)
	vttTimingRe = regexp.MustCompile(`^((?:\d{2,}:)?\d{2}:\d{2}\.\d{3})[ \t]+-->[ \t]+((?:\d{2,}:)?\d{2}:\d{2}\.\d{3})((?:[ \t]+\S+)*)[ \t]*$`)
	vttStampRe  = regexp.MustCompile(`^(?:(\d{2,}):)?(\d{2}):(\d{2})\.(\d{3})$`)
)

// ParseSRT reads SubRip. It is strict, to catch malformed output: blocks
// numbered from 1 in order, "HH:MM:SS,mmm --> HH:MM:SS,mmm" timings with
// end after start and cues in order, at least one text line, blocks
// separated by blank lines.
func ParseSRT(r io.Reader) ([]Cue, error) {
	lines, err := readLines(r)
	if err != nil {
		return nil, err
	}
	var cues []Cue
	i := 0
	for {
		for i < len(lines) && blank(lines[i]) {
			i++
		}
		if i >= len(lines) {
			break
		}
		n, err := strconv.Atoi(strings.TrimSpace(lines[i]))
		if err != nil {
			return nil, &ParseError{i + 1, fmt.Sprintf("expected cue number %d, found %q", len(cues)+1, clip(lines[i]))}
		}
		if n != len(cues)+1 {
			return nil, &ParseError{i + 1, fmt.Sprintf("cue number %d out of sequence (expected %d)", n, len(cues)+1)}
		}
		i++
		if i >= len(lines) {
			return nil, &ParseError{i, "cue has no timing line"}
		}
		m := srtTimingRe.FindStringSubmatch(lines[i])
		if m == nil {
			return nil, &ParseError{i + 1, fmt.Sprintf("bad timing line %q (want HH:MM:SS,mmm --> HH:MM:SS,mmm)", clip(lines[i]))}
		}
		start, err1 := stamp(m[1], m[2], m[3], m[4])
		end, err2 := stamp(m[5], m[6], m[7], m[8])
		if err := errors.Join(err1, err2); err != nil {
			return nil, &ParseError{i + 1, err.Error()}
		}
		c, err := newCue(cues, start, end)
		if err != nil {
			return nil, &ParseError{i + 1, err.Error()}
		}
		i++
		var text []string
		for i < len(lines) && !blank(lines[i]) {
			if strings.Contains(lines[i], "-->") {
				return nil, &ParseError{i + 1, "cue text contains \"-->\" (missing blank line between cues?)"}
			}
			text = append(text, strings.Trim(lines[i], " \t"))
			i++
		}
		if len(text) == 0 {
			return nil, &ParseError{i, "cue has no text"}
		}
		c.Text = strings.Join(text, "\n")
		cues = append(cues, c)
	}
	return cues, nil
}

// ParseVTT reads WebVTT. It requires the WEBVTT header, skips NOTE, STYLE
// and REGION blocks, accepts cue identifiers and cue settings, and, like
// ParseSRT, requires end after start, cues in order and text in every cue.
// The &amp; &lt; &gt; &lrm; &rlm; &nbsp; escapes are decoded.
func ParseVTT(r io.Reader) ([]Cue, error) {
	lines, err := readLines(r)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 || !(lines[0] == "WEBVTT" || strings.HasPrefix(lines[0], "WEBVTT ") || strings.HasPrefix(lines[0], "WEBVTT\t")) {
		return nil, &ParseError{1, "missing WEBVTT header"}
	}
	i := 1
	// The header block runs to the first blank line.
	for i < len(lines) && !blank(lines[i]) {
		if strings.Contains(lines[i], "-->") {
			return nil, &ParseError{i + 1, "cue timing in the header; a blank line must follow WEBVTT"}
		}
		i++
	}
	var cues []Cue
	for {
		for i < len(lines) && blank(lines[i]) {
			i++
		}
		if i >= len(lines) {
			break
		}
		first := lines[i]
		if first == "NOTE" || strings.HasPrefix(first, "NOTE ") || strings.HasPrefix(first, "NOTE\t") ||
			len(cues) == 0 && (first == "STYLE" || first == "REGION") {
			for i < len(lines) && !blank(lines[i]) {
				i++
			}
			continue
		}
		if !strings.Contains(first, "-->") {
			i++ // cue identifier
			if i >= len(lines) || blank(lines[i]) {
				return nil, &ParseError{i, fmt.Sprintf("block %q has no cue timing", clip(first))}
			}
		}
		m := vttTimingRe.FindStringSubmatch(lines[i])
		if m == nil {
			return nil, &ParseError{i + 1, fmt.Sprintf("bad timing line %q (want [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm)", clip(lines[i]))}
		}
		start, err1 := vttStamp(m[1])
		end, err2 := vttStamp(m[2])
		if err := errors.Join(err1, err2); err != nil {
			return nil, &ParseError{i + 1, err.Error()}
		}
		c, err := newCue(cues, start, end)
		if err != nil {
			return nil, &ParseError{i + 1, err.Error()}
		}
		i++
		var text []string
		for i < len(lines) && !blank(lines[i]) {
			if strings.Contains(lines[i], "-->") {
				return nil, &ParseError{i + 1, "cue text contains \"-->\" (missing blank line between cues?)"}
			}
			line := strings.Trim(vttUnescaper.Replace(lines[i]), " \t")
			if line == "" {
				return nil, &ParseError{i + 1, "cue text line is empty once unescaped"}
			}
			text = append(text, line)
			i++
		}
		if len(text) == 0 {
			return nil, &ParseError{i, "cue has no text"}
		}
		c.Text = strings.Join(text, "\n")
		cues = append(cues, c)
	}
	return cues, nil
}

// newCue checks a cue's times against the cues before it.
func newCue(prev []Cue, start, end float64) (Cue, error) {
	if end <= start {
		return Cue{}, fmt.Errorf("cue ends at %s, not after its start %s", formatTime(end, '.'), formatTime(start, '.'))
	}
	if len(prev) > 0 && ms(start) < ms(prev[len(prev)-1].End) {
		return Cue{}, fmt.Errorf("cue starts at %s, before the previous cue ends", formatTime(start, '.'))
	}
	return Cue{Start: start, End: end}, nil
}

func stamp(h, m, s, frac string) (float64, error) {
	hh, err := strconv.Atoi(h)
	if err != nil || hh > 99999 {
		return 0, fmt.Errorf("bad hours %q", h)
	}
	mm, _ := strconv.Atoi(m)
	ss, _ := strconv.Atoi(s)
	ff, _ := strconv.Atoi(frac)
	if mm > 59 || ss > 59 {
		return 0, fmt.Errorf("bad time %s:%s:%s", h, m, s)
	}
	return float64(int64(hh)*3600000+int64(mm)*60000+int64(ss)*1000+int64(ff)) / 1000, nil
}

func vttStamp(s string) (float64, error) {
	m := vttStampRe.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("bad time %q", s)
	}
	h := m[1]
	if h == "" {
		h = "00"
	}
	return stamp(h, m[2], m[3], m[4])
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
