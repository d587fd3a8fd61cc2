package narrate

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// WordTimer is implemented by providers that report word timings
// (Result.Words) for a voice. Synthesize then speaks whole sentences and
// cuts cues at word timings instead of synthesizing each cue separately.
type WordTimer interface {
	WordTimings(v course.Voice) bool
}

// VoiceInfo describes one voice a provider offers, for `tecno voices`.
type VoiceInfo struct {
	Provider string `json:"provider"`
	// Name is what goes in course.yaml under voice.name.
	Name     string `json:"name"`
	Language string `json:"language,omitempty"` // BCP 47 as the engine spells it
	Gender   string `json:"gender,omitempty"`   // "male", "female" or ""
	// Description is the engine's human-readable label.
	Description string `json:"description,omitempty"`
}

// VoiceLister is implemented by providers that can list their voices.
type VoiceLister interface {
	Voices(ctx context.Context) ([]VoiceInfo, error)
}

// Registry holds the providers a build can use, by name. The zero value is
// ready to use and safe for concurrent use.
type Registry struct {
	mu        sync.RWMutex
	providers map[string]Provider
}

// NewRegistry returns a registry holding ps.
func NewRegistry(ps ...Provider) *Registry {
	r := &Registry{}
	for _, p := range ps {
		r.Register(p)
	}
	return r
}

// Register adds p under p.Name(). A later provider with the same name
// replaces the earlier one (tests use this to swap in fakes).
func (r *Registry) Register(p Provider) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.providers == nil {
		r.providers = make(map[string]Provider)
	}
	r.providers[p.Name()] = p
}

// Get returns the provider called name, or an input error that suggests
// the closest name and lists them all.
func (r *Registry) Get(name string) (Provider, error) {
	r.mu.RLock()
	p, ok := r.providers[name]
	r.mu.RUnlock()
	if ok {
		return p, nil
	}
	names := r.Names()
	e := fault.New(fault.Input, "unknown narration provider %q", name)
	if s := DidYouMean(name, names); s != "" {
		e.Msg += " (did you mean \"" + s + "\"?)"
	}
	if len(names) == 0 {
		return nil, e.WithHint("no narration providers are registered")
	}
	return nil, e.WithHint("available providers: %s", strings.Join(names, ", "))
}

// Names returns the registered provider names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.providers))
	for n := range r.providers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// DidYouMean returns the candidate nearest to s by edit distance (ignoring
// case), if it is near enough to be a likely typo, or "". Ties go to the
// candidate that sorts first.
func DidYouMean(s string, candidates []string) string {
	best, bestD := "", 0
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := course.EditDistance(ls, strings.ToLower(c))
		if best == "" || d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= max(2, len([]rune(s))/3) {
		return best
	}
	// A name cut short ("espeak" for "espeak-ng").
	if len(ls) >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), ls) {
				return c
			}
		}
	}
	return ""
}

// DefaultProvider is the provider used when a course names none.
const DefaultProvider = "espeak-ng"

// espeakByLanguage maps lower-case BCP 47 tags to espeak-ng voices where the
// tag alone does not name one.
var espeakByLanguage = map[string]string{
	"en": "en-us", "en-us": "en-us", "en-ca": "en-us",
	"en-gb": "en-gb", "en-ie": "en-gb", "en-au": "en-gb", "en-nz": "en-gb",
	"en-za": "en-gb", "en-in": "en-gb", "en-sco": "en-gb-scotland",
	"pt": "pt", "pt-pt": "pt", "pt-br": "pt-br", "pt-ao": "pt", "pt-mz": "pt",
	"es": "es", "es-es": "es", "es-419": "es-419",
	"fr": "fr-fr", "fr-fr": "fr-fr", "fr-ca": "fr-fr", "fr-be": "fr-be", "fr-ch": "fr-ch",
	"zh": "cmn", "zh-cn": "cmn", "zh-hans": "cmn", "zh-tw": "cmn", "zh-hant": "cmn",
	"zh-sg": "cmn", "cmn": "cmn", "zh-hk": "yue", "zh-yue": "yue", "yue": "yue",
	"no": "nb", "nn": "nb", "iw": "he", "in": "id", "fil": "en-us",
}

// espeakLanguages are the voices espeak-ng 1.51 ships, by language code.
var espeakLanguages = map[string]bool{}

func init() {
	for _, l := range strings.Fields(`af am an ar as az ba be bg bn bpy bs ca chr-us-qaaa-x-west
		cmn cmn-latn-pinyin cs cv cy da de el en-029 en-gb en-gb-scotland en-gb-x-gbclan
		en-gb-x-gbcwmd en-gb-x-rp en-us en-us-nyc eo es es-419 et eu fa fa-latn fi fr-be
		fr-ch fr-fr ga gd gn grc gu hak haw he hi hr ht hu hy hyw ia id io is it ja jbo ka
		kk kl kn ko kok ku ky la lb lfn lt ltg lv mi mk ml mr ms mt my nb nci ne nl nog
		om or pa pap piqd pl pt pt-br py qdb qu quc qya ro ru ru-lv sd shn si sjn sk sl
		smj sq sr sv sw ta te th tk tn tr tt ug uk ur uz vi vi-vn-x-central vi-vn-x-south yue`) {
		espeakLanguages[l] = true
	}
}

// DefaultVoice returns the espeak-ng voice for a BCP 47 language tag. A
// language espeak-ng does not speak falls back to "en-us"; use
// LookupDefaultVoice to tell.
func DefaultVoice(language string) course.Voice {
	v, _ := LookupDefaultVoice(language)
	return v
}

// LookupDefaultVoice is DefaultVoice that also reports whether espeak-ng
// has a voice for the language. It tries a table of common tags, then the
// whole tag, then its primary subtag ("de-AT" → "de"); Latin-American
// Spanish regions map to "es-419".
func LookupDefaultVoice(language string) (course.Voice, bool) {
	tag := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(language), "_", "-"))
	v := course.Voice{Provider: DefaultProvider, Name: "en-us", Language: language}
	if name, ok := espeakByLanguage[tag]; ok {
		v.Name = name
		return v, true
	}
	if espeakLanguages[tag] {
		v.Name = tag
		return v, true
	}
	primary, region, _ := strings.Cut(tag, "-")
	if primary == "es" && region != "" && region != "es" {
		v.Name = "es-419"
		return v, true
	}
	if name, ok := espeakByLanguage[primary]; ok {
		v.Name = name
		return v, true
	}
	if espeakLanguages[primary] {
		v.Name = primary
		return v, true
	}
	return v, false
}
