package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// SniffLen is how many leading bytes Sniff wants: enough for every signature
// it checks, and what net/http uses for the same job.
const SniffLen = 512

// Sniff checks the first bytes of a recording (at least SniffLen bytes, or
// all of a shorter file) against its declared content type, so a file is
// refused before it is stored or decoded when it cannot be what it claims.
// Parameters such as ";codecs=vp8,opus" are allowed and ignored: ffmpeg
// decodes whatever codec the container holds.
//
// It returns the container, or an *Error of KindEmpty, KindUnsupported or
// KindMismatch whose Reason says what the file looks like and what to do.
func Sniff(head []byte, contentType string) (Container, error) {
	if len(head) == 0 {
		return "", &Error{Kind: KindEmpty, Reason: "The recording is empty: nothing was captured. Check that the browser may use your camera and microphone, then record again."}
	}
	base := baseType(contentType)
	want, ok := ContentTypes[base]
	if !ok {
		label := "has no type"
		if base != "" {
			label = fmt.Sprintf("is of type %q, which we do not accept", clip(base, 64))
		}
		return "", &Error{Kind: KindUnsupported, Reason: fmt.Sprintf("The file %s: record again in the browser, or upload WebM, MP4, Ogg or WAV.", label)}
	}
	got := identify(head)
	switch {
	case got.container == want && !got.truncated:
		return want, nil
	case got.container == want:
		return "", &Error{Kind: KindMismatch, Reason: fmt.Sprintf("The file ends after %d bytes, before its %s header is complete: it was cut off. Record again, or upload the complete file.", len(head), containerNames[want])}
	case got.container != "":
		return "", &Error{Kind: KindMismatch, Reason: fmt.Sprintf("The file is labelled %s but looks like %s. Upload it with the right extension (.%s), or record again in the browser.", base, got.what, got.container)}
	default:
		return "", &Error{Kind: KindMismatch, Reason: fmt.Sprintf("The file is labelled %s but looks like %s, which we do not accept. Record again in the browser, or upload WebM, MP4, Ogg or WAV.", base, got.what)}
	}
}

// containerNames names containers for candidates.
var containerNames = map[Container]string{
	WebM: "WebM",
	MP4:  "MP4",
	Ogg:  "Ogg",
	WAV:  "WAV",
}

// baseType lowercases a content type and drops its parameters. It does not
// use mime.ParseMediaType because browsers send ";codecs=vp8,opus" unquoted,
// which that parser rejects.
func baseType(contentType string) string {
	base, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(base))
}

// clip shortens untrusted text echoed in a reason or a log to about n
// bytes of valid UTF-8.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:max(0, n)], "") + "…"
}

// identity is what the leading bytes of a file look like. container is set
// when they are (the start of) a recording we accept; truncated when the file
// ends inside that container's header; what describes it for a candidate.
type identity struct {
	container Container
	truncated bool
	what      string
}

// signature is a fixed byte string at a fixed offset.
type signature struct {
	offset int
	magic  string
}

// recordings are the signatures of accepted containers, with the smallest
// head that holds a complete header: below that a matching file is cut off.
var recordings = []struct {
	container Container
	sigs      []signature
	minLen    int
}{
	{WebM, []signature{{0, "\x1a\x45\xdf\xa3"}}, 5},
	{MP4, []signature{{4, "ftyp"}}, 12},
	{Ogg, []signature{{0, "OggS\x00"}}, 27},
	{WAV, []signature{{0, "RIFF"}, {8, "WAVE"}}, 12},
	{WAV, []signature{{0, "RIFX"}, {8, "WAVE"}}, 12},
	{WAV, []signature{{0, "RF64"}, {8, "WAVE"}}, 12},
	{WAV, []signature{{0, "BW64"}, {8, "WAVE"}}, 12},
}

