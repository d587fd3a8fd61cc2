package pptx

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/ingest/doc"
	"github.com/tecno-video/tecno/internal/ingest/internal/gen"
)

func parse(t testing.TB, name string) *doc.Document {
	t.Helper()
	d, err := Parse(context.Background(), filepath.Join("..", "testdata", name), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func units(d *doc.Document) []*doc.Unit {
	var out []*doc.Unit
	for _, s := range d.Sections {
		out = append(out, s.Units...)
	}
	return out
}

func TestCorpusDecks(t *testing.T) {
	tests := []struct {
		file          string
		slides        int
		hidden        int
		notes         int
		tables        int
		sections      []string
		titles        map[int]string
		notesContains map[int]string
	}{
		{file: "powerpoint_sample.pptx", slides: 3, notes: 2, tables: 1,
			titles:        map[int]string{1: "Test Table Slide", 2: "Second slide title"},
			notesContains: map[int]string{2: "Some notes on the second slide.", 3: "Second line of notes."}},
		{file: "2411-Performance_Up.pptx", slides: 48, hidden: 2, notes: 8, tables: 1,
			titles:        map[int]string{1: "Apache Performance Tuning", 7: "No Silver Bullet", 13: "Monitoring Solaris: SE Toolkit"},
			notesContains: map[int]string{1: "Hello crowd, welcome.", 11: "Monitoring is a critical component of tuning your server."}},
		{file: "60810.pptx", slides: 28, hidden: 3, notes: 6, sections: []string{"Core layouts"}, titles: map[int]string{1: "Today’s session"}},
		{file: "bug62513.pptx", slides: 19, tables: 1},
		{file: "keyframes.pptx", slides: 28},
		{file: "test_slides.pptx", slides: 1, tables: 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := parse(t, tt.file)
			us := units(d)
			if len(us) != tt.slides || d.Total != tt.slides {
				t.Errorf("slides = %d (total %d), want %d", len(us), d.Total, tt.slides)
			}
			hidden, notes, tables := 0, 0, 0
			by := map[int]*doc.Unit{}
			for i, u := range us {
				if u.Number != i+1 {
					t.Errorf("unit %d has number %d: presentation order lost", i, u.Number)
				}
				by[u.Number] = u
				if u.Hidden {
					hidden++
				}
				if u.Notes != "" {
					notes++
				}
				if len(u.Table) > 0 {
					tables++
				}
			}
			if hidden != tt.hidden || notes != tt.notes || tables != tt.tables {
				t.Errorf("hidden %d notes %d tables %d, want %d %d %d", hidden, notes, tables, tt.hidden, tt.notes, tt.tables)
			}
			for n, want := range tt.titles {
				if got := by[n].Title; got != want {
					t.Errorf("slide %d title = %q, want %q", n, got, want)
				}
			}
			for n, want := range tt.notesContains {
				if !strings.Contains(by[n].Notes, want) {
					t.Errorf("slide %d notes = %q, want %q in them", n, by[n].Notes, want)
				}
			}
			if tt.sections != nil {
				var got []string
				for _, s := range d.Sections {
					got = append(got, s.Title)
				}
				if strings.Join(got, "|") != strings.Join(tt.sections, "|") {
					t.Errorf("sections = %q, want %q", got, tt.sections)
				}
			}
		})
	}
}

func TestNotesSkipSlideNumber(t *testing.T) {
	data := gen.PPTX([]gen.Slide{{Title: "A", Notes: "Say this."}})
	d, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), "a.pptx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := units(d)[0].Notes; got != "Say this." {
		t.Errorf("notes = %q (slide number placeholder must be skipped)", got)
	}
}

