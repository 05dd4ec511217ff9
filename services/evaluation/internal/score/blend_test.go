package score_test

import (
	"math"
	"strings"
	"testing"

	"github.com/moksho/platform/services/evaluation/internal/score"
)

func TestBlend(t *testing.T) {
	strong := score.Score(qLearn, score.Answer{Text: strongLearn})
	offTopic := score.Score(qAPI, score.Answer{Text: offTopic300})
	short := score.Score(qAPI, score.Answer{Text: "I would add an index to the slow query and cache the responses in Redis."})
	tests := []struct {
		name          string
		rule          score.Result
		judge, weight float64
		want          float64
		unchanged     bool
	}{
		{"weighted mean", strong, 5, 0.3, round1(0.7*strong.Score + 0.3*5), false},
		{"weight capped at one half", strong, 0, 0.9, round1(0.5 * strong.Score), false},
		{"zero weight", strong, 0, 0, strong.Score, true},
		{"negative weight", strong, 0, -1, strong.Score, true},
		{"NaN judge", strong, math.NaN(), 0.3, strong.Score, true},
		{"infinite judge", strong, math.Inf(1), 0.3, strong.Score, true},
		{"judge clamped to 10", strong, 50, 0.5, round1(0.5*strong.Score + 5), false},
		{"judge cannot lift an off-topic answer", offTopic, 10, 0.5, offTopic.Score, false},
		{"judge cannot lift a one-liner past its cap", short, 10, 0.5, short.Score, false},
		{"judge can lower an off-topic answer", offTopic, 0, 0.5, round1(0.5 * offTopic.Score), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := score.Blend(tc.rule, tc.judge, tc.weight)
			if got.Score != tc.want {
				t.Errorf("Blend(%.1f, %v, %v) = %.1f, want %.1f", tc.rule.Score, tc.judge, tc.weight, got.Score, tc.want)
			}
			checkRange(t, got)
			if tc.unchanged != (got.RubricVersion == score.RubricVersion) {
				t.Errorf("rubric version %q (unchanged result: %v)", got.RubricVersion, tc.unchanged)
			}
			if !tc.unchanged && !strings.HasPrefix(got.RubricVersion, score.RubricVersion+"+judge") {
				t.Errorf("blended rubric version %q does not say a judge was blended in", got.RubricVersion)
			}
			if got.Feedback != tc.rule.Feedback || len(got.Dimensions) != len(tc.rule.Dimensions) {
				t.Errorf("Blend changed the rubric's feedback or dimensions")
			}
		})
	}
}

// TestBlendOnStoredResult checks the gate still holds for a Result rebuilt
// from storage (no hidden state): it is derived from the relevance
// dimension.
func TestBlendOnStoredResult(t *testing.T) {
	r := score.Score(qAPI, score.Answer{Text: offTopic300})
	stored := score.Result{Score: r.Score, Dimensions: r.Dimensions, Feedback: r.Feedback, RubricVersion: r.RubricVersion}
	if got := score.Blend(stored, 10, 0.5); got.Score > r.Score {
		t.Errorf("a judge lifted a stored off-topic answer from %.1f to %.1f", r.Score, got.Score)
	}
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
