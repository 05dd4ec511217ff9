// Package extract turns an uploaded resume (PDF, DOCX, plain text or
// Markdown) into plain text that keeps the resume's line structure, so that
// the skill, redaction and scoring engines downstream read what a person
// reading the document would read.
//
// A resume is personal data: its bytes and its text exist only in memory.
// Nothing in this package writes to disk (the PDF engine runs in a WebAssembly
// sandbox with no file system mounted), logs, or puts document content into an
// error. Every upload is untrusted input, so each format is parsed with hard
// limits on size, inflation, nesting, pages, memory and time, and a refusal is
// always an *Error whose Kind tells the API which status to answer with.
package extract

import (
	"fmt"
	"unicode"
)

// Format of a resume document, as found in its content (never as declared).
type Format string

// The formats Extract reads.
const (
	FormatPDF  Format = "pdf"
	FormatDOCX Format = "docx"
	// FormatText is plain text and Markdown (.txt, .md): Markdown is kept as
	// is, since its markup reads as text.
	FormatText Format = "text"
)

// Limits that bound the work one upload can cause. They are constants so that
// the API can state them to users and tests can reach them.
const (
	// MaxSize is the largest upload accepted, in bytes. A resume is rarely
	// over 1 MiB; 5 MiB leaves room for embedded photos and fonts.
	MaxSize = 5 << 20

	// MaxTextLen is the most runes of text returned. Text beyond it is cut
	// (Document.Truncated), not refused: a long CV is still a CV.
	MaxTextLen = 200_000

	// MaxPDFPages is the number of PDF pages read; later pages are ignored
	// (Document.Truncated). It bounds the work a crafted PDF can ask for.
	MaxPDFPages = 50

	// minPDFLetters is the fewest letters a PDF must yield to count as
	// having a text layer; fewer means a scan (page numbers or a stray
	// header alone do not make a resume).
	minPDFLetters = 20
)

// Document is the text of a resume and what it was read from.
type Document struct {
	// Format is the sniffed format of the content.
	Format Format
	// Text has one line per visual line, a blank line between paragraphs
	// and sections, bullets kept as "- " or the original bullet character,
	// table cells separated by " | ". Whitespace is normalised (single
	// spaces, no tabs, no trailing spaces, no control characters) and the
	// text is in Unicode NFC.
	Text string
	// Pages is the PDF's page count (all pages, also those beyond
	// MaxPDFPages); 0 for other formats.
	Pages int
	// Truncated reports that text was cut at MaxTextLen or pages after
	// MaxPDFPages were not read.
	Truncated bool
}

// Kind classifies a refusal so the API can answer with the right status.
type Kind string

// The kinds of refusal, with the HTTP status the API is expected to use.
const (
	// KindEmpty: 0 bytes, or no text at all in a text file or DOCX -> 422.
	KindEmpty Kind = "empty"
	// KindTooLarge: over MaxSize, or a DOCX whose parts would inflate
	// beyond a limit (zip bomb) -> 413.
	KindTooLarge Kind = "too_large"
	// KindUnsupported: not PDF, DOCX, TXT or Markdown (an image, an old
	// .doc, a spreadsheet, binary junk) -> 415.
	KindUnsupported Kind = "unsupported"
	// KindMismatch: the declared type (file name extension or content
	// type) does not match the content -> 415.
	KindMismatch Kind = "mismatch"
	// KindNoText: a PDF without a text layer (a scan) -> 422.
	KindNoText Kind = "no_text"
	// KindEncrypted: a password-protected PDF or DOCX -> 422.
	KindEncrypted Kind = "encrypted"
	// KindMalformed: a corrupt or truncated file, or one too complex to
	// read within the time and memory limits -> 422.
	KindMalformed Kind = "malformed"
)

// Kinds lists every Kind, for exhaustive mappings and tests.
var Kinds = []Kind{KindEmpty, KindTooLarge, KindUnsupported, KindMismatch, KindNoText, KindEncrypted, KindMalformed}

