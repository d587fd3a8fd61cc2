package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/testtool"
)

func TestVoices(t *testing.T) {
	testtool.Require(t, "espeak-ng")
	env, out, errb := testEnv(nil)
	if code := Run(context.Background(), []string{"voices"}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "pt-br") || !strings.Contains(out.String(), "en-us") {
		t.Fatalf("espeak-ng voices lack pt-br or en-us:\n%s", out.String())
	}
	env, out, _ = testEnv(nil)
	if code := Run(context.Background(), []string{"voices", "openai", "--json"}, env); code != 0 {
		t.Fatal("openai voices failed")
	}
	var vs []map[string]any
	if err := json.Unmarshal(out.Bytes(), &vs); err != nil || len(vs) == 0 {
		t.Fatalf("json: %v %s", err, out.String())
	}
	env, _, errb = testEnv(nil)
	if code := Run(context.Background(), []string{"voices", "espek"}, env); code != 2 || !strings.Contains(errb.String(), "espeak-ng") {
		t.Fatalf("unknown provider: exit %d %s", code, errb.String())
	}
}
