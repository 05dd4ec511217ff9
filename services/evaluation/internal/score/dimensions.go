package score

import (
	"fmt"
	"math"
	"strings"
)

// Dimension names, as stored and shown.
const (
	DimRelevance    = "relevance"
	DimStructure    = "structure"
	DimSpecificity  = "specificity"
	DimCompleteness = "completeness"
	DimDelivery     = "delivery"
)

// tip is one thing the candidate could do next, with how much it would
// add to the total (the dimension's weight times the points it is
// missing), so that the overall feedback leads with the most useful one.
type tip struct {
	text string
	gain float64
}

// scored is a dimension with its candidate next steps.
type scored struct {
	Dimension
	tips []tip
}

func q(s string) string { return `"` + s + `"` }

// joinOr joins quoted words as "a", "b" or "c".
func joinOr(ws []string) string {
	for i := range ws {
		ws[i] = q(ws[i])
	}
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " or " + ws[len(ws)-1]
}

// Relevance thresholds: below offTopic an answer is treated as off topic
// (and the total is capped hard); at or above onTopic it is clearly about
// the question.
const (
	offTopic = 3.0
	onTopic  = 7.0
)

// relevance measures how much of the answer is about what was asked.
//
// Without talking points it combines two kinds of evidence, either of
// which can show that an answer is on topic:
//
//   - coverage of the question's key terms, each met by the word itself,
//     its stem or (at synonymStrength) a close synonym, weighted
//     (competency words and generic words less); half the weight earns
//     full marks, since a good answer need not repeat the question. When
//     the question has head nouns ("a new technology"), coverage counts
//     fully only when they are addressed;
//   - density of the question's topics: the share of the answer's content
//     words that belong to them (15% earns full marks, with at least four
//     distinct such words).
//
// They combine as independent evidence, 1-(1-0.9a)(1-0.9b), scaled so
// that both at full marks give 10. The share of sentences that touch the
// topic then scales it by 0.7-1, so that an answer that drifts away loses
// points.
func (x *analysis) relevance() scored {
	d := &x.d
	total, hit := 0.0, 0.0
	anchors, anchorHit := 0.0, 0.0
	var missing []string
	for i, t := range x.terms {
		total += t.weight
		if x.termHit[i] >= 0 {
			hit += t.weight * x.termStrength[i]
		} else if t.weight >= 1 && t.tok >= 0 && len(missing) < 3 {
			missing = append(missing, t.word)
		}
		if t.anchor {
			anchors++
			if x.termHit[i] >= 0 {
				anchorHit += x.termStrength[i]
			}
		}
	}
	onSent := 0
	for _, on := range x.sentTopic {
		if on {
			onSent++
		}
	}
	focus := 0.0
	if len(d.sents) > 0 {
		focus = float64(onSent) / float64(len(d.sents))
	}
	fs := clamp01(focus / 0.6)
	a := clamp01(hit / math.Max(total, 1e-9) / 0.5)
	if anchors > 0 {
		a *= 0.4 + 0.6*anchorHit/anchors
	}
	b := a
	if (len(x.qts) > 0 || x.compStems != nil) && x.contentToks > 0 {
		b = clamp01(float64(x.topicToks)/float64(x.contentToks)/0.15) * clamp01(float64(x.topicDistinct)/4)
	}
	var rel float64
	if total == 0 { // no topic to check against ("Tell me about yourself")
		rel = 0.7 + 0.3*clamp01(float64(x.words)/60)
	} else {
		rel = (1 - (1-0.9*a)*(1-0.9*b)) / 0.99 * (0.7 + 0.3*fs)
	}
	// Private life: when more than a quarter of the sentences are about
	// family, hobbies or home, relevance falls with their share, unless
	// the question asks about the candidate's life outside work.
	if share := x.personalShare(); share > 0.25 && !x.asksPersonal() {
		rel *= 1 - 0.9*(share-0.25)/0.75
	}
	// Intent: a behavioural question asks for one real past experience;
	// an answer with no past tense at all (views, habits, intentions)
	// does not give one, however many of the question's words it uses.
	intentMissed := false
	if x.kind == kindBehavioural && len(d.sents) > 0 {
		intentMissed = true
		for _, p := range x.past {
			if p {
				intentMissed = false
			}
		}
		if intentMissed {
			rel *= 0.8
		}
	}
	var tpMissing []string
	if len(x.tps) > 0 {
		cov := 0.0
		for pi, tp := range x.tps {
			n := 0
			for _, tm := range tp {
				for k, t := range d.toks {
					if !stopwords[t.low] && tm.matches(t, x.tokGroups[k]) {
						n++
						break
					}
				}
			}
			need := math.Max(1, math.Ceil(0.6*float64(len(tp))))
			c := clamp01(float64(n) / need)
			cov += c
			if c < 1 && len(tpMissing) < 2 {
				tpMissing = append(tpMissing, x.tpText[pi])
			}
		}
		rel = 0.65*cov/float64(len(x.tps)) + 0.35*rel
	}
	x.relScore = round1(10 * rel)
	score := x.relScore
	out := scored{Dimension: Dimension{Name: DimRelevance, Score: x.relScore}}
	best := x.bestTopicSentence()
	topic := q(x.focus)
	gain := 0.35 * (10 - score)
	switch {
	case len(d.sents) == 0:
		out.Feedback = "There is no answer to judge."
		out.tips = append(out.tips, tip{"Answer the question that was asked, with one real example.", gain})
	case score < offTopic:
		lead := d.quoteSentence(0)
		what := "that does not answer the question"
		if len(x.personal) > 0 {
			lead = d.quoteSentence(d.toks[x.personal[0]].sent)
			what = "that is about your personal life, not the question"
		}
		out.Feedback = fmt.Sprintf("You said %s: %s, which is about %s. Start from the question's own words and answer it directly.", q(lead), what, topic)
		out.tips = append(out.tips, tip{fmt.Sprintf("Answer the question that was asked (%s) before anything else.", topic), gain + 3})
	case intentMissed:
		out.Feedback = fmt.Sprintf("%s is on topic, but the question asks about one real time in your past, and the answer describes no particular experience.", q(d.quoteSentence(best)))
		out.tips = append(out.tips, tip{"Answer with one specific time it happened: when, where, what you did.", gain + 0.5})
	case score < onTopic:
		fb := fmt.Sprintf("%s is on topic, but only part of the answer is about %s", q(d.quoteSentence(best)), topic)
		if len(missing) > 0 {
			fb += fmt.Sprintf("; it never mentions %s", joinOr(missing))
		}
		out.Feedback = fb + "."
		if len(tpMissing) > 0 {
			out.Feedback += fmt.Sprintf(" Cover the point %s.", q(tpMissing[0]))
		}
		out.tips = append(out.tips, tip{fmt.Sprintf("Tie every part of the answer to %s and drop what does not serve it.", topic), gain})
	default:
		out.Feedback = fmt.Sprintf("You address the question head on: %s.", q(d.quote(x.bestTermToken(best))))
		if len(tpMissing) > 0 {
			out.Feedback += fmt.Sprintf(" You could also cover %s.", q(tpMissing[0]))
			out.tips = append(out.tips, tip{fmt.Sprintf("Also cover %s.", q(tpMissing[0])), gain})
		} else if len(missing) > 0 && score < 9 {
			out.Feedback += fmt.Sprintf(" Using the question's own words (%s) would make the link explicit.", joinOr(missing))
		}
	}
	return out
}

