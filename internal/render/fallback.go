package render

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// fallbackFonts finds, per rune, an installed system font that has a glyph
// for it. The font folders are scanned once, and only when some rune is
// missing from a template's own font; parsed files and answers are cached.
// Safe for concurrent use.
type fallbackFonts struct {
	dirs []string

	scanOnce sync.Once
	files    []string // candidate font files, sorted by path

	mu      sync.Mutex
	parsed  map[string][]*fontRef // file → its fonts (nil when unreadable)
	answer  map[fallbackKey]*fontRef
	ordered map[bool][]string                // files in preference order, by boldness
	members map[string]map[string][]*fontRef // file → CJK tag → members in preference order
}

type fallbackKey struct {
	r    rune
	bold bool
	lang string // CJK variant tag: JP, KR, SC, TC, HK or ""
}

// defaultFontDirs are the usual places fonts are installed on Linux, macOS
// and Windows.
func defaultFontDirs() []string {
	dirs := []string{
		"/usr/share/fonts",
		"/usr/local/share/fonts",
		"/System/Library/Fonts",
		"/Library/Fonts",
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs,
			filepath.Join(home, ".local", "share", "fonts"),
			filepath.Join(home, ".fonts"),
			filepath.Join(home, "Library", "Fonts"))
	}
	if xdg := os.Getenv("XDG_DATA_HOME"); xdg != "" {
		dirs = append(dirs, filepath.Join(xdg, "fonts"))
	}
	if win := os.Getenv("WINDIR"); win != "" {
		dirs = append(dirs, filepath.Join(win, "Fonts"))
	}
	return dirs
}

func newFallbackFonts(dirs []string) *fallbackFonts {
	return &fallbackFonts{
		dirs:    dirs,
		parsed:  map[string][]*fontRef{},
		answer:  map[fallbackKey]*fontRef{},
		ordered: map[bool][]string{},
		members: map[string]map[string][]*fontRef{},
	}
}

// systemFonts is the process-wide fallback set. Tests may replace it.
var systemFonts = newFallbackFonts(defaultFontDirs())

// maxFontFile bounds the size of a fallback font file we are willing to read.
const maxFontFile = 64 << 20

func (fb *fallbackFonts) scan() {
	seen := map[string]bool{}
	for _, dir := range fb.dirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".ttf", ".otf", ".ttc", ".otc":
			default:
				return nil
			}
			if info, err := d.Info(); err != nil || info.Size() > maxFontFile {
				return nil
			}
			if real, err := filepath.EvalSymlinks(path); err == nil {
				if seen[real] {
					return nil
				}
				seen[real] = true
			}
			fb.files = append(fb.files, path)
			return nil
		})
	}
	sort.Strings(fb.files)
}

// fileRank orders candidate files: upright before italic, the wanted weight
// before the other, sans before serif and mono, regular widths before
// condensed and light cuts, then by path (for determinism).
func fileRank(path string, bold bool) [5]int {
	n := strings.ToLower(filepath.Base(path))
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(n, w) {
				return true
			}
		}
		return false
	}
	var r [5]int
	if has("italic", "oblique") {
		r[0] = 1
	}
	if has("bold", "black", "heavy") != bold {
		r[1] = 1
	}
	if has("serif", "mono", "math", "symbol", "emoji") {
		if !strings.Contains(n, "sans") || has("mono", "math") {
			r[2] = 1
		}
	}
	if has("condensed", "light", "thin", "extra", "semi", "demi", "medium") {
		r[3] = 1
	}
	return r
}

// cjkTag picks the CJK variant for a BCP 47 language tag, so that Han
// characters take the regional glyph forms the audience expects.
func cjkTag(lang string) string {
	l := strings.ToLower(lang)
	switch {
	case strings.HasPrefix(l, "ja"):
		return "JP"
	case strings.HasPrefix(l, "ko"):
		return "KR"
	case strings.HasPrefix(l, "zh-hk"), strings.HasPrefix(l, "zh-mo"), strings.HasPrefix(l, "yue"):
		return "HK"
	case strings.HasPrefix(l, "zh-tw"), strings.Contains(l, "hant"):
		return "TC"
	case strings.HasPrefix(l, "zh"):
		return "SC"
	}
	return ""
}

