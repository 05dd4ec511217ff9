package media

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// head is the first SniffLen bytes of b, as a caller would pass them.
func head(b []byte) []byte {
	return b[:min(len(b), SniffLen)]
}

func TestSniffFixtures(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures {
		b := head(readFixture(t, f.file))
		for ct, want := range ContentTypes {
			for _, declared := range []string{ct, strings.ToUpper(ct), ct + "; codecs=\"opus\"", " " + ct + ";codecs=vp8,opus"} {
				got, err := Sniff(b, declared)
				if want == f.container {
					if err != nil || got != f.container {
						t.Errorf("Sniff(%s, %q) = %q, %v; want %q", f.file, declared, got, err, f.container)
					}
					continue
				}
				me := wantKind(t, err, KindMismatch)
				// The reason names what the file is, so the
				// candidate can fix the extension.
				if !strings.Contains(me.Reason, containerNames[f.container]) || !strings.Contains(me.Reason, "."+string(f.container)) {
					t.Errorf("Sniff(%s, %q) reason %q does not name %s", f.file, declared, me.Reason, f.container)
				}
			}
		}
	}
}

func TestSniff(t *testing.T) {
	t.Parallel()
	webm := head(readFixture(t, "feedback-weak.webm"))
	mp4 := head(readFixture(t, "slow-api-medium.mp4"))
	pad := func(b []byte) []byte { return append(b, make([]byte, SniffLen)...) }
	ebml := func(docType string) []byte {
		// EBML header: EBMLVersion 1, DocType.
		body := append([]byte{0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x80 | byte(len(docType))}, docType...)
		return pad(append([]byte{0x1a, 0x45, 0xdf, 0xa3, 0x80 | byte(len(body))}, body...))
	}
	ftyp := func(brand string) []byte {
		return pad(append([]byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p'}, brand+"\x00\x00\x00\x00isommp41"...))
	}

	tests := []struct {
		name        string
		head        []byte
		contentType string
		want        Container
		kind        Kind
		reason      string // a fragment the reason must hold
	}{
		{"webm doctype", ebml("webm"), "video/webm", WebM, "", ""},
		{"matroska doctype", ebml("matroska"), "video/webm", WebM, "", ""},
		{"other ebml doctype", ebml("notwebm"), "video/webm", "", KindMismatch, `EBML document of type "notwebm"`},
		{"mp4 brand isom", ftyp("isom"), "video/mp4", MP4, "", ""},
		{"quicktime brand", ftyp("qt  "), "video/mp4", MP4, "", ""},
		{"heic image as mp4", ftyp("heic"), "video/mp4", "", KindMismatch, "HEIF or AVIF image"},
		{"avif image as mp4", ftyp("avif"), "audio/mp4", "", KindMismatch, "HEIF or AVIF image"},
		{"ftyp box too small", append([]byte{0, 0, 0, 8}, ftyp("isom")[4:]...), "video/mp4", "", KindMismatch, "damaged MP4"},
		{"rf64 wave", pad([]byte("RF64\xff\xff\xff\xffWAVEds64")), "audio/wav", WAV, "", ""},

		{"ogg declared webm", head(readFixture(t, "feedback-weak.ogg")), "video/webm", "", KindMismatch, "Ogg"},
		{"png declared webm", pad([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")), "video/webm", "", KindMismatch, "PNG image"},
		{"jpeg declared mp4", pad([]byte("\xff\xd8\xff\xe0\x00\x10JFIF")), "video/mp4", "", KindMismatch, "JPEG image"},
		{"pdf declared webm", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "video/webm", "", KindMismatch, "PDF document"},
		{"docx declared wav", pad([]byte("PK\x03\x04\x14\x00\x06\x00")), "audio/wav", "", KindMismatch, "ZIP archive"},
		{"text declared webm", []byte("I would check the database queries.\n"), "video/webm", "", KindMismatch, "looks like text"},
		{"html declared ogg", []byte("<!DOCTYPE html><html><body>Access denied</body></html>"), "audio/ogg", "", KindMismatch, "web page"},
		{"json declared wav", []byte(`{"error":"expired"}`), "audio/wav", "", KindMismatch, "JSON"},
		{"mp3 declared ogg", pad([]byte("ID3\x04\x00\x00\x00\x00\x00\x00")), "audio/ogg", "", KindMismatch, "MP3"},
		{"mp3 frame declared wav", pad([]byte{0xff, 0xfb, 0x90, 0x64}), "audio/wav", "", KindMismatch, "MP3"},
		{"flac declared ogg", pad([]byte("fLaC\x00\x00\x00\x22")), "audio/ogg", "", KindMismatch, "FLAC"},
		{"avi declared wav", pad([]byte("RIFF\x00\x10\x00\x00AVI LIST")), "audio/wav", "", KindMismatch, "AVI video"},
		{"webp declared wav", pad([]byte("RIFF\x00\x10\x00\x00WEBPVP8 ")), "audio/wav", "", KindMismatch, "WebP image"},
		{"binary junk", bytes.Repeat([]byte{0x00, 0x13, 0x37, 0xfe}, 200), "video/webm", "", KindMismatch, "do not recognise"},
		{"wav declared mp4", head(readFixture(t, "feedback-weak.wav")), "audio/mp4", "", KindMismatch, "WAV"},
		{"mp4 declared webm", mp4, "video/webm", "", KindMismatch, "MP4"},

		{"truncated ebml magic", webm[:3], "video/webm", "", KindMismatch, "cut off"},
		{"truncated ebml magic only", webm[:4], "video/webm", "", KindMismatch, "cut off"},
		{"truncated riff size", []byte("RIFF\x24\x00\x00\x00"), "audio/wav", "", KindMismatch, "cut off"},
		{"truncated riff form", []byte("RIFF\x24\x00\x00\x00WA"), "audio/wav", "", KindMismatch, "cut off"},
		{"truncated ogg page", []byte("OggS\x00\x02\x00\x00"), "audio/ogg", "", KindMismatch, "cut off"},
		{"truncated ftyp", mp4[:6], "video/mp4", "", KindMismatch, "cut off"},
		{"truncated ftyp brand", mp4[:10], "video/mp4", "", KindMismatch, "cut off"},
		{"truncated ogg declared webm", []byte("Ogg"), "video/webm", "", KindMismatch, "cut-off Ogg"},

		{"no content type", webm, "", "", KindUnsupported, "has no type"},
		{"quicktime", mp4, "video/quicktime", "", KindUnsupported, `"video/quicktime"`},
		{"mpeg", pad([]byte("ID3")), "audio/mpeg", "", KindUnsupported, "upload WebM, MP4, Ogg or WAV"},
		{"octet stream", webm, "application/octet-stream", "", KindUnsupported, "record again in the browser"},
		{"huge content type", webm, strings.Repeat("x", 10000), "", KindUnsupported, "…"},

		{"empty", nil, "video/webm", "", KindEmpty, "empty"},
		{"empty with bad type", []byte{}, "text/plain", "", KindEmpty, "record again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sniff(tt.head, tt.contentType)
			if tt.kind == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Sniff = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if got != "" {
				t.Errorf("Sniff returned container %q with an error", got)
			}
			me := wantKind(t, err, tt.kind)
			if !strings.Contains(me.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", me.Reason, tt.reason)
			}
			if len(me.Reason) > 400 {
				t.Errorf("reason is %d bytes long", len(me.Reason))
			}
		})
	}
}

func TestErrorIs(t *testing.T) {
	t.Parallel()
	_, err := Sniff(nil, "video/webm")
	tests := []struct {
		target Kind
		want   bool
	}{
		{KindEmpty, true},
		{KindMismatch, false},
	}
	withDetail := &Error{Kind: KindUnreadable, Reason: "Record again.", Detail: "[error] moov atom not found"}
	if got := withDetail.Error(); !strings.Contains(got, "unreadable") || !strings.Contains(got, "Record again.") || !strings.Contains(got, "moov atom") {
		t.Errorf("Error() = %q, want kind, reason and detail for the logs", got)
	}
	for _, tt := range tests {
		wrapped := fmt.Errorf("store answer: %w", err)
		if got := errors.Is(wrapped, &Error{Kind: tt.target}); got != tt.want {
			t.Errorf("errors.Is(%v, kind %s) = %v, want %v", err, tt.target, got, tt.want)
		}
	}
}
