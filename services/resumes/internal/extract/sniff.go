package extract

import (
	"archive/zip"
	"bytes"
	"mime"
	"path"
	"strings"
)

// sniffed is what the content of an upload is, judged from its bytes alone.
type sniffed struct {
	// format is set when the content is one Extract reads.
	format Format
	// what describes the content for a user ("a PNG image"), for both
	// supported and unsupported content.
	what string
	// known is set for content recognised as a specific other format
	// (PNG, old .doc, ...), as opposed to unrecognised binary data.
	known bool
	// encrypted is set for a password-protected Office document.
	encrypted bool
	// brokenZip is set for content that starts like a ZIP (so a DOCX) but
	// whose directory cannot be read: a truncated or damaged file.
	brokenZip bool
	// zip is the opened archive of a DOCX.
	zip *zip.Reader
	// text is the decoded content of a text file.
	text string
}

// What the formats are called in messages to users.
const (
	whatPDF    = "a PDF"
	whatDOCX   = "a Word document (DOCX)"
	whatText   = "a text file"
	whatOldDoc = "an old Word document (.doc)"
)

// extOf is the file name extension a format's files end in.
func extOf(f Format) string {
	switch f {
	case FormatPDF:
		return ".pdf"
	case FormatDOCX:
		return ".docx"
	default:
		return ".txt or .md"
	}
}

func nameOf(f Format) string {
	switch f {
	case FormatPDF:
		return "PDF"
	case FormatDOCX:
		return "DOCX"
	default:
		return "text or Markdown file"
	}
}

// pdfHeaderWindow is how far into the file the PDF header may start; readers
// (pdfium, Acrobat) tolerate leading bytes up to 1 KiB and so do real files.
const pdfHeaderWindow = 1024

// sniff classifies data by its magic bytes and, for text, by its encoding.
func sniff(data []byte) sniffed {
	if isPDF(data) {
		return sniffed{format: FormatPDF, what: whatPDF, known: true}
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")) {
		return sniffZip(data)
	}
	if bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
		return sniffOLE(data)
	}
	for _, m := range magics {
		if m.match(data) {
			return sniffed{what: m.what, known: true}
		}
	}
	if text, ok := decodeText(data); ok {
		if w := markupKind(text); w != "" {
			return sniffed{what: w, known: true}
		}
		return sniffed{format: FormatText, what: whatText, known: true, text: text}
	}
	return sniffed{what: "binary data"}
}

// isPDF reports whether data starts with a PDF header, after at most 1 KiB
// of whitespace, NULs or a byte order mark.
func isPDF(data []byte) bool {
	i := bytes.Index(data[:min(len(data), pdfHeaderWindow+5)], []byte("%PDF-"))
	if i < 0 {
		return false
	}
	lead := bytes.TrimPrefix(data[:i], []byte("\xEF\xBB\xBF"))
	return len(bytes.Trim(lead, " \t\r\n\f\x00")) == 0
}

// sniffZip tells a DOCX from other ZIP-based formats by the parts it holds.
// Only the central directory is read here; nothing is inflated.
func sniffZip(data []byte) sniffed {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return sniffed{what: "a damaged ZIP or DOCX file", brokenZip: true, known: true}
	}
	has := func(name string) bool {
		for _, f := range zr.File {
			// OPC part names are case-insensitive.
			if strings.EqualFold(f.Name, name) {
				return true
			}
		}
		return false
	}
	switch {
	case has("word/document.xml"):
		return sniffed{format: FormatDOCX, what: whatDOCX, known: true, zip: zr}
	case has("xl/workbook.xml"):
		return sniffed{what: "an Excel spreadsheet (XLSX)", known: true}
	case has("ppt/presentation.xml"):
		return sniffed{what: "a PowerPoint presentation (PPTX)", known: true}
	case has("mimetype") && has("content.xml"):
		return sniffed{what: "an OpenDocument file (such as ODT)", known: true}
	case has("Index/Document.iwa"):
		return sniffed{what: "an Apple Pages document", known: true}
	}
	return sniffed{what: "a ZIP archive", known: true}
}

