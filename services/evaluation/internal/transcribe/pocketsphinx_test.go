package transcribe

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseSphinx(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want []Word
	}{
		{
			name: "one utterance with fillers and alternates",
			out: "he was not an illness\n" +
				"<s> 0.140 0.220 0.999900\n" +
				"he 0.230 0.330 0.993719\n" +
				"was(2) 0.340 0.560 0.993322\n" +
				"[SPEECH] 0.990 1.120 0.527464\n" +
				"<sil> 1.130 1.200 0.5\n" +
				"an(2) 1.210 1.300 0.547020\n" +
				"illness 1.310 1.670 1.000100\n" +
				"</s> 2.810 3.100 1.000000\n",
			want: []Word{
				{Text: "he", Start: 230 * time.Millisecond, End: 330 * time.Millisecond, Confidence: 0.993719},
				{Text: "was", Start: 340 * time.Millisecond, End: 560 * time.Millisecond, Confidence: 0.993322},
				{Text: "an", Start: 1210 * time.Millisecond, End: 1300 * time.Millisecond, Confidence: 0.547020},
				{Text: "illness", Start: 1310 * time.Millisecond, End: 1670 * time.Millisecond, Confidence: 1},
			},
		},
		{
			name: "two utterances keep absolute times",
			out: "go forward\n<s> 0.000 0.100 1.0\ngo 0.110 0.300 0.9\nforward 0.310 0.700 0.8\n</s> 0.710 0.900 1.0\n" +
				"ten meters\n<s> 6.870 6.970 1.0\nten 6.980 7.200 0.7\nmeters(3) 7.210 7.700 0.6\n</s> 7.710 7.900 1.0\n",
			want: []Word{
				{Text: "go", Start: 110 * time.Millisecond, End: 300 * time.Millisecond, Confidence: 0.9},
				{Text: "forward", Start: 310 * time.Millisecond, End: 700 * time.Millisecond, Confidence: 0.8},
				{Text: "ten", Start: 6980 * time.Millisecond, End: 7200 * time.Millisecond, Confidence: 0.7},
				{Text: "meters", Start: 7210 * time.Millisecond, End: 7700 * time.Millisecond, Confidence: 0.6},
			},
		},
		{
			name: "hypothesis of four words is not a timing",
			out:  "nan inf nan inf\nnan 0.100 0.200 0.5\n",
			want: []Word{{Text: "nan", Start: 100 * time.Millisecond, End: 200 * time.Millisecond, Confidence: 0.5}},
		},
		{
			name: "older model noise tokens and letters with dots",
			out:  "++NOISE++ 0.000 0.100 1.0\ns. 0.110 0.200 0.2\n++UM++ 0.210 0.300 1.0\n",
			want: []Word{{Text: "s.", Start: 110 * time.Millisecond, End: 200 * time.Millisecond, Confidence: 0.2}},
		},
		{
			name: "end before start is clamped",
			out:  "x 2.000 1.000 0.5\n",
			want: []Word{{Text: "x", Start: 2 * time.Second, End: 2 * time.Second, Confidence: 0.5}},
		},
		{name: "silence only", out: "\n<s> 0.000 0.190 1.000200\n</s> 0.200 1.060 1.000000\n"},
		{name: "nothing", out: ""},
		{name: "garbage", out: "INFO: something 1 2 3\nword 1 2 3\nword 1.0 2.0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseSphinx([]byte(tt.out))
			if len(got) != len(tt.want) {
				t.Fatalf("parseSphinx() = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("word %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func FuzzParseSphinx(f *testing.F) {
	for _, s := range []string{
		"hello world\n<s> 0.000 0.100 1.0\nhello 0.110 0.300 0.9\nworld(2) 0.310 0.700 0.8\n</s> 0.710 0.900 1.0\n",
		"x 99999999999.000 1.000 -0.5\n",
		"[NOISE] 1.0 2.0 3.0e-05\n",
		"\x00 1.0 2.0 3.0",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		for _, w := range parseSphinx(out) {
			if w.Text == "" || strings.ContainsAny(w.Text, " \t\n") || isSphinxFiller(w.Text) {
				t.Fatalf("bad word text %q", w.Text)
			}
			if w.Start < 0 || w.End < w.Start || w.Confidence < 0 || w.Confidence > 1 {
				t.Fatalf("bad word %+v", w)
			}
		}
	})
}

// readFixtureWAV reads a fixture recording from testdata.
func readFixtureWAV(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".wav"))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// TestPocketsphinxRealSpeech runs the engine on a LibriVox clip of real
// speech: the words must be recognisable, in order, and inside the clip.
func TestPocketsphinxRealSpeech(t *testing.T) {
	t.Parallel()
	wav, err := os.ReadFile(filepath.Join(libriVoxDir, "sense_and_sensibility_01_austen_64kb-0880.wav"))
	if err != nil {
		t.Fatalf("LibriVox clips missing (apt-get install pocketsphinx-testdata, or make deps): %v", err)
	}
	pcm, err := wavPCM(wav)
	if err != nil {
		t.Fatal(err)
	}
	e := NewPocketsphinx(PocketsphinxConfig{})
	tr, err := e.Transcribe(context.Background(), wav)
	if err != nil {
		t.Fatalf("Transcribe: %v", err)
	}
	if tr.Engine != "pocketsphinx/en-us" || tr.Language != "en" {
		t.Errorf("engine, language = %q, %q", tr.Engine, tr.Language)
	}
	// The reference is "he was not an ill disposed young man"; the engine
	// gets most of it.
	if wer, _, _, _, _ := WER("he was not an ill disposed young man", tr.Text); wer > 0.5 {
		t.Errorf("WER %.2f for %q", wer, tr.Text)
	}
	if tr.Text != joinWords(tr.Words) {
		t.Errorf("Text %q is not the words joined", tr.Text)
	}
	checkTimeline(t, tr.Words, pcmDuration(pcm))
}

// checkTimeline asserts words are ordered, well formed and inside the
// recording.
func checkTimeline(t *testing.T, words []Word, duration time.Duration) {
	t.Helper()
	var prevEnd time.Duration
	for i, w := range words {
		if w.Start < prevEnd || w.End < w.Start || w.End > duration+100*time.Millisecond {
			t.Fatalf("word %d %+v out of order or outside %s (previous end %s)", i, w, duration, prevEnd)
		}
		if w.Confidence < 0 || w.Confidence > 1 || strings.ContainsAny(w.Text, "()[]<>") {
			t.Fatalf("word %d %+v not cleaned", i, w)
		}
		prevEnd = w.End
	}
}

// TestPocketsphinxLongRecording joins the three fixtures with 4 s of
// silence between them into a 72 s answer: the engine segments it itself,
// must transcribe all three parts, and must place the silences where they
// are, since pause measurement depends on absolute times.
func TestPocketsphinxLongRecording(t *testing.T) {
	t.Parallel()
	const gap = 4 * time.Second
	var parts [][]byte
	var bounds []time.Duration // where each silence starts and ends
	var total time.Duration
	for i, name := range []string{"learn-fast-strong", "slow-api-medium", "feedback-weak"} {
		if i > 0 {
			bounds = append(bounds, total)
			parts = append(parts, make([]byte, int(gap.Seconds())*SampleRate*2))
			total += gap
			bounds = append(bounds, total)
		}
		pcm, err := wavPCM(readFixtureWAV(t, name))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, pcm)
		total += pcmDuration(pcm)
	}
	wav := makeWAV(parts...)
	if total < 60*time.Second || total > 90*time.Second {
		t.Fatalf("test recording is %s, want 60-90 s", total)
	}

	tr, err := NewPocketsphinx(PocketsphinxConfig{}).Transcribe(context.Background(), wav)
	if err != nil {
		t.Fatalf("Transcribe: %v", err)
	}
	checkTimeline(t, tr.Words, total)
	if len(tr.Words) < 120 {
		t.Errorf("%d words from 72 s of speech, want at least 120", len(tr.Words))
	}
	// Each silence must show as a gap between consecutive words covering
	// at least most of it, and no word may sit inside it.
	for i := 0; i < len(bounds); i += 2 {
		from, to := bounds[i], bounds[i+1]
		found := false
		for k := 1; k < len(tr.Words); k++ {
			prev, next := tr.Words[k-1], tr.Words[k]
			if prev.End <= from+500*time.Millisecond && next.Start >= to-500*time.Millisecond && next.Start-prev.End >= gap-time.Second {
				found = true
			}
			if next.Start > from+500*time.Millisecond && next.End < to-500*time.Millisecond {
				t.Errorf("word %+v inside the silence %s-%s", next, from, to)
			}
		}
		if !found {
			t.Errorf("no gap in the words for the silence %s-%s", from, to)
		}
	}
	// The last part must be there, not cut off: its last words are "all
	// the time", and the engine hears at least some words after the
	// second silence.
	if last := tr.Words[len(tr.Words)-1]; last.End < bounds[3]+3*time.Second {
		t.Errorf("last word %+v ends before the last part is half done", last)
	}
}

// makeWAV wraps 16 kHz mono 16-bit samples in a 44-byte WAV header.
func makeWAV(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	wav := wavHeader(1, SampleRate, 16, n)
	for _, p := range parts {
		wav = append(wav, p...)
	}
	return wav
}

func TestPocketsphinxNoSpeech(t *testing.T) {
	t.Parallel()
	e := NewPocketsphinx(PocketsphinxConfig{})
	tests := []struct {
		name string
		wav  []byte
	}{
		{name: "empty data", wav: makeWAV()},
		{name: "two seconds of silence", wav: makeWAV(make([]byte, 2*SampleRate*2))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := e.Transcribe(context.Background(), tt.wav)
			if !errors.Is(err, ErrNoSpeech) {
				t.Fatalf("Transcribe = %+v, %v; want ErrNoSpeech", tr, err)
			}
		})
	}
}

