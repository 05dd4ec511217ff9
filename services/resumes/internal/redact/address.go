package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Address anchors. A street address is recognised by its structure, a house
// number followed by capitalised words and a street word ("14 Residency
// Road"), never by a street word alone: "Main" in "main branch" or "Main
// Street" without a number is left alone. Everything after the anchor that
// still looks like an address (capitalised words, postcodes, state codes) is
// taken with it; in a contact zone the whole contact-line segment is taken.
const (
	addrWord = `\p{Lu}[\p{L}\p{M}'’.\-]*`
	houseNum = `(?:No\.?[ \t]*|#[ \t]*)?\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?`
	// streetWords are street types across the markets Moksho serves (US, UK,
	// India, EU). Words that are common in prose ("Park", "Point", "View",
	// "Path", "Ring") are left out on purpose.
	streetWords = `Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Marg|Nagar|Layout|Cross|Main|Sector|` +
		`Place|Pl|Court|Ct|Terrace|Close|Crescent|Square|Sq|Highway|Hwy|Parkway|Pkwy|Gardens|Mews|Parade|Quay|` +
		`Plaza|Circle|Trail|Strasse|Straße|Str|Weg|Platz|Allee|Gasse|Salai|Chowk|Colony|Enclave|Vihar|Bagh|Puram`
	// ordinalStreets may follow an ordinal directly: "5th Avenue", "12th Main", "3rd Cross".
	ordinalStreets = `Main|Cross|Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Block|Stage|Phase|Sector`
	// romanceStreets come before the name: "12 Rue de Rivoli", "Via Roma 12".
	romanceStreets = `Rue|Avenida|Calle|Via|Viale|Piazza|Rua|Carrer|Boulevard|Avenue`
	particles      = `(?:(?:de|del|de la|des|du|della|di|do|da|dos|das|la|le|les|l')[ \t]+)?`
)

// rareStreetRe matches the address shapes that do not end in a street
// word: Romance street names ("12 Rue de Rivoli", "Via Roma 12"), German and
// Nordic compounds ("Hauptstraße 5"), PO boxes, and Indian sector and plot
// numbers. It only runs in a small window around its anchor word. The
// common number-first shape is parsed by hand (numberFirstStreet).
var rareStreetRe = regexp.MustCompile(
	`\b` + houseNum + `,?[ \t]+(?:` + romanceStreets + `)[ \t]+` + particles + addrWord +
		`|\b(?:` + romanceStreets + `)[ \t]+` + particles + addrWord + `(?:[ \t]+` + addrWord + `){0,2},?[ \t]+\d{1,4}[a-zA-Z]?\b` +
		`|\b\p{Lu}[\p{L}\-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|damm|ufer|gracht|laan|straat|plein|vej|gatan|gade|veien)[ \t]+\d{1,4}[a-zA-Z]?\b` +
		`|(?i:\b(?:P\.?[ \t]?O\.?|Post(?:al)?[ \t]+Office|GPO)[ \t]*Box[ \t]*#?[ \t]*\d+)` +
		`|\b(?:Sector|Plot(?:[ \t]+No\.?)?)[ \t]*-?[ \t]*\d{1,4}[A-Z]?\b`)

// Sets for the hand-written parsers.
var (
	streetWordSet    = setOf(strings.Split(streetWords, "|")...)
	ordinalStreetSet = setOf(strings.Split(ordinalStreets, "|")...)
	usStates         = setOf(strings.Split("AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY", "|")...)
)

// addressLabelRe finds an explicit "Address:" label; what follows it up to
// the end of the segment is an address wherever it appears.
var addressLabelRe = regexp.MustCompile(`(?i)\b(?:home[ \t]+|postal[ \t]+|mailing[ \t]+|residential[ \t]+|current[ \t]+|permanent[ \t]+)?address[ \t]*:[ \t]*`)

// addressTailRe matches one more part of an address after the anchor: a
// separator (comma, space, dash, or a comma and a line break for addresses
// wrapped by PDF layout) and a token that starts with a capital or a digit.
var addressTailRe = regexp.MustCompile(`^(?:[ \t]*,[ \t]*(?:\r?\n[ \t]*)?|[ \t]+|[ \t]*[-–][ \t]*)` +
	`((?:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}\b)|[\p{Lu}\p{N}][\p{L}\p{M}\p{N}'’.\-]*)`)

