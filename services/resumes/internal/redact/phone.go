package redact

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Phone detection is a hand-written scanner rather than a regular
// expression, because what makes a digit run a phone number is its overall
// shape (7 to 15 digits per E.164, grouped by single separators) and its
// neighbourhood (a leading "+", a "Tel:" label, the resume header), while
// the numbers a resume is made of (years, ranges, versions, dates, counts,
// money, percentages) must survive.
//
// A run is a sequence of digit groups joined by at most one of " ", "-", "."
// plus parentheses, so "(415) 555-0142" and "+49 (0)30 1234567" are one run
// while "2019 - 2021" (space, dash, space) and "4,000" are not.

const (
	minPhoneDigits = 7  // shortest subscriber number worth calling a phone
	maxPhoneDigits = 15 // E.164 maximum, country code included
	// strongPhoneDigits is the length from which a run is a phone even in the
	// body without a "+" or a label: no year, count or version is that long.
	strongPhoneDigits = 9
	// maxPhoneGroups bounds the window search over one run, keeping the scan
	// linear: every group has a digit, so a longer window has too many digits.
	maxPhoneGroups = maxPhoneDigits + 1
)

// phoneLabelRe recognises a phone label ending right before a number:
// "Tel:", "Mobile No.", "Phone (work):", "M:".
var phoneLabelRe = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:(?:tel|telephone|phone|ph|mobile|mob|cell|cellphone|whatsapp|call|fax|contact)` +
	`\.?(?:[ \t]*(?:no|number|num|#))?\.?[ \t]*(?:\([\p{L} ]{1,10}\))?[ \t]*[:\-–=]?|[mtp][ \t]*:)[ \t]*$`)

// phoneExtRe matches an extension right after a number: " ext. 12", "x123", " #4".
var phoneExtRe = regexp.MustCompile(`^(?i:[ \t]*,?[ \t]*(?:x|ext|extn|extension)[ \t]*[.:]?[ \t]*\d{1,6}|[ \t]*#[ \t]*\d{1,6})\b`)

// group is one run of ASCII digits inside a candidate number.
type group struct {
	start, end int    // byte offsets of the digits
	sep        string // separator before this group ("" for the first)
	paren      bool   // the group is wrapped in parentheses, e.g. "(0)" or "(415)"
}

func (g group) digits() int { return g.end - g.start }

// findPhones returns the spans of phone numbers in text.
func findPhones(text string, lay layout) []span {
	var spans []span
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		groups, runEnd := scanGroups(text, i)
		if prefix, plus, ok := phoneStart(text, i); ok {
			spans = appendPhones(spans, text, prefix, plus, groups, lay)
		} else {
			runEnd = groups[0].end // skip only the glued group: "v1" in "v1 415 555 0142"
		}
		if len(spans) > 0 {
			runEnd = max(runEnd, spans[len(spans)-1].end) // past an extension
		}
		i = runEnd
	}
	return spans
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// phoneStart decides whether a number may start at the digit at i and
// returns where its span starts (including a "+" or "(" prefix). A digit
// glued to a word ("p99", "v1", "ID123") or continuing a decimal or
// separated number ("1.22", "4,000", "12/2021") does not start a number.
func phoneStart(text string, i int) (prefix int, plus, ok bool) {
	prefix = i
	r := runeBefore(text, prefix)
	if r == '(' {
		prefix--
		r = runeBefore(text, prefix)
	}
	if r == '+' {
		prefix--
		plus = true
		r = runeBefore(text, prefix)
	}
	// A "+" always starts a number, even glued to the digits of another
	// ("...77310+91..."), but not after a letter ("C+17").
	if r == '+' || (isWordRune(r) && !(plus && r < utf8.RuneSelf && isDigit(byte(r)))) {
		return i, false, false
	}
	// Separators only count as the start of a number after a space or
	// punctuation: "1.22", "4,000", "12/2021" and "12:30" continue a number.
	// A colon after a letter is a label ("Tel:+91 ...").
	if r == '.' || r == ',' || r == '-' || r == '/' || r == ':' {
		prev := runeBefore(text, prefix-1)
		if (r != ':' && isWordRune(prev)) || (prev < utf8.RuneSelf && isDigit(byte(prev))) {
			return i, false, false
		}
	}
	return prefix, plus, true
}

// scanGroups reads the digit groups of the run starting at i and returns
// them with the byte offset just after the run.
func scanGroups(text string, i int) ([]group, int) {
	var groups []group
	sep := ""
	for {
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		g := group{start: i, end: j, sep: sep}
		g.paren = i > 0 && text[i-1] == '(' && j < len(text) && text[j] == ')'
		groups = append(groups, g)
		// Look for a separator and another group.
		k, parens, others := j, 0, 0
		for k < len(text) && k-j < 4 {
			c := text[k]
			if c == '(' || c == ')' {
				parens++
			} else if c == ' ' || c == '-' || c == '.' {
				others++
			} else {
				break
			}
			k++
		}
		if k == j || k >= len(text) || !isDigit(text[k]) || parens > 2 || others > 1 || !balanced(text, i, j, k) {
			return groups, j
		}
		sep, i = text[j:k], k
	}
}

// balanced reports whether the parentheses in the separator text[j:k],
// between the group text[i:j] and the next one, pair up with the groups
// they wrap: a ")" closes a "(" right before text[i:j], and a "(" is
// closed right after the next group. "(415) 555", "+49 (0)30" pass;
// "2000 (0" and "12) 34" do not.
func balanced(text string, i, j, k int) bool {
	sep := text[j:k]
	if strings.IndexByte(sep, ')') >= 0 && (i == 0 || text[i-1] != '(') {
		return false
	}
	if strings.IndexByte(sep, '(') >= 0 {
		e := k
		for e < len(text) && isDigit(text[e]) {
			e++
		}
		if e >= len(text) || text[e] != ')' {
			return false
		}
	}
	return true
}

// appendPhones finds the phone numbers in one run of groups: the whole run
// if it qualifies, otherwise the longest qualifying windows from left to
// right (so "+91 98450 77310 2019" yields the number and keeps the year).
func appendPhones(spans []span, text string, prefix int, plus bool, groups []group, lay layout) []span {
	c := phoneContext{
		text:    text,
		prefix:  prefix,
		plus:    plus,
		money:   moneyBefore(text, prefix),
		percent: percentAfter(text, groups[len(groups)-1].end),
		lay:     lay,
	}
	if c.isPhone(groups, true, true) {
		return append(spans, c.span(prefix, groups, true))
	}
	for i := 0; i < len(groups); {
		found := false
		for j := min(len(groups), i+maxPhoneGroups); j > i; j-- {
			w := groups[i:j]
			if isYear(text, w[0]) {
				break // "2016-2019 415-555-0142": do not start a number at a year
			}
			if c.isPhone(w, i == 0, j == len(groups)) {
				start := w[0].start
				if i == 0 {
					start = prefix
				} else if w[0].paren {
					start--
				}
				spans = append(spans, c.span(start, w, j == len(groups)))
				i, found = j, true
				break
			}
		}
		if !found {
			i++
		}
	}
	return spans
}

// phoneContext holds what is known about the surroundings of one run.
type phoneContext struct {
	text           string
	prefix         int  // where the run starts, "+" or "(" included
	plus           bool // a leading "+": a strong signal for the first group
	money, percent bool // "$", "Rs", "%" around the run
	lay            layout
}

// labelled reports whether a phone label ("Tel:", "Mobile") ends right
// before the run. It is only asked about runs long enough to be a phone,
// as the regular expression is the costly part of the scan.
func (c phoneContext) labelled() bool {
	return phoneLabelRe.MatchString(c.text[lineStart(c.text, c.prefix, 40):c.prefix])
}

// isPhone applies the digit-count, shape and neighbourhood rules to a
// window of groups. first and last say whether the window touches the
// run's ends, where the prefix and suffix signals apply.
func (c phoneContext) isPhone(w []group, first, last bool) bool {
	d, trunk := 0, false
	for _, g := range w {
		d += g.digits()
		if g.paren && g.digits() == 1 && c.text[g.start] == '0' {
			trunk = true // "+49 (0)30": the 0 is dialled only nationally
		}
	}
	maxD := maxPhoneDigits
	if trunk {
		maxD++
	}
	if d < minPhoneDigits || d > maxD {
		return false
	}
	if (first && c.money) || (last && c.percent) {
		return false
	}
	if allYears(c.text, w) || isDate(c.text, w) || isIPv4(c.text, w) {
		return false
	}
	if first && (c.plus || strings.HasPrefix(c.text[w[0].start:], "00") || c.labelled()) {
		return true
	}
	contact := c.lay.inContact(w[0].start)
	if !contact && isThousands(w) {
		return false
	}
	return d >= strongPhoneDigits || contact
}

// span builds the span for window w starting at start, taking a closing
// parenthesis and, at the end of the run, an extension with it.
func (c phoneContext) span(start int, w []group, last bool) span {
	end := w[len(w)-1].end
	if end < len(c.text) && c.text[end] == ')' && strings.Count(c.text[start:end], "(") > strings.Count(c.text[start:end], ")") {
		end++
	}
	if last {
		p := end
		for p < len(c.text) && (c.text[p] == ' ' || c.text[p] == '\t' || c.text[p] == ',') {
			p++
		}
		if p < len(c.text) && strings.IndexByte("xXeE#", c.text[p]) >= 0 {
			// An extension ends the number: "x 0 000000000" is another number.
			if m := phoneExtRe.FindStringIndex(c.text[end:]); m != nil && !continuesNumber(c.text, end+m[1]) {
				end += m[1]
			}
		}
	}
	return span{start, end, KindPhone}
}

// lineStart returns the start of the line holding pos, but no further back
// than limit bytes.
func lineStart(text string, pos, limit int) int {
	from := max(0, pos-limit)
	if nl := strings.LastIndexByte(text[from:pos], '\n'); nl >= 0 {
		return from + nl + 1
	}
	for from < pos && !utf8.RuneStart(text[from]) {
		from++
	}
	return from
}

// moneyBefore reports whether a currency sign or code precedes pos.
func moneyBefore(text string, pos int) bool {
	p := pos
	if p > 0 && text[p-1] == ' ' {
		p--
	}
	switch runeBefore(text, p) {
	case '$', '€', '£', '₹', '¥':
		return true
	}
	if r := runeBefore(text, p); !isASCIILetter(byte(min(r, 0x7f))) && r != '.' {
		return false
	}
	q := p
	if q > 0 && text[q-1] == '.' {
		q-- // "Rs. 500000"
		if q > 0 && (text[q-1] == ' ' || text[q-1] == '\t') {
			return false // "Rs . 500000" is not how money is written
		}
	}
	w := lastWordBefore(text, q)
	for _, cur := range []string{"rs", "inr", "usd", "eur", "gbp", "aud", "cad", "sgd"} {
		if strings.EqualFold(w, cur) {
			return true
		}
	}
	return false
}

// percentAfter reports whether a percent sign or word follows pos.
func percentAfter(text string, pos int) bool {
	rest := strings.TrimLeft(text[pos:min(len(text), pos+12)], " ")
	return strings.HasPrefix(rest, "%") || hasPrefixFold(rest, "percent")
}

// isYear reports whether g is a four-digit year between 1900 and 2099.
func isYear(text string, g group) bool {
	if g.digits() != 4 {
		return false
	}
	s := text[g.start:g.end]
	return strings.HasPrefix(s, "19") || strings.HasPrefix(s, "20")
}

// allYears reports whether every group is a year: "2016-2019", "2019 2020 2021".
func allYears(text string, w []group) bool {
	for _, g := range w {
		if !isYear(text, g) {
			return false
		}
	}
	return true
}

// isDate reports whether the window starts with a date: 2021-03-15,
// 15.03.2021, 3-15-2021 (a time may follow).
func isDate(text string, w []group) bool {
	if len(w) < 3 {
		return false
	}
	n := func(g group) int { v, _ := strconv.Atoi(text[g.start:g.end]); return v }
	a, b, y := w[0], w[1], w[2]
	if isYear(text, a) && b.digits() <= 2 && y.digits() <= 2 {
		return n(b) >= 1 && n(b) <= 12 && n(y) >= 1 && n(y) <= 31
	}
	if isYear(text, y) && a.digits() <= 2 && b.digits() <= 2 {
		return n(a) >= 1 && n(a) <= 31 && n(b) >= 1 && n(b) <= 31 && (n(a) <= 12 || n(b) <= 12)
	}
	return false
}

// isIPv4 reports whether the window is a dotted-quad address.
func isIPv4(text string, w []group) bool {
	if len(w) != 4 {
		return false
	}
	for i, g := range w {
		if g.digits() > 3 || (i > 0 && g.sep != ".") {
			return false
		}
		if v, _ := strconv.Atoi(text[g.start:g.end]); v > 255 {
			return false
		}
	}
	return true
}

// isThousands reports whether the window is a number with thousands
// separators, "1 000 000" or "12.500.000": a first group of one to three
// digits, then groups of exactly three, all joined by the same space or dot.
func isThousands(w []group) bool {
	if len(w) < 2 || w[0].digits() > 3 {
		return false
	}
	for _, g := range w[1:] {
		if g.digits() != 3 || g.sep != w[1].sep || (g.sep != " " && g.sep != ".") {
			return false
		}
	}
	return true
}
