package extract

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDOCXText(t *testing.T) {
	const txbx = `<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent>` +
		`<mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>In a box</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>` +
		`<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>In a box</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>` +
		`</mc:AlternateContent></w:r></w:p>`
	cell := func(paras ...string) string { return `<w:tc>` + strings.Join(paras, "") + `</w:tc>` }
	row := func(cells ...string) string { return `<w:tr>` + strings.Join(cells, "") + `</w:tr>` }
	tests := []struct {
		name string
		body string
		want string
	}{
		{"paragraphs are lines", para("Jane Example") + para("Engineer"), "Jane Example\nEngineer"},
		{"runs join", `<w:p><w:r><w:t>Ja</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ne</w:t></w:r></w:p>`, "Jane"},
		{"preserved spaces", `<w:p><w:r><w:t xml:space="preserve">Go </w:t></w:r><w:r><w:t>and SQL</w:t></w:r></w:p>`, "Go and SQL"},
		{"tab and break", `<w:p><w:r><w:t>Acme</w:t><w:tab/><w:t>2020</w:t><w:br/><w:t>Next line</w:t></w:r></w:p>`, "Acme 2020\nNext line"},
		{"tab stops are no text", `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>A</w:t></w:r></w:p>`, "A"},
		{"numbered list", `<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Built APIs</w:t></w:r></w:p>`, "- Built APIs"},
		{"numbering removed", `<w:p><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Plain</w:t></w:r></w:p>`, "Plain"},
		{"list style", `<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>Led a team</w:t></w:r></w:p>`, "- Led a team"},
		{"empty list item", `<w:p><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:p>` + para("After"), "After"},
		{"heading gets a blank line", para("Jane") + `<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Skills</w:t></w:r></w:p>` + para("Go"), "Jane\n\nSkills\nGo"},
		{"outline level is a heading", para("Jane") + `<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>Werdegang</w:t></w:r></w:p>`, "Jane\n\nWerdegang"},
		{"empty paragraphs", para("A") + `<w:p/><w:p/><w:p></w:p>` + para("B"), "A\n\nB"},
		{"data table", `<w:tbl>` + row(cell(para("Skill")), cell(para("Years"))) + row(cell(para("Go")), cell(para("5"))) + `</w:tbl>`, "Skill | Years\nGo | 5"},
		{"table with empty cell", `<w:tbl>` + row(cell(para("Go")), cell(`<w:p/>`), cell(para("5"))) + `</w:tbl>`, "Go | 5"},
		{"layout table", `<w:tbl>` + row(cell(para("Jane"), para("jane@example.com")), cell(para("Experience"), para("Acme"))) + `</w:tbl>`,
			"Jane\njane@example.com\n\nExperience\nAcme"},
		{"nested table", `<w:tbl>` + row(cell(para("Left"), `<w:tbl>`+row(cell(para("a")), cell(para("b")))+`</w:tbl>`), cell(para("Right"))) + `</w:tbl>`,
			"Left\na | b\n\nRight"},
		{"text box once", txbx, "Anchor\nIn a box"},
		{"tracked changes", `<w:p><w:del><w:r><w:delText>old</w:delText></w:r></w:del><w:ins><w:r><w:t>new</w:t></w:r></w:ins>` +
			`<w:moveFrom><w:r><w:t>moved</w:t></w:r></w:moveFrom></w:p>`, "new"},
		{"field code hidden", `<w:p><w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r><w:hyperlink><w:r><w:t>github.com/jane</w:t></w:r></w:hyperlink></w:p>`, "github.com/jane"},
		{"non-breaking hyphen", `<w:p><w:r><w:t>e</w:t><w:noBreakHyphen/><w:t>mail</w:t></w:r></w:p>`, "e-mail"},
		{"entities", para("R&amp;D &lt;team&gt;"), "R&D <team>"},
		{"other namespaces ignored", `<w:p><w:r><x:t xmlns:x="urn:other">hidden</x:t><w:t>shown</w:t></w:r></w:p>`, "shown"},
		{"content controls", `<w:sdt><w:sdtContent>` + para("Inside") + `</w:sdtContent></w:sdt>`, "Inside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Extract(makeDOCX(t, tt.body), "cv.docx", "")
			if err != nil {
				t.Fatalf("kind %q", kindOf(err))
			}
			if doc.Text != tt.want {
				t.Errorf("text = %q, want %q", doc.Text, tt.want)
			}
		})
	}
}

