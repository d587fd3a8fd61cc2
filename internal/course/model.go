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
	Lessons  []*Lesson         `json:"lessons"`

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
}

// Branding holds optional branding.
type Branding struct {
	Logo string `json:"logo,omitempty"` // image path
}

// Lesson is one output video.
type Lesson struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Template string   `json:"template,omitempty"`
	Voice    *Voice   `json:"voice,omitempty"`
	Scenes   []*Scene `json:"scenes"`
	Pos      Pos      `json:"-"`
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

	Voice    *Voice    `json:"voice,omitempty"`
	Notes    string    `json:"notes,omitempty"`
	Status   string    `json:"status,omitempty"`
	Comments []Comment `json:"comments,omitempty"`

	Pos Pos `json:"-"`
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
