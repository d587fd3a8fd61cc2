package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/testtool"
)

// fakeBin writes shell scripts standing in for programs into a new folder
// and returns it. Each script prints its text and exits 0.
func fakeBin(t *testing.T, progs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, out := range progs {
		script := "#!/bin/sh\ncat <<'EOF'\n" + out + "\nEOF\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func find(t *testing.T, checks []Check, name string) Check {
	t.Helper()
	for _, c := range checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q in %+v", name, checks)
	return Check{}
}

const encoders = `Encoders:
 V..... = Video
 ------
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 A....D aac                  AAC (Advanced Audio Coding)`

func TestTools(t *testing.T) {
	tests := []struct {
		name   string
		ffmpeg string // what the fake ffmpeg prints for any arguments
		status Status
		msg    string
	}{
		{"current", "ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024\n" + encoders, OK, "5.1.6-0+deb12u1 with libx264 and aac"},
		{"minimum", "ffmpeg version n4.4 Copyright\n" + encoders, OK, "n4.4 with libx264 and aac"},
		{"too old", "ffmpeg version 4.3.2 Copyright\n" + encoders, Fail, "4.3.2 is too old: tecno needs 4.4 or newer"},
		{"no x264", "ffmpeg version 6.0 Copyright\n A....D aac   AAC\n V....D libopenh264  OpenH264", Fail, "6.0 lacks the libx264 encoder(s)"},
		{"git build", "ffmpeg version N-113348-g0a5f0ac1e2 Copyright\n" + encoders, Warn, "a development build"},
		{"garbage", "hello", Fail, "does not run: hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := fakeBin(t, map[string]string{"ffmpeg": tt.ffmpeg, "ffprobe": "ffprobe version 5.1 Copyright"})
			checks := Run(context.Background(), Options{Getenv: getenv(map[string]string{"PATH": bin})})
			c := find(t, checks, "ffmpeg")
			if c.Status != tt.status || !strings.Contains(c.Message, tt.msg) {
				t.Errorf("ffmpeg check = %s %q, want %s containing %q", c.Status, c.Message, tt.status, tt.msg)
			}
			if c.Status == Fail && !strings.Contains(c.Fix, "apt-get install -y ffmpeg") {
				t.Errorf("fix %q does not name the install command", c.Fix)
			}
			if p := find(t, checks, "ffprobe"); p.Status != OK || p.Message != "5.1" {
				t.Errorf("ffprobe = %+v", p)
			}
		})
	}
}

func TestMissingTools(t *testing.T) {
	empty := t.TempDir()
	checks := Run(context.Background(), Options{Getenv: getenv(map[string]string{"PATH": empty})})
	want := map[string]Status{"ffmpeg": Fail, "ffprobe": Fail, "espeak-ng": Fail, "flite": Warn, "pdftoppm": Warn, "soffice": Warn, "ffplay": Warn}
	for name, st := range want {
		c := find(t, checks, name)
		if c.Status != st {
			t.Errorf("%s: %s, want %s", name, c.Status, st)
		}
		if c.Fix == "" {
			t.Errorf("%s: no fix", name)
		}
	}
	if f := find(t, checks, "pdftoppm").Fix; f != "sudo apt-get install -y poppler-utils   (macOS: brew install poppler)" {
		t.Errorf("pdftoppm fix %q", f)
	}
	if !Failed(checks) {
		t.Error("Failed() is false with ffmpeg missing")
	}
	if _, ok := findOK(checks, "piper"); ok {
		t.Error("piper shown though no course uses it")
	}
}

func findOK(checks []Check, name string) (Check, bool) {
	for _, c := range checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

// TestRequiredFollowsCourse: espeak-ng is required only when a scene
// speaks with it; flite and piper become required when the course uses
// them.
func TestRequiredFollowsCourse(t *testing.T) {
	empty := t.TempDir()
	c := &course.Course{
		Voice: course.Voice{Provider: "flite"},
		Lessons: []*course.Lesson{{ID: "l", Scenes: []*course.Scene{
			{ID: "a", Narration: "Hi."},
			{ID: "b", Narration: "Hi.", Voice: &course.Voice{Provider: "piper", Name: "x"}},
		}}},
	}
	checks := Run(context.Background(), Options{Getenv: getenv(map[string]string{"PATH": empty}), Course: c})
	for name, st := range map[string]Status{"espeak-ng": Warn, "flite": Fail, "piper": Fail} {
		if got := find(t, checks, name); got.Status != st {
			t.Errorf("%s: %s (%s), want %s", name, got.Status, got.Message, st)
		}
	}
}

func TestRealTools(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "ffprobe")
	testtool.Require(t, "espeak-ng")
	checks := Run(context.Background(), Options{Getenv: os.Getenv})
	for _, name := range []string{"ffmpeg", "ffprobe", "espeak-ng"} {
		if c := find(t, checks, name); c.Status != OK {
			t.Errorf("%s: %s %q", name, c.Status, c.Message)
		}
	}
	if c := find(t, checks, "ffmpeg"); !strings.HasSuffix(c.Message, "with libx264 and aac") {
		t.Errorf("ffmpeg message %q", c.Message)
	}
}