func TestDOCXStrictNamespace(t *testing.T) {
	doc := `<?xml version="1.0"?><w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body>` +
		para("Strict Jane") + `</w:body></w:document>`
	data := makeZip(t, zipEntry{"word/document.xml", doc})
	got, err := Extract(data, "cv.docx", "")
	if err != nil || got.Text != "Strict Jane" {
		t.Errorf("got %q, kind %q; want the strict document's text", got.Text, kindOf(err))
	}
}

func TestDOCXHeadersAndFooters(t *testing.T) {
	hdr := func(text string) string {
		return `<?xml version="1.0"?><w:hdr ` + wordNS + `>` + para(text) + `</w:hdr>`
	}
	data := makeDOCX(t, para("Body"),
		zipEntry{"word/header2.xml", hdr("jane@example.com | +1 555 0100")},
		zipEntry{"word/header1.xml", hdr("jane@example.com | +1 555 0100")},
		zipEntry{"word/header10.xml", hdr("Jane Example")},
		zipEntry{"word/footer1.xml", `<?xml version="1.0"?><w:ftr ` + wordNS + `>` + para("Page footer") + `</w:ftr>`},
		zipEntry{"word/media/header3.xml", hdr("not a header part")},
	)
	doc, err := Extract(data, "cv.docx", "")
	if err != nil {
		t.Fatalf("kind %q", kindOf(err))
	}
	want := "jane@example.com | +1 555 0100\n\nJane Example\n\nBody\n\nPage footer"
	if doc.Text != want {
		t.Errorf("text = %q, want %q", doc.Text, want)
	}
}

func TestDOCXRefusals(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want Kind
	}{
		{"no text", makeDOCX(t, `<w:p/><w:p><w:r><w:t>   </w:t></w:r></w:p>`), KindEmpty},
		{"malformed xml", makeDOCX(t, `<w:p><w:r><w:t>Jane</w:r></w:p>`), KindMalformed},
		{"undeclared entity", makeDOCX(t, para("&bomb;")), KindMalformed},
		{"utf-16 declared", makeZip(t, zipEntry{"word/document.xml", `<?xml version="1.0" encoding="UTF-16"?><w:document/>`}), KindMalformed},
		{"too deep", makeDOCX(t, strings.Repeat("<w:sdt>", maxXMLDepth)+para("x")+strings.Repeat("</w:sdt>", maxXMLDepth)), KindTooLarge},
		{"too many entries", manyEntries(t, maxZipEntries+1), KindTooLarge},
		{"bad crc", rawDOCX(t, []byte(docXML(para("Jane"))), func(h *zip.FileHeader) { h.CRC32 ^= 1 }), KindMalformed},
		{"shorter than declared", rawDOCX(t, []byte(docXML(para("Jane"))), func(h *zip.FileHeader) { h.UncompressedSize64 += 10 }), KindMalformed},
		{"encrypted entry", rawDOCX(t, []byte(docXML(para("Jane"))), func(h *zip.FileHeader) { h.Flags |= 1 }), KindEncrypted},
		{"unknown compression", rawDOCX(t, []byte(docXML(para("Jane"))), func(h *zip.FileHeader) { h.Method = 12 }), KindMalformed},
		{"document.xml declared too large", rawDOCX(t, []byte(docXML(para("Jane"))), func(h *zip.FileHeader) { h.UncompressedSize64 = maxDocumentXML + 1 }), KindTooLarge},
		{"high ratio", highRatio(t), KindTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Extract(tt.data, "cv.docx", ""); kindOf(err) != tt.want {
				t.Errorf("kind %q, want %q", kindOf(err), tt.want)
			}
		})
	}
}

