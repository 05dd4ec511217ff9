package score

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestStem(t *testing.T) {
	same := [][]string{
		{"learn", "learning", "learned", "learner", "learns"},
		{"technology", "technologies"},
		{"reduce", "reduced", "reducing", "reduces"},
		{"stop", "stopped", "stopping"},
		{"plan", "planned", "planning"},
		{"optimise", "optimize", "optimised", "optimizing"},
		{"query", "queries"},
		{"improve", "improved", "improvement"},
		{"case", "cases"},
		{"manager", "managers"},
	}
	for _, group := range same {
		for _, w := range group[1:] {
			if stem(w) != stem(group[0]) {
				t.Errorf("stem(%q) = %q, stem(%q) = %q: want the same", w, stem(w), group[0], stem(group[0]))
			}
		}
	}
	different := [][2]string{{"manager", "manage"}, {"need", "ne"}, {"speed", "spe"}, {"class", "clas"}, {"status", "statu"}}
	for _, p := range different {
		if stem(p[0]) == p[1] {
			t.Errorf("stem(%q) = %q: over-stemmed", p[0], p[1])
		}
	}
}

func TestStemsMatch(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"learn", "learn", true},
		{stem("deteriorating"), stem("deterioration"), true},
		{stem("perform"), stem("performance"), true},
		{stem("critic"), stem("criticise"), true},
		{stem("percent"), stem("percentile"), false},
		{stem("through"), stem("throughput"), false},
		{"test", "testament", false},
		{"plan", "planet", false},
	}
	for _, tc := range tests {
		if got := stemsMatch(tc.a, tc.b); got != tc.want {
			t.Errorf("stemsMatch(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func sentences(d doc) []string {
	var out []string
	for i := range d.sents {
		out = append(out, d.sentenceText(i))
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		sents []string
		words int
	}{
		{"full stops", "I fixed it. Then it worked!", []string{"I fixed it", "Then it worked"}, 6},
		{"abbreviation", "Use a cache, e.g. Redis. Done.", []string{"Use a cache, e.g. Redis", "Done"}, 7},
		{"decimals and thousands", "It fell from 2.5 s to 900 ms for 40,000 users.", []string{"It fell from 2.5 s to 900 ms for 40,000 users"}, 11},
		{"hyphens split", "A 72-year-old patient.", []string{"A 72-year-old patient"}, 5},
		{"apostrophes kept", "I didn't wait; I’d asked.", []string{"I didn't wait; I’d asked"}, 5},
		{"question and newline", "Why?\nBecause", []string{"Why", "Because"}, 2},
		{"empty", " ... ", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := parse(tc.text)
			if got := sentences(d); !slices.Equal(got, tc.sents) {
				t.Errorf("sentences %q, want %q", got, tc.sents)
			}
			if d.words() != tc.words {
				t.Errorf("words %d, want %d", d.words(), tc.words)
			}
		})
	}
}

func TestParseSplitsRunOnTranscripts(t *testing.T) {
	var b strings.Builder
	for range 12 {
		b.WriteString("so I checked the logs and then I called the customer back ")
	}
	d := parse(b.String())
	if len(d.sents) < 3 {
		t.Fatalf("a %d-word unpunctuated transcript is %d sentences, want it cut up", d.words(), len(d.sents))
	}
	for i, s := range d.sents {
		if s.to-s.from > maxSentenceWords {
			t.Errorf("sentence %d has %d words", i, s.to-s.from)
		}
		if d.toks[s.from].sent != i || !d.toks[s.from].initial {
			t.Errorf("sentence %d: first token not marked", i)
		}
	}
}

func TestQuoteIsVerbatim(t *testing.T) {
	text := `In my first review, my manager said "you are a bottleneck": every pull request waited for me. I asked two engineers what they needed, and we agreed that any two reviewers could approve changes. Within a month, cycle time fell from five days to two.`
	d := parse(text)
	for k := range d.toks {
		q := d.quote(k)
		if q == "" || len(strings.Fields(q)) > quoteWords {
			t.Errorf("quote(%d) = %q", k, q)
		}
		if !strings.Contains(strings.ReplaceAll(text, `"`, "'"), q) {
			t.Errorf("quote(%d) = %q is not in the text", k, q)
		}
	}
	for i := range d.sents {
		q := strings.TrimSuffix(d.quoteSentence(i), "…")
		if !strings.Contains(strings.ReplaceAll(text, `"`, "'"), q) {
			t.Errorf("quoteSentence(%d) = %q is not in the text", i, q)
		}
	}
}

func TestCountFillers(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"I like Go and I would like to learn Rust.", nil},
		{"It was, like, really slow.", []string{"like"}},
		{"Like I said, it was slow.", []string{"like"}},
		{"What kind of data do you store? This sort of thing.", nil},
		{"It was kind of slow and sort of broken.", []string{"kind", "sort"}},
		{"Um, you know, basically it failed, uh, twice.", []string{"um", "you", "basically", "uh"}},
		{"You know the schema better than I do.", nil},
		{"I actually measured it.", []string{"actually"}},
		{"We added an index and, like, it got faster.", []string{"like"}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			d := parse(tc.text)
			var got []string
			for _, k := range countFillers(&d) {
				got = append(got, d.toks[k].low)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("fillers %q, want %q", got, tc.want)
			}
		})
	}
}