func TestPocketsphinxErrors(t *testing.T) {
	t.Parallel()
	wav := readFixtureWAV(t, "feedback-weak")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name      string
		cfg       PocketsphinxConfig
		ctx       context.Context
		wav       []byte
		wantIs    []error
		wantNotIs error
		wantText  string
	}{
		{
			name:     "binary missing",
			cfg:      PocketsphinxConfig{Binary: "/nonexistent/pocketsphinx_continuous"},
			wantIs:   []error{ErrUnavailable},
			wantText: "apt-get install pocketsphinx pocketsphinx-en-us",
		},
		{
			name:     "binary not in PATH",
			cfg:      PocketsphinxConfig{Binary: "no-such-pocketsphinx-binary"},
			wantIs:   []error{ErrUnavailable},
			wantText: "apt-get install pocketsphinx",
		},
		{
			name:     "model missing",
			cfg:      PocketsphinxConfig{ModelDir: t.TempDir()},
			wantIs:   []error{ErrUnavailable},
			wantText: "model file",
		},
		{
			name:   "context already canceled",
			ctx:    canceled,
			wantIs: []error{ErrUnavailable, context.Canceled},
		},
		{
			name:   "timeout kills the process",
			cfg:    PocketsphinxConfig{Timeout: 50 * time.Millisecond},
			wantIs: []error{ErrUnavailable, context.DeadlineExceeded},
		},
		{
			name:      "stereo input is refused, not retried",
			wav:       append(wavHeader(2, SampleRate, 16, 4), 0, 0, 0, 0),
			wantNotIs: ErrUnavailable,
			wantText:  "2 channels",
		},
		{
			name:      "not a WAV",
			wav:       []byte("OggS this is not a wav file"),
			wantNotIs: ErrUnavailable,
			wantText:  "not a RIFF WAVE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			in := tt.wav
			if in == nil {
				in = wav
			}
			start := time.Now()
			tr, err := NewPocketsphinx(tt.cfg).Transcribe(ctx, in)
			if err == nil {
				t.Fatalf("Transcribe = %+v, want an error", tr)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s to fail", time.Since(start))
			}
			for _, want := range tt.wantIs {
				if !errors.Is(err, want) {
					t.Errorf("error %v is not %v", err, want)
				}
			}
			if tt.wantNotIs != nil && errors.Is(err, tt.wantNotIs) {
				t.Errorf("error %v is %v", err, tt.wantNotIs)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not mention %q", err, tt.wantText)
			}
		})
	}
}

