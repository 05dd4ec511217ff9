package questions

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCustomKeepsTextsInOrder(t *testing.T) {
	texts := []string{
		"How would you design a rate limiter for a public API?",
		"  Tell me about yourself  ",
		"",
		"Why us?",
		"¿Cómo manejas el estrés?",
	}
	qs := Custom(texts)
	if len(qs) != len(texts) {
		t.Fatalf("%d questions for %d texts", len(qs), len(texts))
	}
	for i, q := range qs {
		if q.Text != texts[i] {
			t.Errorf("question %d text %q, want %q verbatim", i+1, q.Text, texts[i])
		}
		if q.Kind != KindCustom || q.BankID != "" || q.Difficulty != 0 || q.Competency != "" || q.Skill != "" {
			t.Errorf("question %d: %+v, want a bare custom question", i+1, q)
		}
		if n := len(q.TalkingPoints); n < MinTalkingPoints || n > MaxTalkingPoints {
			t.Errorf("question %d: %d talking points %q", i+1, n, q.TalkingPoints)
		}
	}
	if qs := Custom(nil); len(qs) != 0 {
		t.Errorf("Custom(nil) = %v", qs)
	}
}

func TestCustomTalkingPoints(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"How would you design a rate limiter for a public API?", []string{"rate limiter", "public API", "trade-offs"}},
		{"What is the difference between TCP and UDP?", []string{"TCP", "UDP", "trade-offs"}},
		{"How do you test React components that fetch data?", []string{"React components", "fetch data", "trade-offs"}},
		{"Walk me through CI/CD for a Node.js service (with Docker).", []string{"CI/CD", "Node.js service", "Docker"}},
		{"Tell me about a time you disagreed with your manager.", []string{"manager", "specific situation", "actions you took"}},
		{"Give an example of a project you led.", []string{"specific situation", "actions you took", "measurable result"}},
		{"Do you have experience with C# and Kafka's consumer groups?", []string{"C#", "Kafka consumer groups", "trade-offs"}},
		{"What are the trade-offs of a highly available distributed message queue?", []string{"trade-offs", "available distributed message queue", "concrete example"}},
		{"", []string{"trade-offs", "concrete example", "how you would verify it"}},
		{
			"Compare PostgreSQL, MySQL, MongoDB, Redis, Cassandra, DynamoDB and Elasticsearch for search.",
			[]string{"PostgreSQL", "MySQL", "MongoDB", "Redis", "Cassandra", "DynamoDB"},
		},
	} {
		t.Run(tc.text, func(t *testing.T) {
			if got := talkingPointsOf(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("talking points %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzCustom(f *testing.F) {
	for _, s := range []string{
		"How would you design a rate limiter for a public API?",
		"Tell me about a time you failed.",
		"", " ", "?", "((((", "\xff\xfe", "a a a a a a a a", strings.Repeat("x", 100) + "?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		qs := Custom([]string{s})
		if len(qs) != 1 || qs[0].Text != s || qs[0].Kind != KindCustom {
			t.Fatalf("Custom(%q) = %+v", s, qs)
		}
		points := qs[0].TalkingPoints
		if n := len(points); n < MinTalkingPoints || n > MaxTalkingPoints {
			t.Fatalf("%d talking points %q", n, points)
		}
		seen := map[string]bool{}
		for _, p := range points {
			if p == "" || strings.TrimSpace(p) != p || !utf8.ValidString(p) || seen[strings.ToLower(p)] {
				t.Fatalf("bad or repeated talking point %q in %q", p, points)
			}
			seen[strings.ToLower(p)] = true
		}
		if slices.ContainsFunc(points, func(p string) bool { return utf8.RuneCountInString(p) > maxTalkingPointLen }) {
			t.Fatalf("talking point too long in %q", points)
		}
	})
}
