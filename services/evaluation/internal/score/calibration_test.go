package score_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/moksho/platform/services/evaluation/internal/score"
)

// gradedSet is the format of testdata/graded-answers.json and
// testdata/holdout.json: questions with hand-graded answers.
type gradedSet struct {
	Questions []gradedQuestion `json:"questions"`
}

type gradedQuestion struct {
	ID            string   `json:"id"`
	Text          string   `json:"text"`
	Kind          string   `json:"kind"`
	Competency    string   `json:"competency"`
	Skill         string   `json:"skill"`
	TalkingPoints []string `json:"talking_points"`
	Answers       []struct {
		Grade float64 `json:"grade"`
		Text  string  `json:"text"`
	} `json:"answers"`
}

func (g gradedQuestion) question() score.Question {
	return score.Question{Text: g.Text, Kind: g.Kind, Competency: g.Competency, Skill: g.Skill, TalkingPoints: g.TalkingPoints}
}

func loadSet(t testing.TB, name string) gradedSet {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var s gradedSet
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(s.Questions) == 0 {
		t.Fatalf("%s: no questions", name)
	}
	return s
}

// ranks returns the ranks of xs (1 = smallest), ties sharing their mean
// rank, as Spearman's rho requires.
func ranks(xs []float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	r := make([]float64, len(xs))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && xs[idx[j+1]] == xs[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}

// spearman is Spearman's rank correlation: Pearson's correlation of the
// ranks, which handles ties correctly.
func spearman(a, b []float64) float64 {
	ra, rb := ranks(a), ranks(b)
	n := float64(len(a))
	var ma, mb float64
	for i := range ra {
		ma += ra[i] / n
		mb += rb[i] / n
	}
	var cov, va, vb float64
	for i := range ra {
		cov += (ra[i] - ma) * (rb[i] - mb)
		va += (ra[i] - ma) * (ra[i] - ma)
		vb += (rb[i] - mb) * (rb[i] - mb)
	}
	if va == 0 || vb == 0 {
		return 0
	}
	return cov / math.Sqrt(va*vb)
}

func TestSpearman(t *testing.T) {
	tests := []struct {
		name string
		a, b []float64
		want float64
	}{
		{"same order", []float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1},
		{"reversed", []float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1},
		{"ties averaged", []float64{1, 1, 2, 2}, []float64{1, 2, 3, 4}, 0.894},
		{"one swap", []float64{1, 2, 3, 4}, []float64{1, 3, 2, 4}, 0.8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := spearman(tc.a, tc.b); math.Abs(got-tc.want) > 0.001 {
				t.Errorf("spearman = %.3f, want %.3f", got, tc.want)
			}
		})
	}
}

// checkOrder scores every answer and fails when an answer scores no higher
// than one graded at least minGap points below it (0: any lower grade);
// other inversions are logged. It returns the pooled grades and scores.
func checkOrder(t *testing.T, set gradedSet, minGap float64) (grades, scores []float64) {
	t.Helper()
	for _, gq := range set.Questions {
		var g, s []float64
		for _, a := range gq.Answers {
			r := score.Score(gq.question(), score.Answer{Text: a.Text})
			t.Logf("answer %s grade %.0f score %.1f (%s)", gq.ID, a.Grade, r.Score, r)
			g = append(g, a.Grade)
			s = append(s, r.Score)
		}
		rho := spearman(g, s)
		t.Logf("spearman %s %.3f", gq.ID, rho)
		for i := range g {
			for j := range g {
				if g[i] > g[j] && !(s[i] > s[j]) {
					msg := fmt.Sprintf("%s: the grade-%.0f answer scored %.1f, not above the grade-%.0f answer's %.1f", gq.ID, g[i], s[i], g[j], s[j])
					if g[i]-g[j] >= minGap {
						t.Error(msg)
					} else {
						t.Log("inversion: " + msg)
					}
				}
			}
		}
		grades = append(grades, g...)
		scores = append(scores, s...)
	}
	return grades, scores
}

// checkBlind is the bar for answers the scorer was not built on: pooled
// Spearman of at least minRho, and no answer at or below another graded
// five or more points lower (a 9 below a 3, a 6 below a 1) when strict.
// The excellent answers' mean score is logged: a certificate needs 7.5.
func checkBlind(t *testing.T, name string, set gradedSet, minRho float64, strict bool) {
	t.Helper()
	gap := 5.0
	if !strict {
		gap = 100
	}
	grades, scores := checkOrder(t, set, gap)
	rho := spearman(grades, scores)
	var top []float64
	for i, g := range grades {
		if g >= 9 {
			top = append(top, scores[i])
		}
	}
	t.Logf("spearman %s pooled %.3f; grade-9 answers: mean score %.1f, lowest %.1f", name, rho, mean(top), slices.Min(top))
	if rho < minRho {
		t.Errorf("%s: pooled Spearman %.3f < %.2f", name, rho, minRho)
	}
}