// TestPocketsphinxCancelMidway cancels a running recognition: the process
// must be killed promptly rather than left to finish the recording.
func TestPocketsphinxCancelMidway(t *testing.T) {
	t.Parallel()
	wav := readFixtureWAV(t, "learn-fast-strong") // about 11 s of work
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := NewPocketsphinx(PocketsphinxConfig{}).Transcribe(ctx, wav)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Transcribe error = %v, want ErrUnavailable and context.Canceled", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("returned %s after start; the process was not killed on cancel", d)
	}
}

func TestPocketsphinxCheck(t *testing.T) {
	if err := NewPocketsphinx(PocketsphinxConfig{}).Check(); err != nil {
		t.Errorf("Check with the Debian defaults: %v (run make deps)", err)
	}
	err := NewPocketsphinx(PocketsphinxConfig{ModelDir: "/nonexistent"}).Check()
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("Check with a missing model = %v, want ErrUnavailable", err)
	}
}

func TestNewPocketsphinxName(t *testing.T) {
	tests := []struct {
		dir, want string
	}{
		{"", "pocketsphinx/en-us"},
		{"/opt/models/en-in/", "pocketsphinx/en-in"},
	}
	for _, tt := range tests {
		if got := NewPocketsphinx(PocketsphinxConfig{ModelDir: tt.dir}).Name(); got != tt.want {
			t.Errorf("Name() with model dir %q = %q, want %q", tt.dir, got, tt.want)
		}
	}
}
