package render

// The template file schema. Geometry is written in design units on a
// 1920×1080 canvas (portrait overrides on a 1080×1920 canvas) and scaled to
// the output frame; font sizes, radii and line thicknesses are design pixels
// at a frame whose short side is 1080 and scale with the short side.

type spec struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Extends     string            `yaml:"extends"`
	Background  backgroundSpec    `yaml:"background"`
	Palette     paletteSpec       `yaml:"palette"`
	Colors      map[string]string `yaml:"colors"` // extra named colours
	Fonts       map[string]string `yaml:"fonts"`  // role → embedded name or file
	Sizes       sizesSpec         `yaml:"sizes"`
	Bullets     bulletSpec        `yaml:"bullets"`
	Footer      footerSpec        `yaml:"footer"`
	Decorations []decoSpec        `yaml:"decorations"`
	Layouts     layoutsSpec       `yaml:"layouts"`
	Portrait    portraitSpec      `yaml:"portrait"`
}

type backgroundSpec struct {
	Type  string `yaml:"type"` // solid, vertical, diagonal, image
	Color string `yaml:"color"`
	From  string `yaml:"from"`
	To    string `yaml:"to"`
	Image string `yaml:"image"` // for type image, relative to the template
}

type paletteSpec struct {
	Background     string   `yaml:"background"`
	Surface        string   `yaml:"surface"`
	Text           string   `yaml:"text"`
	Muted          string   `yaml:"muted"`
	Accent         string   `yaml:"accent"`
	AccentText     string   `yaml:"accent_text"`
	CodeBackground string   `yaml:"code_background"`
	CodeText       string   `yaml:"code_text"`
	CodeKeyword    string   `yaml:"code_keyword"`
	CodeString     string   `yaml:"code_string"`
	CodeComment    string   `yaml:"code_comment"`
	CodeNumber     string   `yaml:"code_number"`
	Markers        []string `yaml:"markers"` // bullet marker colours
}

type sizesSpec struct {
	Hero     float64 `yaml:"hero"`    // title of the title layout
	Section  float64 `yaml:"section"` // title of the section layout
	Title    float64 `yaml:"title"`
	Subtitle float64 `yaml:"subtitle"`
	Body     float64 `yaml:"body"`
	Code     float64 `yaml:"code"`
	Quote    float64 `yaml:"quote"`
	Author   float64 `yaml:"author"`
	Label    float64 `yaml:"label"`
	Caption  float64 `yaml:"caption"`
	Footer   float64 `yaml:"footer"`
	Min      float64 `yaml:"min"` // smallest size auto-fit may shrink to
}

type bulletSpec struct {
	Markers    []string  `yaml:"markers"`     // per level: disc ring square diamond dash chevron arrow
	Cycle      bool      `yaml:"cycle"`       // marker colours cycle per top-level item (else per level)
	Indent     float64   `yaml:"indent"`      // design px per nesting level
	Hang       float64   `yaml:"hang"`        // marker column width, in em
	Gap        float64   `yaml:"gap"`         // space before an item, in em
	Scale      []float64 `yaml:"scale"`       // size factor per level
	NestedText string    `yaml:"nested_text"` // text colour of nested levels
}

type footerSpec struct {
	Layouts  []string `yaml:"layouts"` // layouts that show the footer
	Box      *boxSpec `yaml:"box"`
	Portrait *boxSpec `yaml:"portrait"`
	Left     string   `yaml:"left"`  // course, lesson, course-lesson, none
	Right    string   `yaml:"right"` // number, number-total, none
}

// boxSpec is one element of a layout: where it goes and how its text looks.
type boxSpec struct {
	X           float64 `yaml:"x"`
	Y           float64 `yaml:"y"`
	W           float64 `yaml:"w"`
	H           float64 `yaml:"h"`
	Align       string  `yaml:"align"`  // left, center, right
	VAlign      string  `yaml:"valign"` // top, middle, bottom
	Font        string  `yaml:"font"`   // a font role or embedded font name
	Size        float64 `yaml:"size"`
	MinSize     float64 `yaml:"min_size"`
	Color       string  `yaml:"color"`
	LineHeight  float64 `yaml:"line_height"`
	Upper       bool    `yaml:"upper"`
	Tracking    float64 `yaml:"tracking"` // extra letter spacing, in em
	Fill        string  `yaml:"fill"`     // card behind the box
	Border      string  `yaml:"border"`
	BorderWidth float64 `yaml:"border_width"`
	Radius      float64 `yaml:"radius"`
	Padding     float64 `yaml:"padding"`
	Shadow      bool    `yaml:"shadow"`
	Prefix      string  `yaml:"prefix"` // text before the first line (e.g. "> ")
	PrefixColor string  `yaml:"prefix_color"`
	Dots        bool    `yaml:"dots"` // window dots on a code card
	Fit         string  `yaml:"fit"`  // images: contain (default) or cover
	Hug         bool    `yaml:"hug"`  // the fill hugs the text (a pill) instead of filling the box
	// After moves the box's top edge up to just below what another
	// element of the layout actually drew (plus Gap), so content follows
	// a short title instead of leaving a hole. The bottom edge stays.
	After string `yaml:"after"`
	// Before moves the box (up or down) so that its bottom edge sits Gap
	// above what another element actually drew, e.g. a label that stays
	// on top of a bottom-aligned title.
	Before string  `yaml:"before"`
	Gap    float64 `yaml:"gap"`
	// Bar draws a vertical rule of this colour beside the text, as tall as
	// the text (quotes).
	Bar      string  `yaml:"bar"`
	BarWidth float64 `yaml:"bar_width"`
	// Mark hangs a large glyph (an opening quotation mark) in the margin
	// left of the first line.
	Mark      string  `yaml:"mark"`
	MarkColor string  `yaml:"mark_color"`
	MarkSize  float64 `yaml:"mark_size"`
	MarkFont  string  `yaml:"mark_font"`
}

