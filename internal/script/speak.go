package script

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Speakable returns text as a voice should read it in language tag: markup
// stripped (Markdown, HTML), abbreviations expanded ("e.g." → "for
// example"), symbols spoken ("%" → "percent", "→" → "to", "≥" → "is
// greater than or equal to"), numbers made unambiguous ("v1.2.3" →
// "version 1 point 2 point 3", "3.5" → "3 point 5" or "3 vírgula 5"), URLs
// shortened to their host ("example dot com"), and whatever symbol is left
// dropped. Digits stay digits: every voice reads them in its own language.
// The result is deterministic.
func Speakable(tag, text string) (string, error) {
	w, err := wordsFor(tag)
	if err != nil {
		return "", err
	}
	return w.speak(text), nil
}

var (
	zeroWidth = strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\ufeff", "", "\u00ad", "",
		"\u00a0", " ", "\u202f", " ", "\u2009", " ", "\t", " ", "\r\n", "\n", "\r", "\n")

	mdImage    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdCode     = regexp.MustCompile("`+([^`]*)`+")
	mdBold     = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
	mdItalic   = regexp.MustCompile(`(^|[^\p{L}\p{N}*])\*([^*\s][^*]*)\*`)
	mdUnder    = regexp.MustCompile(`(^|[^\p{L}\p{N}_])_([^_\s][^_]*)_($|[^\p{L}\p{N}_])`)
	mdStrike   = regexp.MustCompile(`~~([^~]+)~~`)
	mdHeading  = regexp.MustCompile(`(?m)^[ \t]*#{1,6}[ \t]+`)
	mdQuote    = regexp.MustCompile(`(?m)^[ \t]*>[ \t]?`)
	mdRule     = regexp.MustCompile(`(?m)^[ \t]*(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:=[ \t]*){3,})$`)
	mdListMark = regexp.MustCompile(`(?m)^[ \t]*(?:[-*+•▪►◦‣●○■□➢➤✓✔]|\d{1,3}[.)]|[a-zA-Z][.)])[ \t]+`)
	htmlTag    = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>`)

	urlRe   = regexp.MustCompile(`(?i)\b(?:https?://|ftp://|www\.)[^\s<>()"'\]]+`)
	emailRe = regexp.MustCompile(`\b([\p{L}\p{N}._%+-]+)@([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)\b`)

	versionV     = regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}])v(?:ersion\s*)?(\d+(?:\.\d+)+)\b`)
	versionBare  = regexp.MustCompile(`\b\d+(?:\.\d+){2,}\b`)
	currencyRe   = regexp.MustCompile(`(US\$|R\$|\$|€|£|¥)\s?(\d+(?:[.,]\d+)*)`)
	percentRe    = regexp.MustCompile(`(\d)\s?%`)
	formatVerb   = regexp.MustCompile(`%[-+#0 ]*\d*(?:\.\d+)?[a-zA-Z]\b`)
	thousandsEn  = regexp.MustCompile(`(\d),(\d{3})\b`)
	thousandsPt  = regexp.MustCompile(`(\d)\.(\d{3})\b`)
	decimalEn    = regexp.MustCompile(`(\d+)\.(\d+)`)
	decimalPt    = regexp.MustCompile(`(\d+)[.,](\d+)`)
	negative     = regexp.MustCompile(`(^|[\s(])[-−](\d)`)
	pathRe       = regexp.MustCompile(`(?:\.{0,2}/)?(?:[\p{L}_.-][\p{L}\p{N}_.-]*/){2,}([\p{L}\p{N}_.-]*)`)
	dateRe       = regexp.MustCompile(`\b(\d{1,4})/(\d{1,2})/(\d{1,4})\b`)
	fileRe       = regexp.MustCompile(`\b([\p{L}\p{N}_-]+)\.(yaml|yml|json|toml|txt|md|go|py|js|ts|rb|rs|java|c|h|cpp|sh|html|css|csv|xml|pdf|png|jpg|jpeg|gif|svg|mp4|mkv|webm|mov|m4a|ogg|srt|vtt|tmpl|mp3|wav|zip|docx|pptx|xlsx|exe|com|org|net|io|dev|br)\b`)
	slashWords   = regexp.MustCompile(`(\p{L}+)/(\p{L}+)`)
	slashNums    = regexp.MustCompile(`(\d)\s?/\s?(\d)`)
	cPlusPlus    = regexp.MustCompile(`(\p{L})\+\+`)
	hashNum      = regexp.MustCompile(`#\s?(\d)`)
	hashTag      = regexp.MustCompile(`#(\p{L})`)
	tildeNum     = regexp.MustCompile(`[~≈∼]\s?(\d)`)
	powerRe      = regexp.MustCompile(`\^\s?(\d+)`)
	degreeRe     = regexp.MustCompile(`\s?[°º]\s?([CF])\b`)
	degreeNum    = regexp.MustCompile(`(\d)\s?°`)
	snakeCase    = regexp.MustCompile(`(\p{L}|\d)_+(\p{L}|\d)`)
	dashBetween  = regexp.MustCompile(`\s+[-–—―]+\s+|\s*[–—―]+\s*`)
	equalsRe     = regexp.MustCompile(`(\S)\s*==?\s*(\S)`)
	spaces       = regexp.MustCompile(`[ ]{2,}`)
	spaceBefore  = regexp.MustCompile(`\s+([,.;:!?)])`)
	repeatPunct  = regexp.MustCompile(`([,;:])[\s,;:]*([,;:.!?])`)
	dots         = regexp.MustCompile(`\.{2,}`)
	emptyParens  = regexp.MustCompile(`\(\s*\)|\[\s*\]|\{\s*\}`)
	lineBreaks   = regexp.MustCompile(`\n[ \t]*\n+`)
	noSpaceAfter = regexp.MustCompile(`([,;!?])(\p{L})`)
)

