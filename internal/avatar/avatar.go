// Package avatar puts a talking presenter in a corner of the frame.
//
// A Presenter turns a scene's own narration audio (the WAV the voice
// produced, so lips, voice and subtitles agree) and a portrait into a
// talking-head clip: the D-ID talks API (package avatar/did), or the local
// presenter here, a still portrait animated by the narration's loudness
// that needs no service. Composite then lays the clip picture-in-picture
// over the scene's rendered frame (a circle or a rectangle, in a corner,
// sized as a fraction of the frame height) and encodes the scene with the
// x264 settings of the stills, so that the clip joins the lesson by stream
// copy.
package avatar

import (
	"context"
	"sort"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
)

// Request asks a presenter for one talking-head clip.
type Request struct {
	// Audio is the scene's narration, a WAV file; the clip's first frame
	// matches its first sample and the clip lasts as long.
	Audio string
	// Image is the portrait: a file path or an http(s) URL. The local
	// presenter draws a neutral figure when it is empty.
	Image string
	// Size is the side, in pixels, the clip will be shown at (a hint: the
	// composite scales whatever comes).
	Size int
	FPS  int
	// Out is where to write the clip (MP4).
	Out string
}

// Presenter makes talking-head clips. Implementations are safe for
// concurrent use.
type Presenter interface {
	// Name is the provider id used in course.yaml: "d-id", "local".
	Name() string
	// Fingerprint identifies everything besides the audio and the image
	// that changes a clip, for cache keys. It never holds a secret.
	Fingerprint() string
	// Render writes the clip of req to req.Out.
	Render(ctx context.Context, req Request) error
}

// Registry holds the presenters a build may use.
type Registry struct {
	m map[string]Presenter
}

// NewRegistry returns a registry of ps.
func NewRegistry(ps ...Presenter) *Registry {
	r := &Registry{m: map[string]Presenter{}}
	for _, p := range ps {
		r.m[p.Name()] = p
	}
	return r
}

// Get returns the presenter called name.
func (r *Registry) Get(name string) (Presenter, error) {
	if r != nil {
		if p, ok := r.m[name]; ok {
			return p, nil
		}
	}
	var names []string
	if r != nil {
		for n := range r.m {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	e := fault.New(fault.Input, "unknown avatar provider %q", name)
	if len(names) > 0 {
		e.WithHint("avatar providers: %s", strings.Join(names, ", "))
	}
	return nil, e
}

// IsURL reports whether an image setting is an http(s) URL rather than a
// file.
func IsURL(p string) bool {
	return strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "http://")
}

// sizeError is returned for a placement that does not fit the frame.
func sizeError(size float64, w, h int) error {
	return fault.New(fault.Input, "avatar size %g does not fit a %d×%d frame", size, w, h).
		WithHint("use a size between 0.1 and 0.9")
}