// personalShare is the share of sentences that mention private life.
func (x *analysis) personalShare() float64 {
	if len(x.d.sents) == 0 {
		return 0
	}
	seen := map[int]bool{}
	for _, k := range x.personal {
		seen[x.d.toks[k].sent] = true
	}
	return float64(len(seen)) / float64(len(x.d.sents))
}

var personalAsk = phrases("yourself", "outside work", "outside of work", "free time", "spare time", "hobby", "hobbies", "interests", "personal")

// asksPersonal reports whether the question invites talk about private
// life ("Tell me about yourself", "What do you do outside work?").
func (x *analysis) asksPersonal() bool {
	if len(x.qd.find(personalAsk)) > 0 {
		return true
	}
	for _, t := range x.qd.toks {
		if personal[t.low] {
			return true
		}
	}
	return false
}

// bestTermToken is the token in sentence si that covers the heaviest key
// term, or the sentence's first token.
func (x *analysis) bestTermToken(si int) int {
	if si < 0 || si >= len(x.d.sents) {
		return -1
	}
	s := x.d.sents[si]
	best, bestW := s.from, 0.0
	for k := s.from; k < s.to; k++ {
		t := x.d.toks[k]
		if stopwords[t.low] {
			continue
		}
		for _, tm := range x.terms {
			w := tm.weight * tm.match(t, x.tokGroups[k])
			if tm.anchor {
				w *= 1.5
			}
			if w > bestW {
				best, bestW = k, w
			}
		}
	}
	return best
}

// bestTopicSentence is the sentence with the most key-term hits.
func (x *analysis) bestTopicSentence() int {
	counts := make([]float64, len(x.d.sents))
	for k, t := range x.d.toks {
		if stopwords[t.low] {
			continue
		}
		for _, tm := range x.terms {
			if tm.matches(t, x.tokGroups[k]) {
				counts[t.sent] += tm.weight
			}
		}
	}
	best := 0
	for i, c := range counts {
		if c > counts[best] {
			best = i
		}
	}
	return best
}

