package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ingest/internal/gen"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(td(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// corruptEntry flips bytes inside the compressed data of one zip entry.
func corruptEntry(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		out := append([]byte(nil), data...)
		for i := off + 10; i < off+int64(f.CompressedSize64)-10 && i < off+400; i++ {
			out[i] ^= 0x5a
		}
		return out
	}
	t.Fatalf("no entry %s", name)
	return nil
}

// withPart replaces (or adds) one part of a generated deck.
func withPart(files []gen.File, name, data string) []byte {
	out := append([]gen.File(nil), files...)
	for i := range out {
		if out[i].Name == name {
			out[i].Data = data
			return gen.Zip(out)
		}
	}
	return gen.Zip(append(out, gen.File{Name: name, Data: data}))
}

func TestBrokenInputsFailCleanly(t *testing.T) {
	deck := gen.PPTXFiles([]gen.Slide{{Title: "Hello", Bullets: []string{"one"}}})
	entity := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:sldIdLst>&lol2;</p:sldIdLst></p:presentation>`
	external := `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>`
	deep := gen.DocumentXML(strings.Repeat("<w:sdt><w:sdtContent>", 5000) + strings.Repeat("</w:sdtContent></w:sdt>", 5000))
	zeros := make([]byte, 256<<10)

	tests := []struct {
		name string
		file string
		data func(t *testing.T) []byte
		want string // in the message
	}{
		{"empty pptx", "empty.pptx", func(*testing.T) []byte { return nil }, "file is empty"},
		{"empty pdf", "empty.pdf", func(*testing.T) []byte { return nil }, "file is empty"},
		{"empty docx", "empty.docx", func(*testing.T) []byte { return []byte{} }, "file is empty"},
		{"truncated pptx", "truncated.pptx", func(t *testing.T) []byte { return read(t, "powerpoint_sample.pptx")[:20000] }, "not a valid zip archive"},
		{"truncated docx", "truncated.docx", func(t *testing.T) []byte { return read(t, "word_sample.docx")[:50000] }, "not a valid zip archive"},
		{"corrupt zip data", "corrupt.docx", func(t *testing.T) []byte { return corruptEntry(t, read(t, "docx_lists.docx"), "word/document.xml") }, "document.xml"},
		{"corrupt slide", "corrupt.pptx", func(t *testing.T) []byte {
			return corruptEntry(t, read(t, "powerpoint_sample.pptx"), "ppt/slides/slide1.xml")
		}, "slide1.xml"},
		{"pdf named pptx", "liar.pptx", func(t *testing.T) []byte { return read(t, "google-doc-document.pdf") }, "file content is a PDF document but its extension is .pptx"},
		{"docx named pptx", "liar2.pptx", func(t *testing.T) []byte { return read(t, "61787.docx") }, "Word document (.docx) but its extension is .pptx"},
		{"pptx named pdf", "liar.pdf", func(t *testing.T) []byte { return read(t, "test_slides.pptx") }, "PowerPoint deck (.pptx) but its extension is .pdf"},
		{"text named docx", "notes.docx", func(*testing.T) []byte { return []byte("just some text, not a document\n") }, "file content is not a Word document"},
		{"plain zip named pptx", "plain.pptx", func(*testing.T) []byte { return gen.Zip([]gen.File{{Name: "readme.txt", Data: "hi"}}) }, "not an Office document"},
		{"legacy or encrypted office", "locked.pptx", func(*testing.T) []byte {
			return append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
		}, "password-protected or legacy"},
		{"encrypted pdf rc4", "encrypted-rc4.pdf", func(t *testing.T) []byte { return read(t, "encrypted-rc4.pdf") }, "encrypted with a password"},
		{"encrypted pdf aes256", "encrypted-aes256.pdf", func(t *testing.T) []byte { return read(t, "encrypted-aes256.pdf") }, "encrypted with a password"},
		{"garbage pdf", "garbage.pdf", func(*testing.T) []byte {
			return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
		}, ".pdf: "},
		{"truncated pdf", "cut.pdf", func(t *testing.T) []byte { return read(t, "go-lecture.pdf")[:100000] }, "end-of-file marker is missing"},
		{"zip bomb declared", "bomb.pptx", func(*testing.T) []byte {
			return gen.ZipWithDeclaredSize(deck, "ppt/media/huge.png", []byte("x"), 300<<20)
		}, "refusing a possible zip bomb"},
		{"zip bomb xml part", "bomb2.pptx", func(*testing.T) []byte {
			return gen.ZipWithDeclaredSize(deckWithout(deck, "ppt/presentation.xml"), "ppt/presentation.xml", []byte("<a/>"), 70<<20)
		}, "refusing a possible zip bomb"},
		{"zip bomb lying header", "bomb3.pptx", func(*testing.T) []byte {
			return gen.ZipWithDeclaredSize(deckWithout(deck, "ppt/presentation.xml"), "ppt/presentation.xml", zeros, 1000)
		}, "expands past the size its header declares"},
		{"xml entity expansion", "entity.pptx", func(*testing.T) []byte { return withPart(deck, "ppt/presentation.xml", entity) }, "DOCTYPE"},
		{"xml external entity", "xxe.docx", func(*testing.T) []byte { return withPart(gen.DOCXFiles(""), "word/document.xml", external) }, "DOCTYPE"},
		{"deeply nested xml", "deep.docx", func(*testing.T) []byte { return withPart(gen.DOCXFiles(""), "word/document.xml", deep) }, "nested more than 256"},
		{"malformed xml", "bad.pptx", func(*testing.T) []byte { return withPart(deck, "ppt/slides/slide1.xml", "<p:sld><p:cSld>") }, "slide1.xml"},
		{"no slides part", "noslides.pptx", func(*testing.T) []byte { return gen.Zip(deckWithout(deck, "ppt/presentation.xml")) }, "not a PowerPoint presentation"},
		{"unsupported extension", "deck.key", func(*testing.T) []byte { return []byte("x") }, "unsupported file type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, tt.file)
			if err := os.WriteFile(in, tt.data(t), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "course.yaml")
			res, err := Ingest(context.Background(), Options{Inputs: []string{in}, Output: out})
			if err == nil {
				t.Fatalf("no error; result %+v", res)
			}
			var fe *fault.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v is not a *fault.Error", err, err)
			}
			if fe.Kind != fault.Input || fe.Kind.ExitCode() != 2 {
				t.Errorf("kind = %v, want input (exit 2)", fe.Kind)
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, tt.file) {
				t.Errorf("message %q does not name the file", msg)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message is not one line: %q", msg)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("course file written despite the error")
			}
			if _, err := os.Stat(filepath.Join(dir, "assets")); !os.IsNotExist(err) {
				t.Error("assets written despite the error")
			}
		})
	}
}

func deckWithout(files []gen.File, name string) []gen.File {
	var out []gen.File
	for _, f := range files {
		if f.Name != name {
			out = append(out, f)
		}
	}
	return out
}

func TestMissingInput(t *testing.T) {
	_, err := Ingest(context.Background(), Options{Inputs: []string{filepath.Join(t.TempDir(), "nope.pptx")}, Output: filepath.Join(t.TempDir(), "c.yaml")})
	if fault.KindOf(err) != fault.Input || !strings.Contains(err.Error(), "nope.pptx: no such file") {
		t.Errorf("err = %v", err)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Ingest(ctx, Options{Inputs: []string{td("go-lecture.pdf")}, Output: filepath.Join(t.TempDir(), "c.yaml")})
	if fault.KindOf(err) != fault.Cancelled {
		t.Errorf("err = %v (kind %v), want cancelled", err, fault.KindOf(err))
	}
}
