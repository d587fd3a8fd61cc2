// Package gen writes small, valid PPTX, DOCX and PDF files for tests,
// benchmarks and fuzz seeds, so large or hostile inputs are made at test
// time instead of being committed.
package gen

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
)

// Slide is one generated slide.
type Slide struct {
	Title   string
	Bullets []string
	Notes   string
	Hidden  bool
}

const (
	nsA = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"`
	nsR = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	nsP = `xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`
	rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
)

func esc(s string) string {
	var b bytes.Buffer
	_ = xmlEscape(&b, s)
	return b.String()
}

func xmlEscape(w io.Writer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	_, err := io.WriteString(w, r.Replace(s))
	return err
}

// File is one zip entry.
type File struct {
	Name string
	Data string
}

// Zip packs files with deflate.
func Zip(files []File) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.Name)
		if err != nil {
			panic(err)
		}
		io.WriteString(w, f.Data)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// SlideXML returns the XML of one slide.
func SlideXML(s Slide) string {
	var b strings.Builder
	show := ""
	if s.Hidden {
		show = ` show="0"`
	}
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld %s %s %s%s><p:cSld><p:spTree>`, nsA, nsR, nsP, show)
	b.WriteString(`<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>`)
	if s.Title != "" {
		fmt.Fprintf(&b, `<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="457200" y="274638"/><a:ext cx="8229600" cy="1143000"/></a:xfrm></p:spPr><p:txBody><a:bodyPr/><a:p><a:r><a:t>%s</a:t></a:r></a:p></p:txBody></p:sp>`, esc(s.Title))
	}
	if len(s.Bullets) > 0 {
		b.WriteString(`<p:sp><p:nvSpPr><p:cNvPr id="3" name="Body"/><p:cNvSpPr/><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="457200" y="1600200"/><a:ext cx="8229600" cy="4525963"/></a:xfrm></p:spPr><p:txBody><a:bodyPr/>`)
		for _, t := range s.Bullets {
			lvl := 0
			for strings.HasPrefix(t, "  ") {
				lvl++
				t = t[2:]
			}
			fmt.Fprintf(&b, `<a:p><a:pPr lvl="%d"/><a:r><a:t>%s</a:t></a:r></a:p>`, lvl, esc(t))
		}
		b.WriteString(`</p:txBody></p:sp>`)
	}
	b.WriteString(`</p:spTree></p:cSld></p:sld>`)
	return b.String()
}

// PPTXFiles returns the parts of a minimal deck; slides[i] is slide i+1.
// Callers may edit the parts before packing them with Zip.
func PPTXFiles(slides []Slide) []File {
	var ct, ids, rels strings.Builder
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>`)
	files := []File{{Name: "_rels/.rels", Data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `officeDocument" Target="ppt/presentation.xml"/></Relationships>`}}
	for i, s := range slides {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/ppt/slides/slide%d.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`, n)
		fmt.Fprintf(&ids, `<p:sldId id="%d" r:id="rId%d"/>`, 255+n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%sslide" Target="slides/slide%d.xml"/>`, n, rel, n)
		files = append(files, File{Name: fmt.Sprintf("ppt/slides/slide%d.xml", n), Data: SlideXML(s)})
		if s.Notes != "" {
			files = append(files,
				File{Name: fmt.Sprintf("ppt/slides/_rels/slide%d.xml.rels", n), Data: fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%snotesSlide" Target="../notesSlides/notesSlide%d.xml"/></Relationships>`, rel, n)},
				File{Name: fmt.Sprintf("ppt/notesSlides/notesSlide%d.xml", n), Data: fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><p:notes %s %s><p:cSld><p:spTree><p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image"/><p:cNvSpPr/><p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr></p:sp><p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes"/><p:cNvSpPr/><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:txBody><a:bodyPr/><a:p><a:r><a:t>%s</a:t></a:r></a:p></p:txBody></p:sp><p:sp><p:nvSpPr><p:cNvPr id="4" name="Number"/><p:cNvSpPr/><p:nvPr><p:ph type="sldNum" idx="5"/></p:nvPr></p:nvSpPr><p:txBody><a:bodyPr/><a:p><a:fld id="{1}" type="slidenum"><a:t>%d</a:t></a:fld></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:notes>`, nsA, nsP, esc(s.Notes), n)})
		}
	}
	ct.WriteString(`</Types>`)
	files = append(files,
		File{Name: "[Content_Types].xml", Data: ct.String()},
		File{Name: "ppt/presentation.xml", Data: fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation %s %s %s><p:sldIdLst>%s</p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/></p:presentation>`, nsA, nsR, nsP, ids.String())},
		File{Name: "ppt/_rels/presentation.xml.rels", Data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`},
	)
	return files
}

// PPTX returns a minimal deck.
func PPTX(slides []Slide) []byte { return Zip(PPTXFiles(slides)) }

// DOCXFiles returns the parts of a minimal document whose w:body holds
// body (raw WordprocessingML).
func DOCXFiles(body string) []File {
	return []File{
		{Name: "[Content_Types].xml", Data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{Name: "_rels/.rels", Data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `officeDocument" Target="word/document.xml"/></Relationships>`},
		{Name: "word/document.xml", Data: DocumentXML(body)},
	}
}

// DocumentXML wraps body in a w:document.
func DocumentXML(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` + nsR + `><w:body>` + body + `</w:body></w:document>`
}

// Para returns a paragraph with an optional style id.
func Para(style, text string) string {
	ppr := ""
	if style != "" {
		ppr = `<w:pPr><w:pStyle w:val="` + esc(style) + `"/></w:pPr>`
	}
	return `<w:p>` + ppr + `<w:r><w:t xml:space="preserve">` + esc(text) + `</w:t></w:r></w:p>`
}

// DOCX returns a minimal document.
func DOCX(body string) []byte { return Zip(DOCXFiles(body)) }

// PDF writes a PDF of n pages to w; text(i) gives the lines of page i
// (0-based), drawn top-down in Helvetica, the first line larger. Pages are
// written one at a time, so huge documents need little memory.
func PDF(w io.Writer, n int, text func(i int) []string) error {
	bw := bufio.NewWriter(w)
	var off int64
	var offsets []int64
	put := func(s string) {
		bw.WriteString(s)
		off += int64(len(s))
	}
	obj := func(id int, body string) {
		for len(offsets) < id {
			offsets = append(offsets, 0)
		}
		offsets[id-1] = off
		put(fmt.Sprintf("%d 0 obj\n%s\nendobj\n", id, body))
	}
	put("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// 1 catalog, 2 pages, 3 font; page i: 4+2i page, 5+2i contents.
	obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	var kids strings.Builder
	for i := range n {
		fmt.Fprintf(&kids, "%d 0 R ", 4+2*i)
	}
	obj(2, fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", n, kids.String()))
	obj(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for i := range n {
		var cs strings.Builder
		y := 740
		for j, line := range text(i) {
			size := 12
			if j == 0 {
				size = 24
			}
			fmt.Fprintf(&cs, "BT /F1 %d Tf 72 %d Td (%s) Tj ET\n", size, y, pdfString(line))
			y -= size + 8
		}
		obj(4+2*i, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		obj(5+2*i, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", cs.Len(), cs.String()))
	}
	xref := off
	put(fmt.Sprintf("xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1))
	for _, o := range offsets {
		put(fmt.Sprintf("%010d 00000 n \n", o))
	}
	put(fmt.Sprintf("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref))
	return bw.Flush()
}

// pdfString escapes a line for a PDF literal string in WinAnsi (Latin-1
// subset; other characters become '?').
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x80:
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// ZipWithDeclaredSize returns a zip whose single part name holds data
// (deflated) but whose headers declare size bytes uncompressed: the honest
// or lying headers of a zip bomb.
func ZipWithDeclaredSize(extra []File, name string, data []byte, size uint64) []byte {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	fw.Write(data)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range extra {
		w, _ := zw.Create(f.Name)
		io.WriteString(w, f.Data)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CompressedSize64: uint64(comp.Len()), UncompressedSize64: size})
	if err != nil {
		panic(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}
