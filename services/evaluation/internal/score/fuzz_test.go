package score_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/moksho/platform/services/evaluation/internal/score"
)

// FuzzScore feeds arbitrary questions, answers and delivery measurements
// (answers are untrusted text: typed by anyone, or a transcript) and
// checks that Score never panics, stays in range with one decimal, always
// explains itself and is deterministic.
func FuzzScore(f *testing.F) {
	set := loadSet(f, "graded-answers.json")
	for _, gq := range set.Questions {
		for _, a := range gq.Answers {
			f.Add(gq.Text, "behavioural", gq.Competency, a.Text, false, 0.0, 0.0, 0, 0.0)
		}
	}
	f.Add("", "", "", "", true, -1.0, -5.0, -3, -10.0)
	f.Add("?", "custom", "x", "um, like, you know, basically", true, 1e308, 1e308, 1<<30, 1e308)
	f.Add("How would you…", "technical", "", "I would\n\n\n. . . 2.5, 40,000 — “quoted” ’s I'd", true, 150.0, 2.0, 1, 90.0)
	f.Add("Tell me about a time", "", "", strings.Repeat("we did it. ", 400), false, 0.0, 0.0, 0, 0.0)
	f.Add("a the of", "resume", "", "\xff\xfe invalid utf8 \x00", true, 0.0, 0.0, 0, 0.0)
	f.Fuzz(func(t *testing.T, qText, kind, competency, text string, spoken bool, wpm, fillers float64, pauses int, talk float64) {
		q := score.Question{Text: qText, Kind: kind, Competency: competency, TalkingPoints: strings.Split(competency, ",")}
		a := score.Answer{Text: text, Spoken: spoken, Delivery: &score.Delivery{WordsPerMinute: wpm, FillerRate: fillers, LongPauses: pauses, TalkSeconds: talk}}
		r := score.Score(q, a)
		checkRange(t, r)
		want := 4
		if spoken {
			want = 5
		}
		if len(r.Dimensions) != want {
			t.Fatalf("%d dimensions, want %d", len(r.Dimensions), want)
		}
		for _, d := range r.Dimensions {
			if d.Feedback == "" {
				t.Fatalf("%s has no feedback", d.Name)
			}
		}
		if r.Feedback == "" || r.RubricVersion != score.RubricVersion {
			t.Fatalf("feedback %q, version %q", r.Feedback, r.RubricVersion)
		}
		if !utf8.ValidString(r.Feedback) {
			t.Fatalf("invalid UTF-8 in feedback %q", r.Feedback)
		}
		for _, d := range r.Dimensions {
			if !utf8.ValidString(d.Feedback) {
				t.Fatalf("invalid UTF-8 in %s feedback %q", d.Name, d.Feedback)
			}
		}
		if r2 := score.Score(q, a); r2.Score != r.Score || r2.Feedback != r.Feedback {
			t.Fatalf("not deterministic: %v then %v", r, r2)
		}
		b := score.Blend(r, wpm, fillers)
		checkRange(t, b)
	})
}
