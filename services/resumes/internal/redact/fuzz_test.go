package redact

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz oracles are written independently of the implementation and are
// deliberately simpler: an email-looking string is anything@host.tld, a
// phone-looking string is a run of digit groups joined by single spaces,
// dots or dashes with 9 to 15 digits in total. Only the exemptions the
// product requires (years, dates, IP addresses, thousands, money and
// percentages) are allowed to survive.
var (
	oracleEmailRe = regexp.MustCompile(`[\p{L}\p{N}._%+'\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	oraclePhoneRe = regexp.MustCompile(`\+?\d+(?:[ .\-]\d+)*`)
)

// oracleDigitGroups splits a phone-looking run into its digit groups and
// the separators between them.
func oracleDigitGroups(run string) (groups []string, seps []byte) {
	cur := strings.Builder{}
	for i := 0; i < len(run); i++ {
		c := run[i]
		switch {
		case c >= '0' && c <= '9':
			cur.WriteByte(c)
		case c == '+':
		default:
			groups = append(groups, cur.String())
			seps = append(seps, c)
			cur.Reset()
		}
	}
	return append(groups, cur.String()), seps
}

// oracleExempt reports whether a phone-looking run is one of the numbers a
// resume must keep.
func oracleExempt(text string, start, end int) bool {
	run := text[start:end]
	groups, seps := oracleDigitGroups(run)
	year := func(g string) bool { return len(g) == 4 && (g[:2] == "19" || g[:2] == "20") }
	num := func(g string) int { n, _ := strconv.Atoi(g); return n }
	allYears := true
	for _, g := range groups {
		allYears = allYears && year(g)
	}
	if allYears {
		return true
	}
	if len(groups) >= 3 {
		a, b, c := groups[0], groups[1], groups[2]
		if year(a) && len(b) <= 2 && len(c) <= 2 && num(b) >= 1 && num(b) <= 12 && num(c) >= 1 && num(c) <= 31 {
			return true // 2021-03-15
		}
		if year(c) && len(a) <= 2 && len(b) <= 2 && num(a) >= 1 && num(a) <= 31 && num(b) >= 1 && num(b) <= 31 {
			return true // 15.03.2021
		}
	}
	if len(groups) == 4 && !strings.ContainsAny(string(seps), " -") {
		ip := true
		for _, g := range groups {
			ip = ip && len(g) <= 3 && num(g) <= 255
		}
		if ip {
			return true
		}
	}
	if len(groups) >= 2 && len(groups[0]) <= 3 && !strings.HasPrefix(run, "+") {
		thousands := true
		for i, g := range groups[1:] {
			thousands = thousands && len(g) == 3 && seps[i] == seps[0] && seps[0] != '-'
		}
		if thousands {
			return true
		}
	}
	before := strings.TrimRight(text[:start], " ")
	for _, cur := range []string{"$", "€", "£", "₹", "¥", "rs", "rs.", "inr", "usd", "eur", "gbp", "aud", "cad", "sgd"} {
		if strings.HasSuffix(strings.ToLower(before), cur) {
			return true
		}
	}
	after := strings.TrimLeft(text[end:], " ")
	return strings.HasPrefix(after, "%") || strings.HasPrefix(strings.ToLower(after), "percent")
}

// phoneRuns returns the phone-looking runs of s that stand on their own
// (not glued to a word or to the punctuation of a longer number), have 9
// to 15 digits and are not one of the exempt numbers.
func phoneRuns(s string) map[string]bool {
	runs := map[string]bool{}
	for _, m := range oraclePhoneRe.FindAllStringIndex(s, -1) {
		start, end := m[0], m[1]
		if r := runeBefore(s, start); isWordRune(r) || strings.ContainsRune(".,-/:+()", r) {
			continue
		}
		if r := runeAt(s, end); isWordRune(r) || strings.ContainsRune(".,-/:()", r) {
			continue
		}
		digits := 0
		for _, c := range s[start:end] {
			if c >= '0' && c <= '9' {
				digits++
			}
		}
		if digits >= 9 && digits <= 15 && !oracleExempt(s, start, end) {
			runs[s[start:end]] = true
		}
	}
	return runs
}

// checkNoLeak fails if out still holds an email-looking string, or a
// phone-looking run that stood on its own in the input too.
func checkNoLeak(t *testing.T, what, in, out string) {
	t.Helper()
	for _, e := range oracleEmailRe.FindAllString(out, -1) {
		if strings.Contains(in, e) {
			t.Fatalf("%s: email-looking %q survives in %q", what, e, out)
		}
	}
	inRuns := phoneRuns(in)
	for run := range phoneRuns(out) {
		if inRuns[run] {
			t.Fatalf("%s: phone-looking %q survives in %q", what, run, out)
		}
	}
}

// FuzzRedact checks the properties that must hold for any input, however
// hostile: no panic, no email- or phone-looking string from the input left
// in the output, output no longer than the input plus the placeholders,
// valid UTF-8 in gives valid UTF-8 out, and the same for Scrub.
func FuzzRedact(f *testing.F) {
	for _, seed := range []string{
		"", "Jane Doe\njane@example.com | +1 415 555 0142", "Summary\n2016-2019 415-555-0142",
		"jane [at] example [dot] com", "+49 (0)30 1234567 ext. 9", "14 Residency Road, Bengaluru 560025",
		"Go 1.22, Node.js, ASP.NET, 4,000 customers, 9%", "@jdoe github.com/jdoe www.x.com", "Name: Ann Lee\nAnn's",
		"901 Congress Avenue, Austin,\nTX 78701 | x.dev", "Rs 98450 77310", "10.120.130.140", "(415) 555-0142x12",
	} {
		f.Add(seed)
	}
	for _, p := range []string{"testdata/two-page.txt", "testdata/backend-go.txt", "testdata/frontend.txt"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := Redact(in)
		allowance := 0
		for k, n := range r.Counts {
			if n < 0 {
				t.Fatalf("Counts[%s] = %d", k, n)
			}
			allowance += n * len(placeholder(k))
		}
		if len(r.Text) > len(in)+allowance {
			t.Fatalf("output %d bytes, input %d + allowance %d", len(r.Text), len(in), allowance)
		}
		if utf8.ValidString(in) && !utf8.ValidString(r.Text) {
			t.Fatalf("valid UTF-8 in, invalid out: %q", r.Text)
		}
		if strings.Count(r.Text, "\n") != strings.Count(in, "\n") {
			t.Fatalf("line count changed: %q -> %q", in, r.Text)
		}
		checkNoLeak(t, "Redact", in, r.Text)
		if r.Name != "" {
			if !strings.Contains(strings.ToLower(collapse(in)), strings.ToLower(r.Name)) {
				t.Fatalf("Name %q is not in the input", r.Name)
			}
			if containsWord(r.Text, r.Name) {
				t.Fatalf("name %q survives in %q", r.Name, r.Text)
			}
		}
		s := r.Scrub(in)
		checkNoLeak(t, "Scrub", in, s)
		if r.Name != "" && containsWord(s, r.Name) {
			t.Fatalf("Scrub: name %q survives in %q", r.Name, s)
		}
	})
}
