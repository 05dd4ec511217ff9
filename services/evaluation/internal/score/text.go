package score

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of an answer or a question. It keeps its byte span in
// the original text so that feedback can quote the candidate's own words
// exactly, with their original case and punctuation.
type token struct {
	low        string // lower case, curly apostrophes straightened
	stem       string // see stem
	start, end int    // byte span in the original text
	sent       int    // index of its sentence
	num        bool   // contains a digit, or is a number word
	capital    bool   // starts with an upper-case letter in the original
	acronym    bool   // two or more letters, all upper case
	initial    bool   // first word of its sentence
	clauseHead bool   // first word after , ; : ( or a dash
}

// sentence is a run of tokens [from, to). Unpunctuated transcripts are cut
// into pseudo-sentences so that position heuristics still work on them.
type sentence struct {
	from, to int
}

// doc is a tokenised text.
type doc struct {
	text  string
	toks  []token
	sents []sentence
}

// maxSentenceWords is where a run-on sentence (typical of transcripts
// without punctuation) is cut at a conjunction into pseudo-sentences.
const maxSentenceWords = 45

// parse tokenises text into words and sentences. Hyphenated words are split
// ("72-year-old" is three words) so that their parts match question terms;
// numbers keep their decimal point and thousands separators.
func parse(text string) doc {
	d := doc{text: text}
	sent := 0
	sentStart := 0
	pendingBreak := false  // sentence end seen, waiting for the next word
	pendingClause := false // clause punctuation seen
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			start := i
			j := i
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if isWordRune(r2) {
					j += s2
					continue
				}
				// Keep "40,000", "2.5" and "don't" in one token.
				if (r2 == '.' || r2 == ',') && j > start && j+s2 < len(text) {
					prev, _ := utf8.DecodeLastRuneInString(text[:j])
					next, _ := utf8.DecodeRuneInString(text[j+s2:])
					if unicode.IsDigit(prev) && unicode.IsDigit(next) {
						j += s2
						continue
					}
				}
				if (r2 == '\'' || r2 == '’') && j > start && j+s2 < len(text) {
					next, _ := utf8.DecodeRuneInString(text[j+s2:])
					if unicode.IsLetter(next) {
						j += s2
						continue
					}
				}
				break
			}
			if pendingBreak && len(d.toks) > sentStart {
				d.sents = append(d.sents, sentence{sentStart, len(d.toks)})
				sent++
				sentStart = len(d.toks)
			}
			raw := text[start:j]
			d.toks = append(d.toks, newToken(raw, start, j, sent, len(d.toks) == sentStart, pendingClause))
			pendingBreak, pendingClause = false, false
			i = j
			continue
		}
		switch r {
		case '!', '?', '\n':
			pendingBreak = true
		case '.':
			// "e.g. the" and "i.e. a" do not end a sentence; a full stop
			// followed by white space or the end of the text does.
			next := i + size
			if next >= len(text) || text[next] == ' ' || text[next] == '\n' || text[next] == '\t' || text[next] == '\r' || text[next] == '"' || text[next] == ')' {
				if !abbreviationBefore(d.toks) {
					pendingBreak = true
				}
			}
		case ',', ';', ':', '(', ')', '—', '–':
			pendingClause = true
		case '-':
			if i > 0 && text[i-1] == ' ' {
				pendingClause = true
			}
		}
		i += size
	}
	if len(d.toks) > sentStart {
		d.sents = append(d.sents, sentence{sentStart, len(d.toks)})
	}
	d.splitRunOns()
	return d
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// abbreviationBefore reports whether the last token is an abbreviation
// whose full stop does not end a sentence.
func abbreviationBefore(toks []token) bool {
	if len(toks) == 0 {
		return false
	}
	switch toks[len(toks)-1].low {
	case "e", "g", "dr", "mr", "mrs", "ms", "vs", "approx":
		return true
	}
	return false
}