// addressPrefixRe matches a flat or unit designation, or a bare house number
// with a comma, right before a street anchor ("Flat 3, 14 Residency Road").
var addressPrefixRe = regexp.MustCompile(`(?:(?:Apt|Apartment|Flat|Suite|Ste|Unit|Room|Rm|Floor|Fl|House|Door|Bldg|Building|Tower|Wing)` +
	`\.?[ \t]*(?:No\.?[ \t]*)?#?[ \t]*[\p{L}\p{N}][\p{L}\p{N}\-/]*[ \t]*,?[ \t]*|#?[ \t]*\d{1,5}[A-Za-z]?[ \t]*,[ \t]*)+$`)

// maxAddressTail bounds how many parts follow an anchor ("Bengaluru",
// "Karnataka", "560025", ...), which keeps the scan linear and stops a
// run of capitalised words in prose from being swallowed.
const maxAddressTail = 8

// findAddresses returns the spans of postal addresses in text.
func findAddresses(text string, lay layout) []span {
	var spans []span
	for _, m := range streetMatches(text) {
		start, end := m[0], m[1]
		// "2nd Cross-functional team": the street word must end the word.
		if r := runeAt(text, end); r == '-' || r == '\'' || r == '’' || unicode.IsLetter(r) {
			continue
		}
		if r := runeBefore(text, start); r == '.' || r == ',' || r == '$' || r == '+' {
			continue
		}
		if lay.inContact(start) {
			s, e := contactSegment(text, start)
			spans = append(spans, span{min(s, start), max(e, addressTail(text, end)), KindAddress})
			continue
		}
		tailEnd := addressTail(text, end)
		if tailEnd == end && !endsClause(text, end) {
			continue // "2 Google Drive integrations"
		}
		spans = append(spans, span{addressPrefix(text, start), tailEnd, KindAddress})
	}
	for _, z := range lay.zones() {
		for _, m := range findPostcodes(text, z[0], z[1]) {
			s, e := contactSegment(text, m[0])
			if s < e && !strings.Contains(text[s:e], "]") {
				spans = append(spans, span{min(s, m[0]), max(e, m[1]), KindAddress})
			}
		}
	}
	for from := 0; ; {
		i := indexFold(text[from:], "address")
		if i < 0 {
			break
		}
		i += from
		from = i + len("address")
		lo, hi := window(text, i, 0, 40, 40)
		m := addressLabelRe.FindStringIndex(text[lo:hi])
		if m == nil || lo+m[0] > i || lo+m[1] <= i {
			continue
		}
		switch strings.ToLower(lastWordBefore(text, lo+m[0])) {
		case "ip", "mac", "email", "e-mail", "web", "memory", "wallet":
			continue
		}
		if _, e := contactSegment(text, lo+m[1]); e > lo+m[1] {
			spans = append(spans, span{lo + m[1], e, KindAddress})
		}
	}
	for _, z := range lay.zones() {
		spans = append(spans, findPlaces(text, z[0], z[1])...)
	}
	return mergeSpans(spans)
}

// findPlaces returns, in a contact zone, the segments that are a place
// written as parts separated by commas and ending in a country, region or
// state ("Pune, Maharashtra, India", "Berlin, Germany", "Austin, TX"): in
// a resume's contact lines that is where the candidate lives. A list of
// capitalised words that does not end in a place ("Go, Kubernetes, AWS")
// is left alone.
func findPlaces(text string, from, to int) []span {
	var spans []span
	for pos := from; pos < to; {
		end := strings.IndexByte(text[pos:to], '\n')
		if end < 0 {
			end = to
		} else {
			end += pos
		}
		for seg := pos; seg < end; {
			s, e := segmentBounds(text[:end], seg)
			if e <= seg {
				e = seg + 1
			}
			// Skip leading marks: a pin emoji, a bullet, Markdown.
			for s < e {
				r, size := utf8.DecodeRuneInString(text[s:])
				if unicode.IsLetter(r) {
					break
				}
				s += size
			}
			if s < e && isPlace(text[s:e]) {
				spans = append(spans, span{s, e, KindAddress})
			}
			seg = e
			for seg < end {
				r, size := utf8.DecodeRuneInString(text[seg:])
				if !isSeparatorRune(r) && !unicode.IsSpace(r) {
					break
				}
				seg += size
			}
		}
		pos = end + 1
	}
	return spans
}

