package script

import (
	"context"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
	"github.com/tecno-video/tecno/internal/testtool"
)

// copyExample copies examples/<name>/course.yaml into a temp folder,
// applying edits (old → new) to its text.
func copyExample(t *testing.T, name string, edits ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", name, "course.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("example lacks %q", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), "course.yaml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const approveWhy = "      - id: why\n        layout: bullets\n"
const approvedWhy = "      - id: why\n        status: approved\n        layout: bullets\n"

func TestRunOffline(t *testing.T) {
	path := copyExample(t, "intro", approveWhy, approvedWhy,
		"      - id: backdrop\n", "      - id: backdrop\n        narration_audio: assets/slide.jpg\n")
	doc, err := course.LoadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Options{Doc: doc, Writer: Offline{}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]SceneResult{}
	for _, r := range rep.Scenes {
		got[r.Scene] = r
	}
	if r := got["why"]; r.Action != ActionSkipped || r.Reason != ReasonApproved {
		t.Errorf("approved scene: %+v", r)
	}
	if r := got["backdrop"]; r.Action != ActionSkipped || r.Reason != ReasonAudio {
		t.Errorf("recorded scene: %+v", r)
	}
	if r := got["welcome"]; r.Action != ActionWritten || !strings.HasPrefix(r.Narration, "Welcome to From Course File to Video.") {
		t.Errorf("welcome: %+v", r)
	}
	// original-look shows a slide picture with no text: its narration,
	// already speakable, is kept as it is.
	if r := got["original-look"]; r.Action != ActionUnchanged {
		t.Errorf("slide picture: %+v", r)
	}
	if rep.Written != 5 || rep.Unchanged != 1 || rep.Skipped != 2 || rep.CostUSD != 0 || rep.Usage != (Usage{}) {
		t.Errorf("report: written %d unchanged %d skipped %d cost %v usage %+v", rep.Written, rep.Unchanged, rep.Skipped, rep.CostUSD, rep.Usage)
	}
	c := doc.Course()
	for _, l := range c.Lessons {
		for _, s := range l.Scenes {
			switch s.ID {
			case "why":
				if s.Status != course.StatusApproved || !strings.HasPrefix(s.Narration, "Why build lessons this way? You write") {
					t.Errorf("approved scene changed: %q %q", s.Status, s.Narration)
				}
			case "backdrop":
				if s.Narration != "An image scene shows a picture with its title." {
					t.Errorf("recorded scene changed: %q", s.Narration)
				}
			case "original-look":
			default:
				if s.Status != course.StatusDraft || s.Narration != got[s.ID].Narration {
					t.Errorf("scene %s: status %q narration %q", s.ID, s.Status, s.Narration)
				}
			}
		}
	}
	// The user's comments and layout survive.
	for _, keep := range []string{"# A short course that uses every scene layout.", "  # Lesson 1: one scene per layout.", "        pause_after: 1s\n"} {
		if !strings.Contains(string(doc.Bytes()), keep) {
			t.Errorf("edit lost %q", keep)
		}
	}
	// Nothing was written to disk: saving is the caller's choice.
	if disk, _ := os.ReadFile(path); string(disk) == string(doc.Bytes()) {
		t.Error("Run wrote the file")
	}
	// A second run proposes the same text: nothing changes.
	rep2, err := Run(context.Background(), Options{Doc: doc, Writer: Offline{}})
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Written != 0 || rep2.Unchanged != 6 {
		t.Errorf("second run: written %d unchanged %d", rep2.Written, rep2.Unchanged)
	}
}

func TestRunForceAndSelection(t *testing.T) {
	path := copyExample(t, "intro", approveWhy, approvedWhy)
	doc, err := course.LoadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Options{Doc: doc, Writer: Offline{}, Scenes: []string{"why"}, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Scenes) != 1 || rep.Scenes[0].Action != ActionWritten || !rep.Scenes[0].Replaced {
		t.Fatalf("report: %+v", rep.Scenes)
	}
	_, s := doc.Course().FindScene("why")
	if s.Status != course.StatusDraft || !strings.HasPrefix(s.Narration, "Why build lessons this way. First, write once") {
		t.Errorf("forced scene: %q %q", s.Status, s.Narration)
	}
	for _, tt := range []struct {
		scenes, lessons []string
		want            string
	}{
		{[]string{"wyh"}, nil, `no scene "wyh" in`},
		{nil, []string{"intor"}, `(did you mean "intro"?)`},
	} {
		_, err := Run(context.Background(), Options{Doc: doc, Writer: Offline{}, Scenes: tt.scenes, Lessons: tt.lessons})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error = %v, want %q", err, tt.want)
		}
	}
}