// star finds the parts of a STAR answer (situation, task, action, result)
// and reflection.
type star struct {
	situation, task, result, reflection bool
	taskPart                            bool // the setting names the question's topic, no explicit task
	actions                             float64
	firstAction, resultSent             int
}

func (x *analysis) star() star {
	d := &x.d
	n := len(d.sents)
	st := star{firstAction: -1, resultSent: -1}
	if n == 0 {
		return st
	}
	opening := max(2, int(math.Ceil(0.35*float64(n))))
	for _, k := range d.find(situationCues) {
		if d.toks[k].sent < opening {
			st.situation = true
		}
	}
	if x.past[0] && len(x.actionI) > 0 {
		st.situation = true
	}
	for _, k := range d.find(taskCues) {
		if float64(d.toks[k].sent) < math.Max(2, 0.6*float64(n)) {
			st.task = true
		}
	}
	if !st.task {
		for _, k := range x.termHit {
			if k >= 0 && float64(d.toks[k].sent) < math.Max(1, 0.4*float64(n)) && x.past[d.toks[k].sent] {
				st.taskPart = true
			}
		}
	}
	st.actions = float64(len(x.actionI)) + 0.5*float64(len(x.actionWe))
	if len(x.actionI) > 0 {
		st.firstAction = x.actionI[0]
	}
	if len(x.actionWe) > 0 && (st.firstAction < 0 || x.actionWe[0] < st.firstAction) {
		st.firstAction = x.actionWe[0]
	}
	from := n / 2
	if st.firstAction >= 0 {
		from = st.firstAction
	}
	candidates := map[int]bool{}
	for _, k := range d.find(resultCues) {
		if s := d.toks[k].sent; s >= from && x.past[s] {
			candidates[s] = true
		}
	}
	if st.firstAction >= 0 {
		for k := d.sents[st.firstAction].from; k < len(d.toks); k++ {
			t := d.toks[k]
			if (t.num || (comparativeCues[t.low] && t.sent > st.firstAction)) && x.past[t.sent] {
				candidates[t.sent] = true
			}
		}
	}
	// The sentence to quote as the result: the last candidate that is an
	// outcome in the world ("The demo went well") rather than one more
	// thing the candidate did ("I also reported..."); else the last.
	for s := n - 1; s >= 0; s-- {
		if !candidates[s] {
			continue
		}
		st.result = true
		if st.resultSent < 0 {
			st.resultSent = s
		}
		if d.toks[d.sents[s].from].low != "i" && !containsInt(x.actionI, s) {
			st.resultSent = s
			break
		}
	}
	for _, k := range d.find(reflectionCues) {
		if d.toks[k].sent >= n/2 {
			st.reflection = true
		}
	}
	return st
}

// starScore: situation 2, task 2 (1 when only implied), actions up to 3.5
// (1.5 for the first, 1 for each more), result 2.5, reflection a bonus 1.
func (st star) score() float64 {
	s := 0.0
	if st.situation {
		s += 2
	}
	switch {
	case st.task:
		s += 2
	case st.taskPart:
		s++
	}
	if st.actions > 0 {
		s += math.Min(3.5, 1.5+(st.actions-1))
	}
	if st.result {
		s += 2.5
	}
	if st.reflection {
		s++
	}
	return math.Min(10, s)
}

// approach finds the parts of a technical or situational answer: steps,
// their order, trade-offs and how success is measured or followed up.
type approach struct {
	steps, order, tradeoffs, measures int
	firstTradeoff, firstMeasure       int
}

func (x *analysis) approach() approach {
	d := &x.d
	ap := approach{steps: len(x.actionVerb), firstTradeoff: -1, firstMeasure: -1}
	distinct := func(ks []int) int {
		seen := map[string]bool{}
		for _, k := range ks {
			seen[d.toks[k].low] = true
		}
		return len(seen)
	}
	ap.order = distinct(d.find(orderingCues))
	tr := d.find(tradeoffCues)
	ap.tradeoffs = len(tr)
	if len(tr) > 0 {
		ap.firstTradeoff = tr[0]
	}
	ms := d.find(measureCues)
	ap.measures = distinct(ms)
	if len(ms) > 0 {
		ap.firstMeasure = ms[0]
	}
	return ap
}

// approachScore: steps up to 4 (0.8 each), ordering 2, trade-offs 2,
// measurement or follow-up 2.
func (ap approach) score() float64 {
	return math.Min(4, 0.8*float64(ap.steps)) + math.Min(2, float64(ap.order)) +
		math.Min(2, float64(ap.tradeoffs)) + math.Min(2, float64(ap.measures))
}

// conceptual reports a question asking what something is or how it
// works ("How do symmetric and asymmetric encryption differ?"), which an
// explanation answers better than a plan.
func (x *analysis) conceptual() bool { return len(x.qd.find(conceptAsk)) > 0 }

