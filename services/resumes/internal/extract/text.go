package extract

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeText decodes a text file: UTF-8 (with or without a byte order mark),
// UTF-16 with a byte order mark, or Windows-1252 (what Notepad long saved as
// "ANSI") when the bytes are mostly ASCII without control characters. It
// reports false for anything else and for text with more than a small share
// of control characters, which is what binary data decoded by luck looks
// like.
func decodeText(data []byte) (string, bool) {
	var s string
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		if !utf8.Valid(data[3:]) {
			return "", false
		}
		s = string(data[3:])
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")):
		var ok bool
		if s, ok = decodeUTF16(data[2:], data[0] == 0xFF); !ok {
			return "", false
		}
	case utf8.Valid(data):
		s = string(data)
	default:
		var ok bool
		if s, ok = decodeWindows1252(data); !ok {
			return "", false
		}
	}
	if !mostlyText(s) {
		return "", false
	}
	return s, true
}

// decodeUTF16 decodes UTF-16 without its byte order mark; unpaired
// surrogates, which text editors do not write, make it fail.
func decodeUTF16(b []byte, little bool) (string, bool) {
	if len(b)%2 != 0 {
		return "", false
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if little {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		} else {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
	}
	for i := 0; i < len(u); i++ {
		switch {
		case u[i] >= 0xD800 && u[i] < 0xDC00:
			if i+1 >= len(u) || u[i+1] < 0xDC00 || u[i+1] >= 0xE000 {
				return "", false
			}
			i++
		case u[i] >= 0xDC00 && u[i] < 0xE000:
			return "", false
		}
	}
	var sb strings.Builder
	sb.Grow(len(u))
	for _, r := range utf16.Decode(u) {
		sb.WriteRune(r)
	}
	return sb.String(), true
}

// mostlyText reports whether at most 1% of the runes (and never more than a
// handful in a short file) are control characters other than whitespace.
// NUL in particular marks binary data and UTF-16 without a byte order mark.
func mostlyText(s string) bool {
	total, bad := 0, 0
	for _, r := range s {
		total++
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v':
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0):
			bad++
		}
	}
	return bad <= 2 || bad*100 <= total
}

// cp1252 maps the bytes 0x80-0x9F of Windows-1252 (0 where undefined); the
// bytes from 0xA0 are Latin-1 and equal their code points.
var cp1252 = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// decodeWindows1252 decodes legacy 8-bit text. Since any byte string decodes,
// it insists on what such text looks like: no control bytes besides
// whitespace, no undefined bytes, and at least 80% ASCII.
func decodeWindows1252(b []byte) (string, bool) {
	high := 0
	for _, c := range b {
		switch {
		case c == '\t' || c == '\n' || c == '\r' || c == '\f':
		case c < 0x20 || c == 0x7F:
			return "", false
		case c >= 0x80 && c < 0xA0 && cp1252[c-0x80] == 0:
			return "", false
		case c >= 0x80:
			high++
		}
	}
	if high*5 > len(b) {
		return "", false
	}
	var sb strings.Builder
	sb.Grow(len(b) + high)
	for _, c := range b {
		switch {
		case c >= 0x80 && c < 0xA0:
			sb.WriteRune(cp1252[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String(), true
}
