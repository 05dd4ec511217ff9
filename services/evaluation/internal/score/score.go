// Package score grades an interview answer from 0 to 10 with feedback per
// dimension that the candidate can act on. It is a rule-based scorer: the
// same answer always gets the same score, it explains every point with the
// candidate's own words, it runs in microseconds, and it needs no model, no
// network and no data beyond the word lists in lexicon.go. That makes it
// the floor the product can always stand on; a language-model judge can be
// blended in later (see Blend) without giving up those properties.
//
// It works from the question's own text when a question has no talking
// points, so it handles questions it has never seen. RUBRIC.md in this
// folder is the user-facing description of the rubric.
package score

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// RubricVersion is stored with every score; bump it whenever scoring changes.
const RubricVersion = "2026-11-27.1"

// Question is what was asked. Kind is "behavioural", "technical",
// "situational", "resume" or "custom"; any other value (or "custom") makes
// the scorer infer the kind from Text. TalkingPoints, when present, are
// what a strong answer should cover; they weigh most in relevance.
type Question struct {
	Text          string
	Kind          string
	Competency    string
	Skill         string
	TalkingPoints []string
}

// Delivery is measured on the recording of a spoken answer; typed answers
// have none.
type Delivery struct {
	WordsPerMinute float64
	FillerRate     float64 // filler words per 100 words
	LongPauses     int     // pauses > 3 s
	TalkSeconds    float64
}

// Answer is the candidate's answer: typed text, or the transcript of a
// recording (then Spoken is true and Delivery may hold its measurements).
// Delivery is ignored unless Spoken is true.
type Answer struct {
	Text     string
	Spoken   bool
	Delivery *Delivery
}

// Dimension is one aspect of the answer, scored 0-10 with one decimal, with
// feedback that quotes the answer where it can.
type Dimension struct {
	Name     string
	Score    float64
	Feedback string
}

// Result is a scored answer. Score is the weighted combination of the
// dimensions after the gates (see weights and RUBRIC.md); RubricVersion
// says which rules made it, so stored scores from different rules are
// never compared as if they were alike.
type Result struct {
	Score         float64
	Dimensions    []Dimension
	Feedback      string
	RubricVersion string

	ceiling float64 // the gates' limit on Score, for Blend; 0 when unknown
}

// weights of the dimensions in the total for a typed answer (RUBRIC.md
// shows them to candidates; change both together). A spoken
// answer gives DeliveryWeight to delivery and scales these by
// 1-DeliveryWeight.
var weights = map[string]float64{
	DimRelevance:    0.35,
	DimStructure:    0.20,
	DimSpecificity:  0.25,
	DimCompleteness: 0.20,
}

// capFree is the relevance from which relevanceCap no longer limits.
const capFree = 6.0

// DeliveryWeight is delivery's share of a spoken answer's total.
const DeliveryWeight = 0.15

// relevanceCap is the most an answer of relevance rel can score: 1 for an
// answer about something else entirely, 3 at the off-topic line, then
// rising straight to no cap at capFree. Structure, detail and length cannot
// lift an off-topic answer.
//
// Relevance is read from words, and a strong answer in the candidate's own
// words can measure 5-6 where an answer about something else measures
// under 3 (the blind hold-out sets); so the cap lifts before onTopic,
// where relevance's own feedback still asks for a closer link.
func relevanceCap(rel float64) float64 {
	switch {
	case rel >= capFree:
		return 10
	case rel < offTopic:
		return 1 + 2*rel/offTopic
	}
	return 3 + 7*(rel-offTopic)/(capFree-offTopic)
}

// lengthCap is the most an answer under shortWords words can score: a
// one-liner cannot show enough to score well however apt it is.
func lengthCap(words int) float64 {
	if words >= shortWords {
		return 10
	}
	return 2 + 2.5*float64(words)/shortWords
}

