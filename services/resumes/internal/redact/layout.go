package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxHeaderLines bounds the header when a resume has no recognisable section
// heading, so that a long unstructured text is not treated as all header.
const maxHeaderLines = 10

// maxHeaderBytes bounds the header of a text without line breaks (a bad
// PDF extraction), where the contact rules would otherwise cover it all.
const maxHeaderBytes = 2048

// layout knows which byte ranges of a resume are contact zones: the header
// (everything before the first section heading) and sections headed
// "Contact", "Personal details", "Links" and the like. Personal data is
// dense there, so the rules are looser (a bare 8-digit number is a phone, a
// city with a postcode is an address); in the body they are strict. The zero
// layout has no contact zone; Scrub uses it for snippets cut from the body.
type layout struct {
	headerEnd int      // byte offset where the header ends
	contact   [][2]int // further contact sections, [start, end)
}

// newLayout scans the lines of text for section headings.
func newLayout(text string) layout {
	var l layout
	headerDone := false
	contactStart := -1
	lineNo := 0
	for pos := 0; pos < len(text); lineNo++ {
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		line := text[pos:end]
		if h, ok := heading(line); ok {
			if !headerDone {
				l.headerEnd = pos
				headerDone = true
			}
			if contactStart >= 0 {
				l.contact = append(l.contact, [2]int{contactStart, pos})
				contactStart = -1
			}
			if contactHeadings[h] {
				contactStart = end
			}
		}
		if !headerDone && (lineNo+1 >= maxHeaderLines || end >= maxHeaderBytes) {
			l.headerEnd = min(end+1, len(text), max(pos, maxHeaderBytes))
			headerDone = true
		}
		pos = end + 1
	}
	if !headerDone {
		l.headerEnd = len(text)
	}
	if contactStart >= 0 {
		l.contact = append(l.contact, [2]int{contactStart, len(text)})
	}
	return l
}

// inContact reports whether byte offset pos lies in a contact zone.
func (l layout) inContact(pos int) bool {
	if pos < l.headerEnd {
		return true
	}
	for _, c := range l.contact {
		if pos >= c[0] && pos < c[1] {
			return true
		}
	}
	return false
}

// sectionHeadings are the normalised section titles that end the header.
// Headings joined with "&" or "and" ("Skills & Tools") are split first.
var sectionHeadings = map[string]bool{
	"summary": true, "professional summary": true, "profile": true, "professional profile": true,
	"about": true, "about me": true, "objective": true, "career objective": true, "overview": true,
	"experience": true, "work experience": true, "professional experience": true, "employment": true,
	"employment history": true, "work history": true, "career history": true, "relevant experience": true,
	"education": true, "academic background": true, "qualifications": true,
	"skills": true, "technical skills": true, "core skills": true, "key skills": true, "tools": true,
	"core competencies": true, "competencies": true, "expertise": true, "technologies": true,
	"projects": true, "personal projects": true, "side projects": true, "selected projects": true,
	"certifications": true, "certificates": true, "licenses": true, "awards": true, "honors": true, "honours": true,
	"publications": true, "languages": true, "interests": true, "hobbies": true, "references": true,
	"achievements": true, "accomplishments": true, "volunteering": true, "volunteer experience": true,
	"training": true, "courses": true, "activities": true, "leadership": true, "highlights": true,
	"contact": true, "contact information": true, "contact info": true, "contact details": true,
	"personal details": true, "personal information": true, "personal info": true, "details": true,
	"links": true, "profiles": true, "online profiles": true, "social": true, "socials": true,
}

// contactHeadings are the headings whose section is a contact zone.
var contactHeadings = map[string]bool{
	"contact": true, "contact information": true, "contact info": true, "contact details": true,
	"personal details": true, "personal information": true, "personal info": true, "details": true,
	"links": true, "profiles": true, "online profiles": true, "social": true, "socials": true,
}

// heading reports whether line is a section heading and returns its
// normalised form (lower case, single spaces, no trailing colon).
func heading(line string) (string, bool) {
	s := strings.TrimSpace(strings.Trim(line, " \t\r\f\v:#*=-_"))
	if s == "" || len(s) > 40 || strings.ContainsAny(s, "0123456789@|[.") {
		return "", false
	}
	// Lower-case and collapse spaces into a stack buffer: this runs for
	// every short line, several times per resume.
	var buf [48]byte
	b := buf[:0]
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			space = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = append(b, c)
	}
	if sectionHeadings[string(b)] {
		return string(b), true
	}
	if !strings.ContainsAny(s, "&/,") && indexFold(s, " and ") < 0 {
		return "", false
	}
	s = string(b)
	// "Skills & Tools", "Education and Training".
	parts := strings.FieldsFunc(strings.ReplaceAll(s, " and ", "&"), func(r rune) bool { return r == '&' || r == '/' || r == ',' })
	if len(parts) < 2 {
		return "", false
	}
	for _, p := range parts {
		if !sectionHeadings[strings.TrimSpace(p)] {
			return "", false
		}
	}
	return strings.TrimSpace(parts[0]), true
}

