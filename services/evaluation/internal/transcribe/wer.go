package transcribe

import (
	"strings"
	"unicode"
)

// WER is the word error rate of hypothesis against reference: the fewest
// substitutions, deletions and insertions that turn the reference into the
// hypothesis, divided by the number of reference words. It returns the
// rate, the three counts and the reference length, so that rates over many
// files can be aggregated as total errors over total words rather than as
// a mean of rates.
//
// Both texts go through Normalize first, so that case, punctuation and
// digits-versus-words do not count as errors. With an empty reference the
// rate is 0 for an empty hypothesis and 1 otherwise, since any word heard
// in silence is a total failure but not an infinite one.
//
// It runs in time proportional to the product of the lengths and memory
// proportional to the hypothesis length.
func WER(reference, hypothesis string) (wer float64, subs, dels, ins, refWords int) {
	ref := strings.Fields(Normalize(reference))
	hyp := strings.Fields(Normalize(hypothesis))
	subs, dels, ins = align(ref, hyp)
	switch {
	case len(ref) > 0:
		wer = float64(subs+dels+ins) / float64(len(ref))
	case ins > 0:
		wer = 1
	}
	return wer, subs, dels, ins, len(ref)
}

// edit is one cell of the alignment: the cost so far and how it splits.
type edit struct{ cost, subs, dels, ins int32 }

// align counts the edits of a minimum-cost alignment with two rows of the
// Levenshtein table, carrying the counts in each cell instead of keeping
// the whole table for a backtrace. Among equal-cost paths it prefers a
// substitution, then a deletion, which gives the usual split.
func align(ref, hyp []string) (subs, dels, ins int) {
	prev := make([]edit, len(hyp)+1)
	cur := make([]edit, len(hyp)+1)
	for j := range prev {
		prev[j] = edit{cost: int32(j), ins: int32(j)}
	}
	for i := 1; i <= len(ref); i++ {
		cur[0] = edit{cost: int32(i), dels: int32(i)}
		for j := 1; j <= len(hyp); j++ {
			diag := prev[j-1]
			if ref[i-1] != hyp[j-1] {
				diag.cost++
				diag.subs++
			}
			best := diag
			if up := prev[j]; up.cost+1 < best.cost {
				best = up
				best.cost++
				best.dels++
			}
			if left := cur[j-1]; left.cost+1 < best.cost {
				best = left
				best.cost++
				best.ins++
			}
			cur[j] = best
		}
		prev, cur = cur, prev
	}
	last := prev[len(hyp)]
	return int(last.subs), int(last.dels), int(last.ins)
}

// Normalize prepares a transcript for scoring: lower case; digits spelled
// out as words; apostrophes and dots inside words removed ("don't" ->
// "dont", "e.g." -> "eg", so either spelling of a contraction or an
// abbreviation matches itself); every other punctuation mark, hyphens
// included, a word break ("one-page" -> "one page"); white space collapsed.
//
// Numbers are spelled the way an American reads them and a recogniser
// writes them: "120" -> "one hundred twenty", "40,000" -> "forty thousand",
// "3.5" -> "three point five", "$40" -> "forty dollars", "15%" ->
// "fifteen percent". Limitations, kept because any fix would be a guess:
// years are read as cardinals ("1999" -> "one thousand nine hundred ninety
// nine", not "nineteen ninety nine"); the British "and" in "one hundred and
// twenty" is a word like any other; ordinals ("1st") are left as digits and
// letters; spelling variants ("centre", "center") differ.
func Normalize(s string) string {
	var out []string
	for _, tok := range strings.Fields(strings.ToLower(s)) {
		out = append(out, normalizeToken(tok)...)
	}
	return strings.Join(out, " ")
}

// normalizeToken turns one white-space-separated token into zero or more
// words.
func normalizeToken(tok string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	runes := []rune(tok)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case isDigit(r) || (r == '$' && i+1 < len(runes) && isDigit(runes[i+1])):
			flush()
			n, num := readNumber(runes[i:])
			words = append(words, num...)
			i += n - 1
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		case r == '\'' || r == '’' || r == '.':
			// inside or after a word: dropped without breaking it
		default:
			flush()
		}
	}
	flush()
	return words
}

var (
	ones = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
		"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	tens   = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	scales = []string{"", "thousand", "million", "billion"}
)

// readNumber reads a number at the start of r: an optional "$", ASCII
// digits with optional thousands commas, an optional decimal part, an
// optional "%". It returns how many runes it used and the number in words.
// A number with more than twelve integer digits is spelled digit by digit,
// as nobody says it any other way.
func readNumber(r []rune) (int, []string) {
	i := 0
	dollars := r[0] == '$'
	if dollars {
		i++
	}
	var digits []rune
	for i < len(r) {
		if isDigit(r[i]) {
			digits = append(digits, r[i])
			i++
			continue
		}
		if r[i] == ',' && len(digits) > 0 && thousandsGroup(r[i+1:]) {
			i++
			continue
		}
		break
	}
	var frac []rune
	if i+1 < len(r) && r[i] == '.' && isDigit(r[i+1]) {
		i++
		for i < len(r) && isDigit(r[i]) {
			frac = append(frac, r[i])
			i++
		}
	}
	var words []string
	if len(digits) > 12 {
		for _, d := range digits {
			words = append(words, ones[d-'0'])
		}
	} else {
		words = cardinal(digits)
	}
	if len(frac) > 0 {
		words = append(words, "point")
		for _, d := range frac {
			words = append(words, ones[d-'0'])
		}
	}
	if i < len(r) && r[i] == '%' {
		words = append(words, "percent")
		i++
	}
	if dollars {
		words = append(words, "dollars")
	}
	return i, words
}

// thousandsGroup reports whether r starts with exactly three digits, which
// makes the comma before them a thousands separator rather than a list
// comma ("1,000" but not "1,2" or "1,2345").
func thousandsGroup(r []rune) bool {
	if len(r) < 3 || !isDigit(r[0]) || !isDigit(r[1]) || !isDigit(r[2]) {
		return false
	}
	return len(r) == 3 || !isDigit(r[3])
}

// isDigit reports an ASCII digit; other scripts' digits stay part of the
// word they are in.
func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// cardinal spells an integer of one to twelve digits.
func cardinal(digits []rune) []string {
	n := int64(0)
	for _, d := range digits {
		n = n*10 + int64(d-'0')
	}
	if n == 0 {
		return []string{"zero"}
	}
	var out []string
	for scale := len(scales) - 1; scale >= 0; scale-- {
		unit := int64(1)
		for range scale {
			unit *= 1000
		}
		g := n / unit % 1000
		if g == 0 {
			continue
		}
		out = append(out, belowThousand(int(g))...)
		if scales[scale] != "" {
			out = append(out, scales[scale])
		}
	}
	return out
}

// belowThousand spells 1..999.
func belowThousand(n int) []string {
	var out []string
	if n >= 100 {
		out = append(out, ones[n/100], "hundred")
		n %= 100
	}
	switch {
	case n == 0:
	case n < 20:
		out = append(out, ones[n])
	default:
		out = append(out, tens[n/10])
		if n%10 > 0 {
			out = append(out, ones[n%10])
		}
	}
	return out
}
