// Package judge blends an optional language model's judgement of an answer
// into the rubric's score. The rubric always runs and stays the larger
// share; a model that fails, times out or answers out of range changes
// nothing.
package judge

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"

	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/services/evaluation/internal/score"
)

// MaxWeight bounds the model's share of a score: the rubric, which is
// transparent and versioned, decides at least half.
const MaxWeight = 0.5

// Completer is the part of the LLM client used here.
type Completer interface {
	CompleteJSON(ctx context.Context, req llm.Request, out any) error
}

// Judge scores with the rubric and, when the model answers, blends.
type Judge struct {
	llm    Completer
	weight float64
	log    *slog.Logger
}

// New returns a judge giving the model weight (clamped to [0, MaxWeight]).
func New(c Completer, weight float64, log *slog.Logger) *Judge {
	return &Judge{llm: c, weight: math.Max(0, math.Min(weight, MaxWeight)), log: log}
}

// Weight is the model's share of the score.
func (j *Judge) Weight() float64 { return j.weight }

const system = `You are a strict, fair interview coach. Score the candidate's answer to the question from 0 to 10:
relevance to the question, structure (STAR for behavioural questions), specific evidence and results, completeness.
An off-topic answer scores 0-2 whatever its length. Answer with a JSON object only: {"score": <number 0-10>, "reason": "<one sentence>"}`

// Score implements the evaluation scorer.
func (j *Judge) Score(ctx context.Context, q score.Question, a score.Answer) score.Result {
	rule := score.Score(q, a)
	if j.weight == 0 {
		return rule
	}
	var out struct {
		Score *float64 `json:"score"`
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Question: %s\n", q.Text)
	if len(q.TalkingPoints) > 0 {
		fmt.Fprintf(&b, "A strong answer covers: %s\n", strings.Join(q.TalkingPoints, "; "))
	}
	fmt.Fprintf(&b, "Answer:\n%s\n", a.Text)
	temp := 0.0
	err := j.llm.CompleteJSON(ctx, llm.Request{
		Messages:    []llm.Message{{Role: "system", Content: system}, {Role: "user", Content: b.String()}},
		Temperature: &temp, MaxTokens: 200, JSON: true,
	}, &out)
	if err == nil && (out.Score == nil || *out.Score < 0 || *out.Score > 10 || math.IsNaN(*out.Score)) {
		err = fmt.Errorf("%w: score missing or out of range", llm.ErrInvalidOutput)
	}
	if err != nil {
		if j.log != nil {
			j.log.WarnContext(ctx, "model judge unavailable; rubric score only", "err", err)
		}
		return rule
	}
	return score.Blend(rule, *out.Score, j.weight)
}