// isSeparatorRune reports whether r separates fields on a resume contact
// line ("a@b.com | +1 ... | 12 Main St").
func isSeparatorRune(r rune) bool {
	switch r {
	case '|', '•', '·', '●', '◦', '▪', '■', '⋅', '∙', '¦', '│', '\t', '\f':
		return true
	}
	return false
}

// maxSegment bounds how far a contact-line segment extends either side of
// a match. Real segments are short; the bound keeps a text made of one long
// line from being rescanned for every match on it.
const maxSegment = 160

// segmentBounds returns the [start, end) of the contact-line segment around
// pos: from just after the previous separator (or line start) to just before
// the next separator, placeholder or line end. Three or more spaces also
// separate, as pdftotext -layout renders columns that way.
func segmentBounds(text string, pos int) (int, int) {
	start := pos
	for start > max(0, pos-maxSegment) {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if r == '\n' || r == ']' || isSeparatorRune(r) || strings.HasSuffix(text[:start], "   ") {
			break
		}
		start -= size
	}
	end := pos
	for end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if r == '\n' || r == '\r' || r == '[' || isSeparatorRune(r) || strings.HasPrefix(text[end:], "   ") {
			break
		}
		end += size
	}
	for start < end {
		r, size := utf8.DecodeRuneInString(text[start:])
		if !unicode.IsSpace(r) {
			break
		}
		start += size
	}
	for end > start {
		r, size := utf8.DecodeLastRuneInString(text[:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return start, end
}

// isWordRune reports whether r is part of a word for boundary checks. RE2's
// \b only understands ASCII, which would split "José" after the s.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// runeBefore returns the rune ending at byte offset i, or utf8.RuneError at 0.
func runeBefore(text string, i int) rune {
	if i <= 0 {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return r
}

// runeAt returns the rune starting at byte offset i, or utf8.RuneError at the end.
func runeAt(text string, i int) rune {
	if i >= len(text) {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return r
}

// zones returns the contact zones as [start, end) ranges, header first.
func (l layout) zones() [][2]int {
	z := make([][2]int, 0, 1+len(l.contact))
	if l.headerEnd > 0 {
		z = append(z, [2]int{0, l.headerEnd})
	}
	return append(z, l.contact...)
}

// window returns a range around pos bounded by its line, by floor (the end
// of the previous match) and by before/after bytes, adjusted to rune
// boundaries. Matching a regular expression in such a window instead of the
// whole text keeps every pass linear and fast: Go's regexp has no DFA, so a
// pattern that starts with a letter class is expensive to search for. The
// line break is only searched for within the window, so that a text made of
// one long line stays linear too.
func window(text string, pos, floor, before, after int) (int, int) {
	lo := max(floor, pos-before, 0)
	hi := min(len(text), pos+after)
	if nl := strings.LastIndexByte(text[lo:pos], '\n'); nl >= 0 {
		lo += nl + 1
	}
	if nl := strings.IndexByte(text[pos:hi], '\n'); nl >= 0 {
		hi = pos + nl
	}
	for lo < pos && !utf8.RuneStart(text[lo]) {
		lo++
	}
	for hi > pos && hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi--
	}
	return lo, hi
}

// hasPrefixFold reports whether s starts with lower, an ASCII lower-case
// string, ignoring ASCII case.
func hasPrefixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// indexFold returns the index of the first occurrence of lower (ASCII,
// lower case) in s ignoring ASCII case, or -1.
func indexFold(s, lower string) int {
	if lower == "" {
		return 0
	}
	first, upper := lower[0], lower[0]
	if 'a' <= first && first <= 'z' {
		upper = first - ('a' - 'A')
	}
	for i := 0; i+len(lower) <= len(s); i++ {
		if (s[i] == first || s[i] == upper) && hasPrefixFold(s[i:], lower) {
			return i
		}
	}
	return -1
}

// isASCIILetter reports whether c is an ASCII letter.
func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// firstMatchAround returns the leftmost match of re in text[lo:hi] that
// overlaps [from, to). It stops at the first such match instead of
// collecting every match in the window.
func firstMatchAround(re *regexp.Regexp, text string, lo, hi, from, to int) (int, int, bool) {
	for p := lo; p < hi && p <= from; {
		m := re.FindStringIndex(text[p:hi])
		if m == nil {
			break
		}
		s, e := p+m[0], p+m[1]
		if s < to && e > from {
			return s, e, true
		}
		if s >= to {
			break
		}
		p = max(e, s+1)
	}
	return 0, 0, false
}
