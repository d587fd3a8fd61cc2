package ooxml

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ingest/internal/gen"
)

func open(t *testing.T, files []gen.File, lim Limits) *Package {
	t.Helper()
	data := gen.Zip(files)
	p, err := Open(bytes.NewReader(data), int64(len(data)), "x.pptx", lim)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestActualBytesBounded checks the budget on bytes actually read, apart
// from what headers declare: reading parts again (a layout shared by many
// slides, say) still stops when the archive total is spent.
func TestActualBytesBounded(t *testing.T) {
	big := strings.Repeat("a", 600)
	files := []gen.File{{Name: "[Content_Types].xml", Data: "<Types/>"}, {Name: "a.xml", Data: "<a>" + big + "</a>"}, {Name: "b.xml", Data: "<b>" + big + "</b>"}}
	lim := DefaultLimits
	lim.MaxTotal = 1300
	p := open(t, files, lim)
	for _, part := range []string{"a.xml", "b.xml"} {
		if _, err := p.ReadPart(part, 800); err != nil {
			t.Fatalf("%s: %v", part, err)
		}
	}
	_, err := p.ReadPart("a.xml", 800)
	if fault.KindOf(err) != fault.Input || !strings.Contains(err.Error(), "zip bomb") {
		t.Fatalf("second part: err = %v, want the total budget refused", err)
	}
}

func TestXMLLimits(t *testing.T) {
	tests := []struct {
		name, xml, want string
		lim             func(*Limits)
	}{
		{"doctype", `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`, "DOCTYPE", nil},
		{"undeclared entity", `<a>&e;</a>`, "malformed XML", nil},
		{"depth", strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300), "nested more than 256", nil},
		{"nodes", "<a>" + strings.Repeat("<b/>", 50) + "</a>", "more than 10 elements", func(l *Limits) { l.MaxNodes = 10 }},
		{"unclosed", "<a><b>", "malformed XML", nil},
		{"empty", "", "no root element", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := DefaultLimits
			if tt.lim != nil {
				tt.lim(&lim)
			}
			_, err := NewReader(strings.NewReader(tt.xml), "f.docx", "word/document.xml", lim).Document()
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "f.docx: ") {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	tests := []struct{ dir, target, want string }{
		{"ppt/slides/", "../media/image1.png", "ppt/media/image1.png"},
		{"ppt/", "slides/slide1.xml", "ppt/slides/slide1.xml"},
		{"ppt/slides/", "/ppt/media/a.png", "ppt/media/a.png"},
		{"", "ppt/presentation.xml", "ppt/presentation.xml"},
		{"ppt/", "../../../etc/passwd", "etc/passwd"},
	}
	for _, tt := range tests {
		if got := Resolve(tt.dir, tt.target); got != tt.want {
			t.Errorf("Resolve(%q, %q) = %q, want %q", tt.dir, tt.target, got, tt.want)
		}
	}
}
