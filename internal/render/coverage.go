package render

import (
	"path/filepath"
	"strings"

	"golang.org/x/image/font/sfnt"
)

// FontFor names the font that draws r in text of language lang (a BCP 47
// tag, which picks the regional CJK forms): the embedded Go font when it
// has the glyph, else the installed system font the renderer falls back
// to (its family name, or its file name). It returns false when no font
// has a glyph for r, which is when a slide would show a box instead. For
// `tecno doctor`.
func FontFor(r rune, lang string) (string, bool) {
	if fr, err := embeddedFont("goregular"); err == nil && fr.has(r) {
		return "Go (built in)", true
	}
	fr := systemFonts.find(r, false, lang)
	if fr == nil {
		return "", false
	}
	var buf sfnt.Buffer
	if fam, err := fr.f.Name(&buf, sfnt.NameIDFamily); err == nil && strings.TrimSpace(fam) != "" {
		return fam, true
	}
	return filepath.Base(fr.name), true
}
