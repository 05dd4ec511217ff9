package extract

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureDir holds the shared resume fixtures of the service.
const fixtureDir = "../../testdata/resumes"

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		tb.Fatalf("read fixture: %v", err)
	}
	return b
}

// label is one entry of labels.json: the strings a complete extraction of
// the fixture must contain.
type label struct {
	ID       string   `json:"id"`
	Formats  []string `json:"fmt"`
	Skills   []string `json:"skills"`
	Personal []string `json:"personal"`
}

func readLabels(tb testing.TB) []label {
	tb.Helper()
	var ls []label
	if err := json.Unmarshal(readFixture(tb, "labels.json"), &ls); err != nil {
		tb.Fatalf("parse labels: %v", err)
	}
	if len(ls) == 0 {
		tb.Fatal("labels.json lists no fixtures")
	}
	return ls
}

// missing returns the wanted strings that text lacks, comparing with runs of
// whitespace as single spaces (a PDF line may wrap inside an address).
func missing(text string, want []string) []string {
	flat := strings.Join(strings.Fields(text), " ")
	var out []string
	for _, w := range want {
		if !strings.Contains(flat, w) {
			out = append(out, w)
		}
	}
	return out
}

// kindOf returns the Kind of a refusal, "" for nil and "not-a-refusal" for
// other errors. Tests compare kinds and never print err: a wrong refusal is
// reported by kind only.
func kindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return "not-a-refusal"
}

// zipEntry is one file of a hand-made ZIP.
type zipEntry struct {
	name string
	body string
}

// makeZip builds a ZIP (a DOCX when it holds word/document.xml).
func makeZip(tb testing.TB, entries ...zipEntry) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			tb.Fatalf("zip create: %v", err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			tb.Fatalf("zip write: %v", err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatalf("zip close: %v", err)
	}
	return buf.Bytes()
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

// docXML wraps body content in a WordprocessingML document.
func docXML(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wordNS + `><w:body>` + body + `</w:body></w:document>`
}

// para is a plain paragraph of one run.
func para(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

// makeDOCX builds a minimal DOCX from body content and extra parts.
func makeDOCX(tb testing.TB, body string, extra ...zipEntry) []byte {
	tb.Helper()
	entries := append([]zipEntry{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"word/document.xml", docXML(body)},
	}, extra...)
	return makeZip(tb, entries...)
}

// pdfPage is the text of one generated PDF page, one string per line.
type pdfPage []string

// pdfSpec describes a PDF made by makePDF.
type pdfSpec struct {
	pages []pdfPage
	// userPassword and ownerPassword, when either is set, encrypt the
	// file with the standard security handler (RC4, 128 bits, R3).
	userPassword, ownerPassword string
	encrypt                     bool
	// extraContent is appended to every page's content stream.
	extraContent string
	// contentRepeat references each page's content stream this many
	// times (a cheap way to make PDFium do a lot of work).
	contentRepeat int
}

// makePDF writes a small but complete PDF with Helvetica text, so tests can
// make PDFs with any text, page count or encryption without external tools.
func makePDF(tb testing.TB, spec pdfSpec) []byte {
	tb.Helper()
	var (
		buf     bytes.Buffer
		offsets []int
	)
	id := []byte("0123456789abcdef")
	var key []byte
	var encryptDict string
	if spec.encrypt {
		var o, u []byte
		key, o, u = rc4Keys(spec.userPassword, spec.ownerPassword, -4, id)
		encryptDict = fmt.Sprintf("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <%x> /U <%x> >>", o, u)
	}
	obj := func(body string) int {
		offsets = append(offsets, buf.Len())
		n := len(offsets)
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", n, body)
		return n
	}
	stream := func(data []byte) int {
		n := len(offsets) + 1
		if key != nil {
			data = rc4Crypt(objectKey(key, n), data)
		}
		return obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data))
	}
	buf.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	catalog := obj("<< /Type /Catalog /Pages 2 0 R >>")
	pagesObj := len(offsets) + 1
	offsets = append(offsets, 0) // the page tree is written last
	font := obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var kids []string
	for _, p := range spec.pages {
		var c strings.Builder
		c.WriteString("BT /F1 11 Tf 72 740 Td 14 TL\n")
		for _, line := range p {
			r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
			fmt.Fprintf(&c, "(%s) Tj T*\n", r.Replace(line))
		}
		c.WriteString("ET\n")
		c.WriteString(spec.extraContent)
		content := stream([]byte(c.String()))
		contents := fmt.Sprintf("%d 0 R", content)
		if spec.contentRepeat > 1 {
			contents = "[" + strings.Repeat(contents+" ", spec.contentRepeat) + "]"
		}
		page := obj(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> /Contents %s >>",
			pagesObj, font, contents))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	offsets[pagesObj-1] = buf.Len()
	fmt.Fprintf(&buf, "%d 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n", pagesObj, strings.Join(kids, " "), len(kids))
	var encRef string
	if spec.encrypt {
		encRef = fmt.Sprintf(" /Encrypt %d 0 R", obj(encryptDict))
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root %d 0 R%s /ID [<%x> <%x>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(offsets)+1, catalog, encRef, id, id, xref)
	return buf.Bytes()
}

// pdfPad is the padding of the standard security handler (PDF 1.7, 7.6.3.3).
var pdfPad = []byte("\x28\xBF\x4E\x5E\x4E\x75\x8A\x41\x64\x00\x4E\x56\xFF\xFA\x01\x08\x2E\x2E\x00\xB6\xD0\x68\x3E\x80\x2F\x0C\xA9\xFE\x64\x53\x69\x7A")

func padPassword(pw string) []byte {
	return append([]byte(pw), pdfPad...)[:32]
}

func rc4Crypt(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// rc4Iterate applies RC4 with key, then 19 times with key XOR i (R3).
func rc4Iterate(key, data []byte) []byte {
	out := rc4Crypt(key, data)
	k := make([]byte, len(key))
	for i := 1; i <= 19; i++ {
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		out = rc4Crypt(k, out)
	}
	return out
}

// rc4Keys computes the file key and the O and U entries for revision 3
// (algorithms 2, 3 and 5 of PDF 1.7).
func rc4Keys(user, owner string, perms int32, id []byte) (key, o, u []byte) {
	if owner == "" {
		owner = user
	}
	h := md5.Sum(padPassword(owner))
	for range 50 {
		h = md5.Sum(h[:])
	}
	o = rc4Iterate(h[:16], padPassword(user))

	m := md5.New()
	m.Write(padPassword(user))
	m.Write(o)
	m.Write([]byte{byte(perms), byte(perms >> 8), byte(perms >> 16), byte(perms >> 24)})
	m.Write(id)
	k := m.Sum(nil)
	for range 50 {
		s := md5.Sum(k[:16])
		k = s[:]
	}
	key = k[:16]

	m = md5.New()
	m.Write(pdfPad)
	m.Write(id)
	u = append(rc4Iterate(key, m.Sum(nil)), make([]byte, 16)...)
	return key, o, u
}

// objectKey is the RC4 key of one object (algorithm 1).
func objectKey(key []byte, num int) []byte {
	b := append(append([]byte{}, key...), byte(num), byte(num>>8), byte(num>>16), 0, 0)
	s := md5.Sum(b)
	return s[:min(len(key)+5, 16)]
}

// testCacheDir keeps the PDF engine's compiled code between test runs (and
// between fuzz workers), which otherwise recompile it for seconds each.
func testCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "moksho", "pdfium-test")
}

func TestMain(m *testing.M) {
	if err := Warm(testCacheDir()); err != nil {
		fmt.Fprintln(os.Stderr, "pdf engine:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