// Error is a refusal of an upload. Reason is written for the user: what is
// wrong and what to do. It never holds document content nor the file name
// (which often holds the person's name).
type Error struct {
	Kind   Kind
	Reason string
}

// Error returns the kind and the reason.
func (e *Error) Error() string {
	return "extract: " + string(e.Kind) + ": " + e.Reason
}

func refuse(k Kind, reason string) *Error { return &Error{Kind: k, Reason: reason} }

// Reasons shared by several formats.
const (
	reasonEmpty      = "the file is empty; upload your resume as PDF, DOCX, TXT or Markdown"
	reasonTooLarge   = "the file is larger than 5 MiB; upload a smaller PDF or DOCX (for example without embedded photos)"
	reasonNoText     = "the document contains no text; upload a file whose text you can select, as PDF, DOCX, TXT or Markdown"
	reasonPanicked   = "the file could not be read; it may be damaged. Save or export it again and upload the new file"
	reasonSupportAll = "upload your resume as PDF, DOCX, TXT or Markdown"
)

// Extract sniffs the content, checks it against what the client declared
// (filename and/or content type; either may be empty), and returns the text
// with its line structure preserved.
//
// A refusal of the document is an *Error (use errors.As); any other error
// means the service could not do the work (the PDF engine failed to start or
// stayed busy for 30 s) and is the server's fault, not the upload's.
//
// Extract keeps no reference to data, so the caller may clear it afterwards.
// It is safe for concurrent use: PDFs are read at most min(GOMAXPROCS, 4) at
// a time, each under a deadline; the first PDF compiles the engine unless
// Warm was called.
func Extract(data []byte, filename, contentType string) (doc Document, err error) {
	if recoverPanics {
		defer func() {
			if r := recover(); r != nil {
				// A bug or a library panic on hostile input: the
				// panic value may quote the document, so it is
				// dropped, not wrapped.
				doc, err = Document{}, refuse(KindMalformed, reasonPanicked)
			}
		}()
	}
	if testPanic != nil {
		testPanic()
	}
	if len(data) == 0 {
		return Document{}, refuse(KindEmpty, reasonEmpty)
	}
	if len(data) > MaxSize {
		return Document{}, refuse(KindTooLarge, reasonTooLarge)
	}
	s := sniff(data)
	if err := check(s, declare(filename, contentType)); err != nil {
		return Document{}, err
	}
	var raw string
	doc.Format = s.format
	switch s.format {
	case FormatPDF:
		var r pdfResult
		r, err = extractPDF(data)
		raw, doc.Pages, doc.Truncated = r.text, r.pages, r.truncated
	case FormatDOCX:
		raw, doc.Truncated, err = extractDOCX(s.zip)
	case FormatText:
		raw = s.text
	default:
		// check lets only the three formats through.
		return Document{}, fmt.Errorf("extract: unexpected format %q", s.format)
	}
	if err != nil {
		return Document{}, err
	}
	text, cut := normalize(raw, MaxTextLen)
	doc.Text, doc.Truncated = text, doc.Truncated || cut
	if s.format == FormatPDF {
		if countLetters(doc.Text, minPDFLetters) < minPDFLetters {
			return Document{}, refuse(KindNoText, "this PDF has no selectable text (it looks like a scan or an image); "+
				"export the PDF again from your editor with selectable text, or upload the DOCX")
		}
	} else if countLetters(doc.Text, 1) == 0 {
		// Whitespace, digits or punctuation alone are no resume.
		return Document{}, refuse(KindEmpty, reasonNoText)
	}
	return doc, nil
}

// recoverPanics turns panics into KindMalformed refusals. The fuzz tests
// switch it off so that a panic is reported as the bug it is.
var recoverPanics = true

// testPanic, when set by a test, panics inside Extract.
var testPanic func()

// countLetters counts letters in s, stopping once enough are seen.
func countLetters(s string, enough int) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
			if n >= enough {
				break
			}
		}
	}
	return n
}