// isPlace reports whether s is two to four comma-separated parts of one
// to three capitalised words each, none a job or heading word, the last
// a country or region (placeWords, countries), or a US state code after a
// known city ("Denver, CO"; "Economics, MA" is a degree).
func isPlace(s string) bool {
	parts := strings.Split(strings.TrimSpace(s), ",")
	if len(parts) < 2 || len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		words := strings.Fields(p)
		if len(words) == 0 || len(words) > 3 {
			return false
		}
		for _, w := range words {
			if notNameWords[strings.ToLower(w)] || !(isNameWord(w) || usStates[w]) {
				return false
			}
		}
	}
	last := strings.TrimSpace(parts[len(parts)-1])
	if usStates[last] {
		for _, w := range strings.Fields(parts[len(parts)-2]) {
			if !placeWords[strings.ToLower(w)] {
				return false
			}
		}
		return true
	}
	for _, w := range strings.Fields(last) {
		if !placeWords[strings.ToLower(w)] && !countries[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// streetMatches returns the street anchors of text: a number-first street
// ("14 Residency Road", "5th Cross") or one of the rare shapes, found by
// looking for the words that every shape contains and parsing around them.
func streetMatches(text string) [][2]int {
	var out [][2]int
	last := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		ws := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) {
				break
			}
			i += size
		}
		if ws < last || isWordRune(runeBefore(text, ws)) || isWordRune(runeAt(text, i)) {
			continue
		}
		// Every anchor is capitalised except "box" in "P.O. box".
		if c := text[ws]; 'a' <= c && c <= 'z' && c != 'b' {
			continue
		}
		if s, e, ok := numberFirstStreet(text, ws, i); ok && s >= last {
			out = append(out, [2]int{s, e})
			last = e
			continue
		}
		if !isRareStreetAnchor(text, ws, i) {
			continue
		}
		lo, hi := window(text, ws, last, 60, 60)
		if !strings.ContainsAny(text[lo:hi], "0123456789") {
			continue
		}
		if s, e, ok := firstMatchAround(rareStreetRe, text, lo, hi, ws, i); ok {
			out = append(out, [2]int{s, e})
			last = e
		}
	}
	return out
}

// numberFirstStreet parses backwards from a street word at text[ws:we]
// over one to four capitalised words to a house number: "14 Residency
// Road", "221B, Baker St.", "No. 5 Church Street"; or from an ordinal
// directly: "12th Main", "3rd Cross Road".
func numberFirstStreet(text string, ws, we int) (int, int, bool) {
	w := text[ws:we]
	if !streetWordSet[w] && !ordinalStreetSet[w] {
		return 0, 0, false
	}
	end := we
	if end < len(text) && text[end] == '.' {
		end++
	}
	p, words := ws, 0
	for {
		q := p
		for q > 0 && (text[q-1] == ' ' || text[q-1] == '\t') {
			q--
		}
		if q == p {
			return 0, 0, false
		}
		t := q
		for t > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:t])
			if !isWordRune(r) && !strings.ContainsRune(".'’-,#/", r) {
				break
			}
			t -= size
		}
		tok := text[t:q]
		switch houseNumber(tok) {
		case plainNumber:
			if words < 1 || !streetWordSet[w] {
				return 0, 0, false
			}
			return numberPrefix(text, t), end, true
		case ordinalNumber:
			if (words == 0 && ordinalStreetSet[w]) || (words >= 1 && words <= 3 && streetWordSet[w]) {
				return t, end, true
			}
			return 0, 0, false
		}
		if words == 4 || !isAddrWord(tok) {
			return 0, 0, false
		}
		words++
		p = t
	}
}

// Kinds of house number token.
const (
	notNumber = iota
	plainNumber
	ordinalNumber
)

