package apitest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// fakeModel answers chat completions with one fixed piece of advice and
// records every request body, for the privacy checks.
type fakeModel struct {
	*httptest.Server
	mu      sync.Mutex
	prompts []string
}

// modelAdvice is what the stand-in model always recommends.
const modelAdvice = "Lead with the outcome your most recent role delivered, in one line, before the details."

func startModel() *fakeModel {
	m := &fakeModel{}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		m.mu.Lock()
		m.prompts = append(m.prompts, string(b))
		m.mu.Unlock()
		content, _ := json.Marshal(map[string]any{"recommendations": []map[string]string{{"message": modelAdvice}}})
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": string(content)}}},
		})
	}))
	return m
}

// allPrompts is everything any language model was sent, lower-cased.
func (m *fakeModel) allPrompts() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.ToLower(strings.Join(m.prompts, "\n"))
}
