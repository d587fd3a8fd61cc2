package render

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/templates"
)

// Version is bumped whenever rendering output changes for the same input, so
// that cached frames keyed by Fingerprint are invalidated.
const Version = 1

// DefaultTemplate is used when a course names no template.
const DefaultTemplate = "modern"

// Template is a loaded, validated slide template. It is immutable and safe
// for concurrent use.
type Template struct {
	name        string
	description string
	path        string // template file, "" for built-in ones
	sp          *spec
	colors      map[string]color.NRGBA // resolved colour references
	fonts       map[string]*fontRef    // role or embedded name → font
	bgImage     image.Image
	fingerprint string
	warnings    []string
}

// Name is the template's name ("modern", or a custom template's name).
func (t *Template) Name() string { return t.name }

// Description is the template's one-line description.
func (t *Template) Description() string { return t.description }

// Fingerprint is a hex SHA-256 over everything that changes this template's
// output: its file (and the files it extends), every font and image it uses,
// and Version. Use it in frame cache keys.
func (t *Template) Fingerprint() string { return t.fingerprint }

// Warnings are non-fatal problems found while loading (for example a
// secondary text colour with weak contrast).
func (t *Template) Warnings() []string { return append([]string(nil), t.warnings...) }

// Names lists the built-in templates, sorted.
func Names() []string {
	entries, err := fs.ReadDir(templates.FS, ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	sort.Strings(names)
	return names
}

var builtinCache sync.Map // name → *Template

// LoadTemplate loads a template. A bare name ("modern") loads a built-in
// template; anything with a path separator or a .yaml/.yml suffix is a
// template file, resolved against baseDir, whose fonts and images resolve
// against its own folder. An empty name loads DefaultTemplate.
func LoadTemplate(nameOrPath string, baseDir string) (*Template, error) {
	if nameOrPath == "" {
		nameOrPath = DefaultTemplate
	}
	if !isTemplatePath(nameOrPath) {
		if v, ok := builtinCache.Load(nameOrPath); ok {
			return v.(*Template), nil
		}
		t, err := load(builtinSource(nameOrPath), false)
		if err != nil {
			return nil, err
		}
		v, _ := builtinCache.LoadOrStore(nameOrPath, t)
		return v.(*Template), nil
	}
	path := nameOrPath
	if !filepath.IsAbs(path) {
		path = filepath.Join(baseDir, path)
	}
	return load(fileSource(path), true)
}

func isTemplatePath(s string) bool {
	l := strings.ToLower(s)
	return strings.ContainsAny(s, `/\`) || strings.HasSuffix(l, ".yaml") || strings.HasSuffix(l, ".yml")
}

// source is one template file: built-in or on disk.
type source struct {
	name    string // what the user wrote, for messages
	file    string // path for messages
	dir     string // folder relative paths resolve against ("" for built-ins)
	builtin bool
	read    func() ([]byte, error)
}

func builtinSource(name string) source {
	return source{
		name: name, file: "templates/" + name + ".yaml", builtin: true,
		read: func() ([]byte, error) { return fs.ReadFile(templates.FS, name+".yaml") },
	}
}

func fileSource(path string) source {
	return source{
		name: path, file: path, dir: filepath.Dir(path),
		read: func() ([]byte, error) { return readRegular(path, maxTemplateFile) },
	}
}

func unknownTemplate(name string) *fault.Error {
	names := Names()
	e := fault.New(fault.Input, "unknown template %q", name)
	if s := didYouMean(name, names); s != "" {
		e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	e.WithHint("built-in templates: %s", strings.Join(names, ", "))
	e.WithHint("or give the path of a template file, e.g. ./my-template.yaml")
	return e
}

// loaded is the result of decoding a chain of template files.
type loaded struct {
	sp    *spec
	files [][]byte
	pos   map[string]*yaml.Node // key positions in the outermost file
	own   map[string]bool       // top-level keys set by the outermost file
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func decodeChain(src source, depth int) (*loaded, error) {
	if depth > 8 {
		return nil, fault.New(fault.Input, "template %s: too many levels of extends (a cycle?)", src.file)
	}
	data, err := src.read()
	if err != nil {
		if src.builtin {
			return nil, unknownTemplate(src.name)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, (&fault.Error{Kind: fault.Input, File: src.file, Msg: "template file not found", Err: err}).
				WithHint("check the path, or use a built-in template: %s", strings.Join(Names(), ", "))
		}
		return nil, &fault.Error{Kind: fault.Input, File: src.file, Msg: "cannot read template: " + err.Error(), Err: err}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		e := &fault.Error{Kind: fault.Input, File: src.file, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: "), Err: err}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
		}
		return nil, e
	}
	pos := map[string]*yaml.Node{}
	if errs := strictCheck(src.file, &doc, reflect.TypeOf(spec{}), "", pos); len(errs) > 0 {
		return nil, errs
	}
	own := map[string]bool{}
	var extends string
	if len(doc.Content) > 0 && doc.Content[0].Kind == yaml.MappingNode {
		m := doc.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			own[m.Content[i].Value] = true
			if m.Content[i].Value == "extends" {
				extends = m.Content[i+1].Value
			}
		}
	}
	out := &loaded{sp: &spec{}, pos: pos, own: own}
	if extends != "" {
		var parent source
		if isTemplatePath(extends) {
			p := extends
			if !filepath.IsAbs(p) {
				p = filepath.Join(src.dir, p)
			}
			parent = fileSource(p)
		} else {
			parent = builtinSource(extends)
		}
		pl, err := decodeChain(parent, depth+1)
		if err != nil {
			var fe *fault.Error
			if errors.As(err, &fe) && fe.File == "" {
				fe.File = src.file
				if n := pos["extends"]; n != nil {
					fe.Line, fe.Col = n.Line, n.Column
				}
			}
			return nil, err
		}
		out.sp = pl.sp
		out.files = pl.files
	}
	if len(doc.Content) > 0 {
		if err := doc.Content[0].Decode(out.sp); err != nil {
			return nil, &fault.Error{Kind: fault.Input, File: src.file, Msg: "invalid template: " + err.Error(), Err: err}
		}
	}
	out.sp.Extends = ""
	// Paths written in this file resolve against its folder; inherited
	// ones were made absolute by their own level already.
	if src.dir != "" {
		for role, v := range out.sp.Fonts {
			if isFontPath(v) && !filepath.IsAbs(v) {
				out.sp.Fonts[role] = filepath.Join(src.dir, v)
			}
		}
		if img := out.sp.Background.Image; img != "" && !filepath.IsAbs(img) {
			out.sp.Background.Image = filepath.Join(src.dir, img)
		}
	}
	out.files = append(out.files, data)
	return out, nil
}

func isFontPath(v string) bool {
	l := strings.ToLower(v)
	return strings.ContainsAny(v, `/\`) || strings.HasSuffix(l, ".ttf") || strings.HasSuffix(l, ".otf") ||
		strings.HasSuffix(l, ".ttc") || strings.HasSuffix(l, ".otc")
}

func load(src source, custom bool) (*Template, error) {
	ld, err := decodeChain(src, 0)
	if err != nil {
		return nil, err
	}
	t := &Template{
		sp:          ld.sp,
		description: ld.sp.Description,
		colors:      map[string]color.NRGBA{},
		fonts:       map[string]*fontRef{},
	}
	switch {
	case src.builtin:
		t.name = src.name
	case ld.own["name"] && ld.sp.Name != "":
		t.name = ld.sp.Name
		t.path = src.file
	default:
		t.name = strings.TrimSuffix(filepath.Base(src.file), filepath.Ext(src.file))
		t.path = src.file
	}
	v := &validator{t: t, file: src.file, pos: ld.pos}
	v.validate()
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	h := sha256.New()
	fmt.Fprintf(h, "tecno/render v%d\n", Version)
	for _, f := range ld.files {
		fmt.Fprintf(h, "template %d\n", len(f))
		h.Write(f)
	}
	roles := make([]string, 0, len(t.fonts))
	for r := range t.fonts {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, r := range roles {
		fr := t.fonts[r]
		fmt.Fprintf(h, "font %s %s %d\n", r, filepath.Base(fr.name), len(fr.data))
		h.Write(fr.data)
	}
	if t.sp.Background.Image != "" {
		data, _ := readRegular(t.sp.Background.Image, maxImageFile)
		fmt.Fprintf(h, "background %d\n", len(data))
		h.Write(data)
	}
	t.fingerprint = hex.EncodeToString(h.Sum(nil))
	if custom {
		if err := t.checkContrast(src.file); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// ---- validation ----

type validator struct {
	t    *Template
	file string
	pos  map[string]*yaml.Node
	errs fault.List
}

func (v *validator) errAt(path, format string, args ...any) {
	e := &fault.Error{Kind: fault.Input, File: v.file, Msg: fmt.Sprintf(format, args...)}
	for p := path; p != ""; {
		if n, ok := v.pos[p]; ok {
			e.Line, e.Col = n.Line, n.Column
			break
		}
		i := strings.LastIndex(p, ".")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	v.errs = append(v.errs, e)
}

var paletteRoles = []string{"background", "surface", "text", "muted", "accent", "accent_text",
	"code_background", "code_text", "code_keyword", "code_string", "code_comment", "code_number"}

func (v *validator) paletteValue(role string) string {
	p := v.t.sp.Palette
	switch role {
	case "background":
		return p.Background
	case "surface":
		return p.Surface
	case "text":
		return p.Text
	case "muted":
		return p.Muted
	case "accent":
		return p.Accent
	case "accent_text":
		return p.AccentText
	case "code_background":
		return p.CodeBackground
	case "code_text":
		return p.CodeText
	case "code_keyword":
		return or(p.CodeKeyword, p.CodeText)
	case "code_string":
		return or(p.CodeString, p.CodeText)
	case "code_comment":
		return or(p.CodeComment, p.CodeText)
	case "code_number":
		return or(p.CodeNumber, p.CodeText)
	}
	return ""
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// color resolves a colour reference at path: "#hex", a palette role, a name
// from colors, each optionally followed by "@alpha" (0..1).
func (v *validator) color(path, ref string) {
	if ref == "" {
		return
	}
	if _, ok := v.t.colors[ref]; ok {
		return
	}
	c, err := v.resolveColor(ref, 0)
	if err != nil {
		v.errAt(path, "%s: %v", path, err)
		return
	}
	v.t.colors[ref] = c
}

func (v *validator) resolveColor(ref string, depth int) (color.NRGBA, error) {
	if depth > 4 {
		return color.NRGBA{}, fmt.Errorf("colour %q refers to itself", ref)
	}
	base, alpha := ref, 1.0
	if i := strings.LastIndex(ref, "@"); i >= 0 {
		base = ref[:i]
		a, err := strconv.ParseFloat(ref[i+1:], 64)
		if err != nil || a < 0 || a > 1 {
			return color.NRGBA{}, fmt.Errorf("bad opacity in %q (want name@0.5)", ref)
		}
		alpha = a
	}
	var c color.NRGBA
	switch {
	case strings.HasPrefix(base, "#"):
		var err error
		if c, err = parseHex(base); err != nil {
			return c, err
		}
	case v.paletteValue(base) != "":
		var err error
		if c, err = v.resolveColor(v.paletteValue(base), depth+1); err != nil {
			return c, err
		}
	case v.t.sp.Colors[base] != "":
		var err error
		if c, err = v.resolveColor(v.t.sp.Colors[base], depth+1); err != nil {
			return c, err
		}
	default:
		names := append([]string(nil), paletteRoles...)
		for n := range v.t.sp.Colors {
			names = append(names, n)
		}
		msg := fmt.Sprintf("unknown colour %q", base)
		if s := didYouMean(base, names); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return c, errors.New(msg + "; use #rrggbb, a palette role or a name from colors")
	}
	return withAlpha(c, alpha), nil
}

// font resolves a font reference: a role from fonts, or an embedded name.
func (v *validator) font(path, ref string) {
	if ref == "" {
		return
	}
	if _, ok := v.t.fonts[ref]; ok {
		return
	}
	target := ref
	if r, ok := v.t.sp.Fonts[ref]; ok {
		target = r
	}
	var fr *fontRef
	var err error
	if isFontPath(target) {
		fr, err = fileFont(target)
		if err != nil {
			v.errAt(path, "font %q: %v", target, err)
			return
		}
	} else {
		fr, err = embeddedFont(target)
		if err != nil {
			msg := fmt.Sprintf("unknown font %q", target)
			if s := didYouMean(target, EmbeddedFontNames()); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			v.errAt(path, "%s; use an embedded font (%s) or a .ttf/.otf path", msg, strings.Join(EmbeddedFontNames(), ", "))
			return
		}
	}
	v.t.fonts[ref] = fr
}

var (
	validAlign   = map[string]bool{"": true, "left": true, "center": true, "right": true}
	validVAlign  = map[string]bool{"": true, "top": true, "middle": true, "bottom": true}
	validMarkers = map[string]bool{"disc": true, "ring": true, "square": true, "diamond": true, "dash": true, "chevron": true, "arrow": true}
	validDecos   = map[string]bool{"rect": true, "circle": true, "glow": true, "line": true, "polygon": true, "grid": true, "text": true}
)

func (v *validator) validate() {
	sp := v.t.sp
	for _, role := range []string{"background", "surface", "text", "muted", "accent", "accent_text", "code_background", "code_text"} {
		if v.paletteValue(role) == "" {
			v.errAt("palette", "palette.%s is missing", role)
			continue
		}
		v.color("palette."+role, role)
	}
	for _, role := range []string{"code_keyword", "code_string", "code_comment", "code_number"} {
		v.color("palette."+role, role)
	}
	for i, m := range sp.Palette.Markers {
		v.color(fmt.Sprintf("palette.markers.%d", i), m)
	}
	for name, c := range sp.Colors {
		v.color("colors."+name, c)
	}
	bg := sp.Background
	switch bg.Type {
	case "", "solid":
		v.color("background.color", or(bg.Color, "background"))
	case "vertical", "diagonal":
		if bg.From == "" || bg.To == "" {
			v.errAt("background", "a %s gradient needs from and to colours", bg.Type)
		}
		v.color("background.from", bg.From)
		v.color("background.to", bg.To)
	case "image":
		if bg.Image == "" {
			v.errAt("background", "background type image needs an image file")
		} else if img, err := decodeImageFile(bg.Image); err != nil {
			v.errAt("background.image", "background image: %v", err)
		} else {
			v.t.bgImage = img
		}
		v.color("background.color", or(bg.Color, "background"))
	default:
		v.errAt("background.type", "unknown background type %q; use solid, vertical, diagonal or image", bg.Type)
	}
	for _, role := range []string{"title", "body", "code"} {
		if sp.Fonts[role] == "" {
			v.errAt("fonts", "fonts.%s is missing", role)
		}
	}
	roles := make([]string, 0, len(sp.Fonts))
	for r := range sp.Fonts {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, r := range roles {
		v.font("fonts."+r, r)
	}
	sz := sp.Sizes
	for _, s := range []struct {
		name string
		v    float64
	}{{"hero", sz.Hero}, {"section", sz.Section}, {"title", sz.Title}, {"subtitle", sz.Subtitle}, {"body", sz.Body},
		{"code", sz.Code}, {"quote", sz.Quote}, {"author", sz.Author}, {"label", sz.Label}, {"caption", sz.Caption},
		{"footer", sz.Footer}, {"min", sz.Min}} {
		if s.v <= 0 || s.v > 400 {
			v.errAt("sizes."+s.name, "sizes.%s must be between 1 and 400 (got %g)", s.name, s.v)
		}
	}
	bl := sp.Bullets
	if bl.Indent < 0 || bl.Indent > 400 || bl.Hang < 0 || bl.Hang > 5 || bl.Gap < 0 || bl.Gap > 5 {
		v.errAt("bullets", "bullets: indent must be 0 to 400, hang and gap 0 to 5")
	}
	for i, sc := range bl.Scale {
		if sc <= 0.2 || sc > 3 {
			v.errAt(fmt.Sprintf("bullets.scale.%d", i), "bullets.scale values must be between 0.2 and 3")
		}
	}
	for i, m := range sp.Bullets.Markers {
		if !validMarkers[m] {
			v.errAt(fmt.Sprintf("bullets.markers.%d", i), "unknown bullet marker %q; use disc, ring, square, diamond, dash, chevron or arrow", m)
		}
	}
	v.color("bullets.nested_text", sp.Bullets.NestedText)
	for _, name := range course.Layouts {
		path := "layouts." + name
		l := sp.Layouts.get(name)
		if l == nil {
			v.errAt("layouts", "layout %q is missing", name)
			continue
		}
		for _, req := range requiredBoxes[name] {
			if boxOf(l, req) == nil {
				v.errAt(path, "layout %s needs a %s box", name, req)
			}
		}
		for _, nb := range l.elements() {
			if nb.box != nil {
				v.box(path+"."+nb.name, nb.box, false)
			}
		}
		v.decos(path+".decorations", l.Decorations)
		if pl := sp.Portrait.Layouts.get(name); pl != nil {
			for _, nb := range pl.elements() {
				if nb.box != nil {
					v.box("portrait."+path+"."+nb.name, nb.box, true)
				}
			}
			v.decos("portrait."+path+".decorations", pl.Decorations)
		}
	}
	v.decos("decorations", sp.Decorations)
	v.decos("portrait.decorations", sp.Portrait.Decorations)
	f := sp.Footer
	for i, l := range f.Layouts {
		if sp.Layouts.get(l) == nil {
			v.errAt(fmt.Sprintf("footer.layouts.%d", i), "unknown layout %q", l)
		}
	}
	if len(f.Layouts) > 0 && f.Box == nil {
		v.errAt("footer", "footer needs a box")
	}
	if f.Box != nil {
		v.box("footer.box", f.Box, false)
	}
	if f.Portrait != nil {
		v.box("footer.portrait", f.Portrait, true)
	}
	switch f.Left {
	case "", "course", "lesson", "course-lesson", "none":
	default:
		v.errAt("footer.left", "footer.left must be course, lesson, course-lesson or none")
	}
	switch f.Right {
	case "", "number", "number-total", "none":
	default:
		v.errAt("footer.right", "footer.right must be number, number-total or none")
	}
}

func boxOf(l *layoutSpec, name string) *boxSpec {
	for _, nb := range l.elements() {
		if nb.name == name {
			return nb.box
		}
	}
	return nil
}

func (v *validator) box(path string, b *boxSpec, portrait bool) {
	cw, ch := 1920.0, 1080.0
	if portrait {
		cw, ch = 1080, 1920
	}
	if b.W <= 0 || b.H <= 0 {
		v.errAt(path, "%s needs a positive w and h", path)
	}
	if b.X < 0 || b.Y < 0 || b.X+b.W > cw+0.5 || b.Y+b.H > ch+0.5 {
		v.errAt(path, "%s (x %g, y %g, w %g, h %g) must lie inside the %gx%g design canvas", path, b.X, b.Y, b.W, b.H, cw, ch)
	}
	for _, kv := range [][2]string{{"after", b.After}, {"before", b.Before}} {
		if kv[1] != "" && !containsStr(elementNames, kv[1]) {
			v.errAt(path+"."+kv[0], "%s must name another box of the layout (%s)", kv[0], strings.Join(elementNames, ", "))
		}
	}
	v.color(path+".bar", b.Bar)
	v.color(path+".mark_color", b.MarkColor)
	v.font(path+".mark_font", b.MarkFont)
	if !validAlign[b.Align] {
		v.errAt(path+".align", "align must be left, center or right")
	}
	if !validVAlign[b.VAlign] {
		v.errAt(path+".valign", "valign must be top, middle or bottom")
	}
	if b.Fit != "" && b.Fit != "contain" && b.Fit != "cover" {
		v.errAt(path+".fit", "fit must be contain or cover")
	}
	if b.Size < 0 || b.MinSize < 0 || b.Padding < 0 || b.Radius < 0 || b.LineHeight < 0 || b.MarkSize < 0 || b.BorderWidth < 0 || b.BarWidth < 0 || b.Gap < 0 {
		v.errAt(path, "%s: sizes must not be negative", path)
	}
	if b.Size > 400 || b.MinSize > 400 || b.MarkSize > 1000 || b.LineHeight > 5 || b.Tracking < -0.5 || b.Tracking > 2 ||
		b.Radius > 2000 || b.BorderWidth > 200 || b.BarWidth > 200 || b.Gap > 2000 {
		v.errAt(path, "%s: a size is out of range (font sizes up to 400, line_height up to 5, tracking -0.5 to 2)", path)
	}
	if b.Padding*2 >= b.W || b.Padding*2 >= b.H {
		if b.Padding > 0 {
			v.errAt(path+".padding", "padding leaves no room inside the box")
		}
	}
	v.color(path+".color", b.Color)
	v.color(path+".fill", b.Fill)
	v.color(path+".border", b.Border)
	v.color(path+".prefix_color", b.PrefixColor)
	v.font(path+".font", b.Font)
}

func (v *validator) decos(path string, ds []decoSpec) {
	for i, d := range ds {
		p := fmt.Sprintf("%s.%d", path, i)
		if !validDecos[d.Kind] {
			v.errAt(p+".kind", "unknown decoration kind %q; use rect, circle, glow, line, polygon, grid or text", d.Kind)
		}
		if d.Color == "" {
			v.errAt(p, "decoration needs a color")
		}
		v.color(p+".color", d.Color)
		v.color(p+".to", d.To)
		for j, l := range append(append([]string(nil), d.Layouts...), d.Except...) {
			if v.t.sp.Layouts.get(l) == nil && !containsStr(course.Layouts, l) {
				v.errAt(fmt.Sprintf("%s.layouts.%d", p, j), "unknown layout %q", l)
			}
		}
		switch d.Kind {
		case "polygon":
			if len(d.Points) < 3 {
				v.errAt(p+".points", "a polygon needs at least 3 points")
			}
		case "grid":
			if d.Spacing <= 0 {
				v.errAt(p+".spacing", "a grid needs a positive spacing")
			}
		case "text":
			if d.Text == "" || d.Size <= 0 || d.Size > 1000 {
				v.errAt(p, "a text decoration needs text and a size from 1 to 1000")
			}
			v.font(p+".font", or(d.Font, "body"))
		}
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// col returns a resolved colour reference (validated at load time).
func (t *Template) col(ref string) color.NRGBA {
	return t.colors[ref]
}

// fontFor returns the font for a role or embedded name, falling back to the
// body font.
func (t *Template) fontFor(ref string) *fontRef {
	if fr, ok := t.fonts[ref]; ok {
		return fr
	}
	return t.fonts["body"]
}