func TestSectionsAndReadingOrder(t *testing.T) {
	files := gen.PPTXFiles([]gen.Slide{{Title: "One"}, {Title: "Two"}, {Title: "Three"}})
	for i := range files {
		switch files[i].Name {
		case "ppt/presentation.xml":
			files[i].Data = strings.Replace(files[i].Data, "</p:presentation>",
				`<p:extLst><p:ext uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"><p14:sectionLst xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main"><p14:section name="Intro" id="{1}"><p14:sldIdLst><p14:sldId id="256"/></p14:sldIdLst></p14:section><p14:section name="Main part" id="{2}"><p14:sldIdLst><p14:sldId id="257"/><p14:sldId id="258"/></p14:sldIdLst></p14:section></p14:sectionLst></p:ext></p:extLst></p:presentation>`, 1)
		case "ppt/slides/slide2.xml":
			// Two text boxes, the lower one first in the file, and a group
			// whose child coordinates are scaled and moved.
			files[i].Data = strings.Replace(files[i].Data, "</p:spTree>",
				box(5000, 5000, "bottom")+box(100, 1000, "top")+
					`<p:grpSp><p:nvGrpSpPr><p:cNvPr id="9" name="g"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="3000"/><a:ext cx="100" cy="100"/><a:chOff x="0" y="0"/><a:chExt cx="1000" cy="1000"/></a:xfrm></p:grpSpPr>`+
					box(0, 900, "grouped-late")+box(0, 0, "grouped-early")+`</p:grpSp></p:spTree>`, 1)
		}
	}
	data := gen.Zip(files)
	d, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), "s.pptx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sections) != 2 || d.Sections[0].Title != "Intro" || d.Sections[1].Title != "Main part" || len(d.Sections[1].Units) != 2 {
		t.Fatalf("sections = %+v", d.Sections)
	}
	var got []string
	for _, b := range d.Sections[1].Units[0].Bullets {
		got = append(got, b.Text)
	}
	want := "top|grouped-early|grouped-late|bottom"
	if strings.Join(got, "|") != want {
		t.Errorf("reading order = %q, want %q", strings.Join(got, "|"), want)
	}
}

func box(x, y int, text string) string {
	return fmt.Sprintf(`<p:sp><p:nvSpPr><p:cNvPr id="5" name="t"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="%d" y="%d"/><a:ext cx="10" cy="10"/></a:xfrm></p:spPr><p:txBody><a:bodyPr/><a:p><a:r><a:t>%s</a:t></a:r></a:p></p:txBody></p:sp>`, x, y, text)
}

// BenchmarkIngest100Slides parses a generated 100-slide deck with notes.
func BenchmarkParse100Slides(b *testing.B) {
	data := deck100()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.pptx", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func deck100() []byte {
	slides := make([]gen.Slide, 100)
	for i := range slides {
		slides[i] = gen.Slide{Title: fmt.Sprintf("Slide %d", i+1), Bullets: []string{"First point", "  detail", "Second point", "Third point"}, Notes: "Narration for this slide."}
	}
	return gen.PPTX(slides)
}

func FuzzPPTX(f *testing.F) {
	f.Add(gen.PPTX([]gen.Slide{{Title: "T", Bullets: []string{"a", "  b"}, Notes: "n"}}), []byte(gen.SlideXML(gen.Slide{Title: "T", Bullets: []string{"x"}})))
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "test_slides.pptx")); err == nil {
		f.Add(b, []byte(box(1, 2, "z")))
	}
	onPanic = func(p any) { panic(p) }
	f.Fuzz(func(t *testing.T, pkg, slide []byte) {
		ctx := context.Background()
		_, _ = Read(ctx, bytes.NewReader(pkg), int64(len(pkg)), "fuzz.pptx", Options{})
		// The slide XML goes into a valid package so mutations reach the
		// XML and shape code, not just the zip reader.
		files := gen.PPTXFiles([]gen.Slide{{Title: "x"}})
		for i := range files {
			if files[i].Name == "ppt/slides/slide1.xml" {
				files[i].Data = string(slide)
			}
		}
		data := gen.Zip(files)
		_, _ = Read(ctx, bytes.NewReader(data), int64(len(data)), "fuzz.pptx", Options{})
	})
}