// houseNumber classifies a token: "14", "221B", "12-14", "14/2", "#14",
// "14," are plain numbers; "5th", "12th", "2nd" are ordinals.
func houseNumber(tok string) int {
	tok = strings.TrimPrefix(tok, "#")
	digits := 0
	for digits < len(tok) && isDigit(tok[digits]) {
		digits++
	}
	if digits == 0 {
		return notNumber
	}
	rest := tok[digits:]
	if digits <= 3 {
		switch rest {
		case "st", "nd", "rd", "th":
			return ordinalNumber
		}
	}
	if digits > 5 {
		return notNumber
	}
	rest = strings.TrimSuffix(rest, ",")
	if len(rest) > 0 && isASCIILetter(rest[0]) {
		rest = rest[1:]
	}
	if rest == "" {
		return plainNumber
	}
	if rest[0] != '-' && rest[0] != '/' {
		return notNumber
	}
	rest = rest[1:]
	d := 0
	for d < len(rest) && isDigit(rest[d]) {
		d++
	}
	if d == 0 || d > 5 {
		return notNumber
	}
	rest = rest[d:]
	if len(rest) > 0 && isASCIILetter(rest[0]) {
		rest = rest[1:]
	}
	if rest == "" {
		return plainNumber
	}
	return notNumber
}

// numberPrefix extends a house number start over a preceding "No." or "#".
func numberPrefix(text string, t int) int {
	p := t
	for p > 0 && (text[p-1] == ' ' || text[p-1] == '\t') {
		p--
	}
	for _, pre := range []string{"No.", "No", "#"} {
		if strings.HasSuffix(text[:p], pre) && !isWordRune(runeBefore(text, p-len(pre))) {
			return p - len(pre)
		}
	}
	return t
}

// isAddrWord reports whether tok is a capitalised word that may be part of
// a street name: "Residency", "St.", "O'Connell", "Jean-Jaurès".
func isAddrWord(tok string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	if !unicode.IsUpper(r) {
		return false
	}
	for _, r := range tok {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !strings.ContainsRune("'’.-", r) {
			return false
		}
	}
	return true
}

// romanceAnchors are the street words of Romance-language addresses.
var romanceAnchors = setOf(strings.Split(romanceStreets, "|")...)

// germanSuffixes end compound street names: "Hauptstraße", "Keizersgracht".
var germanSuffixes = []string{"straße", "strasse", "weg", "platz", "allee", "gasse", "damm", "ufer", "gracht", "laan", "straat", "plein", "vej", "gatan", "gade", "veien"}

// isRareStreetAnchor reports whether the word text[ws:we] may be part of a
// rareStreetRe shape.
//
// Each shape needs a number right after its anchor ("Box 12", "Sector 62",
// "Hauptstraße 5") except Romance streets, which may have it before; that
// is checked here so the regular expression rarely runs.
func isRareStreetAnchor(text string, ws, we int) bool {
	w := text[ws:we]
	numberNext := func(from int) bool {
		p := skipBlanks(text, from)
		for p < len(text) && (text[p] == '#' || text[p] == '-' || text[p] == '.' || text[p] == 'N' || text[p] == 'o' || text[p] == ' ') && p-from < 6 {
			p++
		}
		return p < len(text) && isDigit(text[p])
	}
	switch {
	case romanceAnchors[w]:
		return true
	case w == "Sector" || w == "Plot" || strings.EqualFold(w, "box"):
		return numberNext(we)
	case !unicode.IsUpper(runeAt(text, ws)):
		return false
	}
	for _, suf := range germanSuffixes {
		if len(w) > len(suf) && strings.EqualFold(w[len(w)-len(suf):], suf) {
			return numberNext(we)
		}
	}
	return runeAt(text, we) == '.' && len(w) > 3 && strings.EqualFold(w[len(w)-3:], "str") && numberNext(we+1)
}

// findPostcodes returns the postcodes in text[lo:hi] that are specific
// enough to identify a home: UK full postcodes ("EC1M 5PS"), US state and
// ZIP ("TX 78701"), Canadian ("K1A 0B1"), Indian PIN after a city or a PIN
// label ("Bengaluru 560025"), and continental "10115 Berlin" / "1011 AB
// Amsterdam". It is anchored on digit runs and checks the shapes by hand.
func findPostcodes(text string, lo, hi int) [][2]int {
	var out [][2]int
	for i := lo; i < hi; {
		if !isDigit(text[i]) {
			i++
			continue
		}
		ds := i
		for i < hi && isDigit(text[i]) {
			i++
		}
		if m, ok := postcodeAt(text[:hi], ds, i); ok && (len(out) == 0 || m[0] >= out[len(out)-1][1]) {
			out = append(out, m)
		}
	}
	return out
}

