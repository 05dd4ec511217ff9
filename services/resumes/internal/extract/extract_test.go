package extract

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// The resume text of the fixtures must not end up in test output: tests
// report which labelled strings are missing, or counts, never the text.

var fixtureFile = map[string]string{"pdf": ".pdf", "docx": ".docx", "txt": ".txt"}

var fixtureContentType = map[string]string{
	"pdf":  "application/pdf",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"txt":  "text/plain; charset=utf-8",
}

var fixtureFormat = map[string]Format{"pdf": FormatPDF, "docx": FormatDOCX, "txt": FormatText}

func TestExtractFixturesAreComplete(t *testing.T) {
	for _, l := range readLabels(t) {
		for _, f := range l.Formats {
			name := l.ID + fixtureFile[f]
			data := readFixture(t, name)
			// Each fixture is declared the ways clients do: name and
			// type, name only, type only, and nothing.
			for _, decl := range []struct{ filename, contentType string }{
				{name, fixtureContentType[f]},
				{name, ""},
				{"", fixtureContentType[f]},
				{"", "application/octet-stream"},
			} {
				t.Run(name+"/"+decl.filename+"/"+decl.contentType, func(t *testing.T) {
					doc, err := Extract(data, decl.filename, decl.contentType)
					if err != nil {
						t.Fatalf("Extract refused a good resume: kind %q", kindOf(err))
					}
					if doc.Format != fixtureFormat[f] {
						t.Errorf("Format = %q, want %q", doc.Format, fixtureFormat[f])
					}
					wantPages := 0
					if f == "pdf" {
						wantPages = 1
					}
					if doc.Pages != wantPages || doc.Truncated {
						t.Errorf("Pages, Truncated = %d, %v; want %d, false", doc.Pages, doc.Truncated, wantPages)
					}
					if m := missing(doc.Text, append(append([]string{}, l.Skills...), l.Personal...)); len(m) > 0 {
						t.Errorf("labelled strings missing from the text: %q", m)
					}
					checkShape(t, doc.Text)
				})
			}
		}
	}
}

// checkShape checks the normalisation promises of Document.Text.
func checkShape(t *testing.T, text string) {
	t.Helper()
	if !utf8.ValidString(text) {
		t.Error("text is not valid UTF-8")
	}
	if strings.ContainsAny(text, "\r\t\x00") {
		t.Error("text contains CR, tab or NUL")
	}
	if strings.Contains(text, "\n\n\n") {
		t.Error("text has more than one blank line in a row")
	}
	if text != strings.TrimSpace(text) {
		t.Error("text starts or ends with whitespace")
	}
	for i, line := range strings.Split(text, "\n") {
		if line != strings.TrimSpace(line) || strings.Contains(line, "  ") {
			t.Errorf("line %d has leading, trailing or double spaces", i+1)
		}
	}
	if n := utf8.RuneCountInString(text); n > MaxTextLen {
		t.Errorf("text has %d runes, more than MaxTextLen", n)
	}
}

// lineStructure reports facts about the lines of a text without exposing it.
type lineStructure struct {
	lines, blank, bullets int
	// headed lists which of the given headings stand on a line of their
	// own after a blank line.
	headed map[string]bool
}

func structureOf(text string, headings ...string) lineStructure {
	s := lineStructure{headed: map[string]bool{}}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		s.lines++
		switch {
		case l == "":
			s.blank++
		case strings.HasPrefix(l, "- "), strings.HasPrefix(l, "• "):
			s.bullets++
		}
		for _, h := range headings {
			if l == h && i > 0 && lines[i-1] == "" {
				s.headed[h] = true
			}
		}
	}
	return s
}

func TestExtractKeepsLineStructure(t *testing.T) {
	headings := []string{"Summary", "Skills", "Experience", "Education"}
	tests := []struct {
		file        string
		minLines    int
		wantBullets int
	}{
		// The PDF wraps long lines, so it has more lines than the DOCX;
		// both have six bullets and four headed sections.
		{"backend-go.pdf", 30, 6},
		{"backend-go.docx", 22, 6},
		{"frontend.pdf", 15, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := Extract(readFixture(t, tt.file), tt.file, "")
			if err != nil {
				t.Fatalf("kind %q", kindOf(err))
			}
			s := structureOf(doc.Text, headings...)
			if s.lines < tt.minLines {
				t.Errorf("%d lines, want at least %d (one per visual line)", s.lines, tt.minLines)
			}
			if s.bullets < tt.wantBullets {
				t.Errorf("%d bullet lines, want %d", s.bullets, tt.wantBullets)
			}
			if s.blank < 4 {
				t.Errorf("%d blank lines, want at least 4 (between sections)", s.blank)
			}
			if tt.file != "frontend.pdf" {
				for _, h := range headings {
					if !s.headed[h] {
						t.Errorf("heading %q is not a line of its own after a blank line", h)
					}
				}
			}
		})
	}
}

