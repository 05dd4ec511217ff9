package extract

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// declarations are the ways a client may declare an upload; the fuzz targets
// pick one per input.
var declarations = []struct{ filename, contentType string }{
	{"", ""},
	{"cv.pdf", "application/pdf"},
	{"cv.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"cv.txt", "text/plain"},
	{"cv.md", "text/markdown"},
	{"", "application/octet-stream"},
	{"cv.png", "image/png"},
}

// checkResult holds Extract to its contract whatever the input: a refusal is
// an *Error of a known Kind with a reason; a success is normalised text.
// Messages name the broken promise, never the text.
func checkResult(t *testing.T, doc Document, err error, elapsed time.Duration) {
	t.Helper()
	if limit := pdfTimeout + 5*time.Second; elapsed > limit {
		t.Fatalf("Extract took %v, over %v", elapsed, limit)
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error is not an *Error: %T", err)
		}
		if !slices.Contains(Kinds, e.Kind) || e.Reason == "" {
			t.Fatalf("refusal of unknown kind %q or without a reason", e.Kind)
		}
		return
	}
	switch doc.Format {
	case FormatPDF:
	case FormatDOCX, FormatText:
		if doc.Pages != 0 {
			t.Fatalf("Pages = %d for %s", doc.Pages, doc.Format)
		}
	default:
		t.Fatalf("unknown format %q", doc.Format)
	}
	if doc.Text == "" || !utf8.ValidString(doc.Text) || utf8.RuneCountInString(doc.Text) > MaxTextLen {
		t.Fatal("text is empty, invalid UTF-8 or too long")
	}
	if strings.ContainsAny(doc.Text, "\r\t\x00") || strings.Contains(doc.Text, "\n\n\n") ||
		strings.Contains(doc.Text, " \n") || doc.Text != strings.TrimSpace(doc.Text) {
		t.Fatal("text is not normalised")
	}
}

// seedFiles adds every fixture, edge case included, to the corpus.
func seedFiles(f *testing.F, add func([]byte)) {
	for _, pattern := range []string{"*.pdf", "*.docx", "*.txt", "edge/*"} {
		paths, err := filepath.Glob(filepath.Join(fixtureDir, pattern))
		if err != nil || len(paths) == 0 {
			f.Fatalf("no fixtures match %s", pattern)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			if len(b) > 100<<10 {
				// The zip bomb's 500 KB would slow every
				// mutation; its start keeps the shape.
				b = b[:100<<10]
			}
			add(b)
		}
	}
}

func FuzzExtract(f *testing.F) {
	recoverPanics = false
	f.Cleanup(func() { recoverPanics = true })
	if err := Warm(testCacheDir()); err != nil {
		f.Fatal(err)
	}
	seedFiles(f, func(b []byte) {
		for i := range declarations {
			f.Add(b, uint8(i))
		}
	})
	f.Add(makePDF(f, pdfSpec{pages: []pdfPage{resumeLines}, encrypt: true, ownerPassword: "o"}), uint8(1))
	f.Add(makePDF(f, pdfSpec{pages: []pdfPage{resumeLines, resumeLines}}), uint8(0))
	f.Add(makeDOCX(f, para("Jane")+`<w:tbl><w:tr><w:tc>`+para("a")+`</w:tc></w:tr></w:tbl>`), uint8(2))
	f.Add([]byte("\xFF\xFEJ\x00a\x00"), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, decl uint8) {
		d := declarations[int(decl)%len(declarations)]
		start := time.Now()
		doc, err := Extract(data, d.filename, d.contentType)
		checkResult(t, doc, err, time.Since(start))
	})
}

// FuzzDOCX mutates document.xml inside a valid ZIP, which reaches the XML
// walker far more often than mutating the compressed bytes does.
func FuzzDOCX(f *testing.F) {
	recoverPanics = false
	f.Cleanup(func() { recoverPanics = true })
	for _, s := range []string{
		docXML(para("Jane") + para("Engineer")),
		docXML(`<w:tbl><w:tr><w:tc>` + para("a") + para("b") + `</w:tc><w:tc>` + para("c") + `</w:tc></w:tr></w:tbl>`),
		docXML(`<w:p><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Go</w:t><w:tab/><w:br/></w:r></w:p>`),
		docXML(`<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent>` + para("box") + `</w:txbxContent></mc:Choice><mc:Fallback>` + para("box") + `</mc:Fallback></mc:AlternateContent></w:r></w:p>`),
		docXML(`<w:p><w:del><w:r><w:delText>x</w:delText></w:r></w:del><w:pPr><w:pStyle w:val="Heading1"/></w:pPr></w:p>`),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, xml string) {
		data := makeZip(t, zipEntry{"word/document.xml", xml}, zipEntry{"word/header1.xml", xml})
		if len(data) > MaxSize {
			return
		}
		start := time.Now()
		doc, err := Extract(data, "cv.docx", "")
		checkResult(t, doc, err, time.Since(start))
		if err == nil && doc.Format != FormatDOCX {
			t.Fatalf("format %q, want docx", doc.Format)
		}
	})
}