// postcodeAt checks the postcode shapes around the digit run text[ds:de].
func postcodeAt(text string, ds, de int) ([2]int, bool) {
	n := de - ds
	// UK inward code "5PS" after an outward code "EC1M", with or without a space.
	if n == 1 && de+2 <= len(text) && isUpperASCII(text[de]) && isUpperASCII(text[de+1]) && !isWordRune(runeAt(text, de+2)) {
		o := ds
		if o > 0 && (text[o-1] == ' ' || text[o-1] == '\t') {
			o--
		}
		os := o
		for os > 0 && o-os < 4 && (isUpperASCII(text[os-1]) || isDigit(text[os-1])) {
			os--
		}
		if isUKOutward(text[os:o]) && !isWordRune(runeBefore(text, os)) {
			return [2]int{os, de + 2}, true
		}
	}
	// Canadian "K1A 0B1": anchored on the 0 of the second half.
	if n == 1 && de+2 <= len(text) && isUpperASCII(text[de]) && isDigit(text[de+1]) && !isWordRune(runeAt(text, de+2)) {
		o := ds
		if o > 0 && (text[o-1] == ' ' || text[o-1] == '\t') {
			o--
		}
		if o >= 3 && isUpperASCII(text[o-3]) && isDigit(text[o-2]) && isUpperASCII(text[o-1]) && !isWordRune(runeBefore(text, o-3)) {
			return [2]int{o - 3, de + 2}, true
		}
	}
	if isWordRune(runeBefore(text, ds)) || isWordRune(runeAt(text, de)) || continuesNumber(text, de) {
		return [2]int{}, false
	}
	switch n {
	case 5:
		end := de
		if end+5 <= len(text) && text[end] == '-' && allDigits(text[end+1:end+5]) && !isWordRune(runeAt(text, end+5)) {
			end += 5
		}
		// US: "TX 78701", "CA, 94110".
		p := ds
		for p > 0 && (text[p-1] == ' ' || text[p-1] == '\t' || text[p-1] == ',') {
			p--
		}
		if p < ds && p >= 2 && usStates[text[p-2:p]] && !isWordRune(runeBefore(text, p-2)) {
			return [2]int{p - 2, end}, true
		}
		// Continental: "10115 Berlin", "D-10115 Berlin".
		if b := skipBlanks(text, de); b > de {
			if w := capitalisedWordAt(text, b); w > 0 {
				s := ds
				if s >= 2 && text[s-1] == '-' && isUpperASCII(text[s-2]) {
					s -= 2
				}
				return [2]int{s, w}, true
			}
		}
	case 6:
		if text[ds] == '0' {
			break
		}
		// India: a city before ("Bengaluru 560025", "Pune - 411001") or a PIN label.
		p := ds
		for p > 0 && strings.IndexByte(" \t,-:", text[p-1]) >= 0 {
			p--
		}
		ws := p
		for ws > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:ws])
			if !unicode.IsLetter(r) {
				break
			}
			ws -= size
		}
		word := text[ws:p]
		if ws < p && (unicode.IsUpper(runeAt(text, ws)) && len(word) >= 2 || strings.EqualFold(word, "pin") || strings.EqualFold(word, "pincode")) {
			return [2]int{ws, de}, true
		}
	case 4:
		// Netherlands: "1011 AB Amsterdam".
		p := skipBlanks(text, de)
		if p+2 <= len(text) && isUpperASCII(text[p]) && isUpperASCII(text[p+1]) && !isWordRune(runeAt(text, p+2)) {
			if b := skipBlanks(text, p+2); b > p+2 {
				if w := capitalisedWordAt(text, b); w > 0 {
					return [2]int{ds, w}, true
				}
			}
		}
	}
	return [2]int{}, false
}

