package cloudtest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// Golden compares got with testdata/<name>.golden, rewriting the file
// under -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Describe renders a request for a golden file: method and URL, sorted
// headers, then the body (JSON indented). secrets are redacted, so a
// golden file can never hold a credential.
func Describe(r cloud.Request, secrets ...string) []byte {
	red := cloud.NewRedactor(secrets...)
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s\n", r.Method, red.RedactURL(r.URL))
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, red.String(strings.Join(r.Header[k], ", ")))
	}
	b.WriteString("\n")
	body := r.Body
	var ind bytes.Buffer
	if json.Indent(&ind, bytes.TrimSpace(body), "", "  ") == nil {
		body = ind.Bytes()
	}
	b.WriteString(red.String(string(body)))
	if !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
		b.WriteString("\n")
	}
	return b.Bytes()
}