func newToken(raw string, start, end, sent int, initial, clauseHead bool) token {
	low := strings.ToLower(strings.ReplaceAll(raw, "’", "'"))
	t := token{low: low, start: start, end: end, sent: sent, initial: initial, clauseHead: clauseHead || initial}
	first, _ := utf8.DecodeRuneInString(raw)
	t.capital = unicode.IsUpper(first)
	letters, upper := 0, 0
	for _, r := range raw {
		if unicode.IsDigit(r) {
			t.num = true
		}
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	t.acronym = letters >= 2 && upper == letters
	if numberWords[low] {
		t.num = true
	}
	t.stem = stem(low)
	return t
}

// splitRunOns cuts sentences longer than maxSentenceWords at a conjunction
// or a comma, so that an unpunctuated transcript is not one giant sentence.
func (d *doc) splitRunOns() {
	var out []sentence
	for _, s := range d.sents {
		from := s.from
		for s.to-from > maxSentenceWords {
			cut := -1
			for k := from + 15; k < s.to-5 && k < from+maxSentenceWords; k++ {
				if d.toks[k].clauseHead || runOnCuts[d.toks[k].low] {
					cut = k
					break
				}
			}
			if cut < 0 {
				cut = from + maxSentenceWords/2
			}
			out = append(out, sentence{from, cut})
			from = cut
		}
		out = append(out, sentence{from, s.to})
	}
	for si, s := range out {
		for k := s.from; k < s.to; k++ {
			d.toks[k].sent = si
			d.toks[k].initial = k == s.from
			if k == s.from {
				d.toks[k].clauseHead = true
			}
		}
	}
	d.sents = out
}

var runOnCuts = set("and", "so", "but", "then", "because")

// words returns the number of words.
func (d *doc) words() int { return len(d.toks) }

// sentenceText returns the original text of sentence i.
func (d *doc) sentenceText(i int) string {
	s := d.sents[i]
	return d.text[d.toks[s.from].start:d.toks[s.to-1].end]
}

// quoteWords is the longest quote put in feedback.
const quoteWords = 12

// quote returns the candidate's own words around token focus: the clause
// that holds it when that is short enough, otherwise a window of
// quoteWords words. The text is exactly as written (inner double quotes
// become single quotes so the feedback stays readable).
func (d *doc) quote(focus int) string { return d.quoteN(focus, quoteWords) }

// quoteN is quote with a limit of n words.
func (d *doc) quoteN(focus, n int) string {
	if focus < 0 || focus >= len(d.toks) {
		return ""
	}
	s := d.sents[d.toks[focus].sent]
	from, to := focus, focus+1
	for from > s.from && !d.toks[from].clauseHead {
		from--
	}
	for to < s.to && !d.toks[to].clauseHead {
		to++
	}
	if to-from < 4 { // a fragment: widen to the sentence
		from, to = s.from, s.to
	}
	if to-from > n {
		from = max(from, focus-3)
		to = min(to, from+n)
		if focus >= to {
			from, to = focus-n+1, focus+1
		}
	}
	for to-1 > focus && stopwords[d.toks[to-1].low] { // not "... became confused and"
		to--
	}
	q := d.text[d.toks[from].start:d.toks[to-1].end]
	return strings.ReplaceAll(q, `"`, "'")
}

// quoteSentence quotes sentence i: whole when it is short, else its
// opening clauses up to quoteWords+4 words, else its first quoteWords
// words followed by an ellipsis.
func (d *doc) quoteSentence(i int) string {
	if i < 0 || i >= len(d.sents) {
		return ""
	}
	s := d.sents[i]
	to, cut := s.to, false
	if s.to-s.from > quoteWords+4 {
		to, cut = s.from+quoteWords, true
		for k := s.from + quoteWords + 4; k > s.from+3; k-- {
			if d.toks[k].clauseHead {
				to, cut = k, false
				break
			}
		}
	}
	out := strings.ReplaceAll(d.text[d.toks[s.from].start:d.toks[to-1].end], `"`, "'")
	if cut {
		out += "…"
	}
	return out
}

// has reports whether the phrase (space-separated lower-case words) occurs
// starting at token k.
func (d *doc) has(k int, phrase []string) bool {
	if k+len(phrase) > len(d.toks) {
		return false
	}
	for j, w := range phrase {
		if d.toks[k+j].low != w {
			return false
		}
	}
	return true
}

// phraseSet is a list of phrases indexed by first word, so that finding
// them costs one map look-up per word of the text.
type phraseSet struct {
	byFirst map[string][][]string // longest first
}

// phrases builds a phraseSet from space-separated lower-case phrases.
func phrases(ps ...string) phraseSet {
	set := phraseSet{byFirst: map[string][][]string{}}
	for _, p := range ps {
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		set.byFirst[f[0]] = append(set.byFirst[f[0]], f)
	}
	for _, c := range set.byFirst {
		sort.SliceStable(c, func(i, j int) bool { return len(c[i]) > len(c[j]) })
	}
	return set
}

// at returns the length of the longest phrase of the set starting at
// token k, or 0.
func (d *doc) at(k int, ps phraseSet) int {
	for _, p := range ps.byFirst[d.toks[k].low] {
		if d.has(k, p) {
			return len(p)
		}
	}
	return 0
}

// find returns the token indexes where a phrase of the set starts. Matches
// do not overlap: "it is important" is found once, not also as "is
// important".
func (d *doc) find(ps phraseSet) []int {
	var out []int
	for k := 0; k < len(d.toks); k++ {
		if n := d.at(k, ps); n > 0 {
			out = append(out, k)
			k += n - 1
		}
	}
	return out
}

// stem reduces an English word to a crude stem so that "learn",
// "learning", "learner" and "learned" meet, as do "reduce" and "reduced".
// It is deliberately small (a few suffix rules, British -ise spellings
// folded to -ize): stems are compared with stemsMatch, which also accepts
// a prefix of five letters or more, so the stemmer need not be perfect.
func stem(w string) string {
	w = strings.TrimSuffix(w, "'s")
	w = strings.TrimSuffix(w, "'")
	if len(w) <= 3 {
		return w
	}
	if r, ok := irregular[w]; ok {
		return r
	}
	for _, p := range [][2]string{{"isation", "ization"}, {"isations", "izations"}, {"ising", "izing"}, {"ised", "ized"}, {"ises", "izes"}, {"ise", "ize"}} {
		if strings.HasSuffix(w, p[0]) && len(w)-len(p[0]) >= 3 {
			w = w[:len(w)-len(p[0])] + p[1]
			break
		}
	}
	type rule struct {
		suffix, repl string
		keep         int // letters that must remain
	}
	rules := []rule{
		{"ations", "", 3}, {"ation", "", 3}, {"ments", "", 4}, {"ment", "", 4},
		{"nesses", "", 3}, {"ness", "", 3}, {"ingly", "", 3}, {"ings", "", 3},
		{"ing", "", 3}, {"ities", "", 4}, {"ity", "", 4}, {"ies", "y", 2},
		{"ied", "y", 2}, {"edly", "", 3}, {"ers", "", 4}, {"er", "", 4},
		{"ed", "", 3}, {"ly", "", 4}, {"es", "", 3}, {"s", "", 3},
	}
	for _, r := range rules {
		if !strings.HasSuffix(w, r.suffix) || len(w)-len(r.suffix) < r.keep {
			continue
		}
		if r.suffix == "ed" && strings.HasSuffix(w, "eed") {
			break
		}
		if r.suffix == "s" && (strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is")) {
			break
		}
		if b := w[:len(w)-2]; r.suffix == "es" && !strings.HasSuffix(b, "ss") && !strings.HasSuffix(b, "x") &&
			!strings.HasSuffix(b, "ch") && !strings.HasSuffix(b, "sh") && !strings.HasSuffix(b, "z") {
			// "cases" -> "case": only drop the s ("processes" and
			// "indexes" drop the es).
			w = w[:len(w)-1]
			break
		}
		w = w[:len(w)-len(r.suffix)] + r.repl
		// "stopped" -> "stop", "planning" -> "plan"
		if n := len(w); n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("lsz", rune(w[n-1])) && !strings.ContainsRune("aeiou", rune(w[n-1])) {
			w = w[:n-1]
		}
		break
	}
	if len(w) > 4 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return w
}

// stemsMatch reports whether two stems name the same word: equal, or one
// of at least five letters a prefix of the other followed by a common
// derivational ending the stemmer leaves ("deterior" and "deteriorat",
// "perform" and "performanc"). Other prefixes are different words:
// "percent" is not "percentile", "through" not "throughput".
func stemsMatch(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 5 && strings.HasPrefix(b, a) && derivational[b[len(a):]]
}

// derivational are the endings stemsMatch accepts after a shared prefix.
var derivational = set("at", "iz", "is", "anc", "enc", "al", "ic", "iv", "ion", "or", "ant", "ent",
	"ar", "ous", "ful", "abl", "ibl", "ian", "ist", "ism", "y", "ic", "ical", "ing", "ed", "er", "e")

// irregular maps irregular past forms to their stem, so that "took" counts
// as a past-tense action like "started".
var irregular = map[string]string{
	// Agent nouns keep their -er: a "manager" in an answer is not the
	// verb "manage" in a question.
	"manager": "manager", "managers": "manager", "leader": "leader", "leaders": "leader",
	"customer": "customer", "customers": "customer", "user": "user", "users": "user",
	"member": "member", "members": "member", "engineer": "engineer", "engineers": "engineer",
	"owner": "owner", "owners": "owner", "developer": "developer", "developers": "developer",
	"teacher": "teacher", "teachers": "teacher", "worker": "worker", "workers": "worker",
	"player": "player", "players": "player", "server": "server", "servers": "server",
	"took": "take", "taken": "take", "gave": "give", "given": "give", "told": "tell",
	"sent": "send", "wrote": "writ", "written": "writ", "ran": "run", "met": "meet",
	"sat": "sit", "built": "build", "spoke": "speak", "spoken": "speak", "began": "begin",
	"begun": "begin", "brought": "bring", "made": "mak", "found": "find", "led": "lead",
	"chose": "choos", "chosen": "choos", "drew": "draw", "kept": "keep", "went": "go",
	"gone": "go", "got": "get", "caught": "catch", "dealt": "deal", "held": "hold",
	"paid": "pay", "sold": "sell", "taught": "teach", "won": "win", "cut": "cut",
	"rose": "rise", "fell": "fall", "grew": "grow", "grown": "grow", "knew": "know",
	"thought": "think", "bought": "buy", "felt": "feel", "left": "leave", "lost": "los",
	"heard": "hear", "saw": "see", "seen": "see", "said": "say", "put": "put", "set": "set",
	"read": "read", "did": "do", "done": "do", "had": "have", "was": "be", "were": "be",
}