func TestExtractRefusesEdgeFixtures(t *testing.T) {
	tests := []struct {
		file, filename, contentType string
		want                        Kind
		reasonHas                   string
	}{
		{"edge/empty.pdf", "empty.pdf", "application/pdf", KindEmpty, "empty"},
		{"edge/not-a-pdf.pdf", "resume.pdf", "application/pdf", KindMismatch, "not a PDF (it looks like a PNG image)"},
		{"edge/not-a-pdf.pdf", "resume.pdf", "", KindMismatch, "PNG"},
		{"edge/not-a-pdf.pdf", "", "", KindUnsupported, "PNG"},
		{"edge/scanned-image-only.pdf", "scan.pdf", "application/pdf", KindNoText, "selectable text"},
		{"edge/zip-bomb.docx", "resume.docx", "", KindTooLarge, "zip bomb"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.filename, func(t *testing.T) {
			_, err := Extract(readFixture(t, tt.file), tt.filename, tt.contentType)
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.want {
				t.Fatalf("kind %q, want %q", kindOf(err), tt.want)
			}
			if !strings.Contains(e.Reason, tt.reasonHas) {
				t.Errorf("reason %q does not say %q", e.Reason, tt.reasonHas)
			}
		})
	}
}

func TestExtractChecksDeclaredType(t *testing.T) {
	png := readFixture(t, "edge/not-a-pdf.pdf")
	pdf := readFixture(t, "backend-go.pdf")
	docx := readFixture(t, "backend-go.docx")
	txt := readFixture(t, "product-manager.txt")
	xlsx := makeZip(t, zipEntry{"xl/workbook.xml", "<workbook/>"}, zipEntry{"[Content_Types].xml", "<Types/>"})
	odt := makeZip(t, zipEntry{"mimetype", "application/vnd.oasis.opendocument.text"}, zipEntry{"content.xml", "<x/>"})
	oleDoc := oleFile("WordDocument")
	oleEncrypted := oleFile("EncryptionInfo", "EncryptedPackage")
	junk := bytes.Repeat([]byte{0x00, 0xFF, 0x13, 0x80, 0xC3, 0x28, 0x07}, 300)
	const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	tests := []struct {
		name                  string
		data                  []byte
		filename, contentType string
		want                  Kind
		format                Format
	}{
		{"png declared pdf", png, "cv.pdf", "application/pdf", KindMismatch, ""},
		{"png declared png", png, "cv.png", "image/png", KindUnsupported, ""},
		{"docx declared pdf by name", docx, "cv.pdf", "", KindMismatch, ""},
		{"docx declared pdf by type", docx, "", "application/pdf", KindMismatch, ""},
		{"pdf declared docx", pdf, "cv.docx", docxType, KindMismatch, ""},
		{"pdf declared text", pdf, "cv.txt", "", KindMismatch, ""},
		{"pdf named png", pdf, "cv.png", "", KindMismatch, ""},
		{"pdf typed image", pdf, "", "image/jpeg", KindMismatch, ""},
		{"text declared pdf", txt, "cv.pdf", "", KindMismatch, ""},
		{"text declared docx", txt, "", docxType, KindMismatch, ""},
		{"pdf undeclared", pdf, "", "", "", FormatPDF},
		{"pdf octet-stream", pdf, "", "application/octet-stream", "", FormatPDF},
		{"pdf unknown extension", pdf, "cv.final", "", "", FormatPDF},
		{"pdf name in a path", pdf, `C:\Users\me\cv.v2\resume.PDF`, "", "", FormatPDF},
		{"pdf type with parameters", pdf, "", "application/pdf; name=cv.pdf", "", FormatPDF},
		{"docx as zip type", docx, "cv.docx", "application/zip", "", FormatDOCX},
		{"markdown", txt, "cv.md", "text/markdown", "", FormatText},
		{"markdown sent as plain", txt, "cv.md", "text/plain", "", FormatText},
		{"txt with binary junk", junk, "cv.txt", "text/plain", KindMalformed, ""},
		{"pdf that is binary junk", junk, "cv.pdf", "application/pdf", KindMalformed, ""},
		{"binary junk undeclared", junk, "", "", KindUnsupported, ""},
		{"old doc", oleDoc, "cv.doc", "application/msword", KindUnsupported, ""},
		{"old doc declared docx", oleDoc, "cv.docx", "", KindMismatch, ""},
		{"encrypted docx", oleEncrypted, "cv.docx", docxType, KindEncrypted, ""},
		{"encrypted docx undeclared", oleEncrypted, "", "", KindEncrypted, ""},
		{"encrypted docx declared pdf", oleEncrypted, "cv.pdf", "", KindMismatch, ""},
		{"xlsx", xlsx, "cv.xlsx", "", KindUnsupported, ""},
		{"xlsx declared docx", xlsx, "cv.docx", "", KindMismatch, ""},
		{"odt", odt, "cv.odt", "", KindUnsupported, ""},
		{"html page", []byte("<!DOCTYPE html><html><body>Jane</body></html>"), "cv.html", "text/html", KindUnsupported, ""},
		{"rtf", []byte(`{\rtf1\ansi Jane Example}`), "cv.rtf", "", KindUnsupported, ""},
		{"jpeg declared docx", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), "cv.docx", "", KindMismatch, ""},
		{"exe", append([]byte("MZ\x90\x00"), junk...), "cv.exe", "", KindUnsupported, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Extract(tt.data, tt.filename, tt.contentType)
			if got := kindOf(err); got != tt.want {
				t.Fatalf("kind %q, want %q", got, tt.want)
			}
			if err == nil && doc.Format != tt.format {
				t.Errorf("Format = %q, want %q", doc.Format, tt.format)
			}
		})
	}
}