// explanation holds the parts of an explanation, each 2.5 when a cue for
// it appears: what the thing is, how it compares, where it is used, when
// or why to choose it.
type explanation struct {
	define, contrast, example, reason float64
	sentences                         int
}

func (x *analysis) explanation() explanation {
	d := &x.d
	part := func(ps phraseSet) float64 {
		if len(d.find(ps)) > 0 {
			return 2.5
		}
		return 0
	}
	return explanation{part(defineCues), part(contrastCues), part(exampleCues), part(reasonCues), len(d.sents)}
}

// score is the parts' sum, scaled down under four sentences: a one-liner
// has no room for them.
func (e explanation) score() float64 {
	return (e.define + e.contrast + e.example + e.reason) * clamp01(float64(e.sentences)/4)
}

func explanationFeedback(e explanation, score, gain float64) (string, []tip) {
	var missing []string
	for _, p := range []struct {
		got  float64
		what string
	}{
		{e.define, "say plainly what it is"},
		{e.contrast, "say how it differs from the alternative"},
		{e.example, "give an example of where it is used"},
		{e.reason, "say when or why you would choose it"},
	} {
		if p.got < 2.5 {
			missing = append(missing, p.what)
		}
	}
	switch {
	case len(missing) == 0 && score >= 9:
		return "A clear explanation: what it is, how it compares, where it is used and when to choose it.", nil
	case len(missing) == 0:
		return "The explanation has its parts but is short: give each a sentence of its own.", []tip{{"Give each part of the explanation a sentence of its own.", gain * 0.3}}
	}
	fb := "To explain it fully, " + strings.Join(missing, ", ") + "."
	if score >= 7 {
		fb = "A clear explanation. To round it off, " + strings.Join(missing, ", ") + "."
	}
	return fb, []tip{{"In your explanation, " + strings.Join(missing, ", ") + ".", gain * 0.5}}
}

// structure judges the shape of the answer against what the question's
// kind calls for: STAR for experiences, a clear approach for technical and
// hypothetical questions; for a question of no clear kind, whichever fits
// better.
func (x *analysis) structure(st star, ap approach) scored {
	d := &x.d
	out := scored{Dimension: Dimension{Name: DimStructure}}
	if len(d.sents) == 0 {
		out.Feedback = "There is no answer to judge."
		out.tips = []tip{{"Answer in a clear order: the situation, what you did, and the result.", 2}}
		return out
	}
	useStar := false
	var ex *explanation // set when an explanation scored better than a plan
	var score float64
	switch x.kind {
	case kindBehavioural, kindResume:
		useStar, score = true, st.score()
	case kindTechnical, kindSituational:
		score = ap.score()
		if x.kind == kindTechnical && x.conceptual() {
			if e := x.explanation(); e.score() > score {
				ex, score = &e, e.score()
			}
		}
	default:
		s1, s2 := st.score(), ap.score()
		useStar, score = s1 >= s2, math.Max(s1, s2)
	}
	out.Score = round1(score)
	gain := 0.20 * (10 - score)
	if x.isOffTopic() {
		out.Feedback = fmt.Sprintf("Structure only helps once the answer is on topic: tell one real example about %s as situation, task, action and result.", q(x.focus))
		if !useStar {
			out.Feedback = fmt.Sprintf("Structure only helps once the answer is on topic: explain how you would tackle %s, step by step.", q(x.focus))
		}
		return out
	}
	switch {
	case useStar:
		out.Feedback, out.tips = x.starFeedback(st, score, gain)
	case ex != nil:
		out.Feedback, out.tips = explanationFeedback(*ex, score, gain)
	default:
		out.Feedback, out.tips = x.approachFeedback(ap, score, gain)
	}
	return out
}

