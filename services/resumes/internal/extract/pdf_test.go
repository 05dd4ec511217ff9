package extract

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
)

var resumeLines = pdfPage{
	"Jane Example",
	"jane.example@example.com | +1 555 0100",
	"Skills: Go, PostgreSQL, Kubernetes",
	"Experience at Example Corp (2019 - 2024)",
}

func TestPDFEncryption(t *testing.T) {
	tests := []struct {
		name string
		spec pdfSpec
		want Kind
	}{
		{"user password", pdfSpec{pages: []pdfPage{resumeLines}, encrypt: true, userPassword: "s3cret", ownerPassword: "owner"}, KindEncrypted},
		{"same user and owner password", pdfSpec{pages: []pdfPage{resumeLines}, encrypt: true, userPassword: "s3cret"}, KindEncrypted},
		// Only an owner password (restricting copying or printing):
		// every viewer opens it without asking, and so does Extract.
		{"owner password only", pdfSpec{pages: []pdfPage{resumeLines}, encrypt: true, ownerPassword: "owner"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Extract(makePDF(t, tt.spec), "cv.pdf", "application/pdf")
			if kindOf(err) != tt.want {
				t.Fatalf("kind %q, want %q", kindOf(err), tt.want)
			}
			if err == nil {
				if m := missing(doc.Text, resumeLines); len(m) > 0 {
					t.Errorf("lines missing from the decrypted text: %q", m)
				}
			}
		})
	}
}

func TestPDFPages(t *testing.T) {
	page := func(i int) pdfPage { return pdfPage{fmt.Sprintf("Page marker %03d with enough letters", i)} }
	tests := []struct {
		pages         int
		wantTruncated bool
	}{
		{1, false},
		{2, false},
		{MaxPDFPages, false},
		{MaxPDFPages + 3, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.pages), func(t *testing.T) {
			spec := pdfSpec{}
			for i := 1; i <= tt.pages; i++ {
				spec.pages = append(spec.pages, page(i))
			}
			doc, err := Extract(makePDF(t, spec), "cv.pdf", "")
			if err != nil {
				t.Fatalf("kind %q", kindOf(err))
			}
			if doc.Pages != tt.pages || doc.Truncated != tt.wantTruncated {
				t.Errorf("Pages, Truncated = %d, %v; want %d, %v", doc.Pages, doc.Truncated, tt.pages, tt.wantTruncated)
			}
			read := min(tt.pages, MaxPDFPages)
			if m := missing(doc.Text, []string{page(1)[0], page(read)[0]}); len(m) > 0 {
				t.Errorf("pages missing: %q", m)
			}
			if tt.pages > MaxPDFPages && strings.Contains(doc.Text, page(MaxPDFPages + 1)[0]) {
				t.Errorf("page %d was read, beyond MaxPDFPages", MaxPDFPages+1)
			}
			// Pages are separated by a blank line.
			if got := strings.Count(doc.Text, "\n\n"); got != read-1 {
				t.Errorf("%d blank lines, want %d (one between pages)", got, read-1)
			}
		})
	}
}

func TestPDFLayout(t *testing.T) {
	spec := pdfSpec{pages: []pdfPage{{"Jane Example", "", "", "Skills", "Go and SQL", "Rust", "", "", "Experience", "Acme"}}}
	doc, err := Extract(makePDF(t, spec), "cv.pdf", "")
	if err != nil {
		t.Fatalf("kind %q", kindOf(err))
	}
	want := "Jane Example\n\nSkills\nGo and SQL\nRust\n\nExperience\nAcme"
	if doc.Text != want {
		t.Errorf("text = %q, want %q", doc.Text, want)
	}
}

func TestPDFLeadingBytes(t *testing.T) {
	pdf := makePDF(t, pdfSpec{pages: []pdfPage{resumeLines}})
	for _, lead := range []string{"\xEF\xBB\xBF", "\r\n\r\n", strings.Repeat(" ", 1000)} {
		doc, err := Extract(append([]byte(lead), pdf...), "cv.pdf", "")
		if err != nil || len(missing(doc.Text, resumeLines)) > 0 {
			t.Errorf("%d leading bytes: kind %q, missing %q", len(lead), kindOf(err), missing(doc.Text, resumeLines))
		}
	}
	// Past 1 KiB, or after other bytes, it is no PDF.
	for _, lead := range []string{strings.Repeat(" ", 1100), "hello "} {
		if doc, err := Extract(append([]byte(lead), pdf...), "cv.pdf", ""); kindOf(err) != KindMismatch {
			t.Errorf("%d leading bytes: kind %q (format %q), want %q", len(lead), kindOf(err), doc.Format, KindMismatch)
		}
	}
}

