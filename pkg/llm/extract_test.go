package llm

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestExtractJSONObject(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{name: "bare", in: `{"a":1}`, want: `{"a":1}`},
		{name: "white space", in: "\n  {\"a\": 1}\n", want: `{"a": 1}`},
		{name: "json fence", in: "```json\n{\"a\": [1, 2]}\n```", want: `{"a": [1, 2]}`},
		{name: "plain fence", in: "```\n{\"a\": true}\n```", want: `{"a": true}`},
		{name: "prose around", in: "Sure! Here is the result:\n{\"q\": \"why?\"}\nHope this helps.", want: `{"q": "why?"}`},
		{name: "nested returns outermost", in: `x {"a":{"b":{"c":1}}} y`, want: `{"a":{"b":{"c":1}}}`},
		{name: "braces inside strings", in: `{"code":"func() { return \"}\" }"}`, want: `{"code":"func() { return \"}\" }"}`},
		{name: "escaped backslash before quote", in: `{"path":"C:\\"} tail`, want: `{"path":"C:\\"}`},
		{name: "prose braces before object", in: "Use {placeholders} like this: {\"a\":1}", want: `{"a":1}`},
		{name: "think block skipped", in: "<think>maybe {\"draft\":1}, or {oops</think>\n{\"final\":2}", want: `{"final":2}`},
		{name: "second object ignored", in: `{"a":1} and {"b":2}`, want: `{"a":1}`},
		{name: "object inside array", in: `[{"a":1},{"b":2}]`, want: `{"a":1}`},
		{name: "unicode", in: "Voilà: {\"réponse\": \"oui — ✓\"}", want: `{"réponse": "oui — ✓"}`},

		{name: "empty", in: "", wantErr: errNoObject},
		{name: "prose only", in: "I cannot help with that.", wantErr: errNoObject},
		{name: "bare array", in: `[1, 2, 3]`, wantErr: errNoObject},
		{name: "cut off at token limit", in: `{"questions":[{"q":"a"},{"q":"b"},{"q":`, wantErr: errIncompleteObject},
		{name: "broken outer not mined for inner", in: `{"a": {"b": 1}, }`, wantErr: errBrokenObject},
		{name: "single quotes", in: `{'a': 1}`, wantErr: errBrokenObject},
		{name: "think never closed", in: `<think>{"a":1`, wantErr: errIncompleteObject},
		{name: "think with nothing after", in: `<think>{"a":1}</think>`, wantErr: errNoObject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extractJSONObject(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("extractJSONObject(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("extractJSONObject(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestExtractJSONObjectLinear guards against quadratic rescanning: many
// unclosed or broken spans in a large reply must still be quick.
func TestExtractJSONObjectLinear(t *testing.T) {
	inputs := []string{
		strings.Repeat("{", 1<<20),
		strings.Repeat("{x}", 1<<18),
		strings.Repeat(`{"a":`, 1<<18),
	}
	for _, in := range inputs {
		if _, err := extractJSONObject(in); err == nil {
			t.Errorf("extractJSONObject(%.20q...) found an object", in)
		}
	}
}

func FuzzExtractJSONObject(f *testing.F) {
	for _, s := range []string{
		`{"a":1}`,
		"```json\n{\"a\": [1, 2]}\n```",
		"Here you go: {\"q\": \"x\"} thanks",
		`{"a": {"b": 1}, }`,
		`{"s":"\"}{"}`,
		`<think>{</think>{"a":{}}`,
		`{"a":"\u00e9\\"}`,
		"{\xff}",
		`{{{{`,
		`}}}{`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := extractJSONObject(s)
		if err != nil {
			if got != "" {
				t.Fatalf("error %v with non-empty result %q", err, got)
			}
			return
		}
		// UseNumber: JSON puts no bound on a number ("1e1000"), so a valid
		// object may still not fit a float64; that is the caller's decode
		// to report, not a failure to find the object.
		var obj map[string]any
		dec := json.NewDecoder(strings.NewReader(got))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || obj == nil {
			t.Fatalf("result %q is not a JSON object: %v", got, err)
		}
		if !strings.Contains(s, got) {
			t.Fatalf("result %q is not part of the input", got)
		}
		// A reply that is exactly one JSON object must come back whole.
		trimmed := strings.TrimSpace(s)
		if strings.HasPrefix(trimmed, "{") && json.Valid([]byte(trimmed)) && got != trimmed {
			t.Fatalf("input is a JSON object but got %q", got)
		}
	})
}