func (x *analysis) starFeedback(st star, score, gain float64) (string, []tip) {
	d := &x.d
	var parts []string
	var tips []tip
	hypothetical := len(x.actionI)+len(x.actionWe) == 0 && len(x.hypo) > 0 && (x.kind == kindBehavioural || x.kind == kindResume)
	if hypothetical {
		parts = append(parts, fmt.Sprintf("The question asks about a real past experience, but %s describes what you would do, not what you did.", q(d.quote(x.hypo[0]))))
		tips = append(tips, tip{"Describe a real time this happened and what you actually did, not what you would do.", gain + 1})
	}
	switch {
	case st.actions == 0 && !hypothetical && !st.situation:
		parts = append(parts, fmt.Sprintf("%s is a general statement, not an example: tell one real time as the situation, your task, what you did step by step, and the result.", q(d.quoteSentence(0))))
		tips = append(tips, tip{"Tell one real example as a story: the situation, your task, what you did step by step, and the result.", gain})
	case st.actions == 0 && !hypothetical:
		parts = append(parts, fmt.Sprintf("After %s, say what you did yourself, step by step, with \"I\" and past-tense verbs.", q(d.quoteSentence(0))))
		tips = append(tips, tip{"Say what you did yourself, step by step, in the past tense.", gain})
	case !st.situation:
		parts = append(parts, fmt.Sprintf("Open with the situation (where you were, when, what was at stake) before %s.", q(d.quoteSentence(0))))
		tips = append(tips, tip{"Open with one or two sentences of context: where you were, when, and what was at stake.", gain * 0.25})
	}
	if !st.task && !st.taskPart && st.situation {
		parts = append(parts, "Say what you had to achieve or solve, so the actions have a purpose.")
		tips = append(tips, tip{"Say what you had to achieve or solve before describing what you did.", gain * 0.2})
	}
	if !st.result && st.actions > 0 {
		last := x.actionI
		if len(last) == 0 {
			last = x.actionWe
		}
		parts = append(parts, fmt.Sprintf("After %s, say what changed as a result, ideally with a number.", q(d.quoteSentence(last[len(last)-1]))))
		tips = append(tips, tip{"End with the result: what changed because of what you did, with a number if you can.", gain * 0.5})
	}
	if score >= 7 {
		var named []string
		if st.situation {
			named = append(named, fmt.Sprintf("the situation (%s)", q(d.quoteSentence(0))))
		}
		if len(x.actionI) > 0 {
			named = append(named, fmt.Sprintf("what you did (%s)", q(d.quoteSentence(x.actionI[0]))))
		}
		if st.result && st.resultSent >= 0 {
			named = append(named, fmt.Sprintf("the result (%s)", q(d.quoteSentence(st.resultSent))))
		}
		lead := "Clear STAR shape"
		if len(named) > 0 {
			lead += ": " + strings.Join(named, ", ")
		}
		parts = append([]string{lead + "."}, parts...)
	}
	if !st.reflection && st.actions > 0 {
		parts = append(parts, "A closing sentence on what you learned or would do differently adds depth.")
		tips = append(tips, tip{"Close with what you learned or now do differently.", 0.2})
	}
	if len(parts) == 0 {
		parts = append(parts, "Tell it as a story: situation, task, action, result.")
	}
	return strings.Join(parts, " "), tips
}

func (x *analysis) approachFeedback(ap approach, score, gain float64) (string, []tip) {
	d := &x.d
	var parts []string
	var tips []tip
	if score >= 7 {
		lead := "Clear approach"
		if ap.firstMeasure >= 0 {
			lead += fmt.Sprintf(", checked by evidence (%s)", q(d.quote(ap.firstMeasure)))
		}
		parts = append(parts, lead+".")
	}
	if ap.steps < 3 {
		parts = append(parts, fmt.Sprintf("%s is a direction, not a plan: give the concrete steps you would take.", q(d.quoteSentence(0))))
		tips = append(tips, tip{"Give the concrete steps you would take, in the order you would take them.", gain * 0.5})
	}
	if ap.order == 0 {
		parts = append(parts, "Put the steps in order (first, then, finally) so the interviewer can follow your reasoning.")
		tips = append(tips, tip{"Put your steps in order: first, then, finally.", gain * 0.2})
	}
	if ap.tradeoffs == 0 {
		parts = append(parts, "Name a trade-off or an alternative and when you would choose it.")
		tips = append(tips, tip{"Name a trade-off or an alternative and when you would choose it.", gain * 0.25})
	}
	if ap.measures == 0 {
		parts = append(parts, "Say how you would measure the problem and confirm that your fix worked.")
		tips = append(tips, tip{"Say how you would measure the problem first and confirm the result afterwards.", gain * 0.3})
	}
	if len(parts) == 0 {
		parts = append(parts, "The approach has its parts but is thin: give each step its reason, and say which you would try first and why.")
		tips = append(tips, tip{"Give each step of your approach its reason, and say which you would try first and why.", gain * 0.3})
	}
	return strings.Join(parts, " "), tips
}

