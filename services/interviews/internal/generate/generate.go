// Package generate makes an interview's questions: from the question bank,
// or from an optional language model whose output is validated against a
// schema, with the bank answering whenever the model fails in any way.
// The model is given the role and canonical skill names only, never
// resume text.
package generate

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/services/interviews/internal/app"
	"github.com/moksho/platform/services/interviews/internal/questions"
)

// Bank generates from the built-in question bank.
type Bank struct{ Bank *questions.Bank }

// Generate implements app.Generator.
func (b Bank) Generate(_ context.Context, req questions.Request) []questions.Question {
	return b.Bank.Generate(req)
}

// Completer is the part of the LLM client used here.
type Completer interface {
	CompleteJSON(ctx context.Context, req llm.Request, out any) error
}

// Model asks a language model for questions and falls back on failure.
type Model struct {
	LLM      Completer
	Fallback app.Generator
	Log      *slog.Logger
}

type modelReply struct {
	Questions []struct {
		Text          string   `json:"text"`
		Kind          string   `json:"kind"`
		Competency    string   `json:"competency"`
		Skill         string   `json:"skill"`
		TalkingPoints []string `json:"talkingPoints"`
	} `json:"questions"`
}

const system = `You are an expert interviewer. Write interview questions for the role described.
Answer with a JSON object only: {"questions":[{"text":"...","kind":"behavioural|technical|situational|resume","competency":"...","skill":"...","talkingPoints":["...","..."]}]}
Behavioural questions name one of the given competencies; technical and resume questions name one of the given skills.
talkingPoints are 3 to 6 short concrete things a strong answer covers.`

// Generate implements app.Generator.
func (m Model) Generate(ctx context.Context, req questions.Request) []questions.Question {
	if req.Count <= 0 {
		req.Count = app.DefaultQuestions
	}
	qs, err := m.ask(ctx, req)
	if err != nil {
		if m.Log != nil {
			m.Log.WarnContext(ctx, "model questions unusable; using the question bank", "err", err)
		}
		return m.Fallback.Generate(ctx, req)
	}
	return qs
}

func (m Model) ask(ctx context.Context, req questions.Request) ([]questions.Question, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Role: %s\nCompetencies: %s\nRole skills: %s\n", req.Role.Title,
		strings.Join(req.Role.Competencies, ", "), strings.Join(append(slices.Clone(req.Role.Required), req.Role.NiceToHave...), ", "))
	if len(req.ResumeSkills) > 0 {
		fmt.Fprintf(&b, "Skills on the candidate's resume: %s\n", strings.Join(req.ResumeSkills, ", "))
	}
	if len(req.MissingSkills) > 0 {
		fmt.Fprintf(&b, "Role skills missing from the resume: %s\n", strings.Join(req.MissingSkills, ", "))
	}
	fmt.Fprintf(&b, "Write exactly %d questions: about 2 in 5 behavioural, the rest technical or situational", req.Count)
	if len(req.ResumeSkills) > 0 {
		b.WriteString(", including one about a resume skill or a missing skill")
	}
	b.WriteString(". No two on the same competency or skill.")
	temp := 0.7
	var out modelReply
	if err := m.LLM.CompleteJSON(ctx, llm.Request{
		Messages:    []llm.Message{{Role: "system", Content: system}, {Role: "user", Content: b.String()}},
		Temperature: &temp, MaxTokens: 1500, JSON: true,
	}, &out); err != nil {
		return nil, err
	}
	return validate(out, req)
}

// validate checks the model's reply against the request: the count, each
// field's shape and vocabulary, and no repeated topics or texts.
func validate(r modelReply, req questions.Request) ([]questions.Question, error) {
	if len(r.Questions) != req.Count {
		return nil, fmt.Errorf("%w: %d questions, want %d", llm.ErrInvalidOutput, len(r.Questions), req.Count)
	}
	competencies := set(req.Role.Competencies)
	skills := set(append(append(slices.Clone(req.Role.Required), req.Role.NiceToHave...), append(req.ResumeSkills, req.MissingSkills...)...))
	seenText, seenTopic := map[string]bool{}, map[string]bool{}
	out := make([]questions.Question, 0, len(r.Questions))
	for i, q := range r.Questions {
		text := strings.TrimSpace(q.Text)
		n := utf8.RuneCountInString(text)
		if n < 15 || n > 400 || !(strings.HasSuffix(text, "?") || strings.HasSuffix(text, ".")) {
			return nil, fmt.Errorf("%w: question %d text", llm.ErrInvalidOutput, i+1)
		}
		key := strings.ToLower(text)
		if seenText[key] {
			return nil, fmt.Errorf("%w: question %d repeated", llm.ErrInvalidOutput, i+1)
		}
		seenText[key] = true
		kind := strings.ToLower(strings.TrimSpace(q.Kind))
		var topic string
		switch kind {
		case "behavioural", "behavioral":
			kind = "behavioural"
			if !competencies[q.Competency] {
				return nil, fmt.Errorf("%w: question %d competency not of the role", llm.ErrInvalidOutput, i+1)
			}
			topic = "c:" + q.Competency
		case "technical", "resume", "situational":
			if kind != "situational" && !skills[q.Skill] {
				return nil, fmt.Errorf("%w: question %d skill not of the role or resume", llm.ErrInvalidOutput, i+1)
			}
			if q.Skill != "" {
				topic = "s:" + q.Skill
			}
		default:
			return nil, fmt.Errorf("%w: question %d kind", llm.ErrInvalidOutput, i+1)
		}
		if topic != "" && seenTopic[topic] {
			return nil, fmt.Errorf("%w: question %d repeats a topic", llm.ErrInvalidOutput, i+1)
		}
		seenTopic[topic] = true
		var points []string
		for _, p := range q.TalkingPoints {
			p = strings.TrimSpace(p)
			if p != "" && utf8.RuneCountInString(p) <= 80 {
				points = append(points, p)
			}
		}
		if len(points) < 3 || len(points) > 6 {
			return nil, fmt.Errorf("%w: question %d talking points", llm.ErrInvalidOutput, i+1)
		}
		out = append(out, questions.Question{
			Text: text, Kind: kind, Competency: q.Competency, Skill: q.Skill, Difficulty: 2, TalkingPoints: points,
		})
	}
	return out, nil
}

func set(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		if v != "" {
			m[v] = true
		}
	}
	return m
}
