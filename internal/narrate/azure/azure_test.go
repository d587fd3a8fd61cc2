package azure_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/azure"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
)

const planted = "sk-PLANTED-KEY-123"

// ssml is the subset of SSML the provider sends.
type ssml struct {
	XMLName xml.Name `xml:"speak"`
	Version string   `xml:"version,attr"`
	Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Voice   struct {
		Name    string `xml:"name,attr"`
		Prosody struct {
			Rate  string `xml:"rate,attr"`
			Pitch string `xml:"pitch,attr"`
			Text  string `xml:",chardata"`
		} `xml:"prosody"`
	} `xml:"voice"`
}

func parseSSML(t testing.TB, body []byte) ssml {
	t.Helper()
	var s ssml
	if err := xml.Unmarshal(body, &s); err != nil {
		t.Errorf("SSML does not parse: %v\n%s", err, body)
	}
	return s
}

// Azure answers most errors with an empty body; the API gateway answers
// 401 with a small JSON document.
func documentedError(status int) cloudtest.Canned {
	c := cloudtest.Canned{Status: status}
	if status == 401 {
		c.ContentType = "application/json"
		c.Body = []byte(`{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}`)
	}
	return c
}

func harness() *cloudtest.Harness {
	build := func(key string) func(t testing.TB, base string, opts cloud.Options) narrate.Provider {
		return func(t testing.TB, base string, opts cloud.Options) narrate.Provider {
			t.Helper()
			p, err := azure.New(azure.Config{Key: key, Region: "westeurope", BaseURL: base, Options: opts})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	return &cloudtest.Harness{
		Name:          azure.Name,
		Secrets:       []string{planted},
		New:           build(planted),
		NewWithoutKey: build(""),
		Voice:         course.Voice{Provider: "azure", Language: "pt-BR", Pitch: 2},
		Method:        http.MethodPost,
		Path:          "/cognitiveservices/v1",
		Check: func(t testing.TB, r *http.Request, body []byte) string {
			for h, want := range map[string]string{
				"Ocp-Apim-Subscription-Key": planted,
				"Content-Type":              "application/ssml+xml",
				"X-Microsoft-OutputFormat":  "riff-24khz-16bit-mono-pcm",
				"User-Agent":                "tecno",
			} {
				if got := r.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			s := parseSSML(t, body)
			if s.Version != "1.0" || s.Lang != "pt-BR" || s.Voice.Name != "pt-BR-FranciscaNeural" {
				t.Errorf("speak version %q lang %q voice %q", s.Version, s.Lang, s.Voice.Name)
			}
			if s.Voice.Prosody.Rate != "+0%" || s.Voice.Prosody.Pitch != "+2st" {
				t.Errorf("prosody rate %q pitch %q", s.Voice.Prosody.Rate, s.Voice.Prosody.Pitch)
			}
			if n := cloud.Runes(s.Voice.Prosody.Text); n == 0 || n > azure.MaxChars {
				t.Errorf("text has %d characters", n)
			}
			return s.Voice.Prosody.Text
		},
		Success: func(t testing.TB, w http.ResponseWriter, r *http.Request, text string, a narrate.Audio) {
			w.Header().Set("Content-Type", "audio/x-wav")
			_, _ = w.Write(cloud.EncodeWAV(a))
		},
		Error:    documentedError,
		Limit:    azure.MaxChars,
		Measure:  cloud.Runes,
		Sentence: "Cada cena guarda a sua narração, e só o que mudou é refeito.",
		KeyVar:   azure.KeyEnv,
	}
}

func TestConformance(t *testing.T) {
	cloudtest.Run(t, harness())
}

func TestSSMLEscaping(t *testing.T) {
	text := `Use <b> & "quotes" & 'apostrophes' — 5 > 3 < 4; ]]> fine`
	body := azure.SSML("en-US", "en-US-JennyNeural", 1.2, -1.5, text)
	s := parseSSML(t, body)
	if s.Voice.Prosody.Text != text {
		t.Errorf("text round trip:\n got %q\nwant %q", s.Voice.Prosody.Text, text)
	}
	if strings.Contains(string(body), "<b>") || strings.Contains(string(body), `"quotes"`) {
		t.Errorf("unescaped markup in %s", body)
	}
	if s.Voice.Prosody.Rate != "+20%" || s.Voice.Prosody.Pitch != "-1.5st" {
		t.Errorf("rate %q pitch %q", s.Voice.Prosody.Rate, s.Voice.Prosody.Pitch)
	}
	// Control characters XML cannot carry do not break the document.
	s = parseSSML(t, azure.SSML("en-US", "v", 1, 0, "bell\x07 and\nnewline"))
	if !strings.Contains(s.Voice.Prosody.Text, "and newline") {
		t.Errorf("text %q", s.Voice.Prosody.Text)
	}
	// An attribute value cannot break out of its quotes.
	s = parseSSML(t, azure.SSML(`en"><x`, `v" name="w`, 1, 0, "t"))
	if s.Voice.Name != `v" name="w` {
		t.Errorf("voice name %q", s.Voice.Name)
	}
}

func TestProsodyAttrs(t *testing.T) {
	for rate, want := range map[float64]string{1: "+0%", 1.2: "+20%", 0.5: "-50%", 0.999: "+0%", 2: "+100%"} {
		if got := azure.RateAttr(rate); got != want {
			t.Errorf("RateAttr(%v) = %q, want %q", rate, got, want)
		}
	}
	for st, want := range map[float64]string{0: "+0st", 2: "+2st", -3: "-3st", 1.25: "+1.25st", -0.001: "+0st"} {
		if got := azure.PitchAttr(st); got != want {
			t.Errorf("PitchAttr(%v) = %q, want %q", st, got, want)
		}
	}
}

func TestBuildRequestGolden(t *testing.T) {
	tests := []struct {
		name        string
		cfg         azure.Config
		lang, voice string
		rate, pitch float64
		text        string
	}{
		{"region", azure.Config{Key: planted, Region: "westeurope"}, "pt-BR", "pt-BR-FranciscaNeural", 1, 0, `Olá & "bem-vindo" à <aula>.`},
		{"base-override", azure.Config{Key: planted, BaseURL: "http://127.0.0.1:5000"}, "en-US", "en-US-JennyNeural", 0.8, 2, "It's 5 < 6."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cloudtest.Describe(azure.BuildRequest(tt.cfg, tt.lang, tt.voice, tt.rate, tt.pitch, tt.text), planted)
			cloudtest.AssertNoSecret(t, planted, "the golden request", string(got))
			cloudtest.Golden(t, "TestBuildRequestGolden_"+tt.name, got)
		})
	}
}

func TestSlowRateShrinksChunks(t *testing.T) {
	var sizes []int
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sizes = append(sizes, cloud.Runes(parseSSML(t, body).Voice.Prosody.Text))
		w.Header().Set("Content-Type", "audio/x-wav")
		_, _ = w.Write(cloud.EncodeWAV(cloudtest.Speech(t, "Chunk.")))
	}))
	defer s.Close()
	opts, _ := cloudtest.Options(t)
	p, _ := azure.New(azure.Config{Key: planted, BaseURL: s.URL, Options: opts})
	text := strings.Repeat("A slow sentence for a slow voice. ", 200) // 6800 characters
	if _, err := p.Synthesize(context.Background(), narrate.Request{Text: text, Voice: course.Voice{Rate: 0.5}}); err != nil {
		t.Fatal(err)
	}
	if len(sizes) < 3 {
		t.Errorf("%d requests, want at least 3 at half speed", len(sizes))
	}
	for _, n := range sizes {
		if n > azure.MaxChars/2 {
			t.Errorf("chunk of %d characters at rate 0.5 (limit %d)", n, azure.MaxChars/2)
		}
	}
}

