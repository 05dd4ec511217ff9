package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ligatures expands the Latin ligatures PDFs often carry, so that "ﬁnance"
// matches "finance" downstream.
var ligatures = map[rune]string{
	0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st",
}

// privateBullets are the Symbol and Wingdings bullet glyphs that Word PDFs
// map into the Private Use Area; they become "•" so bullets stay bullets.
var privateBullets = map[rune]bool{
	0xF0B7: true, 0xF0A7: true, 0xF0A8: true, 0xF076: true, 0xF0D8: true, 0xF0FC: true, 0xF06E: true, 0xF0E8: true,
}

// dropped are invisible format characters: soft hyphen, zero width space,
// word joiner, byte order mark, and the bidirectional controls, which can
// make text read differently from how it displays. Zero width (non-)joiners
// stay: scripts such as Persian and Devanagari need them.
func dropped(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x200B, r == 0x2060, r == 0xFEFF, r == 0x061C, r == 0x180E,
		r == 0x200E, r == 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0xFFFD, r == 0xFFFE, r == 0xFFFF, r >= 0xFDD0 && r <= 0xFDEF:
		// Replacement characters and noncharacters carry no text.
		return true
	case unicode.Is(unicode.Cc, r):
		return true
	}
	return false
}

func isLineBreak(r rune) bool {
	return r == '\n' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029
}

// normalize puts text from any format into one shape: NFC, "\n" line
// breaks, no control or invisible characters, every run of whitespace within
// a line a single space, no leading or trailing spaces on a line, at most one
// blank line in a row, none at the start or end. It keeps at most maxRunes
// runes and reports whether it cut.
func normalize(raw string, maxRunes int) (string, bool) {
	var b strings.Builder
	b.Grow(min(len(raw), 4*maxRunes))
	var (
		runes      int  // runes written
		lineLen    int  // runes on the current line
		space      bool // a space is due before the next visible rune
		blank      bool // a blank line is due before the next line
		cut        bool
		afterCR    bool
		wroteLines bool // a line has been written
	)
	write := func(r rune) bool {
		if runes >= maxRunes {
			cut = true
			return false
		}
		b.WriteRune(r)
		runes++
		return true
	}
	visible := func(r rune) bool {
		if lineLen == 0 {
			if wroteLines {
				if !write('\n') {
					return false
				}
				if blank && !write('\n') {
					return false
				}
			}
			blank, space = false, false
		} else if space {
			if !write(' ') {
				return false
			}
			space = false
		}
		if !write(r) {
			return false
		}
		lineLen++
		wroteLines = true
		return true
	}
	newline := func() {
		if lineLen == 0 {
			blank = wroteLines
		}
		lineLen, space = 0, false
	}
	for _, r := range raw {
		if cut {
			break
		}
		if afterCR {
			afterCR = false
			if r == '\n' {
				continue
			}
		}
		switch {
		case r == '\r':
			afterCR = true
			newline()
		case isLineBreak(r):
			newline()
		case r == '\t' || unicode.IsSpace(r):
			space = lineLen > 0
		case dropped(r):
		case privateBullets[r]:
			visible('•')
		default:
			if lig, ok := ligatures[r]; ok {
				for _, l := range lig {
					visible(l)
				}
				continue
			}
			visible(r)
		}
	}
	// NFC comes last: a dropped character (an invalid byte, a zero
	// width space) may have stood between a letter and its accent. It
	// may also lengthen the text (U+0344 becomes two marks).
	out := norm.NFC.String(b.String())
	if utf8.RuneCountInString(out) > maxRunes {
		out = string([]rune(out)[:maxRunes])
		cut = true
	}
	if cut {
		// The cut may fall right after a line break.
		out = strings.TrimRight(out, "\n ")
	}
	return out, cut
}
