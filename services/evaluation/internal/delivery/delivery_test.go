package delivery

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/moksho/platform/services/evaluation/internal/transcribe"
)

// timeline times words at a steady pace: each word takes 80% of its slot
// of 60/wpm seconds and a short gap the rest; extra[i] adds silence before
// word i.
func timeline(text string, wpm float64, extra map[int]time.Duration) []transcribe.Word {
	slot := time.Duration(float64(time.Minute) / wpm)
	var words []transcribe.Word
	at := 500 * time.Millisecond // answers rarely start at zero
	for i, w := range strings.Fields(text) {
		at += extra[i]
		words = append(words, transcribe.Word{Text: w, Start: at, End: at + slot*8/10})
		at += slot
	}
	return words
}

// sentence repeats a filler-free sentence to n words.
func sentence(n int) string {
	base := strings.Fields("we measured the latency first and then added an index to the orders table which cut the p99 in half")
	out := make([]string, n)
	for i := range out {
		out[i] = base[i%len(base)]
	}
	return strings.Join(out, " ")
}

func TestAnalyze(t *testing.T) {
	fillers := "Um, so I, uh, basically added an index. Like, it was, like, kind of slow, you know. " +
		"I mean, we measured it and, um, it was fine after that."
	tests := []struct {
		name     string
		analyzer Analyzer
		words    []transcribe.Word
		text     string
		want     Signals
		wpmTol   float64
	}{
		{
			name:   "fast speaker, 190 wpm",
			words:  timeline(sentence(95), 190, nil),
			want:   Signals{WordsPerMinute: 190, TalkSeconds: 30, Words: 95},
			wpmTol: 0.01,
		},
		{
			name:   "slow speaker, 90 wpm",
			words:  timeline(sentence(45), 90, nil),
			want:   Signals{WordsPerMinute: 90, TalkSeconds: 30, Words: 45},
			wpmTol: 0.01,
		},
		{
			name:   "many fillers, counted from the punctuated text",
			words:  timeline(fillers, 150, nil),
			text:   fillers,
			want:   Signals{WordsPerMinute: 150, Fillers: 9, FillerRate: 9 * 100.0 / 29, TalkSeconds: 11.52, Words: 29},
			wpmTol: 0.02,
		},
		{
			name: "long pauses: over 3 s count, 3 s and under do not",
			words: timeline(sentence(40), 120, map[int]time.Duration{
				5: 3500 * time.Millisecond, 10: 8 * time.Second, 20: 3 * time.Second, 30: 2900*time.Millisecond - 100*time.Millisecond,
			}),
			// slot 0.5 s, gap 0.1 s: the pauses are 3.6, 8.1, 3.1 and 2.9 s.
			want:   Signals{LongPauses: 3, WordsPerMinute: 40 / ((19.9 + 17.3) / 60), TalkSeconds: 19.9 + 17.3, Words: 40},
			wpmTol: 0.01,
		},
		{
			name:     "configurable threshold",
			analyzer: Analyzer{LongPause: 1500 * time.Millisecond},
			words:    timeline(sentence(20), 120, map[int]time.Duration{3: 1500 * time.Millisecond, 9: 2 * time.Second}),
			want:     Signals{LongPauses: 2, WordsPerMinute: 20 / ((9.9 + 3.5) / 60), TalkSeconds: 13.4, Words: 20},
			wpmTol:   0.01,
		},
		{
			name: "unsorted and overlapping words",
			words: []transcribe.Word{
				{Text: "b", Start: 5 * time.Second, End: 6 * time.Second},
				{Text: "a", Start: 0, End: 5500 * time.Millisecond},
				{Text: "c", Start: 10 * time.Second, End: 11 * time.Second},
			},
			want:   Signals{LongPauses: 1, WordsPerMinute: 3 / (11.0 / 60), TalkSeconds: 11, Words: 3},
			wpmTol: 0.001,
		},
		{
			name: "a gap of exactly the threshold is not long",
			words: []transcribe.Word{
				{Text: "a", Start: 0, End: time.Second},
				{Text: "b", Start: 4 * time.Second, End: 5 * time.Second},
			},
			want:   Signals{WordsPerMinute: 2 / (5.0 / 60), TalkSeconds: 5, Words: 2},
			wpmTol: 0.001,
		},
		{
			name: "text without timings",
			text: "Um, I would add an index.",
			want: Signals{Fillers: 1, FillerRate: 100.0 / 6, Words: 6},
		},
		{
			name:  "one short word has no pace",
			words: []transcribe.Word{{Text: "yes", Start: time.Second, End: 1400 * time.Millisecond}},
			want:  Signals{TalkSeconds: 0.4, Words: 1},
		},
		{
			name: "nothing said",
			want: Signals{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.analyzer.Analyze(tt.words, tt.text)
			if !near(got.WordsPerMinute, tt.want.WordsPerMinute, tt.wpmTol) {
				t.Errorf("WordsPerMinute = %.2f, want %.2f", got.WordsPerMinute, tt.want.WordsPerMinute)
			}
			if !near(got.TalkSeconds, tt.want.TalkSeconds, 0.02) {
				t.Errorf("TalkSeconds = %.3f, want %.3f", got.TalkSeconds, tt.want.TalkSeconds)
			}
			if got.LongPauses != tt.want.LongPauses || got.Words != tt.want.Words || got.Fillers != tt.want.Fillers {
				t.Errorf("LongPauses, Words, Fillers = %d, %d, %d; want %d, %d, %d",
					got.LongPauses, got.Words, got.Fillers, tt.want.LongPauses, tt.want.Words, tt.want.Fillers)
			}
			if !near(got.FillerRate, tt.want.FillerRate, 1e-9) {
				t.Errorf("FillerRate = %.3f, want %.3f", got.FillerRate, tt.want.FillerRate)
			}
		})
	}
}

