package extract

import (
	"archive/zip"
	"compress/flate"
	"encoding/xml"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"sort"
	"strings"
)

// Limits on a DOCX. A DOCX is a ZIP of XML parts, so a small upload can
// declare (or, lying, contain) gigabytes; these bound memory and time before
// and while inflating.
const (
	// maxZipEntries bounds the central directory: a resume has ~15 parts,
	// one with many images perhaps a hundred.
	maxZipEntries = 1000
	// maxZipTotal bounds the declared uncompressed size of all entries.
	maxZipTotal = 50 << 20
	// maxDocumentXML bounds word/document.xml, maxHeaderXML each header
	// and footer part.
	maxDocumentXML = 20 << 20
	maxHeaderXML   = 2 << 20
	// maxRatio bounds the compression ratio of entries above ratioFloor;
	// XML compresses ~5-20x, a bomb 1000x.
	maxRatio   = 100
	ratioFloor = 1 << 20
	// maxXMLTokens and maxXMLDepth bound the XML walk of all parts.
	maxXMLTokens = 4_000_000
	maxXMLDepth  = 256
	// maxDOCXTextBytes stops the walk once more text than Extract returns
	// has been collected.
	maxDOCXTextBytes = 4*MaxTextLen + 1024
)

// The XML namespaces of WordprocessingML (transitional and strict) and of
// markup compatibility.
const (
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMC      = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// Internal causes, turned into refusals by extractDOCX.
var (
	errInflated    = errors.New("part inflates beyond its declared size")
	errPartDamaged = errors.New("part is damaged")
	errTooComplex  = errors.New("part exceeds the XML token or depth limit")
	errTextFull    = errors.New("text limit reached")
	errZipEncrypt  = errors.New("part is encrypted")
)

var (
	reasonDOCXBomb    = "this DOCX expands to far more data than a resume holds (it may be a zip bomb or damaged); save it again from your editor or export a PDF, and upload that"
	reasonDOCXDamaged = "this DOCX file is damaged or incomplete; open it in your editor, save it again as DOCX or export a PDF, and upload the new file"
)

// extractDOCX returns the text of the headers, the body and the footers of a
// DOCX, after checking the archive's declared sizes, and reports whether the
// text limit cut it.
func extractDOCX(zr *zip.Reader) (string, bool, error) {
	if len(zr.File) > maxZipEntries {
		return "", false, refuse(KindTooLarge, "this DOCX contains too many parts for a resume; save it again from your editor or export a PDF, and upload that")
	}
	var (
		total            uint64
		document         *zip.File
		headers, footers []*zip.File
	)
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		if size > maxZipTotal || total > maxZipTotal ||
			size > ratioFloor && size/maxRatio > f.CompressedSize64 {
			return "", false, refuse(KindTooLarge, reasonDOCXBomb)
		}
		name := strings.ToLower(f.Name)
		switch {
		case strings.EqualFold(f.Name, "word/document.xml"):
			document = f
		case isPartName(name, "word/header"):
			headers = append(headers, f)
		case isPartName(name, "word/footer"):
			footers = append(footers, f)
		}
	}
	if document == nil {
		// sniff found it; a second directory scan finding none means
		// a duplicate-name trick.
		return "", false, refuse(KindMalformed, reasonDOCXDamaged)
	}
	if document.UncompressedSize64 > maxDocumentXML {
		return "", false, refuse(KindTooLarge, reasonDOCXBomb)
	}
	sortParts(headers)
	sortParts(footers)

	w := &docxWalker{budget: maxDOCXTextBytes, tokens: maxXMLTokens}
	var sections []string
	seen := map[string]bool{}
	add := func(text string) {
		// Word keeps separate headers for the first, even and odd
		// pages, often identical.
		if t := strings.TrimSpace(text); t != "" && !seen[t] {
			seen[t] = true
			sections = append(sections, text)
		}
	}
	truncated := false
	for _, group := range [][]*zip.File{headers, {document}, footers} {
		for _, f := range group {
			if truncated {
				break
			}
			limit := uint64(maxHeaderXML)
			if f == document {
				limit = maxDocumentXML
			}
			if f.UncompressedSize64 > limit {
				return "", false, refuse(KindTooLarge, reasonDOCXBomb)
			}
			text, err := w.part(f)
			switch {
			case errors.Is(err, errTextFull):
				truncated = true
			case errors.Is(err, errInflated), errors.Is(err, errTooComplex):
				return "", false, refuse(KindTooLarge, reasonDOCXBomb)
			case errors.Is(err, errZipEncrypt):
				return "", false, refuse(KindEncrypted, "this DOCX is encrypted; remove the password, save, and upload again")
			case err != nil:
				return "", false, refuse(KindMalformed, reasonDOCXDamaged)
			}
			add(text)
		}
	}
	return strings.Join(sections, "\n\n"), truncated, nil
}