// others names common files that are not recordings, so a mismatch reason
// can say what was uploaded instead.
var others = []struct {
	sig  signature
	what string
}{
	{signature{0, "\x89PNG\r\n\x1a\n"}, "a PNG image"},
	{signature{0, "\xff\xd8\xff"}, "a JPEG image"},
	{signature{0, "GIF87a"}, "a GIF image"},
	{signature{0, "GIF89a"}, "a GIF image"},
	{signature{8, "WEBP"}, "a WebP image"},
	{signature{0, "%PDF-"}, "a PDF document"},
	{signature{0, "PK\x03\x04"}, "a ZIP archive or office document"},
	{signature{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}, "an office document"},
	{signature{0, "{\\rtf"}, "an RTF document"},
	{signature{8, "AVI "}, "an AVI video"},
	{signature{0, "ID3"}, "an MP3 audio file"},
	{signature{0, "fLaC"}, "a FLAC audio file"},
	{signature{0, "#!AMR"}, "an AMR audio file"},
	{signature{0, "caff"}, "a Core Audio file"},
	{signature{8, "AIFF"}, "an AIFF audio file"},
	{signature{8, "AIFC"}, "an AIFF audio file"},
	{signature{0, "\x30\x26\xb2\x75\x8e\x66\xcf\x11"}, "a Windows Media file"},
	{signature{0, "\x1f\x8b"}, "a gzip archive"},
	{signature{0, "7z\xbc\xaf\x27\x1c"}, "a 7-Zip archive"},
	{signature{0, "Rar!"}, "a RAR archive"},
	{signature{0, "\x7fELF"}, "a program"},
}

// imageBrands are ftyp major brands of HEIF and AVIF still images, which
// share the MP4 box structure but hold no recording.
var imageBrands = map[string]bool{
	"heic": true, "heix": true, "heim": true, "heis": true,
	"hevc": true, "hevx": true, "mif1": true, "msf1": true,
	"avif": true, "avis": true, "crx ": true,
}

// identify works out what head looks like.
func identify(head []byte) identity {
	for _, r := range recordings {
		full, partial := matchAll(head, r.sigs)
		if !full && !partial {
			continue
		}
		if partial || len(head) < r.minLen {
			return identity{container: r.container, truncated: true, what: "a cut-off " + containerNames[r.container] + " file"}
		}
		return refine(head, r.container)
	}
	for _, o := range others {
		if ok, _ := match(head, o.sig); ok {
			return identity{what: o.what}
		}
	}
	return identity{what: describeRest(head)}
}

// matchAll reports whether head holds every signature (full), or ends
// before or inside some of them while agreeing with every byte it has
// (partial). A head that ends before the first signature starts agrees with
// nothing, so it is neither.
func matchAll(head []byte, sigs []signature) (full, partial bool) {
	seen := false
	for _, s := range sigs {
		if len(head) <= s.offset {
			if !seen {
				return false, false
			}
			partial = true
			continue
		}
		ok, part := match(head, s)
		if !ok && !part {
			return false, false
		}
		seen = true
		partial = partial || part
	}
	return !partial, partial
}

// match reports whether head holds sig (ok), or ends inside it while
// agreeing with the bytes it has (partial).
func match(head []byte, sig signature) (ok, partial bool) {
	if len(head) <= sig.offset {
		return false, false
	}
	rest := head[sig.offset:]
	if len(rest) >= len(sig.magic) {
		return string(rest[:len(sig.magic)]) == sig.magic, false
	}
	return false, strings.HasPrefix(sig.magic, string(rest))
}

