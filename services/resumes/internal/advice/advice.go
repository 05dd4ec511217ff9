// Package advice asks an optional language model, through any
// OpenAI-compatible endpoint, for a few more resume recommendations
// tailored to the role. It only ever sees the redacted resume text; its
// output is validated and anything that fails validation is dropped, and
// any failure leaves the built-in recommendations as they are.
package advice

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/services/resumes/internal/assess"
)

// KindCoach marks recommendations that came from the language model.
const KindCoach = "coach"

// Limits on what is sent and what is kept.
const (
	maxPromptText = 12000 // characters of redacted resume text sent
	maxAdvice     = 3
	minMessage    = 20
	maxMessage    = 600
	maxQuote      = 200
)

// Completer is the part of the LLM client this package uses.
type Completer interface {
	CompleteJSON(ctx context.Context, req llm.Request, out any) error
}

// Advisor produces extra recommendations.
type Advisor struct {
	llm Completer
}

// New returns an advisor over an LLM client.
func New(c Completer) *Advisor { return &Advisor{llm: c} }

type reply struct {
	Recommendations []struct {
		Message string `json:"message"`
		Quote   string `json:"quote"`
	} `json:"recommendations"`
}

const system = `You are an experienced recruiter reviewing a resume for a specific role.
Personal details in the resume were replaced with placeholders such as [NAME], [EMAIL], [PHONE], [URL], [ADDRESS]; never ask for them or mention them.
Give at most 3 concrete, specific improvements that are NOT already in the list of existing advice.
Each must be actionable and refer to this resume's actual content; quote the exact line it is about when there is one.
Answer with a JSON object only: {"recommendations":[{"message":"...","quote":"..."}]}`

// Advise returns up to three validated extra recommendations. redacted
// must be the resume text after redaction; nothing else of the resume is
// sent.
func (a *Advisor) Advise(ctx context.Context, redacted string, role assess.Role, existing []assess.Recommendation) ([]assess.Recommendation, error) {
	text := redacted
	if utf8.RuneCountInString(text) > maxPromptText {
		text = string([]rune(text)[:maxPromptText])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Role: %s\nSkills the role requires: %s\n\nExisting advice:\n", role.Title, strings.Join(role.Required, ", "))
	for _, r := range existing {
		fmt.Fprintf(&b, "- %s\n", r.Message)
	}
	fmt.Fprintf(&b, "\nResume (redacted):\n%s\n", text)
	temp := 0.2
	var out reply
	err := a.llm.CompleteJSON(ctx, llm.Request{
		Messages:    []llm.Message{{Role: "system", Content: system}, {Role: "user", Content: b.String()}},
		Temperature: &temp, MaxTokens: 600, JSON: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	return validate(out, redacted, existing), nil
}

// validate keeps well-formed, new advice whose quote (if any) really is a
// line of the redacted resume.
func validate(r reply, redacted string, existing []assess.Recommendation) []assess.Recommendation {
	seen := map[string]bool{}
	for _, e := range existing {
		seen[norm(e.Message)] = true
	}
	var out []assess.Recommendation
	for _, c := range r.Recommendations {
		msg := strings.TrimSpace(c.Message)
		n := utf8.RuneCountInString(msg)
		if n < minMessage || n > maxMessage || seen[norm(msg)] || placeholderOnly(msg) {
			continue
		}
		quote := strings.TrimSpace(c.Quote)
		if quote != "" && (utf8.RuneCountInString(quote) > maxQuote || !strings.Contains(redacted, quote)) {
			quote = ""
		}
		seen[norm(msg)] = true
		out = append(out, assess.Recommendation{Kind: KindCoach, Message: msg, Quote: quote})
		if len(out) == maxAdvice {
			break
		}
	}
	return out
}

func norm(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// placeholderOnly refuses advice that is about the redacted details.
func placeholderOnly(s string) bool {
	for _, p := range []string{"[NAME]", "[EMAIL]", "[PHONE]", "[URL]", "[ADDRESS]", "[HANDLE]"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