// compiled abbreviation patterns, per language.
var abbrevRes sync.Map // language code → []*regexp.Regexp

func (w *words) abbrevPatterns() []*regexp.Regexp {
	if v, ok := abbrevRes.Load(w.code); ok {
		return v.([]*regexp.Regexp)
	}
	res := make([]*regexp.Regexp, len(w.abbrevs))
	for i, a := range w.abbrevs {
		flags := "(?i)"
		if a.exact {
			flags = ""
		}
		after := `($|[^\p{L}\p{N}_])`
		if a.digit {
			after = `(\s?\d)`
		}
		res[i] = regexp.MustCompile(flags + `(^|[^\p{L}\p{N}_])(` + a.pattern + `)` + after)
	}
	abbrevRes.Store(w.code, res)
	return res
}

// speak is Speakable for one language.
func (w *words) speak(text string) string {
	s := zeroWidth.Replace(html.UnescapeString(text))
	s = w.stripMarkup(s)
	s = w.links(s)
	s = w.abbreviations(s)
	s = w.numbers(s)
	s = w.symbols(s)
	s = dropSymbols(s)
	return tidy(s)
}

// stripMarkup removes Markdown and HTML, keeping the words.
func (w *words) stripMarkup(s string) string {
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdCode.ReplaceAllString(s, "$1")
	s = mdBold.ReplaceAllString(s, "$1$2")
	s = mdItalic.ReplaceAllString(s, "$1$2")
	s = mdUnder.ReplaceAllString(s, "$1$2$3")
	s = mdStrike.ReplaceAllString(s, "$1")
	s = mdRule.ReplaceAllString(s, "")
	s = mdHeading.ReplaceAllString(s, "")
	s = mdQuote.ReplaceAllString(s, "")
	s = mdListMark.ReplaceAllString(s, "")
	s = htmlTag.ReplaceAllString(s, " ")
	return s
}

// links speaks URLs by their host and e-mail addresses in full.
func (w *words) links(s string) string {
	s = urlRe.ReplaceAllStringFunc(s, func(m string) string {
		trail := ""
		for len(m) > 0 && strings.ContainsRune(".,;:!?", rune(m[len(m)-1])) {
			trail = m[len(m)-1:] + trail
			m = m[:len(m)-1]
		}
		raw := m
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw
		}
		host := m
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		host = strings.TrimPrefix(strings.ToLower(host), "www.")
		return " " + w.dotted(host) + trail
	})
	return emailRe.ReplaceAllStringFunc(s, func(m string) string {
		user, domain, _ := strings.Cut(m, "@")
		return w.dotted(user) + " " + w.at + " " + w.dotted(strings.ToLower(domain))
	})
}

// dotted speaks "example.com" as "example dot com".
func (w *words) dotted(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '.' })
	return strings.Join(parts, " "+w.dot+" ")
}

// needle returns the literal text every match of an abbreviation pattern
// contains (lower case), to skip the regular expression when it cannot
// match: `e\.\s?g\.` gives "e.".
func needle(pattern string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern) && pattern[i+1] == '.':
			b.WriteByte('.')
			i++
		case strings.IndexByte(`\?*+()[]{}|^$`, c) >= 0:
			s := b.String()
			if (c == '?' || c == '*') && len(s) > 0 {
				s = s[:len(s)-1] // the last character was optional
			}
			return strings.ToLower(s)
		default:
			b.WriteByte(c)
		}
	}
	return strings.ToLower(b.String())
}