// load parses every font in a file (all members of a collection).
func (fb *fallbackFonts) load(path string) []*fontRef {
	if fonts, ok := fb.parsed[path]; ok {
		return fonts
	}
	var fonts []*fontRef
	data, err := readRegular(path, maxFontFile)
	if err == nil {
		if f, err := opentype.Parse(data); err == nil {
			fonts = append(fonts, newFontRef(path, data, f))
		} else if c, err := opentype.ParseCollection(data); err == nil {
			for i := 0; i < c.NumFonts(); i++ {
				if f, err := c.Font(i); err == nil {
					fonts = append(fonts, newFontRef(fmt.Sprintf("%s#%d", path, i), data, f))
				}
			}
		}
	}
	fb.parsed[path] = fonts
	return fonts
}

// find returns an installed font with a glyph for r, or nil.
func (fb *fallbackFonts) find(r rune, bold bool, lang string) *fontRef {
	key := fallbackKey{r, bold, cjkTag(lang)}
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if fr, ok := fb.answer[key]; ok {
		return fr
	}
	fb.scanOnce.Do(fb.scan)
	files, ok := fb.ordered[bold]
	if !ok {
		files = append([]string(nil), fb.files...)
		ranks := make(map[string][5]int, len(files))
		for _, f := range files {
			ranks[f] = fileRank(f, bold)
		}
		sort.SliceStable(files, func(i, j int) bool {
			ri, rj := ranks[files[i]], ranks[files[j]]
			for k := range ri {
				if ri[k] != rj[k] {
					return ri[k] < rj[k]
				}
			}
			return files[i] < files[j]
		})
		fb.ordered[bold] = files
	}
	var found *fontRef
	for _, path := range files {
		byTag := fb.members[path]
		if byTag == nil {
			byTag = map[string][]*fontRef{}
			fb.members[path] = byTag
		}
		members, ok := byTag[key.lang]
		if !ok {
			members = orderMembers(fb.load(path), key.lang)
			byTag[key.lang] = members
		}
		for _, fr := range members {
			if fr.has(r) {
				found = fr
				break
			}
		}
		if found != nil {
			break
		}
	}
	fb.answer[key] = found
	return found
}

// orderMembers puts the members of a collection in preference order:
// proportional before monospaced, the wanted CJK variant first.
func orderMembers(fonts []*fontRef, tag string) []*fontRef {
	if len(fonts) < 2 {
		return fonts
	}
	type ranked struct {
		fr   *fontRef
		rank int
		i    int
	}
	var buf sfnt.Buffer
	rs := make([]ranked, len(fonts))
	for i, fr := range fonts {
		fam, _ := fr.f.Name(&buf, sfnt.NameIDFamily)
		rank := 0
		if strings.Contains(strings.ToLower(fam), "mono") {
			rank += 2
		}
		if tag != "" && !strings.HasSuffix(strings.TrimSpace(fam), " "+tag) {
			rank++
		}
		rs[i] = ranked{fr, rank, i}
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].rank < rs[b].rank })
	out := make([]*fontRef, len(fonts))
	for i, r := range rs {
		out[i] = r.fr
	}
	return out
}

var scriptNames = func() []string {
	names := make([]string, 0, len(unicode.Scripts))
	for name := range unicode.Scripts {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}()

// scriptOf names the Unicode script of r ("Han", "Arabic", ...).
func scriptOf(r rune) string {
	for _, name := range scriptNames {
		if name == "Common" || name == "Inherited" {
			continue
		}
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	if unicode.IsSymbol(r) {
		return "symbols"
	}
	return "Common"
}

// installHint names the Debian/Ubuntu package that covers a script.
func installHint(script string) string {
	switch script {
	case "Han", "Hiragana", "Katakana", "Hangul", "Bopomofo":
		return "install fonts-noto-cjk"
	case "symbols", "Common":
		return "install fonts-noto-core or fonts-symbola"
	}
	return "install fonts-noto-core"
}