// sniffOLE classifies an OLE2 compound file: an encrypted OOXML document
// (which Word writes when a .docx gets a password) or an old binary Office
// file. The stream names sit in the directory as UTF-16LE, so a byte search
// finds them without parsing the FAT chain.
func sniffOLE(data []byte) sniffed {
	if bytes.Contains(data, utf16le("EncryptedPackage")) {
		return sniffed{what: "a password-protected Office document", known: true, encrypted: true}
	}
	switch {
	case bytes.Contains(data, utf16le("WordDocument")):
		return sniffed{what: whatOldDoc, known: true}
	case bytes.Contains(data, utf16le("Workbook")):
		return sniffed{what: "an old Excel spreadsheet (.xls)", known: true}
	case bytes.Contains(data, utf16le("PowerPoint Document")):
		return sniffed{what: "an old PowerPoint presentation (.ppt)", known: true}
	}
	return sniffed{what: "an old Microsoft Office file", known: true}
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// magic recognises a binary format that is not a resume format, so the
// refusal can name what the user uploaded.
type magic struct {
	what  string
	match func([]byte) bool
}

func prefix(p string) func([]byte) bool {
	return func(b []byte) bool { return bytes.HasPrefix(b, []byte(p)) }
}

var magics = []magic{
	{"a PNG image", prefix("\x89PNG\r\n\x1a\n")},
	{"a JPEG image", prefix("\xFF\xD8\xFF")},
	{"a GIF image", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))
	}},
	{"a WebP image", func(b []byte) bool { return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" }},
	{"a TIFF image", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*"))
	}},
	{"a HEIC image", func(b []byte) bool {
		if len(b) < 12 || string(b[4:8]) != "ftyp" {
			return false
		}
		brand := string(b[8:12])
		return brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1" || brand == "avif"
	}},
	{"a BMP image", func(b []byte) bool {
		// "BM" alone is too weak (text may start so): also the header's size.
		return len(b) >= 14 && b[0] == 'B' && b[1] == 'M' &&
			int(b[2])|int(b[3])<<8|int(b[4])<<16|int(b[5])<<24 == len(b)
	}},
	{"an RTF document", prefix("{\\rtf")},
	{"a PostScript file", prefix("%!PS")},
	{"a program (EXE)", prefix("MZ")},
	{"a program (ELF)", prefix("\x7fELF")},
	{"a compressed archive (gzip)", prefix("\x1f\x8b")},
	{"a compressed archive (7z)", prefix("7z\xBC\xAF\x27\x1C")},
	{"a compressed archive (RAR)", prefix("Rar!\x1a\x07")},
}

// markupKind recognises text formats that are not resume text: an HTML page
// or an RTF file saved as text.
func markupKind(text string) string {
	head := strings.ToLower(strings.TrimLeft(text[:min(len(text), 512)], " \t\r\n\ufeff"))
	switch {
	case strings.HasPrefix(head, "<!doctype html"), strings.HasPrefix(head, "<html"):
		return "an HTML page"
	case strings.HasPrefix(head, "{\\rtf"):
		return "an RTF document"
	}
	return ""
}

// declared is what the client said the upload is.
type declared struct {
	// ext and extFormat come from the file name: extFormat is set for a
	// supported extension, extOther for a known unsupported one (".doc").
	ext       string
	extFormat Format
	extOther  bool
	// ctFormat and ctOther come from the content type likewise.
	ctFormat Format
	ctOther  bool
}

var extFormats = map[string]Format{
	".pdf":  FormatPDF,
	".docx": FormatDOCX, ".docm": FormatDOCX, ".dotx": FormatDOCX, ".dotm": FormatDOCX,
	".txt": FormatText, ".text": FormatText, ".md": FormatText, ".markdown": FormatText, ".mdown": FormatText, ".mkd": FormatText,
}

