package password

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Length limits, in characters (Unicode code points, not bytes, so that a
// password in Devanagari or with emoji is measured the way its owner counts
// it). Ten is long enough that, with the list and pattern checks below,
// guessing by brute force is impractical; 128 leaves room for any passphrase
// a person types and refuses pasted blobs of text.
const (
	MinLength = 10
	MaxLength = 128
)

// Codes of a PolicyError. They are stable: clients and the HTTP API's
// problem types are keyed on them, so existing values must not change.
const (
	CodeTooShort   = "too_short"
	CodeTooLong    = "too_long"
	CodeCommon     = "common"
	CodePersonal   = "personal"
	CodeRepetitive = "repetitive"
	CodeSequence   = "sequence"
)

// PolicyError is why Check refused a password. It is a separate type rather
// than a set of sentinel errors because the caller needs two things from it:
// a stable Code to branch on and a Reason to show the user as is.
type PolicyError struct {
	// Code is one of the Code* constants.
	Code string
	// Reason tells the user, in a sentence or two, what was wrong and what
	// to do instead. It never repeats the password.
	Reason string
}

// Error returns the code and reason, for logs and wrapped errors.
func (e *PolicyError) Error() string {
	return fmt.Sprintf("password refused (%s): %s", e.Code, e.Reason)
}

// adviceSuffix ends most reasons with what to do instead. Its example
// passphrase is on the common list, so nobody can take it literally.
const adviceSuffix = " A few unrelated words, like \"violet tractor monsoon lantern\", are easy to remember and hard to guess."

// reasons holds the user-facing text for each code.
var reasons = map[string]string{
	CodeTooShort: fmt.Sprintf("Use at least %d characters.", MinLength) + adviceSuffix,
	CodeTooLong:  fmt.Sprintf("Use at most %d characters.", MaxLength),
	CodeCommon: "This password, or the word it is built on, is one of the most common passwords, so attackers try it first. " +
		"Adding digits, symbols or swaps like @ for a does not change that." + adviceSuffix,
	CodePersonal:   "Leave your name and email address out of your password: they are the first things someone who knows you would try.",
	CodeRepetitive: "Avoid repeating the same character or group of characters (like \"aaaa\" or \"abcabc\")." + adviceSuffix,
	CodeSequence:   "Avoid sequences and keyboard patterns like \"12345\", \"abcdef\" or \"qwerty\"." + adviceSuffix,
}

// refuse returns a new PolicyError each time, so a caller that edits one
// cannot change what the next caller sees.
func refuse(code string) *PolicyError {
	return &PolicyError{Code: code, Reason: reasons[code]}
}

// Check applies the password policy to pw, a password a user is choosing.
// personal is what the account knows about its owner (name, email), whose
// fragments must not appear in the password. It returns nil when pw is
// acceptable and a *PolicyError otherwise; retrieve it with errors.As.
//
// The rules follow NIST SP 800-63B: a minimum length and a check against
// passwords attackers guess first, instead of composition rules (one digit,
// one symbol, ...) that make passwords harder to remember without making
// them harder to guess. The checks run in the order length, personal data,
// patterns, common list, so the user hears about the most specific problem.
func Check(pw string, personal ...string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return refuse(CodeTooShort)
	case n > MaxLength:
		return refuse(CodeTooLong)
	}
	lower := strings.ToLower(pw)
	if containsPersonal(lower, personal) {
		return refuse(CodePersonal)
	}
	if err := checkPatterns(lower); err != nil {
		return err
	}
	if isCommon(lower) {
		return refuse(CodeCommon)
	}
	return nil
}

// --- common passwords ---

// commonTxt is the list of common passwords and the base words they are
// built from; see the header of common.txt for its format and sources.
//
//go:embed common.txt
var commonTxt string

// commonSet is commonTxt as a set, built on first use so that a process that
// never checks a password does not pay for it.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 4096)
	sc := bufio.NewScanner(strings.NewReader(commonTxt))
	for sc.Scan() {
		line := strings.ToLower(strings.TrimSpace(sc.Text()))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[line] = struct{}{}
	}
	return set
})

// isCommon reports whether lower, or any normalised form of it, is on the
// common list. Normalising undoes what people do to a common word to get it
// past composition rules: letter-for-symbol swaps, digits and symbols
// tacked on either end, separators between the parts.
func isCommon(lower string) bool {
	set := commonSet()
	for _, v := range variants(lower) {
		if _, ok := set[v]; ok {
			return true
		}
	}
	return false
}

