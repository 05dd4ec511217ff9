package judge_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/services/evaluation/internal/judge"
	"github.com/moksho/platform/services/evaluation/internal/score"
)

// judgeServer speaks the chat-completions API with a fixed content.
func judgeServer(t *testing.T, content string, delay time.Duration) *llm.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": content}}}})
	}))
	t.Cleanup(srv.Close)
	c, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "judge", Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	q = score.Question{Text: "How would you reduce the latency of a slow API endpoint?", Kind: "technical"}
	a = score.Answer{Text: "First I would measure where the time goes with a profiler and the database's query plans. " +
		"Then I would fix the slowest part: add the missing index, batch the N+1 queries and cache hot reads in Redis. " +
		"Finally I would compare p99 latency before and after, and keep the dashboard to catch regressions."}
)

func TestJudgeBlendsAValidScore(t *testing.T) {
	rule := score.Score(q, a)
	j := judge.New(judgeServer(t, `{"score": 2, "reason": "too generic"}`, 0), 0.3, nil)
	got := j.Score(context.Background(), q, a)
	want := 0.7*rule.Score + 0.3*2
	if diff := got.Score - want; diff > 0.051 || diff < -0.051 {
		t.Fatalf("blended %.2f, want %.2f (rule %.1f)", got.Score, want, rule.Score)
	}
	if !strings.Contains(got.RubricVersion, "judge") || len(got.Dimensions) != len(rule.Dimensions) {
		t.Fatalf("result %+v", got)
	}
}

func TestJudgeWeightIsBounded(t *testing.T) {
	if w := judge.New(nil, 0.9, nil).Weight(); w != judge.MaxWeight {
		t.Fatalf("weight %.2f", w)
	}
}

func TestJudgeFailuresLeaveTheRubric(t *testing.T) {
	rule := score.Score(q, a)
	for name, c := range map[string]*llm.Client{
		"garbage":      judgeServer(t, "I think it is quite good.", 0),
		"out of range": judgeServer(t, `{"score": 42}`, 0),
		"no score":     judgeServer(t, `{"reason": "fine"}`, 0),
		"timeout":      judgeServer(t, `{"score": 9}`, 2*time.Second),
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			got := judge.New(c, 0.5, nil).Score(context.Background(), q, a)
			if got.Score != rule.Score || got.RubricVersion != rule.RubricVersion {
				t.Fatalf("got %.1f (%s), want the rubric's %.1f", got.Score, got.RubricVersion, rule.Score)
			}
			if time.Since(start) > time.Second {
				t.Fatalf("took %s", time.Since(start))
			}
		})
	}
}