// specificity weighs evidence (numbers, names, roles, concrete actions,
// the field's own vocabulary, ownership) against vague generalities,
// hedges and fillers.
func (x *analysis) specificity() scored {
	d := &x.d
	out := scored{Dimension: Dimension{Name: DimSpecificity}}
	if len(d.sents) == 0 {
		out.Feedback = "There is no answer to judge."
		out.tips = []tip{{"Give concrete detail: what you did, with names and numbers.", 2.5}}
		return out
	}
	ev := math.Min(3, float64(len(x.numbers))) +
		math.Min(2, 0.7*float64(len(x.names))) +
		math.Min(1, 0.5*float64(len(x.roleSet))) +
		math.Min(1.5, 0.2*float64(len(x.fieldWords)))
	if x.kind == kindBehavioural || x.kind == kindResume {
		ev += math.Min(2, 0.7*float64(len(x.actionI))+0.3*float64(len(x.actionWe)))
	} else {
		ev += math.Min(2, 0.4*float64(len(x.actionVerb)))
	}
	own := 0.5
	if x.iCount+x.weCount > 0 {
		own = 1.5 * float64(x.iCount) / float64(x.iCount+x.weCount)
	}
	ev += own
	vague := math.Min(4, 1.2*float64(len(x.vague)))
	hedge := math.Min(1.5, 0.5*float64(len(x.hedges)))
	rate := x.fillerRate()
	filler := math.Min(3, 0.4*rate)
	score := ev - vague - hedge - filler
	out.Score = round1(score)
	gain := 0.25 * (10 - math.Max(0, score))

	var parts []string
	if len(x.vague) > 0 {
		parts = append(parts, fmt.Sprintf("You said %s: that is a claim, not evidence; show it with one concrete example instead.", q(d.quote(x.vague[0]))))
		out.tips = append(out.tips, tip{fmt.Sprintf("Replace general claims like %s with a concrete example: what you did, with names and numbers.", q(d.quoteN(x.vague[0], 8))), gain})
	}
	if x.weCount > x.iCount && x.weFirst >= 0 {
		parts = append(parts, fmt.Sprintf("You said %s: say what you did yourself, with \"I\".", q(d.quote(x.weFirst))))
		out.tips = append(out.tips, tip{"Say \"I\" for what you did yourself, so the interviewer can see your part.", gain * 0.6})
	}
	if len(x.numbers) == 0 && !x.isOffTopic() {
		claim := -1
		if x.kind == kindBehavioural || x.kind == kindResume || x.kind == kindGeneral {
			claim = x.claimToken()
		}
		if x.kind == kindTechnical || x.kind == kindSituational {
			parts = append(parts, "There are no numbers: say what you would measure and what figure would count as success.")
		} else if claim >= 0 {
			parts = append(parts, fmt.Sprintf("You said %s: say by how much, with a number (time, money, people, errors).", q(d.quote(claim))))
		} else {
			parts = append(parts, "There are no numbers: add how much, how many or how long.")
		}
		numTip := "Add numbers: how much, how many, how long, by how much it improved."
		if x.kind == kindTechnical || x.kind == kindSituational {
			numTip = "Add numbers: what you would measure, and what figure would count as success."
		}
		out.tips = append(out.tips, tip{numTip, gain * 0.5})
	}
	if len(x.names) == 0 && len(x.roleSet) == 0 && len(x.fieldWords) < 3 && !x.isOffTopic() {
		parts = append(parts, "Name the tools, systems or people involved.")
		out.tips = append(out.tips, tip{"Name the tools, systems and people's roles involved.", gain * 0.3})
	}
	if len(x.hedges) > 0 {
		parts = append(parts, fmt.Sprintf("Hedges such as %s weaken the point; say it plainly.", q(d.quote(x.hedges[0]))))
	}
	if len(x.fillers) > 0 && rate >= 2 {
		parts = append(parts, x.fillerSentence(rate))
	}
	if score >= 7 {
		if k := x.evidenceToken(); k >= 0 && x.isOffTopic() {
			parts = append([]string{fmt.Sprintf("Concrete detail such as %s, but about something other than the question.", q(d.quote(k)))}, parts...)
		} else if k >= 0 {
			parts = append([]string{fmt.Sprintf("Concrete detail such as %s makes this credible.", q(d.quote(k)))}, parts...)
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "Some detail, but more names and numbers would make it convincing.")
	}
	out.Feedback = strings.Join(parts, " ")
	return out
}

// toksText returns the original text of n tokens from k.
func (d *doc) toksText(k, n int) string {
	end := min(len(d.toks), k+n) - 1
	return strings.ReplaceAll(d.text[d.toks[k].start:d.toks[end].end], `"`, "'")
}

// claimToken finds an unquantified claim of improvement or outcome to ask
// "by how much?" about: a result cue or a comparative.
func (x *analysis) claimToken() int {
	d := &x.d
	if ks := d.find(resultCues); len(ks) > 0 {
		return ks[len(ks)-1]
	}
	for k, t := range d.toks {
		if comparativeCues[t.low] || t.low == "improve" || t.low == "efficient" {
			return k
		}
	}
	return -1
}