// abbreviations expands the language's abbreviations.
func (w *words) abbreviations(s string) string {
	low := strings.ToLower(s)
	for i, re := range w.abbrevPatterns() {
		a := w.abbrevs[i]
		if !strings.Contains(low, needle(a.pattern)) {
			continue
		}
		s = replaceAllSubmatch(re, s, func(m []string) string {
			say := a.say
			if a.end && sentenceFollows(m[3]) {
				say += "."
			}
			return m[1] + say + m[3]
		})
	}
	return s
}

// sentenceFollows reports whether the text after an abbreviation starts a
// new sentence: the end of the text or a line.
func sentenceFollows(after string) bool {
	return after == "" || after == "\n"
}

// replaceAllSubmatch is ReplaceAllStringFunc with the submatches. Matches
// that share a boundary character ("vs vs") are found one by one.
func replaceAllSubmatch(re *regexp.Regexp, s string, fn func([]string) string) string {
	var b strings.Builder
	for {
		loc := re.FindStringSubmatchIndex(s)
		if loc == nil {
			b.WriteString(s)
			return b.String()
		}
		m := make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = s[loc[2*i]:loc[2*i+1]]
			}
		}
		b.WriteString(s[:loc[0]])
		rep := fn(m)
		// Leave the trailing boundary character in the input, so that it
		// can start the next match.
		tail := m[len(m)-1]
		rep = strings.TrimSuffix(rep, tail)
		b.WriteString(rep)
		s = s[loc[1]-len(tail):]
		if loc[1]-len(tail) == 0 && len(s) > 0 { // empty match at the start: step over one rune
			_, size := utf8.DecodeRuneInString(s)
			b.WriteString(s[:size])
			s = s[size:]
		}
	}
}

// numbers makes versions, currencies, percentages, thousands separators
// and decimals unambiguous.
func (w *words) numbers(s string) string {
	s = versionV.ReplaceAllStringFunc(s, func(m string) string {
		sm := versionV.FindStringSubmatch(m)
		return sm[1] + w.version + " " + strings.ReplaceAll(sm[2], ".", " "+w.versionDot+" ")
	})
	s = versionBare.ReplaceAllStringFunc(s, func(m string) string {
		return strings.ReplaceAll(m, ".", " "+w.versionDot+" ")
	})
	s = currencyRe.ReplaceAllStringFunc(s, func(m string) string {
		sm := currencyRe.FindStringSubmatch(m)
		unit := w.currencies[sm[1]]
		if unit[0] == "" {
			unit = [2]string{"", ""}
		}
		name := unit[1]
		if sm[2] == "1" {
			name = unit[0]
		}
		return strings.TrimSpace(sm[2] + " " + name)
	})
	s = percentRe.ReplaceAllString(s, "$1 "+w.percent)
	s = formatVerb.ReplaceAllString(s, " ")
	s = strings.ReplaceAll(s, "%", " "+w.percent+" ")
	if w.decimalComma {
		s = untilStable(s, func(s string) string { return thousandsPt.ReplaceAllString(s, "$1$2") })
		s = decimalPt.ReplaceAllString(s, "$1 "+w.point+" $2")
	} else {
		s = untilStable(s, func(s string) string { return thousandsEn.ReplaceAllString(s, "$1$2") })
		s = decimalEn.ReplaceAllStringFunc(s, func(m string) string {
			whole, frac, _ := strings.Cut(m, ".")
			return whole + " " + w.point + " " + strings.Join(strings.Split(frac, ""), " ")
		})
	}
	return negative.ReplaceAllString(s, "${1}"+w.minus+" $2")
}

func untilStable(s string, fn func(string) string) string {
	for i := 0; i < 8; i++ {
		next := fn(s)
		if next == s {
			break
		}
		s = next
	}
	return s
}