// isPartName matches "word/header1.xml" and the like.
func isPartName(name, prefix string) bool {
	return strings.HasPrefix(name, prefix) && strings.HasSuffix(name, ".xml") && !strings.Contains(name[len(prefix):], "/")
}

// sortParts orders header1, header2, ..., header10 as numbers do.
func sortParts(fs []*zip.File) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i].Name, fs[j].Name
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	})
}

// openPart inflates a ZIP entry itself rather than through zip.File.Open so
// that a declared-size lie is told apart from damage, and the declared size
// is enforced while inflating: nothing past it is ever produced.
func openPart(f *zip.File) (io.Reader, error) {
	if f.Flags&0x1 != 0 {
		return nil, errZipEncrypt
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, errors.Join(errPartDamaged, err)
	}
	var r io.Reader
	switch f.Method {
	case zip.Store:
		r = raw
	case zip.Deflate:
		r = flate.NewReader(raw)
	default:
		return nil, errPartDamaged
	}
	return &limitedPart{r: r, limit: int64(f.UncompressedSize64), crc: crc32.NewIEEE(), want: f.CRC32}, nil
}

// limitedPart yields at most limit bytes, fails with errInflated when the
// data goes on beyond, and checks the length and CRC at the end.
type limitedPart struct {
	r     io.Reader
	n     int64
	limit int64
	crc   hash.Hash32
	want  uint32
}

func (p *limitedPart) Read(b []byte) (int, error) {
	// Ask for one byte more than allowed so that excess shows.
	if room := p.limit - p.n + 1; int64(len(b)) > room {
		b = b[:room]
	}
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.n > p.limit {
		return 0, errInflated
	}
	p.crc.Write(b[:n])
	switch {
	case err == io.EOF:
		if p.n != p.limit || (p.want != 0 && p.crc.Sum32() != p.want) {
			return n, errPartDamaged
		}
	case err != nil:
		return n, errors.Join(errPartDamaged, err)
	}
	return n, err
}

// docxWalker collects the text of WordprocessingML parts. Its budgets are
// shared by all parts of one document.
type docxWalker struct {
	budget int // bytes of text still accepted
	tokens int // XML tokens still accepted

	out    strings.Builder
	frames []*frame
	skip   int // depth inside a skipped subtree
	inPPr  int // depth inside paragraph properties
	inRun  int // depth inside runs
	inText bool
}

type frameKind uint8

const (
	framePara frameKind = iota + 1
	frameTable
	frameCell
)

// frame is an open paragraph, table or table cell. Paragraphs nest (a text
// box sits in a run of its anchor paragraph), and so do tables.
type frame struct {
	kind frameKind
	// A paragraph's text, and what it is.
	text          strings.Builder
	list, heading bool
	// Lines finished inside: a cell's paragraphs, a paragraph's text boxes.
	lines []string
	// A table's current row: the lines of each cell.
	row [][]string
}

// part returns the text of one XML part.
func (w *docxWalker) part(f *zip.File) (string, error) {
	r, err := openPart(f)
	if err != nil {
		return "", err
	}
	w.out.Reset()
	w.frames, w.skip, w.inPPr, w.inRun, w.inText = w.frames[:0], 0, 0, 0, false
	err = w.walk(xml.NewDecoder(r))
	// Lines collected before the text limit still count.
	return w.out.String(), err
}

func isW(n xml.Name) bool { return n.Space == nsW || n.Space == nsWStrict }

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func (w *docxWalker) walk(d *xml.Decoder) error {
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		w.tokens--
		if w.tokens < 0 {
			return errTooComplex
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return errTooComplex
			}
			if w.skip > 0 {
				w.skip++
				continue
			}
			if err := w.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			depth--
			if w.skip > 0 {
				w.skip--
				continue
			}
			if err := w.end(t); err != nil {
				return err
			}
		case xml.CharData:
			if w.inText && w.skip == 0 {
				if err := w.write(string(t)); err != nil {
					return err
				}
			}
		}
	}
}

func (w *docxWalker) top() *frame {
	if len(w.frames) == 0 {
		return nil
	}
	return w.frames[len(w.frames)-1]
}

// para is the innermost open paragraph, if it is the top frame.
func (w *docxWalker) para() *frame {
	if f := w.top(); f != nil && f.kind == framePara {
		return f
	}
	return nil
}

func (w *docxWalker) write(s string) error {
	p := w.para()
	if p == nil {
		return nil
	}
	if len(s) > w.budget {
		p.text.WriteString(s[:w.budget])
		w.budget = 0
		w.flush()
		return errTextFull
	}
	w.budget -= len(s)
	p.text.WriteString(s)
	return nil
}

// flush closes every open frame, so the text collected so far is kept when
// the walk stops at the text limit.
func (w *docxWalker) flush() {
	for len(w.frames) > 0 {
		switch w.top().kind {
		case framePara:
			w.endPara()
		case frameCell:
			w.endCell()
		case frameTable:
			w.endRow()
			w.frames = w.frames[:len(w.frames)-1]
		}
	}
}