// evidenceToken is the best piece of evidence to praise: the first number
// or name of the sentence that has the most of them.
func (x *analysis) evidenceToken() int {
	count := make([]int, len(x.d.sents))
	first := make([]int, len(x.d.sents))
	for i := range first {
		first[i] = -1
	}
	note := func(k int) {
		s := x.d.toks[k].sent
		count[s]++
		if first[s] < 0 || k < first[s] {
			first[s] = k
		}
	}
	for _, k := range x.numbers {
		note(k)
	}
	for _, k := range x.names {
		note(k)
	}
	best := -1
	for s, c := range count {
		if c > 0 && (best < 0 || c > count[best]) {
			best = s
		}
	}
	if best < 0 {
		return -1
	}
	return first[best]
}

// fillerRate is filler words per 100 words of the text.
func (x *analysis) fillerRate() float64 {
	if x.words == 0 {
		return 0
	}
	return 100 * float64(len(x.fillers)) / float64(x.words)
}

// fillerSentence names the fillers the candidate used, quoting them.
func (x *analysis) fillerSentence(rate float64) string {
	seen := map[string]bool{}
	var ex []string
	for _, k := range x.fillers {
		w := x.d.toksText(k, 1)
		for _, p := range fillerPhrases.byFirst[x.d.toks[k].low] {
			if x.d.has(k, p) {
				w = x.d.toksText(k, len(p))
			}
		}
		if lw := strings.ToLower(w); !seen[lw] && len(ex) < 3 {
			seen[lw] = true
			ex = append(ex, q(w))
		}
	}
	return fmt.Sprintf("Filler words (%s) come %d times, %.0f per 100 words: cut them so the facts stand out.", strings.Join(ex, ", "), len(x.fillers), rate)
}

// Ideal length of an answer in words: 80-350 (roughly one to two and a
// half minutes spoken).
const (
	idealMinWords = 80
	idealMaxWords = 350
	shortWords    = 30 // below this the total is capped
)

// lengthScore maps a word count to 0-10: rising to 10 at 80 words, flat to
// 350, then falling for rambling answers.
func lengthScore(w int) float64 {
	f := float64(w)
	switch {
	case w <= 10:
		return 0.15 * f
	case w < shortWords:
		return 1.5 + (f-10)/20*2.5
	case w < idealMinWords:
		return 4 + (f-shortWords)/(idealMinWords-shortWords)*6
	case w <= idealMaxWords:
		return 10
	case w <= 2*idealMaxWords:
		return 10 - (f-idealMaxWords)/idealMaxWords*6
	}
	return math.Max(2, 4-(f-2*idealMaxWords)/idealMaxWords*2)
}

// completeness judges length and whether the answer finishes: 70% length,
// 30% an ending (a result, a lesson or a conclusion); fillers count
// against it as rambling.
func (x *analysis) completeness(st star, ap approach) scored {
	d := &x.d
	out := scored{Dimension: Dimension{Name: DimCompleteness}}
	if len(d.sents) == 0 {
		out.Feedback = "There is no answer to judge."
		out.tips = []tip{{"Give a full answer of one to two minutes.", 2}}
		return out
	}
	finished := st.result || st.reflection
	if x.kind != kindBehavioural && x.kind != kindResume {
		n := len(d.sents)
		for _, k := range append(d.find(conclusionCues), d.find(measureCues)...) {
			if float64(d.toks[k].sent) >= 0.6*float64(n-1) {
				finished = true
			}
		}
	}
	ls := lengthScore(x.words)
	score := 0.7 * ls
	if finished {
		score += 3
	}
	rate := x.fillerRate()
	score -= math.Min(3, 0.3*rate)
	out.Score = round1(score)
	gain := 0.20 * (10 - math.Max(0, score))
	var parts []string
	switch {
	case x.words < idealMinWords:
		parts = append(parts, fmt.Sprintf("At %s this is too short to show what you did; aim for %d-%d words (one to two minutes spoken).", words(x.words), idealMinWords, idealMaxWords))
		w := gain
		if x.words < shortWords {
			w += 2
		}
		out.tips = append(out.tips, tip{fmt.Sprintf("Give a fuller answer: %d-%d words, about one to two minutes spoken.", idealMinWords, idealMaxWords), w})
	case x.words > idealMaxWords:
		parts = append(parts, fmt.Sprintf("At %d words this runs long; keep it under %d by trimming background, not the actions and result.", x.words, idealMaxWords))
		out.tips = append(out.tips, tip{fmt.Sprintf("Tighten the answer to under %d words: short context, full actions and result.", idealMaxWords), gain})
	default:
		parts = append(parts, fmt.Sprintf("Good length (%d words).", x.words))
	}
	last := len(d.sents) - 1
	if finished {
		if x.words >= idealMinWords && !x.isOffTopic() {
			parts = append(parts, fmt.Sprintf("It ends with an outcome: %s.", q(d.quoteSentence(last))))
		}
	} else if !x.isOffTopic() {
		parts = append(parts, fmt.Sprintf("It stops at %s without an outcome or conclusion: finish by saying how it ended or what you would expect.", q(d.quoteSentence(last))))
		out.tips = append(out.tips, tip{"Finish with the outcome or a one-line conclusion.", gain * 0.4})
	}
	if len(x.fillers) > 0 && rate >= 2 {
		parts = append(parts, "Filler words make it ramble and cost points here too.")
	}
	out.Feedback = strings.Join(parts, " ")
	return out
}

