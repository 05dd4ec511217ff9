package generate_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/services/interviews/internal/catalog"
	"github.com/moksho/platform/services/interviews/internal/generate"
	"github.com/moksho/platform/services/interviews/internal/questions"
)

// model speaks the chat-completions API with a fixed reply.
type model struct {
	mu      sync.Mutex
	prompts []string
	reply   string
	delay   time.Duration
	status  int
}

func (m *model) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	m.mu.Lock()
	m.prompts = append(m.prompts, string(b))
	m.mu.Unlock()
	time.Sleep(m.delay)
	if m.status != 0 {
		w.WriteHeader(m.status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": m.reply}}}})
}

func generator(t *testing.T, m *model, timeout time.Duration) generate.Model {
	t.Helper()
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	c, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "m", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return generate.Model{LLM: c, Fallback: generate.Bank{Bank: questions.DefaultBank()}}
}

func request(t *testing.T) questions.Request {
	t.Helper()
	role, ok := catalog.Default().Get("backend-engineer")
	if !ok {
		t.Fatal("no backend-engineer role")
	}
	return questions.Request{Role: role, Count: 2, ResumeSkills: []string{"Go", "Kafka"}, MissingSkills: []string{"Terraform"}}
}

func reply(qs ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"questions": qs})
	return string(b)
}

func TestModelQuestionsAreUsedWhenValid(t *testing.T) {
	req := request(t)
	m := &model{reply: "Here you go:\n" + reply(
		map[string]any{"text": "Tell me about a time you owned an outage end to end.", "kind": "behavioural",
			"competency": req.Role.Competencies[0], "talkingPoints": []string{"timeline", "your actions", "root cause"}},
		map[string]any{"text": "How would you keep Kafka consumers idempotent?", "kind": "resume", "skill": "Kafka",
			"talkingPoints": []string{"idempotency keys", "offsets", "exactly-once effects", "retries"}},
	)}
	qs := generator(t, m, 5*time.Second).Generate(context.Background(), req)
	if len(qs) != 2 || qs[1].Skill != "Kafka" || qs[1].Kind != "resume" || len(qs[1].TalkingPoints) != 4 {
		t.Fatalf("questions %+v", qs)
	}
	prompt := m.prompts[0]
	if !strings.Contains(prompt, "Kafka") || !strings.Contains(prompt, "Terraform") || !strings.Contains(prompt, "Backend Engineer") {
		t.Errorf("the prompt lacks the role or skills: %s", prompt)
	}
}

func TestModelFailuresFallBackToTheBank(t *testing.T) {
	req := request(t)
	good := map[string]any{"text": "How would you design an idempotent payments API?", "kind": "technical", "skill": "Go",
		"talkingPoints": []string{"idempotency keys", "retries", "storage"}}
	cases := map[string]*model{
		"garbage":           {reply: "Sorry, I cannot do that."},
		"wrong count":       {reply: reply(good)},
		"unknown skill":     {reply: reply(good, map[string]any{"text": "How do you use COBOL daily?", "kind": "technical", "skill": "COBOL", "talkingPoints": []string{"a", "b", "c"}})},
		"unknown kind":      {reply: reply(good, map[string]any{"text": "What is your favourite colour?", "kind": "trivia", "talkingPoints": []string{"a", "b", "c"}})},
		"no talking points": {reply: reply(good, map[string]any{"text": "How would you profile a slow Go service?", "kind": "technical", "skill": "PostgreSQL"})},
		"same topic twice":  {reply: reply(good, good)},
		"server error":      {status: http.StatusInternalServerError},
		"timeout":           {reply: reply(good, good), delay: 2 * time.Second},
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			qs := generator(t, m, 300*time.Millisecond).Generate(context.Background(), req)
			if len(qs) != 2 {
				t.Fatalf("fallback gave %d questions", len(qs))
			}
			for _, q := range qs {
				if q.BankID == "" && q.Kind != questions.KindResume {
					t.Fatalf("question not from the bank: %+v", q)
				}
			}
			if time.Since(start) > 2*time.Second {
				t.Fatalf("took %s", time.Since(start))
			}
		})
	}
}
