// Package course holds the course model (course.yaml, schema version 1):
// decoding with positions, validation and node-preserving edits.
package course

// SchemaVersion is the course.yaml schema version this build understands.
const SchemaVersion = 1

// Layouts lists every scene layout, in documentation order.
var Layouts = []string{"title", "bullets", "image", "image-text", "quote", "code", "section", "slide-image"}

// Review statuses.
const (
	StatusDraft            = "draft"
	StatusApproved         = "approved"
	StatusChangesRequested = "changes-requested"
)

// Pos is a 1-based line and column in the course file. The zero Pos means
// "unknown".
type Pos struct {
	Line int `json:"line,omitempty"`
	Col  int `json:"col,omitempty"`
}

// Course is a decoded course.yaml.
type Course struct {
	// Path is the course file as given; Dir is its folder, against which
	// relative paths resolve.
	Path string `json:"-"`
	Dir  string `json:"-"`

	Version  int               `json:"version"`
	Title    string            `json:"title"`
	Language string            `json:"language"` // BCP 47, e.g. en-US, pt-BR
	Author   string            `json:"author,omitempty"`
	Template string            `json:"template,omitempty"`
	Voice    Voice             `json:"voice"`
	Output   Output            `json:"output"`
	Branding Branding          `json:"branding,omitempty"`
	Lexicon  map[string]string `json:"lexicon,omitempty"`
	Avatar   *Avatar           `json:"avatar,omitempty"` // talking presenter, off when nil

	// Production (see production.go).
	Transition *Transition `json:"transition,omitempty"` // default scene entry transition
	Subtitles  string      `json:"subtitles,omitempty"`  // soft (default) or burn
	Music      *Music      `json:"music,omitempty"`
	Intro      *Card       `json:"intro,omitempty"`
	Outro      *Card       `json:"outro,omitempty"`

	Lessons []*Lesson `json:"lessons"`

	// Positions of keys, for error messages. Keyed by a dotted path such as
	// "lessons.0.scenes.2.image".
	Positions map[string]Pos `json:"-"`
}

// Voice selects a narration voice. Empty fields inherit from the enclosing
// level (scene → lesson → course → defaults).
type Voice struct {
	Provider string  `json:"provider,omitempty"`
	Name     string  `json:"name,omitempty"`
	Rate     float64 `json:"rate,omitempty"`  // 1.0 = normal speed
	Pitch    float64 `json:"pitch,omitempty"` // semitones, 0 = default
	Language string  `json:"language,omitempty"`
	Model    string  `json:"model,omitempty"`
}

// Merge returns v with its empty fields filled from parent.
func (v Voice) Merge(parent Voice) Voice {
	if v.Provider == "" {
		v.Provider = parent.Provider
		// A voice name belongs to its provider: only inherit it along
		// with the provider.
		if v.Name == "" {
			v.Name = parent.Name
		}
		if v.Model == "" {
			v.Model = parent.Model
		}
	}
	if v.Rate == 0 {
		v.Rate = parent.Rate
	}
	if v.Pitch == 0 {
		v.Pitch = parent.Pitch
	}
	if v.Language == "" {
		v.Language = parent.Language
	}
	return v
}

// Output holds output settings.
type Output struct {
	Dir    string `json:"dir,omitempty"` // default "out", relative to the course folder
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	FPS    int    `json:"fps,omitempty"`
	// Presets are extra outputs: sizes (1080p, 720p, 4k, vertical, square;
	// the first one is the main MP4) and formats (webm, audio-only).
	Presets []string `json:"presets,omitempty"`
}

// Branding holds optional branding.
type Branding struct {
	Logo         string  `json:"logo,omitempty"`          // image path, drawn on every frame
	LogoPosition string  `json:"logo_position,omitempty"` // top-right (default), top-left, bottom-right, bottom-left
	LogoMargin   float64 `json:"logo_margin,omitempty"`   // design px from the edges (default 48)
	LogoSize     float64 `json:"logo_size,omitempty"`     // logo width in design px (default 160)
	LogoOpacity  float64 `json:"logo_opacity,omitempty"`  // 0..1 (default 1)
	// Presenter and PresenterRole fill the lower third of scenes with
	// "lower_third: true".
	Presenter     string `json:"presenter,omitempty"`
	PresenterRole string `json:"presenter_role,omitempty"`
	// Colors and Fonts override the template's palette roles (or named
	// colours) and font roles.
	Colors map[string]string `json:"colors,omitempty"`
	Fonts  map[string]string `json:"fonts,omitempty"`
}