// refine looks inside a container's header for what it actually holds: a
// WebM versus another EBML document, an MP4 versus a HEIF still image.
func refine(head []byte, c Container) identity {
	switch c {
	case WebM:
		doc, ok := ebmlDocType(head)
		switch {
		case !ok, doc == "webm", doc == "matroska":
			// MediaRecorder writes "webm"; some browsers write
			// "matroska" for the same recording, which the same
			// demuxer reads. A header cut before the DocType is
			// still a WebM start and Decode judges the rest.
			return identity{container: WebM, what: "a WebM recording"}
		default:
			return identity{what: fmt.Sprintf("an EBML document of type %q", clip(printable(doc), 32))}
		}
	case MP4:
		if imageBrands[string(head[8:12])] {
			return identity{what: "a HEIF or AVIF image"}
		}
		if size := binary.BigEndian.Uint32(head); size > 1 && size < 16 {
			// A box declares at least its 8-byte header and ftyp
			// adds brand and version (0 means "to the end" and 1
			// a 64-bit size); anything smaller is not an MP4.
			return identity{what: "a damaged MP4 file"}
		}
		return identity{container: MP4, what: "an MP4 recording"}
	case Ogg:
		return identity{container: Ogg, what: "an Ogg file"}
	default:
		return identity{container: WAV, what: "a WAV audio file"}
	}
}

// ebmlDocType reads the DocType from an EBML header. ok is false when the
// header is malformed or ends before the DocType.
func ebmlDocType(head []byte) (string, bool) {
	p := 4 // past the EBML ID
	size, n, ok := ebmlVint(head[p:])
	if !ok {
		return "", false
	}
	p += n
	end := len(head)
	if size < uint64(end-p) {
		end = p + int(size)
	}
	for p < end {
		id, n, ok := ebmlID(head[p:end])
		if !ok {
			return "", false
		}
		p += n
		size, n, ok := ebmlVint(head[p:end])
		if !ok {
			return "", false
		}
		p += n
		if size > uint64(end-p) {
			return "", false
		}
		if id == 0x4282 { // DocType
			return string(bytes.TrimRight(head[p:p+int(size)], "\x00")), true
		}
		p += int(size)
	}
	return "", false
}

// ebmlID reads an element ID: a variable-length integer whose marker bits
// are kept, as the Matroska spec writes IDs.
func ebmlID(b []byte) (uint32, int, bool) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0, false
	}
	n := 1
	for mask := byte(0x80); b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > 4 || len(b) < n {
		return 0, 0, false
	}
	var id uint32
	for _, c := range b[:n] {
		id = id<<8 | uint32(c)
	}
	return id, n, true
}

// ebmlVint reads an element size: a variable-length integer of 1 to 8 bytes
// without its marker bit.
func ebmlVint(b []byte) (uint64, int, bool) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0, false
	}
	n := 1
	mask := byte(0x80)
	for ; b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if len(b) < n {
		return 0, 0, false
	}
	v := uint64(b[0] & (mask - 1))
	for _, c := range b[1:n] {
		v = v<<8 | uint64(c)
	}
	return v, n, true
}

// describeRest names a head that matched no signature: text, a web page, an
// MPEG audio or transport stream, or unknown data.
func describeRest(head []byte) string {
	if len(head) >= 2 && head[0] == 0xff && head[1]&0xe0 == 0xe0 {
		if head[1]&0x06 == 0 {
			return "an AAC audio stream"
		}
		return "an MP3 audio file"
	}
	if len(head) >= 189 && head[0] == 0x47 && head[188] == 0x47 {
		return "an MPEG transport stream"
	}
	if isText(head) {
		t := strings.ToLower(strings.TrimSpace(string(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))))
		switch {
		case strings.HasPrefix(t, "<!doctype html"), strings.HasPrefix(t, "<html"):
			return "a web page"
		case strings.HasPrefix(t, "<?xml"), strings.HasPrefix(t, "<svg"):
			return "an XML or SVG document"
		case strings.HasPrefix(t, "{"), strings.HasPrefix(t, "["):
			return "JSON text"
		default:
			return "text"
		}
	}
	return "data we do not recognise"
}

// isText reports whether head is UTF-8 without control characters other
// than whitespace, allowing a rune cut off at the end.
func isText(head []byte) bool {
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n <= 1 {
			return len(head)-i < utf8.UTFMax && !utf8.FullRune(head[i:])
		}
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return false
		}
		i += n
	}
	return true
}

// printable replaces control characters in untrusted text echoed to a
// candidate.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return '?'
		}
		return r
	}, s)
}
