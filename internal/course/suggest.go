package course

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Suggest returns the candidate closest to word by edit distance
// (case-insensitive Levenshtein), or "" when none is reasonably close: the
// distance must be at most 2, or a third of the word's length for longer
// words, or one must be a prefix of the other. Ties go to the earlier candidate. It is meant for "did you mean"
// hints.
func Suggest(word string, candidates []string) string {
	if word == "" {
		return ""
	}
	w := strings.ToLower(word)
	limit := max(2, utf8.RuneCountInString(w)/3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := EditDistance(w, lc)
		// A prefix ("espeak" for "espeak-ng") is close whatever the
		// length difference.
		if len(w) >= 3 && len(lc) >= 3 && (strings.HasPrefix(lc, w) || strings.HasPrefix(w, lc)) {
			d = min(d, limit)
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best == word {
		return ""
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, counted in
// runes. Every "did you mean" in tecno uses it.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// sepRun matches runs of separators, which Slug collapses to one "-".
var sepRun = regexp.MustCompile(`[-._]{2,}`)

// maxIDLen bounds ids made by NewID and Slug.
const maxIDLen = 24

// fold maps common accented Latin letters to ASCII for slugs.
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i",
	'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o",
	'ö': "o", 'ø': "o", 'œ': "oe", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u",
	'ý': "y", 'ÿ': "y", 'ß': "ss", 'ğ': "g", 'ı': "i", 'ş': "s", 'ł': "l",
	'ś': "s", 'ź': "z", 'ż': "z", 'ć': "c", 'ń': "n", 'ą': "a", 'ę': "e",
	'č': "c", 'ř': "r", 'š': "s", 'ž': "z", 'ť': "t", 'ď': "d", 'ů': "u",
	'ő': "o", 'ű': "u", 'đ': "d", 'þ': "th", 'ð': "d",
}

// Slug turns s into an id of the form ^[a-z0-9][a-z0-9._-]*$: lower-case
// ASCII letters and digits, other runs become one "-", at most 24
// characters, cut at a word boundary when possible. It returns "" when
// nothing usable is left (for example a title in a non-Latin script).
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case fold[r] != "":
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteString(fold[r])
		case r == '.' || r == '_':
			// Kept when between words: "v1.2", "step_one".
			if b.Len() > 0 && !dash {
				b.WriteRune(r)
			}
		default:
			dash = true
		}
	}
	out := strings.Trim(sepRun.ReplaceAllString(b.String(), "-"), "._-")
	if len(out) > maxIDLen {
		cut := out[:maxIDLen]
		if i := strings.LastIndexAny(cut, "-_."); i >= maxIDLen/2 {
			cut = cut[:i]
		}
		out = strings.TrimRight(cut, "._-")
	}
	return out
}

// NewID makes a short, readable id from a title: its slug (see Slug), with
// -2, -3, … appended while taken reports the id as used. An empty slug
// falls back to "scene". taken may be nil.
func NewID(title string, taken func(string) bool) string {
	base := Slug(title)
	if base == "" {
		base = "scene"
	}
	if taken == nil || !taken(base) {
		return base
	}
	for i := 2; ; i++ {
		suffix := "-" + strconv.Itoa(i)
		stem := base
		if len(stem)+len(suffix) > maxIDLen+3 {
			stem = strings.TrimRight(stem[:maxIDLen+3-len(suffix)], "._-")
		}
		if id := stem + suffix; !taken(id) {
			return id
		}
	}
}
