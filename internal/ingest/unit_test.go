package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/ingest/doc"
	"github.com/tecno-video/tecno/internal/ingest/internal/gen"
)

func TestDetectLanguage(t *testing.T) {
	tests := []struct{ want, text string }{
		{"en-US", "The purpose of this chapter is to explain how the server handles requests and what you can do about it."},
		{"pt-BR", "Este curso mostra como a empresa não deve tratar os dados dos clientes e o que fazer quando há um problema com a conta."},
		{"es-ES", "Este curso explica cómo la empresa debe tratar los datos de los clientes y qué hacer cuando hay un problema con la cuenta."},
		{"fr-FR", "Ce cours explique comment les données des clients sont traitées dans une entreprise et ce qu'il faut faire pour les protéger."},
		{"de-DE", "Dieser Kurs erklärt, wie die Daten der Kunden in einem Unternehmen verarbeitet werden und was man dafür tun muss."},
		{"it-IT", "Questo corso spiega come i dati dei clienti sono trattati in una azienda e che cosa si deve fare per proteggerli anche quando non è facile."},
		{"id-ID", "Pertumbuhan dan perkembangan pada tumbuhan adalah proses yang tidak dapat dipisahkan dan terjadi dengan cara yang berbeda untuk setiap jenis."},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got, sure := DetectLanguage(tt.text)
			if got != tt.want || !sure {
				t.Errorf("DetectLanguage = %q (sure %v), want %q", got, sure, tt.want)
			}
		})
	}
	if _, sure := DetectLanguage("x y z"); sure {
		t.Error("no function words should not be a confident guess")
	}
}

func TestComposeBullets(t *testing.T) {
	bs := []course.Bullet{{Text: "The setup"}, {Text: "Monitoring", Children: []course.Bullet{{Text: "vmstat"}, {Text: "iostat"}}}, {Text: "Apache tuning."}}
	tests := []struct {
		lang, intro, want string
		ordered           bool
	}{
		{"en-US", phraseBook["en"].slide, "This slide covers Performance. First, the setup. Next, Monitoring: vmstat, iostat. Finally, Apache tuning.", false},
		{"pt-BR", phraseBook["pt"].slide, "Este slide trata de Performance. Primeiro, The setup. Em seguida, Monitoring: vmstat, iostat. Por fim, Apache tuning.", false},
		{"en-US", "", "First, the setup. Second, Monitoring: vmstat, iostat. Third, Apache tuning.", true},
	}
	for _, tt := range tests {
		if got := composeBullets(tt.lang, tt.intro, "Performance:", bs, tt.ordered); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.lang, got, tt.want)
		}
	}
	if got := composeBullets("en-US", phraseBook["en"].slide, "One point", []course.Bullet{{Text: "Only this"}}, false); got != "This slide covers One point. Only this." {
		t.Errorf("single bullet: %q", got)
	}
}

func TestTree(t *testing.T) {
	got := tree([]doc.Item{{Text: "a", Level: 1}, {Text: "b", Level: 2}, {Text: "c", Level: 4}, {Text: "d", Level: 2}, {Text: "e", Level: 0}})
	want := "a[b[c] d] e"
	if s := render(got); s != want {
		t.Errorf("tree = %s, want %s", s, want)
	}
}

func render(bs []course.Bullet) string {
	var parts []string
	for _, b := range bs {
		s := b.Text
		if len(b.Children) > 0 {
			s += "[" + render(b.Children) + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestComposedNarrationWarning(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "deck.pptx")
	os.WriteFile(in, gen.PPTX([]gen.Slide{
		{Title: "Welcome", Notes: "Hello and welcome."},
		{Title: "Agenda", Bullets: []string{"The goals", "The plan", "  step one", "The questions"}},
		{Title: "Ending"},
	}), 0o644)
	res, c, data := ingestT(t, Options{Inputs: []string{in}, Output: filepath.Join(dir, "course.yaml"), Language: "en-US"})
	if got := scene(t, c, "deck-s02").Narration; got != "This slide covers Agenda. First, the goals. Next, the plan: step one. Finally, the questions." {
		t.Errorf("composed = %q", got)
	}
	if got := scene(t, c, "deck-s03").Narration; got != "Ending." {
		t.Errorf("title-only narration = %q", got)
	}
	want := []string{
		"deck.pptx: slide 2: no speaker notes; narration composed from the title and bullets",
		"deck.pptx: slide 3: no speaker notes; narration composed from the title",
	}
	if strings.Join(res.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings = %q", res.Warnings)
	}
	if !strings.Contains(string(data), "- The plan:\n              - step one") {
		t.Errorf("nested bullets not in the compact form:\n%s", data)
	}
}

// BenchmarkIngest100Slides ingests a generated 100-slide deck end to end:
// parse, compose, write the course file.
func BenchmarkIngest100Slides(b *testing.B) {
	dir := b.TempDir()
	in := filepath.Join(dir, "deck.pptx")
	slides := make([]gen.Slide, 100)
	for i := range slides {
		s := gen.Slide{Title: fmt.Sprintf("Slide %d", i+1), Bullets: []string{"First point", "  detail", "Second point", "Third point"}}
		if i%2 == 0 {
			s.Notes = "Narration for this slide, read from the speaker notes."
		}
		slides[i] = s
	}
	os.WriteFile(in, gen.PPTX(slides), 0o644)
	opts := Options{Inputs: []string{in}, Output: filepath.Join(dir, "course.yaml"), Force: true}
	b.ReportAllocs()
	for b.Loop() {
		res, err := Ingest(context.Background(), opts)
		if err != nil || res.Scenes != 100 {
			b.Fatal(res, err)
		}
	}
}