// Delivery targets for spoken answers.
const (
	paceMin, paceMax   = 120.0, 160.0 // words per minute
	fillerOK           = 2.0          // fillers per 100 words that go unnoticed
	talkMin, talkMax   = 60.0, 180.0  // seconds
	longPausesAccepted = 1
)

// delivery judges how a spoken answer sounded: pace 35%, fillers 35%,
// long pauses 15%, talk time 15%. Without delivery measurements only the
// fillers in the transcript are judged.
func (x *analysis) delivery(dl *Delivery) scored {
	out := scored{Dimension: Dimension{Name: DimDelivery}}
	rate := x.fillerRate()
	if dl != nil && finite(dl.FillerRate) && dl.FillerRate > rate {
		rate = dl.FillerRate
	}
	fillerS := clamp01(1-(rate-fillerOK)/8) * 10
	var parts []string
	var tips []tip
	if rate > fillerOK {
		ex := ""
		if len(x.fillers) > 0 {
			ex = fmt.Sprintf(" (such as %s)", q(x.d.quoteN(x.fillers[0], 5)))
		}
		parts = append(parts, fmt.Sprintf("About %.0f filler words per 100%s: pause silently instead of saying \"um\" or \"like\".", rate, ex))
		tips = append(tips, tip{"Replace filler words with a short silent pause.", 0.15 * (10 - fillerS)})
	}
	if dl == nil {
		out.Score = round1(fillerS)
		parts = append(parts, "Pace, pauses and talk time were not measured for this answer.")
		out.Feedback = strings.Join(parts, " ")
		out.tips = tips
		return out
	}
	wpm := finiteOr(dl.WordsPerMinute, 0)
	paceS := 10.0
	switch {
	case wpm <= 0:
		paceS = 5
		parts = append(parts, "Your pace could not be measured.")
	case wpm > paceMax:
		paceS = math.Max(0, 10-(wpm-paceMax)/10)
		parts = append([]string{fmt.Sprintf("You spoke at about %.0f words per minute: slow down to %.0f-%.0f so the interviewer can follow.", wpm, paceMin, paceMax)}, parts...)
		tips = append(tips, tip{fmt.Sprintf("Slow down to %.0f-%.0f words per minute.", paceMin, paceMax), 0.15 * 0.35 * (10 - paceS) * 2})
	case wpm < paceMin:
		paceS = math.Max(0, 10-(paceMin-wpm)/10)
		parts = append([]string{fmt.Sprintf("You spoke at about %.0f words per minute: speak up and a little faster, aiming at %.0f-%.0f.", wpm, paceMin, paceMax)}, parts...)
		tips = append(tips, tip{fmt.Sprintf("Speak up and a little faster: %.0f-%.0f words per minute.", paceMin, paceMax), 0.15 * 0.35 * (10 - paceS) * 2})
	default:
		parts = append([]string{fmt.Sprintf("Good pace (about %.0f words per minute).", wpm)}, parts...)
	}
	pauseS := 10.0
	if dl.LongPauses > longPausesAccepted {
		pauseS = math.Max(0, 10-1.5*float64(dl.LongPauses-longPausesAccepted))
		parts = append(parts, fmt.Sprintf("%d pauses longer than 3 seconds: outline the answer in your head (situation, action, result) before you start.", dl.LongPauses))
		tips = append(tips, tip{"Plan the answer's outline before you speak to avoid long pauses.", 0.15 * 0.15 * (10 - pauseS) * 2})
	}
	talk := finiteOr(dl.TalkSeconds, 0)
	talkS := 10.0
	switch {
	case talk <= 0:
		talkS = 5
	case talk < talkMin:
		talkS = 10 * talk / talkMin
		parts = append(parts, fmt.Sprintf("You talked for %.0f seconds; aim for one to three minutes.", talk))
	case talk > talkMax:
		talkS = math.Max(0, 10-(talk-talkMax)/20)
		parts = append(parts, fmt.Sprintf("You talked for %.1f minutes; keep it under three.", talk/60))
		tips = append(tips, tip{"Keep spoken answers under three minutes.", 0.15 * 0.15 * (10 - talkS) * 2})
	}
	out.Score = round1(0.35*paceS + 0.35*fillerS + 0.15*pauseS + 0.15*talkS)
	out.Feedback = strings.Join(parts, " ")
	out.tips = tips
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func finiteOr(v, or float64) float64 {
	if finite(v) {
		return v
	}
	return or
}
