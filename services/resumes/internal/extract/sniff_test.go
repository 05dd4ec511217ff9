package extract

import (
	"testing"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		format Format
		known  bool
	}{
		{"pdf", "%PDF-1.7\n...", FormatPDF, true},
		{"pdf after bom and whitespace", "\xEF\xBB\xBF \r\n%PDF-1.4", FormatPDF, true},
		{"pdf after nuls", "\x00\x00%PDF-2.0", FormatPDF, true},
		{"pdf marker after text", "note: %PDF-1.4", FormatText, true},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00", "", true},
		{"jpeg", "\xFF\xD8\xFF\xDB", "", true},
		{"gif", "GIF89a\x01\x00", "", true},
		{"webp", "RIFF\x00\x00\x00\x00WEBPVP8 ", "", true},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00", "", true},
		{"tiff", "II*\x00\x08\x00", "", true},
		{"bmp with matching size", "BM\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "", true},
		{"text starting BM", "BMW engineer, Munich", FormatText, true},
		{"ole2", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00", "", true},
		{"broken zip", "PK\x03\x04garbage", "", true},
		{"gzip", "\x1f\x8b\x08\x00", "", true},
		{"plain text", "Jane Example\nEngineer", FormatText, true},
		{"html", "  <!DOCTYPE html><p>Jane", "", true},
		{"utf-16 without bom", "J\x00a\x00n\x00e\x00 \x00E\x00x\x00a\x00m\x00p\x00l\x00e\x00", "", false},
		{"invalid utf-8 with controls", "Jane\xff\x01\x02\x03\x04\x05", "", false},
		{"odd utf-16", "\xFF\xFEJ\x00a", "", false},
		{"unpaired surrogate", "\xFF\xFE\x00\xD8a\x00", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sniff([]byte(tt.data))
			if s.format != tt.format || s.known != tt.known {
				t.Errorf("format, known = %q, %v (%s); want %q, %v", s.format, s.known, s.what, tt.format, tt.known)
			}
		})
	}
}

func TestDeclare(t *testing.T) {
	tests := []struct {
		filename, contentType string
		want                  declared
	}{
		{"", "", declared{}},
		{"CV.PDF", "", declared{ext: ".pdf", extFormat: FormatPDF}},
		{"cv.markdown", "text/x-markdown", declared{ext: ".markdown", extFormat: FormatText, ctFormat: FormatText}},
		{"cv.doc", "application/msword", declared{ext: ".doc", extOther: true, ctOther: true}},
		{"cv", "application/octet-stream", declared{}},
		{"cv.pdf", "text/plain; charset=utf-8", declared{ext: ".pdf", extFormat: FormatPDF, ctFormat: FormatText}},
		{"dir.docx/cv", "not a / valid type;;", declared{}},
		{"cv.docx", "application/x-unknown", declared{ext: ".docx", extFormat: FormatDOCX}},
		{"photo.heic", "image/heic", declared{ext: ".heic", extOther: true, ctOther: true}},
	}
	for _, tt := range tests {
		if got := declare(tt.filename, tt.contentType); got != tt.want {
			t.Errorf("declare(%q, %q) = %+v, want %+v", tt.filename, tt.contentType, got, tt.want)
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   string
		wantOK bool
	}{
		{"ascii", "Jane", "Jane", true},
		{"few controls tolerated", "Jane\x00 Example\x01", "Jane\x00 Example\x01", true},
		{"many controls refused", "a\x01b\x02c\x03d\x04", "", false},
		{"latin-1 mostly ascii", "Jos\xe9 Garc\xeda, Madrid", "José García, Madrid", true},
		{"mostly high bytes refused", "\xe9\xe8\xea\xeb\xe9a", "", false},
		{"undefined cp1252 byte", "Jos\x81 Garcia", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := decodeText([]byte(tt.in))
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("decodeText(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