// oleFile makes bytes that look like an OLE2 compound file holding the named
// streams (the directory stores names as UTF-16LE).
func oleFile(streams ...string) []byte {
	b := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 504)...)
	for _, s := range streams {
		b = append(b, utf16le(s)...)
		b = append(b, make([]byte, 64)...)
	}
	return b
}

func TestExtractRefusesTruncatedFiles(t *testing.T) {
	for _, name := range []string{"backend-go.pdf", "frontend.pdf", "backend-go.docx", "data-scientist.docx"} {
		data := readFixture(t, name)
		for _, frac := range []int{10, 50, 90} {
			cut := data[:len(data)*frac/100]
			if _, err := Extract(cut, name, ""); kindOf(err) != KindMalformed {
				t.Errorf("%s cut at %d%%: kind %q, want %q", name, frac, kindOf(err), KindMalformed)
			}
		}
	}
}

func TestExtractText(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
		kind Kind
	}{
		{"crlf and controls", "Jane\r\nEngineer\x07\r\n\r\n\r\nGo  and\tSQL \r\n", "Jane\nEngineer\n\nGo and SQL", ""},
		{"utf-8 bom", "\xEF\xBB\xBFJosé Müller", "José Müller", ""},
		{"utf-16le bom", string(utf16Bytes("Zoë Ng\r\nRust", false)), "Zoë Ng\nRust", ""},
		{"utf-16be bom", string(utf16Bytes("Zoë Ng", true)), "Zoë Ng", ""},
		{"windows-1252", "Ren\xe9 Dupont \x93Go\x94 \x96 2020", "René Dupont “Go” – 2020", ""},
		{"markdown kept", "# Jane\n\n- **Go**\n- `SQL`\n", "# Jane\n\n- **Go**\n- `SQL`", ""},
		{"whitespace only", " \r\n\t\n ", "", KindEmpty},
		{"no letters", "1234 -- 5678", "", KindEmpty},
		{"bom only", "\xEF\xBB\xBF", "", KindEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Extract([]byte(tt.data), "cv.txt", "text/plain")
			if kindOf(err) != tt.kind {
				t.Fatalf("kind %q, want %q", kindOf(err), tt.kind)
			}
			if doc.Text != tt.want {
				t.Errorf("text = %q, want %q", doc.Text, tt.want)
			}
		})
	}
}