// leetI and leetL undo the usual substitutions. "1" stands for both "i" and
// "l", so there are two replacers and variants tries both.
var (
	leetI = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s")
	leetL = strings.NewReplacer("0", "o", "1", "l", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s")
)

// normalisers are the steps variants combines, in every order, because the
// order matters: in "p@ssw0rd2024" the trailing digits must go before the
// swaps (or "2024" becomes "2o2a"), in "@dmin2024!" the swaps must come
// before the leading symbol is stripped (or "@" is lost instead of becoming
// "a"), and the ends are also trimmed one at a time for the same reason.
// repeatedUnit turns "password password" into "password".
var normalisers = []func(string) string{
	leetI.Replace,
	leetL.Replace,
	func(s string) string { return strings.TrimFunc(s, isNotLetter) },
	func(s string) string { return strings.TrimLeftFunc(s, isNotLetter) },
	func(s string) string { return strings.TrimRightFunc(s, isNotLetter) },
	func(s string) string { return strings.TrimFunc(s, unicode.IsDigit) },
	func(s string) string { return strings.TrimFunc(s, isSymbol) },
	func(s string) string { return strings.Map(dropSeparator, s) },
	repeatedUnit,
}

// maxVariants bounds the closure below. Each step only shortens or
// rewrites the string, so it ends well before this; the cap is a guard.
const maxVariants = 256

// variants returns s and every string reachable from it by applying
// normalisers in any order, non-empty and without duplicates.
func variants(s string) []string {
	seen := map[string]bool{s: true}
	out := []string{s}
	for i := 0; i < len(out) && len(out) < maxVariants; i++ {
		for _, f := range normalisers {
			v := f(out[i])
			if v != "" && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// isLetter counts combining marks as letters: in scripts such as Devanagari
// the vowel signs are marks, and a name without them loses half its runes.
func isLetter(r rune) bool { return unicode.IsLetter(r) || unicode.IsMark(r) }

func isNotLetter(r rune) bool { return !isLetter(r) }

func isSymbol(r rune) bool { return !isLetter(r) && !unicode.IsDigit(r) }

func dropSeparator(r rune) rune {
	if unicode.IsSpace(r) || strings.ContainsRune("-_.,+", r) {
		return -1
	}
	return r
}

// --- personal data ---

// minPersonal is the shortest name or email fragment Check looks for.
// Shorter fragments ("al", "raj") occur by chance inside unrelated words and
// would refuse good passwords for no reason.
const minPersonal = 4

// containsPersonal reports whether lower, or its swap-undone forms with
// separators removed, contains a fragment of the personal data.
func containsPersonal(lower string, personal []string) bool {
	frags := personalFragments(personal)
	if len(frags) == 0 {
		return false
	}
	forms := []string{alnum(lower), alnum(leetI.Replace(lower)), alnum(leetL.Replace(lower))}
	for _, f := range frags {
		for _, form := range forms {
			if strings.Contains(form, f) {
				return true
			}
		}
	}
	return false
}

// personalFragments splits names and email addresses into the pieces a
// guesser would try: the whole email local part and the whole name with
// separators removed ("asharao"), each word and each run of letters or
// digits in them ("asha", "2024"), and the domain's labels except the
// top-level one ("example" but not "com"), each also with swaps undone.
// Fragments shorter than minPersonal are dropped.
func personalFragments(personal []string) []string {
	var out []string
	add := func(s string) {
		if s = alnum(s); utf8.RuneCountInString(s) >= minPersonal {
			// "r0hit" in an email must also stop "rohit" in a password.
			out = append(out, s, leetI.Replace(s), leetL.Replace(s))
		}
	}
	addWords := func(s string) {
		add(s)
		for _, w := range strings.FieldsFunc(s, isSymbol) {
			add(w)
			for _, part := range splitLettersDigits(w) {
				add(part)
			}
		}
	}
	for _, p := range personal {
		p = strings.ToLower(strings.TrimSpace(p))
		at := strings.LastIndexByte(p, '@')
		if at < 0 {
			addWords(p)
			continue
		}
		addWords(p[:at])
		labels := strings.Split(p[at+1:], ".")
		for _, l := range labels[:len(labels)-1] {
			add(l)
		}
	}
	return out
}

// alnum keeps only letters and digits.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if isLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// splitLettersDigits splits "rao92" into "rao" and "92".
func splitLettersDigits(s string) []string {
	var parts []string
	start, digit := 0, false
	for i, r := range s {
		if d := unicode.IsDigit(r); i > 0 && d != digit {
			parts = append(parts, s[start:i])
			start = i
		}
		digit = unicode.IsDigit(r)
	}
	return append(parts, s[start:])
}

// --- patterns ---

// lines are runs of characters people type in order: the alphabet, digits,
// keyboard rows (QWERTY, QWERTZ, AZERTY, shifted digits), keyboard columns
// and the digit-letter zigzags behind "1q2w3e4r". A stretch of a password
// that follows a line forwards or backwards is as easy to guess as one
// character.
var lines = toRunes(

	"abcdefghijklmnopqrstuvwxyz",
	"0123456789",
	"1234567890",
	"`1234567890-=",
	"~!@#$%^&*()_+",
	"qwertyuiop[]\\",
	"asdfghjkl;'",
	"zxcvbnm,./",
	"qwertzuiop",
	"yxcvbnm",
	"azertyuiop",
	"qsdfghjklm",
	"wxcvbn",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
	"zaq1xsw2cde3vfr4bgt5nhy6mju7",
	"1q2w3e4r5t6y7u8i9o0p",
	"q1w2e3r4t5y6u7i8o9p0",
	"1a2s3d4f5g6h7j8k9l",
	"a1s2d3f4g5h6j7k8l9",
	"7894561230",
	"147258369",
)

func toRunes(ss ...string) [][]rune {
	out := make([][]rune, len(ss))
	for i, s := range ss {
		out[i] = []rune(s)
	}
	return out
}

// maxTrivialRuns is how many repeats or sequences a password may consist of
// and still be refused. Three covers "aaaaa12345" and "qwerty123456!@#"
// while any password with real variety in it has many more.
const maxTrivialRuns = 3

// checkPatterns refuses passwords that are a repeated unit ("abcabcabc",
// "passpass2024", "ab ab ab ab ab") or are covered by a few repeats and
// sequences ("aaaaa12345", "qwerty123456").
func checkPatterns(lower string) error {
	for _, form := range []string{lower, strings.Map(dropSeparator, lower)} {
		if isRepeatedUnit([]rune(form)) {
			return refuse(CodeRepetitive)
		}
		// The same with the decoration at the ends removed; a minimum length
		// so that "aa-83749261" (two equal letters, then random digits) passes.
		if core := []rune(strings.TrimFunc(form, isNotLetter)); len(core) >= 6 && isRepeatedUnit(core) {
			return refuse(CodeRepetitive)
		}
	}
	runs, sequence := trivialRuns([]rune(lower))
	if runs <= maxTrivialRuns {
		if sequence {
			return refuse(CodeSequence)
		}
		return refuse(CodeRepetitive)
	}
	return nil
}

// isRepeatedUnit reports whether rs is some shorter string repeated two or
// more times, which includes a single character repeated.
func isRepeatedUnit(rs []rune) bool {
	return unitLen(rs) < len(rs)
}

// unitLen is the length of the shortest unit rs is a repetition of (len(rs)
// when it is not a repetition).
func unitLen(rs []rune) int {
	for unit := 1; unit <= len(rs)/2; unit++ {
		if len(rs)%unit != 0 {
			continue
		}
		repeated := true
		for i := unit; i < len(rs); i++ {
			if rs[i] != rs[i-unit] {
				repeated = false
				break
			}
		}
		if repeated {
			return unit
		}
	}
	return len(rs)
}

// repeatedUnit returns the unit s repeats ("password" for
// "passwordpassword"), or s itself.
func repeatedUnit(s string) string {
	rs := []rune(s)
	return string(rs[:unitLen(rs)])
}

// trivialRuns covers rs greedily with the longest repeat or line stretch at
// each position and returns how many runs that took and whether any run of
// two or more characters followed a line (a sequence rather than a repeat).
func trivialRuns(rs []rune) (runs int, sequence bool) {
	for i := 0; i < len(rs); runs++ {
		best, bestSeq := repeatLen(rs, i), false
		for _, l := range lines {
			if n := lineLen(rs, i, l); n > best {
				best, bestSeq = n, true
			}
		}
		if best >= 2 && bestSeq {
			sequence = true
		}
		i += best
	}
	return runs, sequence
}

func repeatLen(rs []rune, i int) int {
	n := 1
	for i+n < len(rs) && rs[i+n] == rs[i] {
		n++
	}
	return n
}

// lineLen is the length of the longest stretch of rs starting at i that
// follows line forwards or backwards (0 when rs[i] is not on the line).
func lineLen(rs []rune, i int, line []rune) int {
	best := 0
	for k, c := range line {
		if c != rs[i] {
			continue
		}
		for _, dir := range []int{1, -1} {
			n := 1
			for i+n < len(rs) && k+n*dir >= 0 && k+n*dir < len(line) && rs[i+n] == line[k+n*dir] {
				n++
			}
			best = max(best, n)
		}
	}
	return best
}