var extOthers = map[string]bool{
	".doc": true, ".dot": true, ".rtf": true, ".odt": true, ".pages": true, ".wpd": true,
	".xls": true, ".xlsx": true, ".ods": true, ".csv": true, ".ppt": true, ".pptx": true, ".key": true, ".odp": true,
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".heic": true, ".heif": true,
	".tif": true, ".tiff": true, ".bmp": true, ".svg": true,
	".html": true, ".htm": true, ".xml": true, ".json": true,
	".zip": true, ".rar": true, ".7z": true, ".gz": true, ".exe": true, ".ps": true, ".eps": true,
}

var ctFormats = map[string]Format{
	"application/pdf": FormatPDF, "application/x-pdf": FormatPDF, "application/acrobat": FormatPDF,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": FormatDOCX,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template": FormatDOCX,
	"application/vnd.ms-word.document.macroenabled.12":                        FormatDOCX,
	"text/plain": FormatText, "text/markdown": FormatText, "text/x-markdown": FormatText,
}

// declare reads the file name's extension and the content type. Either may
// be empty; a content type that says nothing (application/octet-stream) or
// that we do not know is ignored, so the sniff decides.
func declare(filename, contentType string) declared {
	var d declared
	// Browsers send a bare name, but a path from another client must not
	// make its directory part of the extension.
	d.ext = strings.ToLower(path.Ext(strings.ReplaceAll(filename, "\\", "/")))
	d.extFormat = extFormats[d.ext]
	d.extOther = extOthers[d.ext]
	ct, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return d
	}
	d.ctFormat = ctFormats[ct]
	d.ctOther = d.ctFormat == "" && isOtherContentType(ct)
	return d
}

// isOtherContentType reports content types that name a format Extract does
// not read, as opposed to generic or unknown ones.
func isOtherContentType(ct string) bool {
	for _, p := range []string{"image/", "audio/", "video/", "application/vnd.ms-", "application/vnd.oasis.opendocument.",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.", "application/vnd.openxmlformats-officedocument.presentationml."} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	switch ct {
	case "application/msword", "application/rtf", "text/rtf", "text/html", "application/x-msdownload":
		return true
	}
	return false
}

// check compares the sniffed content with what was declared and refuses
// uploads Extract will not read.
func check(s sniffed, d declared) error {
	claim := d.extFormat
	if claim == "" {
		claim = d.ctFormat
	}
	if s.format == "" {
		switch {
		case s.encrypted && (claim == "" || claim == FormatDOCX):
			return refuse(KindEncrypted, "this document is password-protected; remove the password (in Word: File > Info > Protect Document > Encrypt with Password, then clear it), save, and upload again")
		case s.brokenZip && (claim == "" || claim == FormatDOCX):
			return refuse(KindMalformed, "this DOCX file is damaged or incomplete; open it in your editor, save it again as DOCX or export a PDF, and upload the new file")
		case s.known && claim != "":
			return refuse(KindMismatch, "this file is not a "+nameOf(claim)+" (it looks like "+s.what+"); check that you picked the right file, then "+reasonSupportAll)
		case s.what == whatOldDoc:
			return refuse(KindUnsupported, "old Word .doc files are not supported; open the file in Word and save it as DOCX, or export a PDF, and upload that")
		case s.known:
			return refuse(KindUnsupported, "this file looks like "+s.what+", which cannot be read as a resume; "+reasonSupportAll)
		case claim != "":
			// Declared as a format we read, but no format at all inside:
			// damaged, or junk; unreadable rather than an unsupported type.
			return refuse(KindMalformed, "this file is named or sent as a "+nameOf(claim)+" but cannot be read as one: it may be damaged, or not a "+nameOf(claim)+" at all; "+reasonSupportAll)
		default:
			return refuse(KindUnsupported, "this file does not look like a PDF, DOCX or text file; "+reasonSupportAll)
		}
	}
	for _, c := range []struct {
		f     Format
		other bool
	}{{d.extFormat, d.extOther}, {d.ctFormat, d.ctOther}} {
		if (c.f != "" && c.f != s.format) || c.other {
			what := "a different type of file"
			if c.f != "" {
				what = "a " + nameOf(c.f)
			}
			return refuse(KindMismatch, "this file is declared as "+what+" but its content is "+s.what+"; "+
				"check that you picked the right file and that its name ends in "+extOf(s.format))
		}
	}
	return nil
}