func utf16Bytes(s string, bigEndian bool) []byte {
	var b []byte
	if bigEndian {
		b = []byte{0xFE, 0xFF}
	} else {
		b = []byte{0xFF, 0xFE}
	}
	for _, r := range s {
		if bigEndian {
			b = append(b, byte(r>>8), byte(r))
		} else {
			b = append(b, byte(r), byte(r>>8))
		}
	}
	return b
}

func TestExtractLimits(t *testing.T) {
	t.Run("over MaxSize", func(t *testing.T) {
		data := bytes.Repeat([]byte("a"), MaxSize+1)
		if _, err := Extract(data, "cv.txt", ""); kindOf(err) != KindTooLarge {
			t.Errorf("kind %q, want %q", kindOf(err), KindTooLarge)
		}
	})
	t.Run("text cut at MaxTextLen", func(t *testing.T) {
		data := bytes.Repeat([]byte("word "), MaxTextLen)
		doc, err := Extract(data, "cv.txt", "")
		if err != nil {
			t.Fatalf("kind %q", kindOf(err))
		}
		if n := utf8.RuneCountInString(doc.Text); !doc.Truncated || n > MaxTextLen || n < MaxTextLen-5 {
			t.Errorf("Truncated %v with %d runes, want true with about %d", doc.Truncated, n, MaxTextLen)
		}
	})
}

// TestErrorsCarryNoContent checks that no refusal repeats document content
// or the file name (which often holds the person's name).
func TestErrorsCarryNoContent(t *testing.T) {
	const canary = "Zanzibarqx"
	pdf := makePDF(t, pdfSpec{pages: []pdfPage{{canary + " " + canary}}})
	docx := makeDOCX(t, para(canary))
	inputs := [][]byte{
		pdf[:len(pdf)/2],
		docx[:len(docx)-10],
		append([]byte(canary+"\x00\x01\x02\x03"), bytes.Repeat([]byte{0}, 100)...),
		makePDF(t, pdfSpec{pages: []pdfPage{{canary}}, encrypt: true, userPassword: canary}),
		makeDOCX(t, `<w:p><w:r><w:t>`+canary+`</w:r></w:p>`),
		[]byte(canary),
		pdf,
	}
	for i, in := range inputs {
		for _, decl := range []string{canary + ".pdf", canary + ".docx", canary + ".txt", canary + ".png"} {
			_, err := Extract(in, decl, "")
			if err != nil && strings.Contains(strings.ToLower(err.Error()), strings.ToLower(canary)) {
				t.Errorf("input %d declared %s: the error repeats content or the file name", i, filepath.Ext(decl))
			}
		}
	}
}

// TestExtractWritesNoFiles runs every format through Extract with TMPDIR
// pointing at an empty directory, and checks it stays empty.
func TestExtractWritesNoFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	inputs := map[string][]byte{
		"cv.pdf":  readFixture(t, "backend-go.pdf"),
		"cv.docx": readFixture(t, "backend-go.docx"),
		"cv.txt":  readFixture(t, "product-manager.txt"),
		"bad.pdf": readFixture(t, "edge/scanned-image-only.pdf"),
	}
	for name, data := range inputs {
		_, _ = Extract(data, name, "")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read temp dir: %v", err)
	}
	if len(entries) != 0 {
		t.Errorf("Extract left %d files in TMPDIR", len(entries))
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Kind: KindNoText, Reason: "export again"}
	if got, want := e.Error(), "extract: no_text: export again"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var err error = e
	var target *Error
	if !errors.As(err, &target) || target.Kind != KindNoText {
		t.Error("errors.As does not find the *Error")
	}
}

func TestExtractRecoversPanics(t *testing.T) {
	recoverPanics = true
	defer func() { recoverPanics = true }()
	testPanic = func() { panic("boom with document text") }
	defer func() { testPanic = nil }()
	_, err := Extract([]byte("Jane Example, engineer"), "cv.txt", "")
	if kindOf(err) != KindMalformed {
		t.Fatalf("kind %q, want %q", kindOf(err), KindMalformed)
	}
	if strings.Contains(err.Error(), "document text") {
		t.Error("the panic value leaked into the error")
	}
}