// asCustom turns a set's questions into ones a candidate typed in: no
// kind, competency, skill or talking points.
func asCustom(set gradedSet) gradedSet {
	out := gradedSet{Questions: slices.Clone(set.Questions)}
	for i := range out.Questions {
		q := &out.Questions[i]
		q.Kind, q.Competency, q.Skill, q.TalkingPoints = "custom", "", "", nil
	}
	return out
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// TestCalibration compares the scorer with the human grades of the
// calibration answers: Spearman's rho over all twelve (pooled) must be at
// least 0.85, and within each question the order must be exactly right.
// The logged lines are the figures quoted in docs/benchmarks.md.
func TestCalibration(t *testing.T) {
	grades, scores := checkOrder(t, loadSet(t, "graded-answers.json"), 0)
	rho := spearman(grades, scores)
	t.Logf("spearman pooled %.3f", rho)
	if rho < 0.85 {
		t.Errorf("pooled Spearman %.3f < 0.85", rho)
	}
}

// TestHoldout checks that the scorer generalises: answers in fields the
// calibration set does not touch (nursing, sales, data analysis, customer
// support, project management), graded by hand before the scorer first
// saw them, must rank in their grades' order too.
func TestHoldout(t *testing.T) {
	set := loadSet(t, "holdout.json")
	if len(set.Questions) < 4 {
		t.Fatalf("hold-out has %d questions, want at least 4", len(set.Questions))
	}
	grades, scores := checkOrder(t, set, 0)
	t.Logf("spearman holdout pooled %.3f", spearman(grades, scores))
}

// TestHoldoutBlind scores sets of answers written and graded by someone
// who saw neither the scorer nor the question bank's talking points (see
// each file's "about"), to bank questions of roles the calibration does
// not cover; then the same answers to the same questions asked as a
// candidate's own, with no kind, competency or talking points.
func TestHoldoutBlind(t *testing.T) {
	for _, tc := range []struct {
		name           string
		minRho, custom float64 // pooled Spearman floors, as bank and as custom questions
		strict         bool    // no answer at or below one graded 5 or more lower
	}{
		// The first two sets informed the changes of rubric 2026-11-27.1;
		// the third was first scored after them and shows what remains
		// (plain-words stories rated near zero on relevance; see
		// docs/benchmarks.md). Floors sit just under today's figures, as
		// guards against losing ground.
		{"holdout-blind", 0.90, 0.88, true},
		{"holdout-blind-2", 0.88, 0.82, true},
		{"holdout-blind-3", 0.62, 0.60, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := loadSet(t, tc.name+".json")
			checkBlind(t, tc.name, set, tc.minRho, tc.strict)
			t.Run("custom", func(t *testing.T) { checkBlind(t, tc.name+" as custom questions", asCustom(set), tc.custom, false) })
		})
	}
}

// TestAnswersToOtherQuestionsScoreLower gives every good answer (grade 6
// and up) of each calibration question to the other questions. A good
// answer to a different question is concrete and well structured, so this
// is the hard case for relevance: each question's own best answer must
// beat every borrowed one, and the borrowed ones must score low on
// average. (Word overlap cannot see everything: a story that cut a query
// from 900 to 120 ms is partly about latency, and is scored so.)
func TestAnswersToOtherQuestionsScoreLower(t *testing.T) {
	set := loadSet(t, "graded-answers.json")
	var borrowed []float64
	for _, q := range set.Questions {
		own := 0.0
		for _, a := range q.Answers {
			own = math.Max(own, score.Score(q.question(), score.Answer{Text: a.Text}).Score)
		}
		for _, other := range set.Questions {
			if other.ID == q.ID {
				continue
			}
			for _, a := range other.Answers {
				if a.Grade < 6 {
					continue
				}
				s := score.Score(q.question(), score.Answer{Text: a.Text}).Score
				t.Logf("borrowed %s grade %.0f answer on %s: %.1f (own best %.1f)", other.ID, a.Grade, q.ID, s, own)
				if s >= own {
					t.Errorf("on %s, a borrowed %s answer scored %.1f, not below the question's own best %.1f", q.ID, other.ID, s, own)
				}
				borrowed = append(borrowed, s)
			}
		}
	}
	mean := 0.0
	for _, s := range borrowed {
		mean += s / float64(len(borrowed))
	}
	t.Logf("borrowed answers mean %.2f", mean)
	if mean > 4 {
		t.Errorf("answers to other questions average %.2f, want at most 4", mean)
	}
}
