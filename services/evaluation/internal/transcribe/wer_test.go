package transcribe

import (
	"math"
	"strings"
	"testing"
)

func TestWER(t *testing.T) {
	tests := []struct {
		name                  string
		ref, hyp              string
		wer                   float64
		subs, dels, ins, refN int
	}{
		{name: "identical", ref: "he was not an ill disposed young man", hyp: "he was not an ill disposed young man", refN: 8},
		{name: "case and punctuation ignored", ref: "He was not, an ill-disposed young man.", hyp: "he was not an ill disposed young man", refN: 8},
		{name: "one substitution", ref: "he was not an ill disposed young man", hyp: "he was not an illness disposed young man", wer: 1.0 / 8, subs: 1, refN: 8},
		{name: "two substitutions", ref: "he was not an ill disposed young man", hyp: "he was not an illness closed young man", wer: 2.0 / 8, subs: 2, refN: 8},
		{name: "deletion", ref: "a b c d", hyp: "a c d", wer: 0.25, dels: 1, refN: 4},
		{name: "insertion", ref: "a b", hyp: "a x b", wer: 0.5, ins: 1, refN: 2},
		{name: "all deleted", ref: "a b c", hyp: "", wer: 1, dels: 3, refN: 3},
		{name: "more errors than words", ref: "a", hyp: "x y z", wer: 3, subs: 1, ins: 2, refN: 1},
		{name: "both empty", ref: "", hyp: " ... ", refN: 0},
		{name: "empty reference", ref: "", hyp: "uh", wer: 1, ins: 1},
		{name: "digits against words", ref: "from 900 to 120 milliseconds", hyp: "from nine hundred to one hundred twenty milliseconds", refN: 8},
		{name: "money", ref: "a 40,000 dollar pilot", hyp: "a forty thousand dollar pilot", refN: 5},
		{name: "contraction spelled either way", ref: "I don't know", hyp: "i dont know", refN: 3},
		{name: "british and counts", ref: "120", hyp: "one hundred and twenty", wer: 1.0 / 3, ins: 1, refN: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wer, s, d, i, n := WER(tt.ref, tt.hyp)
			if math.Abs(wer-tt.wer) > 1e-9 || s != tt.subs || d != tt.dels || i != tt.ins || n != tt.refN {
				t.Errorf("WER(%q, %q) = %.3f, %d subs, %d dels, %d ins, %d words; want %.3f, %d, %d, %d, %d",
					tt.ref, tt.hyp, wer, s, d, i, n, tt.wer, tt.subs, tt.dels, tt.ins, tt.refN)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello,   World!", "hello world"},
		{"one-page learning plan", "one page learning plan"},
		{"Don’t stop; it's fine.", "dont stop its fine"},
		{"e.g. the U.S. team", "eg the us team"},
		{"0", "zero"},
		{"7 13 20 21 99 100 101 110", "seven thirteen twenty twenty one ninety nine one hundred one hundred one one hundred ten"},
		{"900 to 120 milliseconds", "nine hundred to one hundred twenty milliseconds"},
		{"40,000 dollar pilot", "forty thousand dollar pilot"},
		{"$40,000", "forty thousand dollars"},
		{"1,000,001", "one million one"},
		{"2,500,000,000", "two billion five hundred million"},
		{"3.5 seconds", "three point five seconds"},
		{"p99 latency", "p ninety nine latency"},
		{"15%", "fifteen percent"},
		{"1,2", "one two"},
		{"1,2345", "one two thousand three hundred forty five"},
		{"in 1999.", "in one thousand nine hundred ninety nine"},
		{"1234567890123", "one two three four five six seven eight nine zero one two three"},
		{"N+1 queries", "n one queries"},
		{"café ÉLAN", "café élan"},
		{"नमस्ते ४२", "नमस्ते ४२"},
		{"  \t\n", ""},
		{"<s> and </s>", "s and s"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzWER checks the invariants of the alignment: counts add up to the two
// lengths, a text against itself has no errors, and the error count is
// symmetric.
func FuzzWER(f *testing.F) {
	f.Add("he was not an ill disposed young man", "he was not an illness closed young man")
	f.Add("$40,000 in 3.5 s", "forty thousand dollars")
	f.Add("", "x")
	f.Add("1,2,3,,4", "a.b'c")
	f.Fuzz(func(t *testing.T, ref, hyp string) {
		if len(ref) > 2000 || len(hyp) > 2000 {
			return
		}
		wer, s, d, i, n := WER(ref, hyp)
		hypN := len(strings.Fields(Normalize(hyp)))
		if n != len(strings.Fields(Normalize(ref))) || s+d > n || n-d+i != hypN || s < 0 || d < 0 || i < 0 {
			t.Fatalf("WER(%q, %q): %d subs %d dels %d ins for %d ref and %d hyp words", ref, hyp, s, d, i, n, hypN)
		}
		if wer < 0 || math.IsNaN(wer) || math.IsInf(wer, 0) {
			t.Fatalf("WER(%q, %q) = %v", ref, hyp, wer)
		}
		if w, _, _, _, _ := WER(ref, ref); w != 0 {
			t.Fatalf("WER(%q, itself) = %v", ref, w)
		}
		_, s2, d2, i2, _ := WER(hyp, ref)
		if s+d+i != s2+d2+i2 {
			t.Fatalf("edit distance not symmetric: %d vs %d", s+d+i, s2+d2+i2)
		}
	})
}

func BenchmarkWER(b *testing.B) {
	ref := strings.Repeat("i set myself a plan day one the official getting started guide ", 100)
	hyp := strings.Repeat("i said myself a plan they won the official getting started guide ", 100)
	for b.Loop() {
		WER(ref, hyp)
	}
}