// symbols speaks the symbols a voice would skip or spell out.
func (w *words) symbols(s string) string {
	s = pathRe.ReplaceAllString(s, "$1")
	s = fileRe.ReplaceAllString(s, "$1 "+w.dot+" $2")
	s = cPlusPlus.ReplaceAllString(s, "$1 "+w.plus+" "+w.plus)
	s = degreeRe.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(m, "C") {
			return " " + w.degrees + " Celsius"
		}
		return " " + w.degrees + " Fahrenheit"
	})
	s = degreeNum.ReplaceAllString(s, "$1 "+w.degrees)
	s = powerRe.ReplaceAllStringFunc(s, func(m string) string {
		n := strings.TrimSpace(strings.TrimPrefix(m, "^"))
		switch n {
		case "2":
			return " " + w.squared
		case "3":
			return " " + w.cubed
		}
		return " " + w.power + " " + n
	})
	s = hashNum.ReplaceAllString(s, w.number+" $1")
	s = hashTag.ReplaceAllString(s, "$1")
	s = tildeNum.ReplaceAllString(s, w.about+" $1")
	s = dateRe.ReplaceAllString(s, "$1 $2 $3")
	s = slashNums.ReplaceAllString(s, "$1 "+w.over+" $2")
	s = untilStable(s, func(s string) string {
		return slashWords.ReplaceAllStringFunc(s, func(m string) string {
			a, b, _ := strings.Cut(m, "/")
			if strings.ToUpper(a) == a && strings.ToUpper(b) == b {
				return a + " " + b // TCP/IP
			}
			return a + " " + w.or + " " + b
		})
	})
	s = untilStable(s, func(s string) string { return snakeCase.ReplaceAllString(s, "$1 $2") })
	r := strings.NewReplacer(
		"+/-", " "+w.plusMinus+" ", "+-", " "+w.plusMinus+" ", "±", " "+w.plusMinus+" ",
		">=", " "+w.greaterEq+" ", "≥", " "+w.greaterEq+" ", "⩾", " "+w.greaterEq+" ",
		"<=", " "+w.lessEq+" ", "≤", " "+w.lessEq+" ", "⩽", " "+w.lessEq+" ",
		"!=", " "+w.notEqual+" ", "≠", " "+w.notEqual+" ",
		"<->", " "+w.and+" ", "↔", " "+w.and+" ",
		"->", " "+w.to+" ", "→", " "+w.to+" ", "⟶", " "+w.to+" ", "➔", " "+w.to+" ", "➜", " "+w.to+" ",
		"=>", " "+w.implies+" ", "⇒", " "+w.implies+" ", "⟹", " "+w.implies+" ",
		"<-", " "+w.from+" ", "←", " "+w.from+" ",
		" < ", " "+w.less+" ", " > ", " "+w.greater+" ",
		"×", " "+w.times+" ", "÷", " "+w.dividedBy+" ", "²", " "+w.squared, "³", " "+w.cubed,
		"&", " "+w.and+" ", " + ", " "+w.plus+" ", "@", " "+w.at+" ",
		"…", "...", "|", ", ", "•", ", ", "·", ", ", "¶", " ", "§", " ",
		"“", "\"", "”", "\"", "„", "\"", "‘", "'", "’", "'", "«", "\"", "»", "\"",
	)
	s = r.Replace(s)
	s = equalsRe.ReplaceAllString(s, "$1 "+w.equals+" $2")
	s = strings.NewReplacer("+", " "+w.plus+" ", "=", " "+w.equals+" ").Replace(s)
	return dashBetween.ReplaceAllString(s, ", ")
}

// dropped lists the ASCII symbols removed after the spoken ones are
// replaced.
const dropped = "*_#`|<>{}[]^~=\\$/"

// dropSymbols removes what no voice should read: leftover markup
// characters, math and other symbols, emoji and private-use glyphs (slide
// bullets from symbol fonts).
func dropSymbols(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case strings.ContainsRune(dropped, r):
			return ' '
		case unicode.In(r, unicode.Sm, unicode.So, unicode.Sk, unicode.Sc, unicode.Co, unicode.Cs, unicode.Cc):
			return ' '
		case unicode.Is(unicode.Variation_Selector, r):
			return -1
		}
		return r
	}, s)
}

// tidy collapses spaces and fixes the punctuation the replacements leave.
func tidy(s string) string {
	s = lineBreaks.ReplaceAllString(s, "\n\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = spaces.ReplaceAllString(l, " ")
		l = emptyParens.ReplaceAllString(l, "")
		l = spaceBefore.ReplaceAllString(l, "$1")
		l = repeatPunct.ReplaceAllString(l, "$2")
		l = dots.ReplaceAllStringFunc(l, func(m string) string {
			if len(m) == 3 {
				return m
			}
			return "."
		})
		l = noSpaceAfter.ReplaceAllString(l, "$1 $2")
		l = strings.TrimLeft(l, " ,;:.!?)-")
		lines[i] = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
