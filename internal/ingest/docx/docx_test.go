package docx

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/ingest/doc"
	"github.com/tecno-video/tecno/internal/ingest/internal/gen"
)

func read(t *testing.T, data []byte) *doc.Document {
	t.Helper()
	d, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), "t.docx", Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func all(d *doc.Document) []*doc.Unit {
	var out []*doc.Unit
	for _, s := range d.Sections {
		out = append(out, s.Units...)
	}
	return out
}

func TestWordSample(t *testing.T) {
	d, err := Parse(context.Background(), filepath.Join("..", "testdata", "word_sample.docx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Swimming in the lake" {
		t.Errorf("title = %q", d.Title)
	}
	us := all(d)
	var kinds []doc.UnitKind
	for _, u := range us {
		kinds = append(kinds, u.Kind)
	}
	if us[0].Kind != doc.TitleUnit || us[0].Subtitle != "Summer activities" {
		t.Errorf("first unit = %+v", us[0])
	}
	if us[1].Kind != doc.Picture || us[1].Notes != "Figure 1: This is a cute duckling" || us[1].Images[0].Ext != ".png" {
		t.Errorf("picture unit = kind %v notes %q", us[1].Kind, us[1].Notes)
	}
	var table *doc.Unit
	for _, u := range us {
		if u.Kind == doc.Table {
			table = u
		}
	}
	if table == nil || len(table.Table) != 4 || strings.Join(table.Table[1], "|") != "Leaves|Ash, Elm, Maple|50" {
		t.Errorf("table = %+v", table)
	}
}

func TestHeadingsFromStylesAndOutline(t *testing.T) {
	styles := `<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		`<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="Überschrift 1"/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Custom"><w:name w:val="My Chapter"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Sub"><w:name w:val="Sub"/><w:basedOn w:val="berschrift2"/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/></w:style>` +
		`</w:styles>`
	body := gen.Para("berschrift1", "Kapitel eins") + gen.Para("", "Text eins.") +
		gen.Para("Sub", "Abschnitt") + gen.Para("", "Mehr Text.") +
		gen.Para("Custom", "Kapitel zwei") + gen.Para("", "Text zwei.")
	files := gen.DOCXFiles(body)
	files = append(files, gen.File{Name: "word/styles.xml", Data: styles},
		gen.File{Name: "word/_rels/document.xml.rels", Data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`})
	d := read(t, gen.Zip(files))
	if len(d.Sections) != 2 || d.Sections[0].Title != "Kapitel eins" || d.Sections[1].Title != "Kapitel zwei" {
		t.Fatalf("lessons = %+v", d.Sections)
	}
	us := d.Sections[0].Units
	if len(us) != 2 || us[1].Title != "Abschnitt" || us[1].Paras[0] != "Mehr Text." {
		t.Errorf("scenes of lesson 1 = %+v", us)
	}
}

func TestTrackedChangesAndFields(t *testing.T) {
	body := `<w:p><w:r><w:t xml:space="preserve">Keep </w:t></w:r><w:del w:id="1"><w:r><w:delText>gone </w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>added</w:t></w:r></w:ins>` +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> 7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:moveFrom><w:r><w:t>moved away</w:t></w:r></w:moveFrom></w:p>`
	us := all(read(t, gen.DOCX(body)))
	if len(us) != 1 || len(us[0].Paras) != 1 || us[0].Paras[0] != "Keep added 7" {
		t.Errorf("text = %+v", us[0].Paras)
	}
}

func TestLongSectionSplit(t *testing.T) {
	sentence := "This sentence has exactly eight words in it. "
	body := gen.Para("Heading1", "Only heading") + gen.Para("", strings.Repeat(sentence, 50)) + gen.Para("", "Short closing paragraph.")
	us := all(read(t, gen.DOCX(body)))
	if len(us) < 3 {
		t.Fatalf("units = %d, want the 400-word section split", len(us))
	}
	for _, u := range us {
		n := 0
		for _, p := range u.Paras {
			n += doc.Words(p)
		}
		if n > MaxWords {
			t.Errorf("unit %d has %d words", u.Number, n)
		}
		if u.Title != "Only heading" {
			t.Errorf("unit %d title %q", u.Number, u.Title)
		}
		for _, p := range u.Paras {
			if !strings.HasSuffix(p, ".") {
				t.Errorf("split inside a sentence: %q", p)
			}
		}
	}
}

func TestSplitWords(t *testing.T) {
	long := strings.Repeat("word ", 400)
	for _, c := range splitWords(long, 150) {
		if doc.Words(c) > 150 {
			t.Errorf("chunk of %d words", doc.Words(c))
		}
	}
	if got := splitWords("One. Two.", 150); len(got) != 1 {
		t.Errorf("short text split: %q", got)
	}
}

func FuzzDOCX(f *testing.F) {
	f.Add(gen.DOCX(gen.Para("Heading1", "H")+gen.Para("", "text")), []byte(gen.DocumentXML(gen.Para("Title", "T")+`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`)))
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "61787.docx")); err == nil {
		f.Add(b, []byte(gen.DocumentXML(`<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr></w:pPr><w:ins><w:r><w:t>i</w:t></w:r></w:ins></w:p>`)))
	}
	onPanic = func(p any) { panic(p) }
	f.Fuzz(func(t *testing.T, pkg, document []byte) {
		ctx := context.Background()
		_, _ = Read(ctx, bytes.NewReader(pkg), int64(len(pkg)), "fuzz.docx", Options{})
		files := gen.DOCXFiles("")
		files[2].Data = string(document)
		data := gen.Zip(files)
		_, _ = Read(ctx, bytes.NewReader(data), int64(len(data)), "fuzz.docx", Options{})
	})
}