func TestRunChat(t *testing.T) {
	srv := newChatServer(t, answer("A proposed narration, e.g. for testing.", 300, 20))
	o, _ := cloudtest.Options(t)
	store, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	prompt, err := LoadPrompt("")
	if err != nil {
		t.Fatal(err)
	}
	w := &ChatWriter{Chat: newTestChat(t, srv.URL, testKey, o), Prompt: prompt, Cache: store}
	path := copyExample(t, "pt-br")
	doc, err := course.LoadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Options{Doc: doc, Writer: w, Lessons: []string{"aula-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Written != 4 || rep.Usage != (Usage{1200, 80, 1280}) || rep.Model != DefaultModel {
		t.Errorf("report: written %d usage %+v model %q", rep.Written, rep.Usage, rep.Model)
	}
	// The stand-in is a custom endpoint, which tecno cannot price.
	if rep.CostUSD != 0 || !strings.Contains(rep.CostNote, "custom endpoint") {
		t.Errorf("cost = %v (%s)", rep.CostUSD, rep.CostNote)
	}
	_, s := doc.Course().FindScene("abertura")
	if s.Narration != "A proposed narration, por exemplo for testing." || s.Status != course.StatusDraft {
		t.Errorf("scene: %q %q", s.Narration, s.Status)
	}
	reqs := srv.recorded()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	titles := ""
	for _, r := range reqs {
		if len(r.body.Messages) != 2 || !strings.Contains(r.body.Messages[0].Content, "Write in Brazilian Portuguese (pt-BR)") {
			t.Errorf("messages: %+v", r.body.Messages)
			continue
		}
		titles += r.body.Messages[1].Content
	}
	if !strings.Contains(titles, "Title: Programação para iniciantes") || !strings.Contains(titles, "Quote author: Equipe tecno") {
		t.Errorf("user messages lack the scenes: %s", titles)
	}
	// Dry run after the fact: every answer is cached, nothing to pay.
	est, err := EstimateRun(doc.Course(), EstimateOptions{Writer: w})
	if err != nil {
		t.Fatal(err)
	}
	if est.Cached != 4 || est.CostUSD != 0 {
		t.Errorf("estimate after run: %+v", est)
	}
	// The same run again costs nothing: the answers are cached.
	doc2, _ := course.LoadDocument(path)
	rep2, err := Run(context.Background(), Options{Doc: doc2, Writer: w})
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Cached != 4 || rep2.Usage != (Usage{}) || rep2.CostUSD != 0 || len(srv.recorded()) != 4 {
		t.Errorf("second run: cached %d usage %+v cost %v requests %d", rep2.Cached, rep2.Usage, rep2.CostUSD, len(srv.recorded()))
	}
}

func TestRunFailureLeavesDocument(t *testing.T) {
	srv := newChatServer(t, answer("Fine.", 1, 1), status(http.StatusBadRequest, nil, `{"error":{"message":"bad"}}`))
	o, _ := cloudtest.Options(t)
	prompt, _ := LoadPrompt("")
	w := &ChatWriter{Chat: newTestChat(t, srv.URL, testKey, o), Prompt: prompt}
	doc, err := course.LoadDocument(copyExample(t, "intro"))
	if err != nil {
		t.Fatal(err)
	}
	before := string(doc.Bytes())
	if _, err := Run(context.Background(), Options{Doc: doc, Writer: w, Jobs: 1}); err == nil || !strings.Contains(err.Error(), "400 bad request") {
		t.Fatalf("error = %v", err)
	}
	if string(doc.Bytes()) != before || doc.Dirty() {
		t.Error("a failed run changed the document")
	}
}

func TestChatCost(t *testing.T) {
	tests := []struct {
		model string
		u     Usage
		want  float64
		note  string
	}{
		{"gpt-4o-mini", Usage{PromptTokens: 1200, CompletionTokens: 80}, 1200*0.15/1e6 + 80*0.60/1e6, "gpt-4o-mini list price"},
		{"gpt-4o-2024-08-06", Usage{PromptTokens: 1e6, CompletionTokens: 1e6}, 12.5, "gpt-4o list price"},
		{"gpt-4.1-mini", Usage{PromptTokens: 1e6}, 0.40, "gpt-4.1-mini"},
		{"mystery-model", Usage{CompletionTokens: 1e6}, 0.60, "unknown model"},
	}
	for _, tt := range tests {
		usd, note := ChatCost(tt.model, tt.u, false)
		if usd < tt.want*0.999 || usd > tt.want*1.001 || !strings.Contains(note, tt.note) {
			t.Errorf("ChatCost(%s) = %v %q, want %v %q", tt.model, usd, note, tt.want, tt.note)
		}
	}
}

func TestEstimateRun(t *testing.T) {
	c, err := course.Load(copyExample(t, "intro", approveWhy, approvedWhy))
	if err != nil {
		t.Fatal(err)
	}
	off, err := EstimateRun(c, EstimateOptions{Writer: Offline{}})
	if err != nil {
		t.Fatal(err)
	}
	if off.Scenes != 7 || off.Skipped != 1 || off.CostUSD != 0 || off.PromptTokens != 0 {
		t.Errorf("offline estimate: %+v", off)
	}
	prompt, _ := LoadPrompt("")
	chat, _ := NewChat(ChatConfig{APIKey: testKey})
	est, err := EstimateRun(c, EstimateOptions{Writer: &ChatWriter{Chat: chat, Prompt: prompt}, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if est.Scenes != 8 || est.PromptTokens < 8*200 || est.PromptTokens > 8*800 || est.CompletionTokens < 8*30 || est.CostUSD <= 0 || est.CostUSD > 0.01 {
		t.Errorf("chat estimate: %+v", est)
	}
}

func TestLoadPrompt(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	custom := write("ok.tmpl", `{{define "system"}}Speak {{.LanguageName}}.{{end}}{{define "user"}}{{.Scene.Title}} ({{.Number}}/{{.Count}}){{end}}`)
	p, err := LoadPrompt(custom)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := p.Messages(Input{Language: "pt-BR", Scene: &course.Scene{Title: "Olá"}, Index: 1, Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	if msgs[0].Content != "Speak Brazilian Portuguese (pt-BR)." || msgs[1].Content != "Olá (2/3)" {
		t.Errorf("messages: %+v", msgs)
	}
	for _, tt := range []struct{ name, text, want string }{
		{"nouser.tmpl", `{{define "system"}}x{{end}}`, `does not define "user"`},
		{"bad.tmpl", `{{define "system"}}{{.Nope}{{end}}`, "prompt template"},
	} {
		if _, err := LoadPrompt(write(tt.name, tt.text)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := LoadPrompt(filepath.Join(dir, "missing.tmpl")); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing prompt: %v", err)
	}
	unknownField := write("field.tmpl", `{{define "system"}}{{.Nope}}{{end}}{{define "user"}}x{{end}}`)
	p, _ = LoadPrompt(unknownField)
	if _, err := p.Messages(Input{Scene: &course.Scene{}}); err == nil {
		t.Error("an unknown field rendered")
	}
}

func TestUnifiedDiff(t *testing.T) {
	path := copyExample(t, "intro")
	doc, err := course.LoadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	before := append([]byte(nil), doc.Bytes()...)
	if _, err := Run(context.Background(), Options{Doc: doc, Writer: Offline{}, Scenes: []string{"welcome", "closing"}}); err != nil {
		t.Fatal(err)
	}
	d := UnifiedDiff("course.yaml", before, doc.Bytes())
	cloudtest.Golden(t, "TestUnifiedDiff", []byte(d))
	if UnifiedDiff("x", before, before) != "" {
		t.Error("diff of equal texts is not empty")
	}
	checkPatch(t, before, doc.Bytes(), d)

	// Random edits: the diff always patches a into b.
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		var a, b []string
		for j := 0; j < 40; j++ {
			line := string(rune('a'+rng.Intn(5))) + "\n"
			a = append(a, line)
			switch rng.Intn(4) {
			case 0: // dropped
			case 1:
				b = append(b, line, "new\n")
			default:
				b = append(b, line)
			}
		}
		aa, bb := []byte(strings.Join(a, "")), []byte(strings.Join(b, "")+"tail")
		checkPatch(t, aa, bb, UnifiedDiff("f", aa, bb))
	}
}

// checkPatch applies diff to a with patch(1) and expects b.
func checkPatch(t *testing.T, a, b []byte, diff string) {
	t.Helper()
	bin := testtool.Require(t, "patch")
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	os.WriteFile(f, a, 0o644)
	cmd := exec.Command(bin, "-s", "-o", filepath.Join(dir, "out"), f)
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v: %s\n%s", err, out, diff)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "out"))
	if string(got) != string(b) {
		t.Errorf("patched text differs:\n%s\nwant\n%s\ndiff:\n%s", got, b, diff)
	}
}
