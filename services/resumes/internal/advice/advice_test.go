package advice_test

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
	"github.com/moksho/platform/services/resumes/internal/advice"
	"github.com/moksho/platform/services/resumes/internal/assess"
	"github.com/moksho/platform/services/resumes/internal/redact"
)

// fakeModel speaks the chat-completions API, records the prompts it gets
// and answers with content.
type fakeModel struct {
	mu      sync.Mutex
	prompts []string
	content string
	delay   time.Duration
}

func (f *fakeModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.prompts = append(f.prompts, string(b))
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": f.content}}},
	})
}

const resume = `Asha Rao
asha.rao@example.org | +91 98450 77310 | 14 Residency Road, Bengaluru 560025
EXPERIENCE
Backend Engineer, Acme (2019 - Present)
- Worked on the billing service
- Cut p99 latency by 40% with Redis caching
`

func advisor(t *testing.T, m *fakeModel, timeout time.Duration) *advice.Advisor {
	t.Helper()
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	c, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "test", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return advice.New(c)
}

func TestAdviceSeesOnlyRedactedTextAndIsValidated(t *testing.T) {
	m := &fakeModel{content: "```json\n" + `{"recommendations":[
		{"message":"Say what the billing service does and what you changed in it, with a number.","quote":"- Worked on the billing service"},
		{"message":"Too short"},
		{"message":"Add your email [EMAIL] to the header so recruiters can reach you directly."},
		{"message":"Name the scale of the Redis cache: keys, hit rate, or traffic served.","quote":"a line that is not in the resume"},
		{"message":"Say what the billing service does and what you changed in it, with a number."}
	]}` + "\n```"}
	red := redact.Redact(resume)
	got, err := advisor(t, m, 5*time.Second).Advise(context.Background(), red.Text,
		assess.Role{Title: "Backend Engineer", Required: []string{"Go", "PostgreSQL"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("kept %d pieces of advice, want 2 (short, placeholder and duplicate dropped): %+v", len(got), got)
	}
	if got[0].Kind != advice.KindCoach || got[0].Quote != "- Worked on the billing service" || got[1].Quote != "" {
		t.Fatalf("advice %+v", got)
	}
	if len(m.prompts) != 1 {
		t.Fatalf("%d calls", len(m.prompts))
	}
	prompt := strings.ToLower(m.prompts[0])
	for _, personal := range []string{"asha", "rao", "example.org", "98450", "77310", "residency", "560025"} {
		if strings.Contains(prompt, personal) {
			t.Errorf("the model saw personal data (%q)", personal)
		}
	}
	if !strings.Contains(prompt, "billing service") || !strings.Contains(prompt, "backend engineer") {
		t.Error("the prompt lacks the resume's content or the role")
	}
}

func TestAdviceFailsCleanly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		m       *fakeModel
		timeout time.Duration
	}{
		{"garbage", &fakeModel{content: "I cannot help with that."}, 5 * time.Second},
		{"timeout", &fakeModel{content: `{"recommendations":[]}`, delay: 2 * time.Second}, 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			got, err := advisor(t, tc.m, tc.timeout).Advise(context.Background(), "text", assess.Role{Title: "QA Engineer"}, nil)
			if err == nil || len(got) != 0 {
				t.Fatalf("got %v, err %v", got, err)
			}
			if time.Since(start) > tc.timeout+time.Second {
				t.Fatalf("took %s", time.Since(start))
			}
		})
	}
}