// Score grades an answer to a question. It never fails: empty or garbled
// input scores 0 with feedback that says so.
func Score(q Question, a Answer) Result {
	q, a = sanitize(q, a)
	x := analyse(q, a)
	st, ap := x.star(), x.approach()
	dims := []scored{x.relevance(), x.structure(st, ap), x.specificity(), x.completeness(st, ap)}
	spoken := a.Spoken
	if spoken {
		dims = append(dims, x.delivery(a.Delivery))
	}
	total := 0.0
	for _, d := range dims {
		w := weights[d.Name]
		if spoken {
			w *= 1 - DeliveryWeight
		}
		if d.Name == DimDelivery {
			w = DeliveryWeight
		}
		total += w * d.Score
	}
	rel := dims[0].Score
	ceiling := math.Min(relevanceCap(rel), lengthCap(x.words))
	total = math.Min(total, ceiling)
	var gates []tip
	if x.isOffTopic() {
		gates = append(gates, tip{"This answer is scored as off topic, so its score is capped whatever its length.", 100})
	}
	if x.words > 0 && x.words < shortWords {
		gates = append(gates, tip{fmt.Sprintf("At %s the answer is too short to score well, however apt it is.", words(x.words)), 99})
	}
	if len(x.d.sents) == 0 {
		total = 0
	}
	res := Result{Score: round1(total), RubricVersion: RubricVersion, ceiling: ceiling}
	for _, d := range dims {
		res.Dimensions = append(res.Dimensions, d.Dimension)
	}
	res.Feedback = overall(x, dims, gates, res.Score, spoken)
	return res
}

// sanitize replaces invalid UTF-8 in every text with U+FFFD, so that
// feedback, which quotes the texts, is always valid UTF-8 (PostgreSQL
// refuses anything else) whatever a client or a transcriber sent.
func sanitize(q Question, a Answer) (Question, Answer) {
	valid := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	q.Text, q.Kind, q.Competency, q.Skill = valid(q.Text), valid(q.Kind), valid(q.Competency), valid(q.Skill)
	if len(q.TalkingPoints) > 0 {
		tps := make([]string, len(q.TalkingPoints))
		for i, p := range q.TalkingPoints {
			tps[i] = valid(p)
		}
		q.TalkingPoints = tps
	}
	a.Text = valid(a.Text)
	return q, a
}

// words formats a word count: "1 word", "25 words".
func words(n int) string {
	if n == 1 {
		return "1 word"
	}
	return fmt.Sprintf("%d words", n)
}

// overall picks the two or three most useful next steps: any gate first,
// then the tips that would add most to the total.
func overall(x *analysis, dims []scored, gates []tip, total float64, spoken bool) string {
	var tips []tip
	for _, d := range dims {
		tips = append(tips, d.tips...)
	}
	if rate := x.fillerRate(); rate >= 3 && !spoken {
		tips = append(tips, tip{fmt.Sprintf("Cut the filler words (%d of them): they make the answer ramble and cost points for detail and completeness.", len(x.fillers)), 1 + 0.3*rate})
	}
	sort.SliceStable(tips, func(i, j int) bool { return tips[i].gain > tips[j].gain })
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && len(out) < 3 {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, g := range gates {
		add(g.text)
	}
	if len(gates) == 0 && total >= 8 {
		add("Strong answer: " + strongest(dims) + ".")
	}
	for _, t := range tips {
		if len(out) >= 2 && t.gain < 0.3 {
			break
		}
		add(t.text)
	}
	if len(out) < 2 {
		add("Practise saying it aloud in under two minutes, keeping the same detail.")
	}
	return strings.Join(out, " ")
}

// strongest names what the best dimension does well.
func strongest(dims []scored) string {
	best := dims[0]
	for _, d := range dims[1:] {
		if d.Name != DimDelivery && d.Score > best.Score {
			best = d
		}
	}
	switch best.Name {
	case DimRelevance:
		return "it answers exactly what was asked"
	case DimStructure:
		return "it is clearly structured"
	case DimSpecificity:
		return "it is concrete, with real names and numbers"
	}
	return "it is complete and finishes with an outcome"
}

// String formats a result on one line for logs and test output.
func (r Result) String() string {
	s := fmt.Sprintf("%.1f", r.Score)
	for _, d := range r.Dimensions {
		s += fmt.Sprintf(" %s=%.1f", d.Name, d.Score)
	}
	return s
}
