package course

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestJSONSchemaShape(t *testing.T) {
	data, err := JSONSchema(SchemaOptions{Templates: []string{"modern"}, Providers: []string{"espeak-ng"}})
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties map[string]any `json:"properties"`
		Defs       map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	levels := map[string][]string{"": topKeys, "course": courseKeys, "voice": voiceKeys, "lesson": lessonKeys, "scene": sceneKeys}
	for def, keys := range levels {
		props := s.Properties
		if def != "" {
			props = s.Defs[def].Properties
		}
		if len(props) != len(keys) {
			t.Errorf("%s: %d properties, decoder knows %d keys", def, len(props), len(keys))
		}
		for _, k := range keys {
			if _, ok := props[k]; !ok {
				t.Errorf("%s: no property for key %q", def, k)
			}
		}
	}
	again, _ := JSONSchema(SchemaOptions{Templates: []string{"modern"}, Providers: []string{"espeak-ng"}})
	if string(again) != string(data) {
		t.Error("JSONSchema is not deterministic")
	}
}

// TestSecondsPattern checks the schema's pattern for durations written as
// text against the decoder's parseSeconds (negative values aside, which
// Validate rejects).
func TestSecondsPattern(t *testing.T) {
	re := regexp.MustCompile(secondsPattern)
	for _, s := range []string{
		"1", "1.5", ".5", "1.", "1e3", "2.5E-1", "0", " 3 ", "1.5s", "500ms", "1m", "1m30s", "2h", "10us", "10µs", "1h2m3.5s",
		"", "s", "1.5 s", "1,5", "abc", "1x", "--1", "1.5.5", "ms", "inf", "NaN", "1e", "5 ms",
	} {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
		_, decoderOK := parseSeconds(n)
		if got := re.MatchString(s); got != decoderOK {
			t.Errorf("%q: pattern match %v, decoder accepts %v", s, got, decoderOK)
		}
	}
	if strings.Contains(secondsPattern, "-") && re.MatchString("-1s") {
		t.Error("pattern accepts a negative duration")
	}
}
