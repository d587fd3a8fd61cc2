package narrate

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

type namedProvider string

func (n namedProvider) Name() string { return string(n) }
func (n namedProvider) Fingerprint(context.Context, course.Voice) (string, error) {
	return string(n), nil
}
func (namedProvider) MaxChars() int { return 100 }
func (namedProvider) Synthesize(context.Context, Request) (Result, error) {
	return Result{}, errors.New("not used")
}

func TestRegistry(t *testing.T) {
	r := NewRegistry(namedProvider("espeak-ng"), namedProvider("openai"), namedProvider("elevenlabs"))
	if got, want := r.Names(), []string{"elevenlabs", "espeak-ng", "openai"}; !slices.Equal(got, want) {
		t.Errorf("Names = %v, want %v", got, want)
	}
	p, err := r.Get("openai")
	if err != nil || p.Name() != "openai" {
		t.Fatalf("Get(openai) = %v, %v", p, err)
	}
	tests := []struct {
		name     string
		wantMsg  string
		wantHint string
	}{
		{"espeak", `unknown narration provider "espeak" (did you mean "espeak-ng"?)`, "available providers: elevenlabs, espeak-ng, openai"},
		{"OpenAI", `unknown narration provider "OpenAI" (did you mean "openai"?)`, ""},
		{"elevenlab", `(did you mean "elevenlabs"?)`, ""},
		{"azure", `unknown narration provider "azure"`, "available providers:"},
		{"", `unknown narration provider ""`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Get(tt.name)
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Input {
				t.Fatalf("err = %v, want an input *fault.Error", err)
			}
			if !strings.Contains(fe.Msg, tt.wantMsg) {
				t.Errorf("msg = %q, want %q", fe.Msg, tt.wantMsg)
			}
			if tt.name == "azure" && strings.Contains(fe.Msg, "did you mean") {
				t.Errorf("msg = %q suggests a far name", fe.Msg)
			}
			if tt.wantHint != "" && (len(fe.Hints) == 0 || !strings.Contains(fe.Hints[0], tt.wantHint)) {
				t.Errorf("hints = %q, want %q", fe.Hints, tt.wantHint)
			}
		})
	}
	t.Run("replace", func(t *testing.T) {
		var z Registry // the zero value works
		z.Register(namedProvider("x"))
		z.Register(namedProvider("x"))
		if got := z.Names(); !slices.Equal(got, []string{"x"}) {
			t.Errorf("Names = %v", got)
		}
	})
}

func TestDefaultVoice(t *testing.T) {
	tests := []struct {
		lang  string
		want  string
		known bool
	}{
		{"en-US", "en-us", true},
		{"en", "en-us", true},
		{"en-GB", "en-gb", true},
		{"en-AU", "en-gb", true},
		{"pt-BR", "pt-br", true},
		{"pt_BR", "pt-br", true},
		{"pt-PT", "pt", true},
		{"pt", "pt", true},
		{"es", "es", true},
		{"es-ES", "es", true},
		{"es-419", "es-419", true},
		{"es-MX", "es-419", true},
		{"fr", "fr-fr", true},
		{"fr-CA", "fr-fr", true},
		{"fr-BE", "fr-be", true},
		{"de", "de", true},
		{"de-AT", "de", true},
		{"it", "it", true},
		{"ja", "ja", true},
		{"ja-JP", "ja", true},
		{"zh", "cmn", true},
		{"zh-TW", "cmn", true},
		{"zh-HK", "yue", true},
		{"ar", "ar", true},
		{"ar-EG", "ar", true},
		{"hi", "hi", true},
		{"ru", "ru", true},
		{"vi-VN", "vi", true},
		{"nb-NO", "nb", true},
		{"no", "nb", true},
		{"xx", "en-us", false},
		{"", "en-us", false},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			v, known := LookupDefaultVoice(tt.lang)
			if v.Provider != "espeak-ng" || v.Name != tt.want || known != tt.known {
				t.Errorf("LookupDefaultVoice(%q) = %+v, %v; want espeak-ng %q, %v", tt.lang, v, known, tt.want, tt.known)
			}
			if DefaultVoice(tt.lang) != v {
				t.Errorf("DefaultVoice differs from LookupDefaultVoice")
			}
		})
	}
}
