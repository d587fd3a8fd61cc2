package render

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Overrides change a template's colours and fonts for one course (the
// course file's branding): palette roles or named colours → "#rrggbb", and
// font roles → an embedded font name or a font file.
type Overrides struct {
	Colors map[string]string
	Fonts  map[string]string
	// BaseDir is the folder relative font paths resolve against (the
	// course file's).
	BaseDir string
}

// Empty reports whether o changes nothing.
func (o Overrides) Empty() bool { return len(o.Colors) == 0 && len(o.Fonts) == 0 }

// LoadTemplateWith loads a template (as LoadTemplate does) with overrides
// applied. It works as a template file that extends the named one: the
// result is validated like any custom template (contrast included), and
// its Fingerprint covers the overrides and the font files they name.
// Setting "background" also makes the background a plain colour.
func LoadTemplateWith(nameOrPath, baseDir string, o Overrides) (*Template, error) {
	if o.Empty() {
		return LoadTemplate(nameOrPath, baseDir)
	}
	if nameOrPath == "" {
		nameOrPath = DefaultTemplate
	}
	base, err := LoadTemplate(nameOrPath, baseDir)
	if err != nil {
		return nil, err
	}
	extends := nameOrPath
	if isTemplatePath(nameOrPath) && !filepath.IsAbs(nameOrPath) {
		extends = filepath.Join(baseDir, nameOrPath)
	}
	q := strconv.Quote
	var b strings.Builder
	b.WriteString("name: " + q(base.Name()) + "\n")
	b.WriteString("extends: " + q(extends) + "\n")
	var palette, named []string
	for _, k := range sortedKeys(o.Colors) {
		line := "  " + q(k) + ": " + q(o.Colors[k]) + "\n"
		if containsStr(paletteRoles, k) {
			palette = append(palette, line)
		} else {
			named = append(named, line)
		}
	}
	if len(palette) > 0 {
		b.WriteString("palette:\n" + strings.Join(palette, ""))
	}
	if len(named) > 0 {
		b.WriteString("colors:\n" + strings.Join(named, ""))
	}
	if bg, ok := o.Colors["background"]; ok {
		b.WriteString("background:\n  type: solid\n  color: " + q(bg) + "\n")
	}
	if len(o.Fonts) > 0 {
		b.WriteString("fonts:\n")
		for _, k := range sortedKeys(o.Fonts) {
			f := o.Fonts[k]
			if isFontPath(f) && !filepath.IsAbs(f) {
				f = filepath.Join(o.BaseDir, f)
			}
			b.WriteString("  " + q(k) + ": " + q(f) + "\n")
		}
	}
	doc := []byte(b.String())
	src := source{
		name: "branding", file: "branding (course file)", dir: o.BaseDir,
		read: func() ([]byte, error) { return doc, nil },
	}
	return load(src, true)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
