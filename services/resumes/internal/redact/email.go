package redact

import (
	"regexp"
	"unicode"
	"unicode/utf8"
)

// Email patterns. The plain form accepts any Unicode letter, mark or digit
// and the usual punctuation in the local part (so plus-addressing and dotted
// names match) and any number of subdomains. The obfuscated forms are what
// people write to dodge scrapers: "jane [at] example [dot] com",
// "jane(at)example.com", "jane at example dot com" (the last only with a
// spelled-out "dot", so that "worked at Example.com" is left alone).
const (
	emailLocal = `[\p{L}\p{M}\p{N}._%+'\-]+`
	emailLabel = `[\p{L}\p{M}\p{N}\-]+`
	// atBracket is "[at]", "(at)", "{at}", "<at>", also with "@" inside.
	atBracket = `\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*`
	atWord    = `\s+at\s+`
	// dotBracket is "[dot]", "(dot)", also with "." inside.
	dotBracket = `\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*`
	dotWord    = `\s+dot\s+`
	dotObf     = `(?:` + dotBracket + `|` + dotWord + `)`
	dotAny     = `(?:` + dotBracket + `|` + dotWord + `|\.)`
	localAny   = emailLocal + `(?:` + dotObf + emailLocal + `)*`
)

// obfuscatedEmailRe matches every form, plain and obfuscated. It is only
// run in a small window around an "@" or an "at" that looks obfuscated (see
// findEmails); plain addresses are found by a scanner.
var obfuscatedEmailRe = regexp.MustCompile(`(?i)` +
	// Obfuscated "@" with any dots.
	localAny + `(?:` + atBracket + `)` + emailLabel + `(?:` + dotAny + emailLabel + `)+` +
	// Spelled-out " at " needs at least one spelled-out dot.
	`|` + localAny + atWord + emailLabel + `(?:` + dotAny + emailLabel + `)*?` + dotObf + emailLabel + `(?:` + dotAny + emailLabel + `)*` +
	// Real "@", dots plain or obfuscated.
	`|` + localAny + `@` + emailLabel + `(?:` + dotAny + emailLabel + `)+`)

// Window sizes around an "@": a local part is at most 64 bytes and a domain
// at most 255, with room for obfuscation padding.
const (
	emailBefore = 96
	emailAfter  = 288
)

// findEmails returns the spans of every email address in text.
func findEmails(text string) []span {
	var spans []span
	last := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		var s, e int
		var ok bool
		switch {
		case c == '@':
			lo, hi := window(text, i, last, emailBefore, emailAfter)
			if looksObfuscated(text[lo:hi]) {
				s, e, ok = matchAround(text, lo, hi, i)
			}
			if !ok {
				s, e, ok = plainEmail(text, i, lo)
			}
		case c|0x20 == 'a' && isObfuscatedAt(text, i):
			lo, hi := window(text, i, last, emailBefore, emailAfter)
			s, e, ok = matchAround(text, lo, hi, i)
		}
		if ok && s >= last {
			spans = append(spans, span{s, e, KindEmail})
			last = e
			i = e - 1
		}
	}
	return spans
}

// looksObfuscated reports whether a window may hold an obfuscated address,
// which only the regular expression understands.
func looksObfuscated(w string) bool {
	return indexFold(w, "dot") >= 0 || indexFold(w, "[@") >= 0 || indexFold(w, "(@") >= 0 ||
		indexFold(w, "{@") >= 0 || indexFold(w, "<@") >= 0
}

// isObfuscatedAt reports whether the "at" at i is a stand-in for "@":
// bracketed ("[at]", "( at )"), or a spelled-out word followed by a
// spelled-out "dot" nearby.
func isObfuscatedAt(text string, i int) bool {
	if !hasPrefixFold(text[i:], "at") || (i > 0 && isWordRune(runeBefore(text, i))) || isWordRune(runeAt(text, i+2)) {
		return false
	}
	p := i
	for p > 0 && (text[p-1] == ' ' || text[p-1] == '\t') {
		p--
	}
	n := i + 2
	for n < len(text) && (text[n] == ' ' || text[n] == '\t') {
		n++
	}
	if p > 0 && n < len(text) && isOpenBracket(text[p-1]) && isCloseBracket(text[n]) {
		return true
	}
	return p < i && n > i+2 && indexFold(text[n:min(len(text), n+emailAfter)], "dot") >= 0
}

func isOpenBracket(c byte) bool  { return c == '[' || c == '(' || c == '{' || c == '<' }
func isCloseBracket(c byte) bool { return c == ']' || c == ')' || c == '}' || c == '>' }

// matchAround returns the first match of obfuscatedEmailRe in text[lo:hi]
// that covers anchor.
func matchAround(text string, lo, hi, anchor int) (int, int, bool) {
	return firstMatchAround(obfuscatedEmailRe, text, lo, hi, anchor, anchor+1)
}

// plainEmail scans "local@label.label..." around the "@" at at, not going
// left of floor.
func plainEmail(text string, at, floor int) (int, int, bool) {
	s := at
	for s > floor {
		r, size := utf8.DecodeLastRuneInString(text[floor:s])
		if !isEmailLocalRune(r) || (r == utf8.RuneError && size <= 1) {
			break
		}
		s -= size
	}
	if s == at {
		return 0, 0, false
	}
	e := scanLabel(text, at+1)
	if e == at+1 {
		return 0, 0, false
	}
	dots := 0
	for e < len(text) && text[e] == '.' {
		next := scanLabel(text, e+1)
		if next == e+1 {
			break
		}
		e = next
		dots++
	}
	if dots == 0 {
		return 0, 0, false
	}
	return s, e, true
}

// scanLabel returns the end of the domain label starting at i.
func scanLabel(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isEmailLabelRune(r) || (r == utf8.RuneError && size <= 1) {
			break
		}
		i += size
	}
	return i
}

func isEmailLabelRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || r == '-'
}

func isEmailLocalRune(r rune) bool {
	return isEmailLabelRune(r) || r == '.' || r == '_' || r == '%' || r == '+' || r == '\''
}