// isUKOutward reports whether s is a UK outward code: A9, A9A, A99, AA9, AA9A, AA99.
func isUKOutward(s string) bool {
	if len(s) < 2 || len(s) > 4 || !isUpperASCII(s[0]) {
		return false
	}
	i := 1
	if isUpperASCII(s[i]) {
		i++
	}
	if i >= len(s) || !isDigit(s[i]) {
		return false
	}
	i++
	if i < len(s) && (isDigit(s[i]) || isUpperASCII(s[i])) {
		i++
	}
	return i == len(s)
}

// capitalisedWordAt returns the end of an upper-case letter followed by
// lower-case letters at i ("Berlin"), or 0.
func capitalisedWordAt(text string, i int) int {
	if i >= len(text) {
		return 0
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	if !unicode.IsUpper(r) {
		return 0
	}
	j := i + size
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !unicode.IsLower(r) {
			break
		}
		j += size
	}
	if j == i+size {
		return 0
	}
	return j
}

func skipBlanks(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	return i
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// contactSegment returns the bounds of the contact-line segment holding pos,
// continued onto the next line when the line ends with a comma (an address
// wrapped by the PDF layout: "901 Congress Avenue, Austin,\nTX 78701 | ...").
func contactSegment(text string, pos int) (int, int) {
	start, end := segmentBounds(text, pos)
	if indexFold(text[start:end], "address") >= 0 {
		if label := addressLabelRe.FindStringIndex(text[start:end]); label != nil && label[0] == 0 {
			start += label[1]
		}
	}
	for range 2 {
		if end <= start || text[end-1] != ',' {
			break
		}
		nl := end
		for nl < len(text) && (text[nl] == ' ' || text[nl] == '\t' || text[nl] == '\r') {
			nl++
		}
		if nl >= len(text) || text[nl] != '\n' {
			break
		}
		next := nl + 1
		for next < len(text) && (text[next] == ' ' || text[next] == '\t') {
			next++
		}
		if next >= len(text) || text[next] == '\n' {
			break
		}
		_, e := segmentBounds(text, next)
		if e <= next {
			break
		}
		end = e
	}
	return start, end
}

// addressTail returns where the address that starts with an anchor ending
// at end stops: after the last capitalised word, number or postcode that
// follows it.
func addressTail(text string, end int) int {
	for range maxAddressTail {
		m := addressTailRe.FindStringSubmatchIndex(text[end:])
		if m == nil {
			break
		}
		tok := text[end+m[2] : end+m[3]]
		end += m[1]
		// A word that ends a sentence closes the address, and the full stop
		// stays: "14 Residency Road, Bengaluru. Built ..." stops before ".".
		// Short tokens keep theirs, they are abbreviations ("St.", "Apt.").
		if strings.HasSuffix(tok, ".") && len(tok) > 4 {
			return end - 1
		}
	}
	return end
}

// endsClause reports whether what follows pos ends the address: end of
// line, end of text, closing punctuation or a field separator.
func endsClause(text string, pos int) bool {
	for pos < len(text) && (text[pos] == ' ' || text[pos] == '\t') {
		pos++
	}
	if pos >= len(text) {
		return true
	}
	r := runeAt(text, pos)
	return r == '\n' || r == '\r' || r == ',' || r == '.' || r == ';' || r == ')' || isSeparatorRune(r)
}

// addressPrefix moves start left over a flat or unit designation on the
// same line ("Flat 3, 14 Residency Road").
func addressPrefix(text string, start int) int {
	from, _ := window(text, start, 0, 60, 0)
	if m := addressPrefixRe.FindStringIndex(text[from:start]); m != nil {
		s := from + m[0]
		if r := runeBefore(text, s); !isWordRune(r) {
			return s
		}
	}
	return start
}

// lastWordBefore returns the word that ends right before pos, skipping spaces.
func lastWordBefore(text string, pos int) string {
	end := pos
	for end > 0 && (text[end-1] == ' ' || text[end-1] == '\t') {
		end--
	}
	start := end
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if !isWordRune(r) && r != '-' {
			break
		}
		start -= size
	}
	return text[start:end]
}

// continuesNumber reports whether a digit group follows pos after at most
// one separator, i.e. the "postcode" just matched is the start of a phone
// number such as "98450 77310".
func continuesNumber(text string, pos int) bool {
	if pos < len(text) && strings.IndexByte(" .-", text[pos]) >= 0 {
		pos++
	}
	return pos < len(text) && text[pos] >= '0' && text[pos] <= '9'
}
