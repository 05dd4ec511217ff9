package score

import (
	"math"
	"strings"
)

// term is a key term of a question or a talking point: a content word with
// the synonym groups that also cover it.
type term struct {
	word   string // as written in the question
	stem   string
	groups []int
	weight float64
	tok    int  // index of the word in the question's doc (-1 for competency terms)
	anchor bool // head of a noun phrase: what the question is about
}

// lexicon indexes, built once.
var (
	groupOf     = map[string][]int{}    // stem -> synonym groups
	groupPrefix = map[string][]string{} // first five letters -> stems in groups
	topicOf     = map[string][]string{} // stem -> topics
	topicPrefix = map[string][]string{} // first five letters -> stems in topics
	// competencyStems are the stems of each competency's vocabulary, kept
	// apart from topics: they count only for questions on that competency,
	// and are not a field's own vocabulary.
	competencyStems = map[string]map[string]bool{}
)

func init() {
	for gi, g := range synonymGroups {
		for _, w := range g {
			s := stem(w)
			if !containsInt(groupOf[s], gi) {
				groupOf[s] = append(groupOf[s], gi)
			}
			if len(s) >= 5 && !containsStr(groupPrefix[s[:5]], s) {
				groupPrefix[s[:5]] = append(groupPrefix[s[:5]], s)
			}
		}
	}
	for c, ws := range competencyTopics {
		competencyStems[c] = map[string]bool{}
		for _, w := range ws {
			competencyStems[c][stem(w)] = true
		}
	}
	for name, ws := range fieldTopics {
		if topics[name] != nil {
			panic("score: field topic " + name + " is also in topics")
		}
		topics[name] = ws
	}
	for name, ws := range topics {
		for _, w := range ws {
			s := stem(w)
			if !containsStr(topicOf[s], name) {
				topicOf[s] = append(topicOf[s], name)
			}
			if len(s) >= 5 && !containsStr(topicPrefix[s[:5]], s) {
				topicPrefix[s[:5]] = append(topicPrefix[s[:5]], s)
			}
		}
	}
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func containsStr(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// groupsFor returns the synonym groups of a stem, exact or by a shared
// prefix of five letters or more.
func groupsFor(s string) []int {
	gs := groupOf[s]
	if len(s) >= 5 {
		for _, o := range groupPrefix[s[:5]] {
			if o != s && stemsMatch(o, s) {
				for _, g := range groupOf[o] {
					if !containsInt(gs, g) {
						gs = append(gs[:len(gs):len(gs)], g)
					}
				}
			}
		}
	}
	return gs
}

// topicsFor returns the topics a stem belongs to.
func topicsFor(s string) []string {
	fs := topicOf[s]
	if len(s) >= 5 {
		for _, o := range topicPrefix[s[:5]] {
			if o != s && stemsMatch(o, s) {
				for _, f := range topicOf[o] {
					if !containsStr(fs, f) {
						fs = append(fs[:len(fs):len(fs)], f)
					}
				}
			}
		}
	}
	return fs
}

// keyTerms returns the content words of a text: not stop words, not
// question framing, at least two letters. Generic words weigh less.
func keyTerms(d doc, weight float64) []term {
	var out []term
	seen := map[string]bool{}
	for k, t := range d.toks {
		if len(t.low) < 2 || stopwords[t.low] || framing[t.low] || seen[t.stem] {
			continue
		}
		if t.num && !numberWords[t.low] { // "20 percent": the number is not a topic
			continue
		}
		if numberWords[t.low] {
			continue
		}
		seen[t.stem] = true
		w := weight
		switch {
		case generic[t.low]:
			w *= 0.4
		case strings.HasSuffix(t.low, "ly") && len(t.low) > 5:
			// Adverbs ("quickly") qualify the topic; they are not it.
			w *= 0.6
		}
		out = append(out, term{word: t.low, stem: t.stem, groups: groupsFor(t.stem), weight: w, tok: k})
	}
	return out
}

// synonymStrength is how much a synonym counts against the word itself: a
// paraphrase is good evidence of the topic, but weaker.
const synonymStrength = 0.7

// match says how well an answer token covers a term: 1 for the same stem,
// synonymStrength for a word of one of the term's synonym groups, else 0.
func (tm term) match(t token, tokGroups []int) float64 {
	if stemsMatch(tm.stem, t.stem) {
		return 1
	}
	for _, g := range tm.groups {
		if containsInt(tokGroups, g) {
			return synonymStrength
		}
	}
	return 0
}

func (tm term) matches(t token, tokGroups []int) bool { return tm.match(t, tokGroups) > 0 }

// kind values after normalisation.
const (
	kindBehavioural = "behavioural"
	kindTechnical   = "technical"
	kindSituational = "situational"
	kindResume      = "resume"
	kindGeneral     = "general" // neither: both rubrics are tried
)

var (
	behaviouralAsk = phrases("tell me about a time", "tell us about a time", "describe a situation",
		"describe a time", "give an example", "give me an example", "give us an example",
		"what did you do", "have you ever", "a time when", "a time you", "share an example",
		"talk about a time", "recall a time", "walk me through a time", "describe an occasion",
		"tell me about an occasion", "what was the outcome", "how did you",
		"tell me about a project", "a project where you", "tell me about a situation",
		"tell me about the last time", "describe how you handled", "how you handled")
	situationalAsk = phrases("what would you do", "how would you handle", "how would you respond",
		"how would you deal", "how would you react", "imagine", "suppose", "what if",
		"how would you approach", "if you were", "how would you manage")
	technicalAsk = phrases("how would you", "how do you", "design", "explain", "what is",
		"what are", "difference between", "implement", "debug", "optimise", "optimize", "why does")
)

// inferKind normalises a question's kind. Known kinds are kept ("resume"
// questions are about past experience, so they are marked as behavioural
// ones are); anything else ("custom", empty, misspelt) is inferred from
// the question's text: a question about a past experience is behavioural,
// a hypothetical one situational, a "how would you" about a system or
// method technical, and the rest general.
func inferKind(q Question, qd doc) string {
	switch strings.ToLower(strings.TrimSpace(q.Kind)) {
	case "behavioural", "behavioral":
		return kindBehavioural
	case "technical":
		return kindTechnical
	case "situational":
		return kindSituational
	case "resume":
		return kindResume
	}
	switch {
	case len(qd.find(behaviouralAsk)) > 0:
		return kindBehavioural
	case len(qd.find(situationalAsk)) > 0:
		return kindSituational
	case len(qd.find(technicalAsk)) > 0:
		return kindTechnical
	}
	return kindGeneral
}

// analysis is everything measured once on a question and an answer; the
// dimensions read it.
type analysis struct {
	q      Question
	qd     doc
	kind   string
	terms  []term          // the question's key terms and the competency's
	tps    [][]term        // talking points' terms
	tpText []string        // and their text, for feedback
	qts    map[string]bool // the question's topics
	// compStems is the vocabulary of the question's competency, if any.
	compStems map[string]bool
	focus     string // the question's own words, to name its topic in feedback

	d             doc
	words         int
	tokGroups     [][]int
	sentTopic     []bool    // sentence touches a key term or the question's field
	termHit       []int     // first answer token covering each term, -1 if none
	termStrength  []float64 // how well it covers it (see term.match)
	topicToks     int       // answer words in the question's topics (a stem counts twice at most)
	topicDistinct int       // distinct such stems
	contentToks   int       // answer words that are not stop words
	personal      []int     // tokens about private life

	past       []bool // sentence has a past-tense verb
	actionI    []int  // sentences: "I" + past-tense action verb
	actionWe   []int  // sentences: "we" + past-tense action verb, no "I"
	actionVerb map[string]int
	iCount     int
	weCount    int
	weFirst    int // first "we"/"our" token, -1 if none
	hypo       []int
	numbers    map[string]int // distinct numbers -> token
	names      map[string]int // distinct names -> token
	roleSet    map[string]int
	fieldWords map[string]bool // distinct answer stems in any topic: the trade's vocabulary
	vague      []int
	hedges     []int
	fillers    []int

	relScore float64 // set once relevance is scored; the others read it
}

// offTopic reports whether the answer was judged off topic.
func (x *analysis) isOffTopic() bool { return x.relScore < offTopic && len(x.d.sents) > 0 }

// analyse measures a question and an answer.
func analyse(q Question, a Answer) *analysis {
	x := &analysis{q: q, qd: parse(q.Text), d: parse(a.Text)}
	x.kind = inferKind(q, x.qd)
	x.words = x.d.words()
	x.questionTerms()
	x.answerSignals()
	x.topicSignals()
	return x
}

// competencyWeight is the weight of the competency's and skill's words
// against the question's own: they say why the question is asked, and an
// answer need not name them.
const competencyWeight = 0.4

// determinersForAnchor open the noun phrases whose head is an anchor.
var determinersForAnchor = set("a", "an", "the", "your", "this", "that", "these", "those", "some", "any", "their", "his", "her", "its")

// markAnchors marks the heads of the question's noun phrases ("a new
// technology", "a slow API endpoint", "an angry customer"): the last
// content word after a determiner, adverbs aside. They name what the
// question is about, so relevance asks that the answer address them.
func markAnchors(qd doc, terms []term) {
	byTok := map[int]int{}
	for i, t := range terms {
		if t.tok >= 0 {
			byTok[t.tok] = i
		}
	}
	for k := 0; k < len(qd.toks); k++ {
		if !determinersForAnchor[qd.toks[k].low] {
			continue
		}
		head := -1
		for j := k + 1; j < len(qd.toks) && j <= k+4 && qd.toks[j].sent == qd.toks[k].sent; j++ {
			w := qd.toks[j].low
			if stopwords[w] || framing[w] {
				break
			}
			if !(strings.HasSuffix(w, "ly") && len(w) > 5) {
				head = j
			}
		}
		if i, ok := byTok[head]; ok && !generic[qd.toks[head].low] {
			terms[i].anchor = true
		}
	}
}

func (x *analysis) questionTerms() {
	x.terms = keyTerms(x.qd, 1)
	seen := map[string]bool{}
	for _, t := range x.terms {
		seen[t.stem] = true
	}
	for _, extra := range []string{x.q.Competency, x.q.Skill} {
		for _, t := range keyTerms(parse(extra), competencyWeight) {
			if !seen[t.stem] {
				seen[t.stem] = true
				t.tok = -1
				x.terms = append(x.terms, t)
			}
		}
	}
	for i, p := range x.q.TalkingPoints {
		if ts := keyTerms(parse(p), 1); len(ts) > 0 {
			x.tps = append(x.tps, ts)
			x.tpText = append(x.tpText, strings.TrimSpace(x.q.TalkingPoints[i]))
		}
	}
	markAnchors(x.qd, x.terms)
	x.qts = map[string]bool{}
	for _, t := range x.terms {
		if t.weight < 0.5 {
			continue
		}
		for _, f := range topicsFor(t.stem) {
			x.qts[f] = true
		}
	}
	for _, tp := range x.tps {
		for _, t := range tp {
			for _, f := range topicsFor(t.stem) {
				x.qts[f] = true
			}
		}
	}
	x.compStems = competencyStems[competencyKey(x.q.Competency)]
	if x.compStems == nil && x.kind == kindBehavioural {
		x.compStems = competencyStems[inferCompetency(x.terms)]
	}
	x.focus = questionFocus(x.qd, x.terms)
}

// inferCompetency names the competency a behavioural question without one
// (a candidate's own question) is about: the one whose vocabulary holds
// the most of the question's key words, when at least two do and no other
// competency holds as many. One shared word is too little to go on
// ("feedback" is heard from customers and from managers alike).
func inferCompetency(terms []term) string {
	best, bestN, tie := "", 0, false
	for c, stems := range competencyStems {
		n := 0
		for _, t := range terms {
			if t.tok >= 0 && t.weight >= 0.5 && stems[t.stem] {
				n++
			}
		}
		switch {
		case n > bestN:
			best, bestN, tie = c, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	if tie || bestN < 2 {
		return ""
	}
	return best
}

// competencyKey writes a competency the way competencyTopics does
// ("Stakeholder management" -> "stakeholder-management").
func competencyKey(c string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.ToLower(c), "-", " ")), "-")
}

// onTopic reports whether a stem belongs to one of the question's topics
// or to its competency's vocabulary.
func (x *analysis) onTopic(s string) bool {
	if x.compStems[s] {
		return true
	}
	for _, f := range topicsFor(s) {
		if x.qts[f] {
			return true
		}
	}
	return false
}

// questionFocus is the stretch of the question from its first key term to
// its last, in the sentence that holds the most key weight: "learn a new
// technology quickly". Feedback names the topic with it.
func questionFocus(qd doc, terms []term) string {
	if len(qd.sents) == 0 {
		return "the question"
	}
	best, bestW := -1, 0.0
	for si := range qd.sents {
		w := 0.0
		for _, t := range terms {
			if t.tok >= 0 && qd.toks[t.tok].sent == si {
				w += t.weight
			}
		}
		if w > bestW {
			best, bestW = si, w
		}
	}
	if best < 0 {
		return strings.TrimRight(qd.sentenceText(0), "?.! ")
	}
	from, to := -1, -1
	for _, t := range terms {
		if t.tok >= 0 && qd.toks[t.tok].sent == best {
			if from < 0 || t.tok < from {
				from = t.tok
			}
			if t.tok > to {
				to = t.tok
			}
		}
	}
	if to-from > 11 {
		// Long questions: stop at the first head noun, or after twelve words.
		end := from + 11
		for _, t := range terms {
			if t.anchor && t.tok > from && t.tok < end && qd.toks[t.tok].sent == best {
				end = t.tok
			}
		}
		to = end
	}
	return strings.ReplaceAll(qd.text[qd.toks[from].start:qd.toks[to].end], `"`, "'")
}

// modals make the verb after them present or future: "I would read" is
// not a past action, though "read" can be a past tense.
var modals = set("would", "will", "could", "should", "can", "might", "must", "to", "i'd", "i'll", "we'd", "we'll", "may", "shall", "don't", "doesn't", "didn't", "not")

// pastAt reports whether token k is a past-tense verb in its context: a
// past form not governed by a modal or "to" one or two words before.
func (d *doc) pastAt(k int) bool {
	t := d.toks[k]
	if !isPast(t) {
		return false
	}
	for j := k - 1; j >= 0 && j >= k-2 && d.toks[j].sent == t.sent; j-- {
		if modals[d.toks[j].low] {
			return false
		}
	}
	return true
}

func isPast(t token) bool {
	if pastIrregular[t.low] {
		return true
	}
	return strings.HasSuffix(t.low, "ed") && len(t.low) > 3 && !notPast[t.low] && !stopwords[t.low]
}

func (x *analysis) answerSignals() {
	d := &x.d
	x.past = make([]bool, len(d.sents))
	x.actionVerb = map[string]int{}
	x.numbers = map[string]int{}
	x.names = map[string]int{}
	x.roleSet = map[string]int{}
	x.fieldWords = map[string]bool{}
	x.weFirst = -1
	x.tokGroups = make([][]int, len(d.toks))
	for k, t := range d.toks {
		x.tokGroups[k] = groupsFor(t.stem)
		switch t.low {
		case "i", "my", "me", "myself", "i'm", "i've", "i'd", "i'll":
			x.iCount++
		case "we", "our", "us", "we're", "we've", "we'd", "we'll", "ourselves":
			x.weCount++
			if x.weFirst < 0 {
				x.weFirst = k
			}
		}
		if (t.low == "a" || t.low == "an") && k+1 < len(d.toks) && timeUnits[d.toks[k+1].low] {
			// "within a month" is a quantity as much as "within 30 days".
			if _, ok := x.numbers["a "+d.toks[k+1].low]; !ok {
				x.numbers["a "+d.toks[k+1].low] = k
			}
		}
		if t.num {
			key := strings.TrimSuffix(t.low, "s")
			if _, ok := x.numbers[key]; !ok {
				x.numbers[key] = k
			}
		}
		if t.acronym || (t.capital && !t.initial && t.low != "i" && !strings.HasPrefix(t.low, "i'")) {
			// "GitHub Actions" is one name: skip a capital right after one.
			if k > 0 && (d.toks[k-1].capital || d.toks[k-1].acronym) && d.toks[k-1].sent == t.sent && !d.toks[k-1].initial && !t.clauseHead {
				continue
			}
			if _, ok := x.names[t.low]; !ok {
				x.names[t.low] = k
			}
		}
		if roles[t.low] {
			if _, ok := x.roleSet[t.stem]; !ok {
				x.roleSet[t.stem] = k
			}
		}
		if personal[t.low] {
			x.personal = append(x.personal, k)
		}
		if !stopwords[t.low] && len(topicsFor(t.stem)) > 0 {
			x.fieldWords[t.stem] = true
		}
	}
	for si, s := range d.sents {
		// The subject of a verb is taken to be the nearest pronoun before
		// it: "we moved ... and I had to learn" makes "moved" ours.
		subject := ""
		actI, actWe := false, false
		for k := s.from; k < s.to; k++ {
			t := d.toks[k]
			switch t.low {
			case "i", "we", "he", "she", "they", "it", "you", "who", "which", "that":
				subject = t.low
			}
			if !d.pastAt(k) {
				continue
			}
			x.past[si] = true
			if !actionVerbs[t.stem] {
				continue
			}
			switch subject {
			case "i":
				actI = true
				if _, ok := x.actionVerb[t.stem]; !ok {
					x.actionVerb[t.stem] = k
				}
			case "we":
				actWe = true
			}
		}
		switch {
		case actI:
			x.actionI = append(x.actionI, si)
		case actWe:
			x.actionWe = append(x.actionWe, si)
		}
	}
	// Steps of an approach: action verbs after a modal or in the
	// imperative ("I would add an index", "Check the query plan").
	for k, t := range d.toks {
		if actionVerbs[t.stem] && !d.pastAt(k) && k > 0 {
			prev := d.toks[k-1].low
			if prev == "would" || prev == "i'd" || prev == "will" || prev == "i'll" || prev == "then" || prev == "and" || prev == "could" || prev == "to" || prev == "first" || prev == "also" || prev == "i" || prev == "we" {
				if _, ok := x.actionVerb[t.stem]; !ok {
					x.actionVerb[t.stem] = k
				}
			}
		} else if actionVerbs[t.stem] && k == 0 {
			x.actionVerb[t.stem] = k
		}
	}
	x.hypo = d.find(hypotheticalCues)
	// A habit adopted as a lesson ("Since then I always...") is the
	// reflection STAR asks for, not a vague claim.
	reflective := map[int]bool{}
	for _, k := range d.find(reflectionCues) {
		reflective[d.toks[k].sent] = true
	}
	for _, k := range d.find(vagueCues) {
		if !reflective[d.toks[k].sent] {
			x.vague = append(x.vague, k)
		}
	}
	x.hedges = d.find(hedgeCues)
	x.fillers = countFillers(d)
}

// countFillers returns the tokens that start a filler. "like" is a filler
// when it stands between commas, opens a sentence, or follows another
// filler or a conjunction ("and like", "so like"); "kind of" and "sort of"
// are fillers unless a determiner precedes them ("what kind of data").
func countFillers(d *doc) []int {
	var out []int
	isF := make([]bool, len(d.toks))
	for k, t := range d.toks {
		switch {
		case fillerWords[t.low]:
			isF[k] = true
		case t.low == "like":
			next := k + 1
			commaAfter := next < len(d.toks) && d.toks[next].clauseHead && d.toks[next].sent == t.sent
			prevLow := ""
			if k > 0 {
				prevLow = d.toks[k-1].low
			}
			if t.clauseHead || commaAfter || (k > 0 && isF[k-1]) || prevLow == "and" || prevLow == "so" || prevLow == "but" || prevLow == "just" {
				isF[k] = true
			}
		default:
			for _, p := range fillerPhrases.byFirst[t.low] {
				if d.has(k, p) {
					if (p[0] == "kind" || p[0] == "sort") && k > 0 && determiners[d.toks[k-1].low] {
						break
					}
					if p[0] == "you" && k+2 < len(d.toks) && d.toks[k+2].sent == t.sent && !d.toks[k+2].clauseHead {
						// "you know the schema" is not a filler; "you know," is.
						break
					}
					isF[k] = true
					break
				}
			}
		}
		if isF[k] {
			out = append(out, k)
		}
	}
	return out
}

func (x *analysis) topicSignals() {
	d := &x.d
	x.sentTopic = make([]bool, len(d.sents))
	x.termHit = make([]int, len(x.terms))
	x.termStrength = make([]float64, len(x.terms))
	for i := range x.termHit {
		x.termHit[i] = -1
	}
	seen := map[string]int{}
	sentTopicWords := make([]int, len(d.sents))
	for k, t := range d.toks {
		if stopwords[t.low] {
			continue
		}
		x.contentToks++
		for i, tm := range x.terms {
			if m := tm.match(t, x.tokGroups[k]); m > 0 {
				if x.termHit[i] < 0 || m > x.termStrength[i] {
					x.termHit[i] = k
					x.termStrength[i] = m
				}
				if tm.weight >= 0.5 {
					x.sentTopic[t.sent] = true
				}
			}
		}
		if !x.onTopic(t.stem) {
			continue
		}
		sentTopicWords[t.sent]++
		if sentTopicWords[t.sent] >= 2 {
			x.sentTopic[t.sent] = true
		}
		if seen[t.stem] == 0 {
			x.topicDistinct++
		}
		if seen[t.stem] < 2 { // repeating a word is not more evidence
			x.topicToks++
		}
		seen[t.stem]++
	}
}

// round1 rounds to one decimal and clamps to 0-10.
func round1(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	v = math.Max(0, math.Min(10, v))
	return math.Round(v*10) / 10
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }
