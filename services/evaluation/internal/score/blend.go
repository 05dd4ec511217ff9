package score

import (
	"math"
	"strconv"
)

// MaxJudgeWeight is the largest share of a score Blend gives a language
// model judge: the rule-based rubric, which is deterministic and explains
// itself, always decides at least half.
const MaxJudgeWeight = 0.5

// Blend mixes a language-model judge's 0-10 score into a rubric result:
// (1-weight)*rule + weight*judge, with weight clamped to [0,
// MaxJudgeWeight]. A judge can lower any score, but cannot lift an answer
// above the rubric's gates (off topic, too short): the gates exist because
// fluent models over-reward long, confident, off-topic answers. A judge
// score that is NaN or infinite, or a weight of zero, leaves the result
// unchanged. The dimensions and feedback stay the rubric's; RubricVersion
// gains a "+judge<weight>" suffix so blended scores are never compared
// with rubric-only ones as if they were alike.
func Blend(rule Result, judge float64, weight float64) Result {
	if !finite(judge) || !finite(weight) || weight <= 0 {
		return rule
	}
	w := math.Min(weight, MaxJudgeWeight)
	judge = math.Max(0, math.Min(10, judge))
	blended := (1-w)*rule.Score + w*judge
	if ceil := rule.ceilingOrDerived(); blended > rule.Score && blended > ceil {
		blended = math.Max(rule.Score, ceil)
	}
	out := rule
	out.Dimensions = append([]Dimension(nil), rule.Dimensions...)
	out.Score = round1(blended)
	out.RubricVersion = rule.RubricVersion + "+judge" + strconv.FormatFloat(w, 'f', 2, 64)
	return out
}

// ceilingOrDerived is the highest score the rubric's gates allow this
// answer: recorded by Score, or, for a Result rebuilt from storage,
// derived from its relevance dimension.
func (r Result) ceilingOrDerived() float64 {
	if r.ceiling > 0 {
		return r.ceiling
	}
	for _, d := range r.Dimensions {
		if d.Name == DimRelevance {
			return relevanceCap(d.Score)
		}
	}
	return 10
}