// TestPDFDeadline makes PDFium interpret ten million operators, which takes
// seconds, and checks that the deadline stops it and that the engine reads
// the next PDF as usual.
func TestPDFDeadline(t *testing.T) {
	if err := Warm(testCacheDir()); err != nil {
		t.Fatal(err)
	}
	old := pdfTimeout
	pdfTimeout = 300 * time.Millisecond
	defer func() { pdfTimeout = old }()
	slow := makePDF(t, pdfSpec{pages: []pdfPage{resumeLines}, extraContent: strings.Repeat("q Q\n", 10000), contentRepeat: 1000})
	if len(slow) > MaxSize {
		t.Fatalf("slow PDF is %d bytes, over MaxSize", len(slow))
	}
	start := time.Now()
	_, err := Extract(slow, "cv.pdf", "")
	elapsed := time.Since(start)
	if kindOf(err) != KindMalformed {
		t.Errorf("kind %q, want %q", kindOf(err), KindMalformed)
	}
	if elapsed > pdfTimeout+3*time.Second {
		t.Errorf("took %v, want about the %v deadline", elapsed, pdfTimeout)
	}
	pdfTimeout = old
	doc, err := Extract(makePDF(t, pdfSpec{pages: []pdfPage{resumeLines}}), "cv.pdf", "")
	if err != nil || len(missing(doc.Text, resumeLines)) > 0 {
		t.Errorf("after a stopped PDF: kind %q, missing %q", kindOf(err), missing(doc.Text, resumeLines))
	}
}

func TestPDFConcurrent(t *testing.T) {
	pdf := readFixture(t, "backend-go.pdf")
	want, err := Extract(pdf, "cv.pdf", "")
	if err != nil {
		t.Fatalf("kind %q", kindOf(err))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 8 {
		wg.Go(func() {
			for range 2 {
				got, err := Extract(pdf, "cv.pdf", "")
				if err != nil || got.Text != want.Text {
					errs <- fmt.Sprintf("kind %q, same text %v", kindOf(err), got.Text == want.Text)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestPDFEngineSeesNoFiles checks the sandbox: PDFium, asked to open a PDF
// that exists on disk by its path, cannot see it.
func TestPDFEngineSeesNoFiles(t *testing.T) {
	pool, err := pdfPool()
	if err != nil {
		t.Fatal(err)
	}
	inst, err := pool.GetInstance(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	path, err := filepath.Abs(filepath.Join(fixtureDir, "backend-go.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("fixture not on disk: %v", err)
	}
	if _, err := inst.OpenDocument(&requests.OpenDocument{FilePath: &path}); err == nil {
		t.Error("PDFium opened a file from disk; the sandbox has a file system mounted")
	}
}

func TestLayoutLines(t *testing.T) {
	line := func(text string, top, bottom, size float32) pdfLine {
		return pdfLine{text: []rune(text), top: top, bottom: bottom, size: size, boxed: true}
	}
	tests := []struct {
		name  string
		lines []pdfLine
		want  string
	}{
		{"even lines", []pdfLine{line("a", 700, 688, 12), line("b", 684, 672, 12), line("c", 668, 656, 12)}, "a\nb\nc"},
		{"section gap", []pdfLine{line("a", 700, 688, 12), line("b", 684, 672, 12), line("c", 650, 638, 12), line("d", 634, 622, 12)}, "a\nb\n\nc\nd"},
		{"heading above body", []pdfLine{line("Skills", 700, 682, 18), line("Go", 678, 666, 12), line("SQL", 662, 650, 12)}, "Skills\nGo\nSQL"},
		{"tight generator", []pdfLine{line("a", 700, 686, 14), line("b", 686, 672, 14), line("c", 660, 646, 14), line("d", 646, 632, 14)}, "a\nb\n\nc\nd"},
		{"new column", []pdfLine{line("left", 700, 688, 12), line("left2", 684, 672, 12), line("right", 700, 688, 12)}, "left\nleft2\n\nright"},
		{"zero font size", []pdfLine{line("a", 700, 688, 0), line("b", 684, 672, 0)}, "a\nb"},
		{"one line", []pdfLine{line("alone", 700, 688, 12)}, "alone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			layoutLines(tt.lines, &b)
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}