func TestInferKind(t *testing.T) {
	tests := []struct {
		kind, text, want string
	}{
		{"behavioural", "How would you design a cache?", kindBehavioural},
		{"Behavioral", "x", kindBehavioural},
		{"resume", "Walk me through your CV.", kindResume},
		{"custom", "Tell me about a time you failed.", kindBehavioural},
		{"", "Give an example of a project that missed its deadline.", kindBehavioural},
		{"other", "Describe a situation where you dealt with an angry customer.", kindBehavioural},
		{"custom", "What did you do when the release broke production?", kindBehavioural},
		{"custom", "What would you do if a patient refused medication?", kindSituational},
		{"", "Imagine your manager asks you to cut a corner.", kindSituational},
		{"custom", "How would you design a rate limiter?", kindTechnical},
		{"custom", "Explain the difference between a process and a thread.", kindTechnical},
		{"custom", "Why this company?", kindGeneral},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			q := Question{Text: tc.text, Kind: tc.kind}
			if got := inferKind(q, parse(q.Text)); got != tc.want {
				t.Errorf("inferKind(%q, %q) = %q, want %q", tc.kind, tc.text, got, tc.want)
			}
		})
	}
}

func TestMarkAnchors(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Tell me about a time you had to learn a new technology quickly.", []string{"technology"}},
		{"How would you reduce the latency of a slow API endpoint?", []string{"latency", "endpoint"}},
		{"Describe a situation where you dealt with an angry customer.", []string{"customer"}},
		{"Describe a time you received critical feedback.", nil},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			qd := parse(tc.text)
			terms := keyTerms(qd, 1)
			markAnchors(qd, terms)
			var got []string
			for _, tm := range terms {
				if tm.anchor {
					got = append(got, tm.word)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("anchors %q, want %q", got, tc.want)
			}
		})
	}
}

func TestQuestionFocus(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Tell me about a time you had to learn a new technology quickly.", "learn a new technology quickly"},
		{"How would you reduce the latency of a slow API endpoint?", "reduce the latency of a slow API endpoint"},
		{"Describe a time you received critical feedback. What did you do with it?", "received critical feedback"},
		{"Why?", "Why"},
	}
	for _, tc := range tests {
		qd := parse(tc.text)
		terms := keyTerms(qd, 1)
		markAnchors(qd, terms)
		if got := questionFocus(qd, terms); got != tc.want {
			t.Errorf("questionFocus(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestLengthScoreAndCaps(t *testing.T) {
	tests := []struct {
		words    int
		min, max float64
	}{
		{0, 0, 0}, {10, 1.4, 1.6}, {30, 3.9, 4.1}, {55, 6.9, 7.1}, {80, 10, 10}, {200, 10, 10},
		{350, 10, 10}, {525, 6.9, 7.1}, {700, 3.9, 4.1}, {2000, 2, 2},
	}
	for _, tc := range tests {
		if got := lengthScore(tc.words); got < tc.min || got > tc.max {
			t.Errorf("lengthScore(%d) = %.2f, want %.1f-%.1f", tc.words, got, tc.min, tc.max)
		}
	}
	for w := 1; w < 1000; w++ {
		if w < idealMinWords && lengthScore(w) < lengthScore(w-1) {
			t.Errorf("lengthScore falls from %d to %d words", w-1, w)
		}
	}
	if c := lengthCap(29); c >= 5 {
		t.Errorf("lengthCap(29) = %.2f: a one-liner must stay under 5", c)
	}
	if lengthCap(shortWords) != 10 {
		t.Errorf("lengthCap(%d) = %.1f, want no cap", shortWords, lengthCap(shortWords))
	}
	if c := relevanceCap(0); c != 1 {
		t.Errorf("relevanceCap(0) = %.2f, want 1", c)
	}
	if c := relevanceCap(offTopic - 0.1); c >= 3.5 {
		t.Errorf("relevanceCap just below the off-topic line = %.2f", c)
	}
	if relevanceCap(capFree) != 10 {
		t.Errorf("relevanceCap(%.0f) = %.1f, want no cap", capFree, relevanceCap(capFree))
	}
	prev := -1.0
	for r := 0.0; r <= 10; r += 0.1 {
		c := relevanceCap(r)
		if c < prev-1e-9 || math.IsNaN(c) {
			t.Fatalf("relevanceCap not monotonic at %.1f", r)
		}
		prev = c
	}
}

func TestWeightsSumToOne(t *testing.T) {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("weights sum to %.3f", sum)
	}
	if DeliveryWeight <= 0 || DeliveryWeight >= 0.5 {
		t.Errorf("DeliveryWeight %.2f", DeliveryWeight)
	}
}