func manyEntries(t *testing.T, n int) []byte {
	entries := []zipEntry{{"word/document.xml", docXML(para("Jane"))}}
	for i := range n {
		entries = append(entries, zipEntry{"word/media/x" + strings.Repeat("0", 4) + string(rune('a'+i%26)) + itoa(i), ""})
	}
	return makeZip(t, entries...)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// rawDOCX stores document.xml deflated, with a header edit applied after the
// honest sizes and CRC are computed, so tests can make headers lie.
func rawDOCX(t testing.TB, xml []byte, edit func(*zip.FileHeader)) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(xml)
	fw.Close()
	h := &zip.FileHeader{
		Name:               "word/document.xml",
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(xml),
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: uint64(len(xml)),
	}
	edit(h)
	return writeRaw(t, h, comp.Bytes())
}

func writeRaw(t testing.TB, h *zip.FileHeader, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// highRatio is an honest DOCX whose 2 MiB document.xml deflates ~1000x.
func highRatio(t testing.TB) []byte {
	xml := docXML(`<w:p><w:r><w:t>` + strings.Repeat("a", 2<<20) + `</w:t></w:r></w:p>`)
	return rawDOCX(t, []byte(xml), func(*zip.FileHeader) {})
}

// lyingBomb is a DOCX whose document.xml claims declared bytes but inflates
// to actual bytes: the start of a document, then fill repeated.
func lyingBomb(t testing.TB, declared uint64, actual int, fill string) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	head := []byte(`<?xml version="1.0"?><w:document ` + wordNS + `><w:body><w:p><w:r><w:t>`)
	fw.Write(head)
	chunk := []byte(strings.Repeat(fill, (1<<20)/len(fill)))
	for n := len(head); n < actual; n += len(chunk) {
		fw.Write(chunk)
	}
	fw.Close()
	return writeRaw(t, &zip.FileHeader{
		Name:               "word/document.xml",
		Method:             zip.Deflate,
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: declared,
	}, comp.Bytes())
}

func TestDOCXZipBombIsRefusedCheaply(t *testing.T) {
	tests := []struct {
		name     string
		declared uint64
		actual   int
		fill     string
	}{
		// The header claims 1 KiB; the entry inflates to 100 MiB.
		{"1 KiB claimed, 100 MiB of text", 1 << 10, 100 << 20, "a"},
		{"1 KiB claimed, 100 MiB of markup", 1 << 10, 100 << 20, "</w:t></w:r></w:p><w:p><w:r><w:t>"},
		// Within the declared limits and a plausible ratio, the lie
		// shows only while inflating.
		{"2 MiB claimed, 20 MiB of markup", 2 << 20, 20 << 20, "<w:p/>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := lyingBomb(t, tt.declared, tt.actual, tt.fill)
			if len(data) > MaxSize {
				t.Fatalf("bomb of %d bytes is over MaxSize; the test would not reach the DOCX code", len(data))
			}
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			// The refusal comes from the inflate limit, not the
			// checks of the declared sizes.
			w := &docxWalker{budget: maxDOCXTextBytes, tokens: maxXMLTokens}
			if _, err := w.part(zr.File[0]); !errors.Is(err, errInflated) {
				t.Errorf("walk error is not errInflated")
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err = Extract(data, "cv.docx", "")
			runtime.ReadMemStats(&after)
			if kindOf(err) != KindTooLarge {
				t.Errorf("kind %q, want %q", kindOf(err), KindTooLarge)
			}
			if tt.declared > 1<<10 {
				return
			}
			if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 2<<20 {
				t.Errorf("allocated %d bytes refusing the bomb, want at most 2 MiB", allocated)
			}
		})
	}
}

func TestDOCXTextLimit(t *testing.T) {
	var body strings.Builder
	line := strings.Repeat("word ", 199) + "end"
	for range MaxTextLen / len(line) * 2 {
		body.WriteString(para(line))
	}
	doc, err := Extract(makeDOCX(t, body.String()), "cv.docx", "")
	if err != nil {
		t.Fatalf("kind %q", kindOf(err))
	}
	if n := utf8.RuneCountInString(doc.Text); !doc.Truncated || n > MaxTextLen || n < MaxTextLen*9/10 {
		t.Errorf("Truncated %v with %d runes; want true with close to %d", doc.Truncated, n, MaxTextLen)
	}
}