func TestCredentialsAndRegion(t *testing.T) {
	p, _ := azure.New(azure.Config{Key: planted})
	err := p.CheckCredentials()
	if fault.KindOf(err) != fault.Provider || !strings.Contains(err.Error(), "AZURE_SPEECH_REGION") {
		t.Errorf("missing region: %v", err)
	}
	p, _ = azure.New(azure.Config{Region: "eastus"})
	if err := p.CheckCredentials(); err == nil || !strings.Contains(err.Error(), "AZURE_SPEECH_KEY") {
		t.Errorf("missing key: %v", err)
	}
	if _, err := azure.New(azure.Config{Key: planted, Region: "evil.example/x?"}); fault.KindOf(err) != fault.Input {
		t.Errorf("bad region accepted: %v", err)
	}
	if got := azure.Endpoint(azure.Config{Region: "brazilsouth"}); got != "https://brazilsouth.tts.speech.microsoft.com/cognitiveservices/v1" {
		t.Errorf("Endpoint = %q", got)
	}
	env := cloud.MapLookup(map[string]string{"AZURE_SPEECH_KEY": planted, "AZURE_SPEECH_REGION": "WestEurope"})
	p, err = azure.FromEnv(env, cloud.Options{})
	if err != nil || p.CheckCredentials() != nil {
		t.Errorf("FromEnv: %v", err)
	}
}

func TestDefaultVoicesAndFingerprint(t *testing.T) {
	for lang, want := range map[string]string{"pt-BR": "pt-BR-FranciscaNeural", "pt": "pt-BR-FranciscaNeural", "en-GB": "en-GB-SoniaNeural", "xx-YY": "en-US-JennyNeural"} {
		if got := azure.DefaultVoiceFor(lang); got != want {
			t.Errorf("DefaultVoiceFor(%q) = %q, want %q", lang, got, want)
		}
	}
	p, _ := azure.New(azure.Config{Key: planted, Region: "westeurope"})
	fp, _ := p.Fingerprint(context.Background(), course.Voice{Language: "pt-BR"})
	want := "azure;api=cognitiveservices/v1;endpoint=default;format=riff-24khz-16bit-mono-pcm;lang=pt-BR;voice=pt-BR-FranciscaNeural"
	if fp != want {
		t.Errorf("Fingerprint = %q, want %q", fp, want)
	}
	cloudtest.AssertNoSecret(t, planted, "the fingerprint", fp)
	if len(azure.StaticVoices()) != len(azure.DefaultVoices) {
		t.Error("StaticVoices")
	}
}