// Lesson is one output video.
type Lesson struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Template string `json:"template,omitempty"`
	Voice    *Voice `json:"voice,omitempty"`

	// Production overrides of the course's settings.
	Transition *Transition `json:"transition,omitempty"`
	Subtitles  string      `json:"subtitles,omitempty"`
	Music      *Music      `json:"music,omitempty"`
	Intro      *Card       `json:"intro,omitempty"`
	Outro      *Card       `json:"outro,omitempty"`
	// Translations are subtitles in other languages: language tag → an
	// SRT or VTT file, timed against the lesson's video.
	Translations map[string]string `json:"translations,omitempty"`

	Scenes []*Scene `json:"scenes"`
	Pos    Pos      `json:"-"`
}

// Scene is one slide with its narration.
type Scene struct {
	ID       string   `json:"id"`
	Layout   string   `json:"layout"`
	Title    string   `json:"title,omitempty"`
	Subtitle string   `json:"subtitle,omitempty"`
	Bullets  []Bullet `json:"bullets,omitempty"`
	Body     string   `json:"body,omitempty"`
	Image    string   `json:"image,omitempty"` // path, resolved against Course.Dir
	Code     string   `json:"code,omitempty"`
	Language string   `json:"language,omitempty"` // code language (for `code` scenes)
	Quote    string   `json:"quote,omitempty"`
	Author   string   `json:"author,omitempty"` // quote attribution
	Template string   `json:"template,omitempty"`

	Narration      string `json:"narration,omitempty"`
	NarrationAudio string `json:"narration_audio,omitempty"` // path

	PauseBefore float64 `json:"pause_before,omitempty"` // seconds
	PauseAfter  float64 `json:"pause_after,omitempty"`
	MinDuration float64 `json:"min_duration,omitempty"`

	// Production.
	Transition *Transition `json:"transition,omitempty"`  // entry transition
	Reveal     string      `json:"reveal,omitempty"`      // "bullets": show each bullet when the narration reaches it
	LowerThird string      `json:"lower_third,omitempty"` // true: the presenter's name; or the text to show

	Voice    *Voice    `json:"voice,omitempty"`
	Avatar   *Avatar   `json:"avatar,omitempty"` // overrides the course's avatar
	Notes    string    `json:"notes,omitempty"`
	Status   string    `json:"status,omitempty"`
	Comments []Comment `json:"comments,omitempty"`

	Pos Pos `json:"-"`
}

// Avatar providers, positions and shapes.
var (
	AvatarProviders = []string{"d-id", "local", "none"}
	AvatarPositions = []string{"bottom-right", "bottom-left", "top-right", "top-left"}
	AvatarShapes    = []string{"circle", "rect"}
)

// Avatar defaults applied by Avatar.Resolve.
const (
	DefaultAvatarPosition = "bottom-right"
	DefaultAvatarSize     = 0.3
	DefaultAvatarShape    = "circle"
)

// Avatar configures a talking presenter shown picture-in-picture over the
// scene: d-id (the D-ID talks API) or local (a still portrait animated by
// the narration's loudness, no service). "none" turns a course-wide avatar
// off for one scene. Empty fields inherit from the course's avatar.
type Avatar struct {
	Provider string  `json:"provider,omitempty"`
	Image    string  `json:"image,omitempty"`    // presenter portrait: a file (relative to the course) or an http(s) URL
	Position string  `json:"position,omitempty"` // bottom-right (default), bottom-left, top-right, top-left
	Size     float64 `json:"size,omitempty"`     // fraction of the frame height, default 0.3
	Shape    string  `json:"shape,omitempty"`    // circle (default) or rect
}

// Merge returns a with its empty fields filled from parent.
func (a Avatar) Merge(parent Avatar) Avatar {
	if a.Provider == "" {
		a.Provider = parent.Provider
	}
	if a.Image == "" {
		a.Image = parent.Image
	}
	if a.Position == "" {
		a.Position = parent.Position
	}
	if a.Size == 0 {
		a.Size = parent.Size
	}
	if a.Shape == "" {
		a.Shape = parent.Shape
	}
	return a
}

// AvatarFor returns the avatar of scene s (its own settings over the
// course's, defaults filled in), or nil when the scene has none.
func (s *Scene) AvatarFor(c *Course) *Avatar {
	var a Avatar
	if s.Avatar != nil {
		a = *s.Avatar
	}
	if c.Avatar != nil {
		a = a.Merge(*c.Avatar)
	}
	if a.Provider == "" || a.Provider == "none" {
		return nil
	}
	if a.Position == "" {
		a.Position = DefaultAvatarPosition
	}
	if a.Size == 0 {
		a.Size = DefaultAvatarSize
	}
	if a.Shape == "" {
		a.Shape = DefaultAvatarShape
	}
	return &a
}

// Bullet is one bullet point, possibly with sub-bullets.
type Bullet struct {
	Text     string   `json:"text"`
	Children []Bullet `json:"children,omitempty"`
}

// Comment is a review comment on a scene.
type Comment struct {
	Author string `json:"author,omitempty"`
	Text   string `json:"text"`
	Time   string `json:"time,omitempty"` // RFC 3339
}
