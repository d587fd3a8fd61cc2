package ingest

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ingest/doc"
)

var (
	magicPDF  = []byte("%PDF-")
	magicZip  = []byte("PK\x03\x04")
	magicOLE2 = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

var kindName = map[string]string{doc.PPTX: "a PowerPoint deck (.pptx)", doc.DOCX: "a Word document (.docx)", doc.PDF: "a PDF document"}

// Sniff returns the kind of file (doc.PPTX, doc.DOCX or doc.PDF) from its
// content, checking that the extension agrees. Every failure is an input
// error naming the file.
func Sniff(file string) (string, error) {
	ext := strings.ToLower(filepath.Ext(file))
	want := ""
	switch ext {
	case ".pptx", ".pptm", ".ppsx":
		want = doc.PPTX
	case ".docx", ".docm":
		want = doc.DOCX
	case ".pdf":
		want = doc.PDF
	case ".ppt", ".doc":
		return "", inErr(file, "legacy binary Office files (%s) are not supported", ext).
			WithHint("open it in PowerPoint, Word or LibreOffice and save it as %sx", ext)
	default:
		return "", inErr(file, "unsupported file type %q; tecno ingest reads .pptx, .docx and .pdf", ext)
	}
	f, err := os.Open(file)
	if err != nil {
		if os.IsNotExist(err) {
			return "", inErr(file, "no such file")
		}
		return "", inErr(file, "cannot open: %v", err).Wrap(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", inErr(file, "cannot stat: %v", err).Wrap(err)
	}
	if fi.IsDir() {
		return "", inErr(file, "is a directory, not a document")
	}
	if fi.Size() == 0 {
		return "", inErr(file, "file is empty (0 bytes)")
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	got := ""
	switch {
	case bytes.HasPrefix(head, magicPDF):
		got = doc.PDF
	case bytes.HasPrefix(head, magicOLE2):
		return "", inErr(file, "file is a password-protected or legacy binary Office document, not %s", kindName[want]).
			WithHint("remove the password (or save it as %s) in PowerPoint, Word or LibreOffice", ext)
	case bytes.HasPrefix(head, magicZip):
		got = zipKind(f, fi.Size())
		if got == "" {
			if want == doc.PDF {
				return "", inErr(file, "file content is a zip archive, not a PDF document")
			}
			// Let the OOXML reader explain what is wrong with the archive.
			return want, nil
		}
	default:
		// A zip whose start was cut off or damaged still ends in a
		// directory record; a PDF may have leading junk before %PDF-.
		if want == doc.PDF && bytes.Contains(readHead(f, 1024), magicPDF) {
			return doc.PDF, nil
		}
		return "", inErr(file, "file content is not %s (unrecognised data; is the extension wrong or the file damaged?)", kindName[want])
	}
	if got != want {
		return "", inErr(file, "file content is %s but its extension is %s", kindName[got], ext).
			WithHint("rename it to %s", strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))+extFor[got])
	}
	return got, nil
}

var extFor = map[string]string{doc.PPTX: ".pptx", doc.DOCX: ".docx", doc.PDF: ".pdf"}

func readHead(f *os.File, n int) []byte {
	b := make([]byte, n)
	k, _ := f.ReadAt(b, 0)
	return b[:k]
}

// zipKind tells a deck from a document by its parts; "" when the zip cannot
// be read or is neither.
func zipKind(f *os.File, size int64) string {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return ""
	}
	hasCT := false
	kind := ""
	for _, e := range zr.File {
		switch strings.ToLower(strings.TrimPrefix(e.Name, "/")) {
		case "[content_types].xml":
			hasCT = true
		case "ppt/presentation.xml":
			kind = doc.PPTX
		case "word/document.xml":
			kind = doc.DOCX
		}
	}
	if !hasCT {
		return ""
	}
	return kind
}

func inErr(file, format string, args ...any) *fault.Error {
	e := fault.New(fault.Input, format, args...)
	e.File = file
	return e
}