// near reports whether got is within a relative tolerance of want (or
// exactly zero when want is).
func near(got, want, tol float64) bool {
	if want == 0 {
		return got == 0
	}
	return math.Abs(got-want) <= tol*math.Abs(want)
}

// TestAnalyzeDefault: the package function uses the 3 s threshold.
func TestAnalyzeDefault(t *testing.T) {
	words := timeline(sentence(10), 120, map[int]time.Duration{5: 3 * time.Second})
	if got := Analyze(words, ""); got.LongPauses != 1 {
		t.Errorf("Analyze: %d long pauses, want 1 (3.1 s gap)", got.LongPauses)
	}
	if got := (Analyzer{LongPause: 4 * time.Second}).Analyze(words, ""); got.LongPauses != 0 {
		t.Errorf("4 s threshold: %d long pauses, want 0", got.LongPauses)
	}
}

func TestCountFillers(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"um uh erm er ah hmm", 6},
		{"Umm... Uhh, right.", 2},
		{"actually, basically, literally", 3},
		{"um um", 2},

		{"I like Go.", 0},
		{"stuff like databases and caches", 0},
		{"It was, like, slow.", 1},
		{"Like, I said, it works.", 1},
		{"I like like Go", 1},
		{"I, like, like, really like it", 2},
		{"like", 0},

		{"You know, we shipped it.", 1},
		{"We shipped it, you know.", 1},
		{"you know um we shipped it", 2},
		{"Do you know the answer?", 0},
		{"As you know, the cache was cold.", 0},
		{"you know what I mean", 0},
		{"so you know we added an index", 0}, // no punctuation: too ambiguous to count

		{"I mean, it was fine.", 1},
		{"I mean it.", 0},
		{"That is what I mean.", 0},

		{"it was kind of slow", 1},
		{"It was, sort of, fine.", 1},
		{"what kind of index", 0},
		{"that sort of thing", 0},
		{"a different kind of cache", 0},
		{"kinds of problems", 0},

		{"", 0},
		{"— , .", 0},
	}
	for _, tt := range tests {
		if got := countFillers(tokenize(tt.text)); got != tt.want {
			t.Errorf("countFillers(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	got := tokenize("Well — it's, like, (fine).")
	want := []token{
		{word: "well", breakBefore: true, breakAfter: true},
		{word: "it's", breakBefore: true, breakAfter: true},
		{word: "like", breakBefore: true, breakAfter: true},
		{word: "fine", breakBefore: true, breakAfter: true},
	}
	if len(got) != len(want) {
		t.Fatalf("tokenize = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("token %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	got = tokenize("I like Go")
	if got[1].breakBefore || got[1].breakAfter {
		t.Errorf("unpunctuated middle word has breaks: %+v", got[1])
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add("Um, so, like, you know, I mean it.", int64(0), int64(time.Second))
	f.Add("kind of sort of", int64(-5), int64(1<<62))
	f.Fuzz(func(t *testing.T, text string, start, end int64) {
		words := []transcribe.Word{
			{Text: "a", Start: time.Duration(start), End: time.Duration(end)},
			{Text: "b", Start: time.Duration(end), End: time.Duration(end) + time.Second},
		}
		s := Analyze(words, text)
		if s.Fillers < 0 || s.Fillers > s.Words || s.LongPauses < 0 || s.LongPauses > 1 {
			t.Fatalf("signals out of range: %+v", s)
		}
		for _, v := range []float64{s.WordsPerMinute, s.FillerRate, s.TalkSeconds} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("signals not finite: %+v", s)
			}
		}
		if s.FillerRate > 100 {
			t.Fatalf("filler rate %v over 100", s.FillerRate)
		}
	})
}