func (w *docxWalker) start(e xml.StartElement) error {
	if e.Name.Space == nsMC && e.Name.Local == "Fallback" {
		// The fallback repeats the chosen alternative (a text box as
		// VML after DrawingML): reading both would double the text.
		w.skip = 1
		return nil
	}
	if !isW(e.Name) {
		return nil
	}
	switch e.Name.Local {
	case "moveFrom", "del":
		// Tracked moves and deletions are not in the document's text.
		w.skip = 1
	case "p":
		w.frames = append(w.frames, &frame{kind: framePara})
	case "pPr":
		w.inPPr++
	case "pStyle":
		if p := w.para(); p != nil && w.inPPr > 0 {
			style := strings.ToLower(attr(e, "val"))
			switch {
			case strings.HasPrefix(style, "heading"), style == "title":
				p.heading = true
			case strings.Contains(style, "list"):
				p.list = true
			}
		}
	case "outlineLvl":
		if p := w.para(); p != nil && w.inPPr > 0 {
			p.heading = true
		}
	case "numPr":
		if p := w.para(); p != nil && w.inPPr > 0 {
			p.list = true
		}
	case "numId":
		// numId 0 removes the numbering a style would give.
		if p := w.para(); p != nil && w.inPPr > 0 && attr(e, "val") == "0" {
			p.list = false
		}
	case "r":
		w.inRun++
	case "t":
		w.inText = w.inRun > 0
	case "tab", "ptab":
		if w.inRun > 0 {
			return w.write("\t")
		}
	case "br", "cr":
		if w.inRun > 0 {
			return w.write("\n")
		}
	case "noBreakHyphen":
		if w.inRun > 0 {
			return w.write("-")
		}
	case "tbl":
		w.frames = append(w.frames, &frame{kind: frameTable})
	case "tc":
		w.frames = append(w.frames, &frame{kind: frameCell})
	}
	return nil
}

func (w *docxWalker) end(e xml.EndElement) error {
	if !isW(e.Name) {
		return nil
	}
	switch e.Name.Local {
	case "p":
		if w.para() != nil {
			w.endPara()
		}
	case "pPr":
		w.inPPr--
	case "r":
		w.inRun--
	case "t":
		w.inText = false
	case "tc":
		if f := w.top(); f != nil && f.kind == frameCell {
			w.endCell()
		}
	case "tr":
		if f := w.top(); f != nil && f.kind == frameTable {
			w.endRow()
		}
	case "tbl":
		if f := w.top(); f != nil && f.kind == frameTable {
			w.endRow()
			w.frames = w.frames[:len(w.frames)-1]
		}
	}
	return nil
}

func (w *docxWalker) endPara() {
	p := w.frames[len(w.frames)-1]
	w.frames = w.frames[:len(w.frames)-1]
	line := p.text.String()
	if p.list && strings.TrimSpace(line) != "" {
		line = "- " + strings.TrimLeft(line, " \t")
	}
	w.emit(line, p.heading)
	for _, l := range p.lines {
		w.emit(l, false)
	}
}

func (w *docxWalker) endCell() {
	c := w.frames[len(w.frames)-1]
	w.frames = w.frames[:len(w.frames)-1]
	if t := w.top(); t != nil && t.kind == frameTable {
		t.row = append(t.row, c.lines)
		return
	}
	for _, l := range c.lines {
		w.emit(l, false)
	}
}

// endRow emits a table row: a row of one-line cells (a data table) as one
// line with cells separated by " | "; a row whose cells hold several
// paragraphs (a table used for page layout, common in resumes) as those
// paragraphs, cell after cell.
func (w *docxWalker) endRow() {
	t := w.frames[len(w.frames)-1]
	row := t.row
	t.row = nil
	layout := false
	for _, c := range row {
		if len(c) > 1 {
			layout = true
		}
	}
	if !layout {
		var cells []string
		for _, c := range row {
			if len(c) == 1 {
				if s := strings.TrimSpace(c[0]); s != "" {
					cells = append(cells, s)
				}
			}
		}
		if len(cells) > 0 {
			w.emit(strings.Join(cells, " | "), false)
		}
		return
	}
	for i, c := range row {
		if i > 0 {
			w.emit("", false)
		}
		for _, l := range c {
			w.emit(l, false)
		}
	}
}

// emit hands a finished line to the innermost open paragraph or cell, or to
// the part's output: there a heading gets a blank line before it, and an
// empty paragraph stays a blank line.
func (w *docxWalker) emit(line string, heading bool) {
	for i := len(w.frames) - 1; i >= 0; i-- {
		if f := w.frames[i]; f.kind != frameTable {
			if strings.TrimSpace(line) != "" || f.kind == framePara {
				f.lines = append(f.lines, line)
			}
			return
		}
	}
	if heading && w.out.Len() > 0 {
		w.out.WriteByte('\n')
	}
	w.out.WriteString(line)
	w.out.WriteByte('\n')
}