func TestKeys(t *testing.T) {
	const secret = "sk-test-DO-NOT-PRINT-1234567890"
	env := map[string]string{
		"PATH":                t.TempDir(),
		"OPENAI_API_KEY":      secret,
		"AZURE_SPEECH_KEY":    secret,
		"GOOGLE_ACCESS_TOKEN": secret,
		"ELEVENLABS_API_KEY":  "   ",
	}
	c := &course.Course{Voice: course.Voice{Provider: "elevenlabs"}, Lessons: []*course.Lesson{{Scenes: []*course.Scene{{Narration: "x"}}}}}
	checks := Run(context.Background(), Options{Getenv: getenv(env), Course: c})
	want := map[string]struct {
		st  Status
		msg string
	}{
		"openai key":     {OK, "OPENAI_API_KEY set"},
		"azure key":      {Warn, "AZURE_SPEECH_KEY set, but AZURE_SPEECH_REGION not"},
		"google key":     {OK, "GOOGLE_ACCESS_TOKEN set"},
		"elevenlabs key": {Fail, "ELEVENLABS_API_KEY not set; the course narrates with elevenlabs"},
		"d-id key":       {Warn, "DID_API_KEY not set (only needed for d-id presenter videos)"},
	}
	for name, w := range want {
		got := find(t, checks, name)
		if got.Status != w.st || got.Message != w.msg {
			t.Errorf("%s: %s %q, want %s %q", name, got.Status, got.Message, w.st, w.msg)
		}
	}
	for _, c := range checks {
		if strings.Contains(c.Message+c.Fix, secret) {
			t.Errorf("check %s prints a key value", c.Name)
		}
	}
	if f := find(t, checks, "azure key").Fix; f != "export AZURE_SPEECH_REGION=…" {
		t.Errorf("azure fix %q", f)
	}
	if f := find(t, checks, "elevenlabs key").Fix; !strings.HasPrefix(f, "export ELEVENLABS_API_KEY=…") {
		t.Errorf("elevenlabs fix %q", f)
	}
}

func TestCache(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir string
		status    Status
		msg       string
	}{
		{"exists", dir, OK, dir + ", writable, "},
		{"to be created", filepath.Join(dir, "a", "b"), OK, "(will be created in " + dir + ")"},
		{"under a file", filepath.Join(file, "cache"), Fail, "is a file, not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cacheCheck(tt.dir)
			if c.Status != tt.status || !strings.Contains(c.Message, tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", c.Status, c.Message, tt.status, tt.msg)
			}
			if tt.status == OK && !strings.Contains(c.Message, "iB free") {
				t.Errorf("no free space in %q", c.Message)
			}
			if tt.status == Fail && !strings.Contains(c.Fix, "TECNO_CACHE_DIR") {
				t.Errorf("fix %q", c.Fix)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
		t.Error("the check created the cache folder")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the check left files behind: %v", entries)
	}
}

func TestFonts(t *testing.T) {
	covers := func(has string) func(rune, string) (string, bool) {
		return func(r rune, lang string) (string, bool) {
			if r < 0x250 {
				return "Go", true
			}
			if strings.ContainsRune(has, r) {
				return "Noto Sans CJK " + map[string]string{"ja-JP": "JP", "zh-CN": "SC"}[lang], true
			}
			return "", false
		}
	}
	tests := []struct {
		lang, has string
		status    Status
		msg, fix  string
	}{
		{"pt-BR", "", OK, "Go", ""},
		{"ja-JP", sampleFor("ja"), OK, "Go, Noto Sans CJK JP", ""},
		{"ja-JP", "", Fail, "no installed font draws", "fonts-noto-cjk"},
		{"ru-RU", "", Fail, "no installed font draws \"Приветуок\"", "fonts-noto-core"},
		{"ar-EG", sampleFor("ar"), Warn, "Arabic text needs shaping", ""},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+string(tt.status), func(t *testing.T) {
			c := fontCheck(Options{Course: &course.Course{Language: tt.lang}, FontFor: covers(tt.has)})
			if c.Status != tt.status || !strings.Contains(c.Message, tt.msg) || !strings.Contains(c.Fix, tt.fix) {
				t.Errorf("got %s %q fix %q, want %s %q fix %q", c.Status, c.Message, c.Fix, tt.status, tt.msg, tt.fix)
			}
			if c.Name != "fonts ("+tt.lang+")" {
				t.Errorf("name %q", c.Name)
			}
		})
	}
	if sampleFor("zh-TW") == sampleFor("zh-CN") {
		t.Error("zh-TW uses simplified characters")
	}
}

func TestLookPath(t *testing.T) {
	a := fakeBin(t, map[string]string{"tool": "a"})
	b := fakeBin(t, map[string]string{"tool": "b", "other": "o"})
	if err := os.WriteFile(filepath.Join(a, "plain"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := a + string(filepath.ListSeparator) + b
	if p, err := LookPath("tool", path); err != nil || p != filepath.Join(a, "tool") {
		t.Errorf("LookPath(tool) = %q, %v; want the first on PATH", p, err)
	}
	if p, err := LookPath("other", path); err != nil || p != filepath.Join(b, "other") {
		t.Errorf("LookPath(other) = %q, %v", p, err)
	}
	if _, err := LookPath("plain", path); err == nil {
		t.Error("found a file that is not executable")
	}
	if _, err := LookPath("tool", ""); err == nil {
		t.Error("found a program on an empty PATH")
	}
	if p, err := LookPath(filepath.Join(b, "tool"), ""); err != nil || p != filepath.Join(b, "tool") {
		t.Errorf("LookPath(absolute) = %q, %v", p, err)
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		less bool // than 4.4
	}{
		{"5.1.6-0+deb12u1", true, false},
		{"4.4", true, false},
		{"4.4.1", true, false},
		{"n4.3.1", true, true},
		{"4", true, true},
		{"7.0-essentials_build", true, false},
		{"N-113348-g0a5f0ac1e2", false, false},
		{"git-2023-01-01", false, false},
	}
	for _, tt := range tests {
		v, ok := parseVersion(tt.in)
		if ok != tt.ok || (ok && less(v, []int{4, 4}) != tt.less) {
			t.Errorf("parseVersion(%q) = %v, %v; want ok=%v less=%v", tt.in, v, ok, tt.ok, tt.less)
		}
	}
}
