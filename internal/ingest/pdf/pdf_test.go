package pdf

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ingest/internal/gen"
)

func TestGoLecture(t *testing.T) {
	d, err := Parse(context.Background(), filepath.Join("..", "testdata", "go-lecture.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	us := d.Sections[0].Units
	if len(us) != 41 || d.Total != 41 {
		t.Fatalf("pages = %d", len(us))
	}
	tests := []struct {
		page  int
		title string
		line  string
	}{
		{1, "Some Trucs and Machins about Google Go", "University of Bordeaux 1"},
		{2, "A “New” Language in a Computerizationed World", "Microsoft Office, Windows Mobile, C#/F#."}, // ligature undone
		{6, "Aparté: Compiled, Interpreted, Tomato-Souped...", ""},                                       // TeX accent composed
	}
	for _, tt := range tests {
		u := us[tt.page-1]
		if u.Title != tt.title {
			t.Errorf("page %d title = %q, want %q", tt.page, u.Title, tt.title)
		}
		if tt.line != "" && !contains(u.Paras, tt.line) {
			t.Errorf("page %d lines = %q, want %q", tt.page, u.Paras, tt.line)
		}
		for _, l := range u.Paras {
			if strings.Contains(l, "/41") {
				t.Errorf("page number line kept: %q", l)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestAccentsAndReadingOrder(t *testing.T) {
	var buf bytes.Buffer
	gen.PDF(&buf, 1, func(int) []string { return []string{"Olá, você", "São Paulo é ótimo", "Ça marche"} })
	var pages []Page
	_, err := Read(context.Background(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), "a.pdf", func(p Page) error { pages = append(pages, p); return nil }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pages[0].Title != "Olá, você" || strings.Join(pages[0].Lines, "|") != "São Paulo é ótimo|Ça marche" {
		t.Errorf("page = %+v", pages[0])
	}
}

func TestEncryptedAndEmptyPassword(t *testing.T) {
	if _, err := Parse(context.Background(), filepath.Join("..", "testdata", "copy-protected.pdf")); err != nil {
		t.Errorf("copy-protected.pdf (empty user password) should open: %v", err)
	}
	_, err := Parse(context.Background(), filepath.Join("..", "testdata", "encrypted-aes256.pdf"))
	if fault.KindOf(err) != fault.Input || !strings.Contains(err.Error(), "encrypted with a password") {
		t.Errorf("err = %v", err)
	}
}

// TestStreamsPages checks that a 2,000-page PDF is read page by page with
// bounded memory: the live heap while reading stays far below the size of
// all the page text held at once.
func TestStreamsPages(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	path := filepath.Join(t.TempDir(), "big.pdf")
	f, _ := os.Create(path)
	line := strings.Repeat("streaming text ", 10)
	pages := 2000
	if raceEnabled {
		pages = 300
	}
	gen.PDF(f, pages, func(i int) []string { return []string{"Page " + strconv.Itoa(i+1), line} })
	f.Close()
	r, _ := os.Open(path)
	defer r.Close()
	fi, _ := r.Stat()
	var peak uint64
	n := 0
	count, err := Read(context.Background(), r, fi.Size(), path, func(p Page) error {
		n++
		if p.Title != "Page "+strconv.Itoa(n) {
			t.Fatalf("page %d title %q", n, p.Title)
		}
		if n%100 == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	}, nil)
	if err != nil || count != pages {
		t.Fatalf("count %d err %v", count, err)
	}
	if peak > 64<<20 {
		t.Errorf("live heap reached %d MiB while streaming", peak>>20)
	}
	t.Logf("file %d KiB, peak live heap %d KiB", fi.Size()>>10, peak>>10)
}

func TestFixText(t *testing.T) {
	tests := map[string]string{"e\ufb03cient": "efficient", "Apart´e": "Aparté", "¸c": "ç", "no change": "no change", "´": "´"}
	for in, want := range tests {
		if got := fixText(in); got != want {
			t.Errorf("fixText(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkText300Pages extracts the text of a generated 300-page PDF.
func BenchmarkText300Pages(b *testing.B) {
	var buf bytes.Buffer
	line := "The quick brown fox jumps over the lazy dog, again and again."
	gen.PDF(&buf, 300, func(i int) []string {
		return []string{"Slide " + strconv.Itoa(i+1), line, line, line, line, line, line, line, line}
	})
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.pdf", func(Page) error { return nil }, nil)
		if err != nil || n != 300 {
			b.Fatal(n, err)
		}
	}
}

func FuzzPDF(f *testing.F) {
	var buf bytes.Buffer
	gen.PDF(&buf, 2, func(i int) []string { return []string{"Title", "a line (with) parens", "ünïcödé"} })
	f.Add(buf.Bytes())
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "google-doc-document.pdf")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Read(context.Background(), bytes.NewReader(data), int64(len(data)), "fuzz.pdf", func(Page) error { return nil }, nil)
	})
}