type layoutSpec struct {
	Title       *boxSpec   `yaml:"title"`
	Subtitle    *boxSpec   `yaml:"subtitle"`
	Body        *boxSpec   `yaml:"body"`
	Image       *boxSpec   `yaml:"image"`
	Caption     *boxSpec   `yaml:"caption"`
	Code        *boxSpec   `yaml:"code"`
	Quote       *boxSpec   `yaml:"quote"`
	Author      *boxSpec   `yaml:"author"`
	Label       *boxSpec   `yaml:"label"`
	Decorations []decoSpec `yaml:"decorations"`
}

type layoutsSpec struct {
	Title      *layoutSpec `yaml:"title"`
	Bullets    *layoutSpec `yaml:"bullets"`
	Image      *layoutSpec `yaml:"image"`
	ImageText  *layoutSpec `yaml:"image-text"`
	Quote      *layoutSpec `yaml:"quote"`
	Code       *layoutSpec `yaml:"code"`
	Section    *layoutSpec `yaml:"section"`
	SlideImage *layoutSpec `yaml:"slide-image"`
}

// portraitSpec overrides geometry for frames taller than wide, on a
// 1080×1920 design canvas. Anything not overridden is scaled from the
// landscape geometry.
type portraitSpec struct {
	Layouts     layoutsSpec `yaml:"layouts"`
	Decorations []decoSpec  `yaml:"decorations"` // replaces the landscape list when set
}

// decoSpec is a decorative shape.
type decoSpec struct {
	Kind      string       `yaml:"kind"`    // rect, circle, glow, line, polygon, grid, text
	Layouts   []string     `yaml:"layouts"` // only on these layouts
	Except    []string     `yaml:"except"`  // not on these layouts
	X         float64      `yaml:"x"`
	Y         float64      `yaml:"y"`
	W         float64      `yaml:"w"`
	H         float64      `yaml:"h"`
	X2        float64      `yaml:"x2"`
	Y2        float64      `yaml:"y2"`
	R         float64      `yaml:"r"`      // circle radius (design px, uniform scale)
	Radius    float64      `yaml:"radius"` // rect corner radius
	Color     string       `yaml:"color"`
	To        string       `yaml:"to"`        // rect: horizontal gradient end colour
	Thickness float64      `yaml:"thickness"` // line width; stroke width for outlines
	Stroke    bool         `yaml:"stroke"`    // outline instead of fill
	Spacing   float64      `yaml:"spacing"`   // grid cell size
	Points    [][2]float64 `yaml:"points"`    // polygon
	Text      string       `yaml:"text"`
	Font      string       `yaml:"font"`
	Size      float64      `yaml:"size"`
	Top       bool         `yaml:"top"` // draw over the content instead of under it
}

func (l *layoutsSpec) get(name string) *layoutSpec {
	switch name {
	case "title":
		return l.Title
	case "bullets":
		return l.Bullets
	case "image":
		return l.Image
	case "image-text":
		return l.ImageText
	case "quote":
		return l.Quote
	case "code":
		return l.Code
	case "section":
		return l.Section
	case "slide-image":
		return l.SlideImage
	}
	return nil
}

// elements lists a layout's boxes by name, in drawing order.
func (l *layoutSpec) elements() []namedBox {
	if l == nil {
		return nil
	}
	return []namedBox{
		{"label", l.Label}, {"title", l.Title}, {"subtitle", l.Subtitle},
		{"body", l.Body}, {"image", l.Image}, {"caption", l.Caption},
		{"code", l.Code}, {"quote", l.Quote}, {"author", l.Author},
	}
}

type namedBox struct {
	name string
	box  *boxSpec
}

// requiredBoxes are the boxes each layout must define.
var requiredBoxes = map[string][]string{
	"title":       {"title"},
	"bullets":     {"title", "body"},
	"image":       {"image"},
	"image-text":  {"image", "body"},
	"quote":       {"quote"},
	"code":        {"code"},
	"section":     {"title"},
	"slide-image": {"image"},
}
