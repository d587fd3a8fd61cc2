package cloud

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/narrate"
)

// Runes measures text in Unicode code points (OpenAI, ElevenLabs, Azure
// count characters).
func Runes(s string) int { return utf8.RuneCountInString(s) }

// Bytes measures text in UTF-8 bytes (Google's limit is 5000 bytes).
func Bytes(s string) int { return len(s) }

// Split cuts text into chunks of at most limit (as measured by size),
// preferring sentence ends, then spaces, and cutting between characters
// only when a single word is longer than the limit. Chunks are trimmed;
// whitespace-only text yields no chunk. Text within the limit comes back
// whole, as one chunk.
func Split(text string, limit int, size func(string) int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if limit <= 0 || size(text) <= limit {
		return []string{text}
	}
	var (
		out     []string
		cur     strings.Builder
		curSize int // size of cur untrimmed: an upper bound of its trimmed size
	)
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
		curSize = 0
	}
	// fits measures exactly only near the limit, so that splitting stays
	// linear in the text (size is additive for Runes and Bytes).
	fits := func(piece string) bool {
		if curSize+size(piece) <= limit {
			return true
		}
		return size(strings.TrimSpace(cur.String()+piece)) <= limit
	}
	add := func(piece string) {
		cur.WriteString(piece)
		curSize += size(piece)
	}
	for _, sent := range sentences(text) {
		if fits(sent) {
			add(sent)
			continue
		}
		flush()
		if size(strings.TrimSpace(sent)) <= limit {
			add(sent)
			continue
		}
		// One sentence over the limit: fall back to words.
		for _, w := range splitWords(sent, limit, size) {
			if !fits(w) {
				flush()
			}
			add(w)
		}
	}
	flush()
	return out
}

// sentences splits text after sentence-ending punctuation, keeping every
// byte: the pieces concatenate back to text. A full stop followed by a
// lower-case letter ("e.g. this") does not end a sentence; CJK full stops
// need no following space.
func sentences(text string) []string {
	var out []string
	start, i := 0, 0
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		i += w
		switch r {
		case '。', '！', '？':
			out = append(out, text[start:i])
			start = i
			continue
		case '.', '!', '?', '…':
		default:
			continue
		}
		j := skip(text, i, func(r rune) bool { return strings.ContainsRune(".!?…\"'”’»)]}", r) })
		k := skip(text, j, unicode.IsSpace)
		i = k
		if k == j || k == len(text) {
			continue // no space after the mark, or the end of the text
		}
		if next, _ := utf8.DecodeRuneInString(text[k:]); r == '.' && unicode.IsLower(next) {
			continue // "e.g. this", "approx. ten"
		}
		out = append(out, text[start:k]) // the sentence keeps its trailing spaces
		start = k
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// skip returns the offset of the first rune at or after i that is not in.
func skip(s string, i int, in func(rune) bool) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !in(r) {
			break
		}
		i += w
	}
	return i
}

// splitWords cuts s after each run of spaces; a word longer than limit is
// cut between characters.
func splitWords(s string, limit int, size func(string) int) []string {
	var out []string
	start := 0
	inSpace := false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if inSpace && !sp {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	out = append(out, s[start:])
	var res []string
	for _, w := range out {
		if size(strings.TrimSpace(w)) <= limit {
			res = append(res, w)
			continue
		}
		var cur strings.Builder
		n := 0
		for _, r := range w {
			rs := size(string(r))
			if n+rs > limit && cur.Len() > 0 {
				res = append(res, cur.String())
				cur.Reset()
				n = 0
			}
			cur.WriteRune(r)
			n += rs
		}
		if cur.Len() > 0 {
			res = append(res, cur.String())
		}
	}
	return res
}

// ChunkFunc synthesizes one chunk. prev and next are the neighbouring
// chunks' text (or the request's own context at the ends), for providers
// that stitch prosody across requests.
type ChunkFunc func(ctx context.Context, text, prev, next string) (narrate.Result, error)

// SynthesizeChunks splits req.Text within limit, synthesizes the chunks in
// order with fn and joins the results (audio concatenated, word timings
// shifted). Empty text is an input error.
func (c *Client) SynthesizeChunks(ctx context.Context, req narrate.Request, limit int, size func(string) int, fn ChunkFunc) (narrate.Result, error) {
	chunks := Split(req.Text, limit, size)
	if len(chunks) == 0 {
		return narrate.Result{}, emptyTextError(c.spec.Name)
	}
	parts := make([]narrate.Result, 0, len(chunks))
	for i, ch := range chunks {
		prev, next := req.PreviousText, req.NextText
		if i > 0 {
			prev = chunks[i-1]
		}
		if i < len(chunks)-1 {
			next = chunks[i+1]
		}
		r, err := fn(ctx, ch, prev, next)
		if err != nil {
			return narrate.Result{}, err
		}
		parts = append(parts, r)
	}
	out, err := Join(parts)
	if err != nil {
		return narrate.Result{}, c.BadResponse("%s", err)
	}
	return out, nil
}
