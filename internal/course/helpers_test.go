package course

import (
	"encoding/json"
	"testing"
)

func dumpJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parseString parses an inline course; it fails the test on error.
func parseString(t *testing.T, src string) *Course {
	t.Helper()
	c, err := Parse("course.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, src)
	}
	return c
}
