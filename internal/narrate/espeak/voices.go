package espeak

import (
	"context"
	"regexp"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
)

// voiceEntry is one line of `espeak-ng --voices`.
type voiceEntry struct {
	info   narrate.VoiceInfo
	file   string   // "gmw/en-US", "!v/f3"
	others []string // other language codes the voice answers to
}

var otherLangRe = regexp.MustCompile(`\(([^()\s]+)\s+\d+\)`)

// parseVoices parses the table `espeak-ng --voices` prints:
//
//	Pty Language       Age/Gender VoiceName          File                 Other Languages
//	 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
func parseVoices(out string) []voiceEntry {
	var vs []voiceEntry
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) < 5 || f[0] == "Pty" {
			continue
		}
		gender := ""
		if _, g, ok := strings.Cut(f[2], "/"); ok {
			switch g {
			case "M":
				gender = "male"
			case "F":
				gender = "female"
			}
		}
		e := voiceEntry{
			info: narrate.VoiceInfo{
				Provider:    Name,
				Name:        f[1],
				Language:    f[1],
				Gender:      gender,
				Description: strings.ReplaceAll(f[3], "_", " "),
			},
			file: f[4],
		}
		for _, m := range otherLangRe.FindAllStringSubmatch(strings.Join(f[5:], " "), -1) {
			e.others = append(e.others, m[1])
		}
		vs = append(vs, e)
	}
	return vs
}

// load asks espeak-ng for its voices and variants, once per provider.
func (p *Provider) load(ctx context.Context) ([]voiceEntry, map[string]bool, error) {
	p.voicesMu.Lock()
	defer p.voicesMu.Unlock()
	if p.variants != nil {
		return p.entries, p.variants, nil
	}
	out, err := p.run(ctx, nil, "--voices")
	if err != nil {
		return nil, nil, err
	}
	vout, err := p.run(ctx, nil, "--voices=variant")
	if err != nil {
		return nil, nil, err
	}
	entries := parseVoices(string(out))
	variants := map[string]bool{}
	for _, v := range parseVoices(string(vout)) {
		if name, ok := strings.CutPrefix(v.file, "!v/"); ok {
			variants[name] = true
		}
	}
	p.entries, p.variants = entries, variants
	for _, e := range entries {
		p.voices = append(p.voices, e.info)
	}
	return p.entries, p.variants, nil
}

// Voices lists the installed espeak-ng voices. Name is what goes in
// course.yaml; append "+variant" (e.g. "en-us+f3") for a variant.
func (p *Provider) Voices(ctx context.Context) ([]narrate.VoiceInfo, error) {
	if _, _, err := p.load(ctx); err != nil {
		return nil, err
	}
	p.voicesMu.Lock()
	defer p.voicesMu.Unlock()
	return append([]narrate.VoiceInfo(nil), p.voices...), nil
}

// KnownVoice reports whether espeak-ng would use the voice name as meant.
// A name is a language ("pt-br", any case), a voice file ("roa/pt-BR") or a
// voice name ("Portuguese (Brazil)"), optionally followed by "+variant"
// ("en-us+f3"). espeak-ng silently ignores an unknown variant, which is why
// variants are checked here (case-sensitively, as espeak-ng looks them up).
func (p *Provider) KnownVoice(ctx context.Context, name string) (bool, error) {
	entries, variants, err := p.load(ctx)
	if err != nil {
		return false, err
	}
	return known(entries, variants, name), nil
}

func known(entries []voiceEntry, variants map[string]bool, name string) bool {
	base, variant, hasVariant := strings.Cut(strings.TrimSpace(name), "+")
	if hasVariant && !variants[variant] {
		return false
	}
	if base == "" {
		return false
	}
	for _, e := range entries {
		if strings.EqualFold(base, e.info.Language) || base == e.file ||
			strings.EqualFold(strings.ReplaceAll(base, "_", " "), e.info.Description) {
			return true
		}
		for _, o := range e.others {
			if strings.EqualFold(base, o) {
				return true
			}
		}
	}
	return false
}

// CheckVoice returns an input error when name is not an espeak-ng voice,
// suggesting the closest one. Validation calls it for every espeak-ng
// voice a course uses.
func (p *Provider) CheckVoice(ctx context.Context, name string) error {
	entries, variants, err := p.load(ctx)
	if err != nil {
		return err
	}
	if known(entries, variants, name) {
		return nil
	}
	base, variant, hasVariant := strings.Cut(name, "+")
	if hasVariant && known(entries, variants, base) {
		e := fault.New(fault.Input, "espeak-ng has no voice variant %q", variant)
		if s := narrate.DidYouMean(variant, keys(variants)); s != "" {
			e.Msg += " (did you mean \"" + s + "\"?)"
		}
		return e.WithHint("list the variants with: espeak-ng --voices=variant")
	}
	names := make([]string, 0, len(entries))
	for _, en := range entries {
		names = append(names, en.info.Name)
	}
	e := fault.New(fault.Input, "espeak-ng has no voice %q", name)
	if s := narrate.DidYouMean(strings.ToLower(base), names); s != "" {
		e.Msg += " (did you mean \"" + s + "\"?)"
	}
	return e.WithHint("list the voices with: tecno voices, or espeak-ng --voices")
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
