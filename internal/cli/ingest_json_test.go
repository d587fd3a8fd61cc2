package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
)

func TestIngestJSON(t *testing.T) {
	dir := t.TempDir()
	args := []string{"ingest", filepath.Join("..", "ingest", "testdata", "powerpoint_sample.pptx"), "-o", filepath.Join(dir, "c.yaml"), "--json"}
	for i, wantCode := range []int{0, 2} { // the second run refuses to overwrite
		env, out, _ := testEnv(nil)
		if code := Run(context.Background(), args, env); code != wantCode {
			t.Fatalf("run %d: exit %d, want %d", i, code, wantCode)
		}
		lines := bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n"))
		var last map[string]any
		for _, l := range lines {
			if err := json.Unmarshal(l, &last); err != nil {
				t.Fatalf("run %d: not JSON: %s", i, l)
			}
		}
		if last["type"] != "summary" || last["ok"] != (wantCode == 0) {
			t.Fatalf("run %d: last event %v", i, last)
		}
	}
}
