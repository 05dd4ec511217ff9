package delivery

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moksho/platform/services/evaluation/internal/transcribe"
)

// fixtureDir is where the transcribe package keeps the answer recordings
// (synthetic voices reading graded answers) and what they say.
const fixtureDir = "../transcribe/testdata"

// fixtureParts are the recordings joined into one answer, in order.
var fixtureParts = []string{"learn-fast-strong", "slow-api-medium", "feedback-weak"}

// silence is what separates the parts: a long pause by any threshold.
const silence = 4 * time.Second

// TestAnalyzeEngineOutput runs the real Pocketsphinx engine on the three
// fixtures joined by 4 s of silence (a 72 s answer) and checks the signals
// against what is known about the audio: exactly two long pauses, a pace
// per part close to the reference word count over the part's speaking
// time, and no fillers in the reference texts. The engine's own filler
// count is logged, not asserted: it mishears the synthetic voices.
func TestAnalyzeEngineOutput(t *testing.T) {
	refs := map[string]string{}
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "transcripts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []struct{ File, Transcript string }
	if err := json.Unmarshal(raw, &fixtures); err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures {
		refs[f.File] = f.Transcript
	}

	var pcm []byte
	var spans [][2]time.Duration // each part's place in the joined recording
	for i, name := range fixtureParts {
		if i > 0 {
			pcm = append(pcm, make([]byte, int(silence.Seconds())*transcribe.SampleRate*2)...)
		}
		part := fixturePCM(t, name)
		from := samplesDuration(len(pcm))
		pcm = append(pcm, part...)
		spans = append(spans, [2]time.Duration{from, samplesDuration(len(pcm))})
	}

	tr, err := transcribe.NewPocketsphinx(transcribe.PocketsphinxConfig{}).Transcribe(context.Background(), wavOf(pcm))
	if err != nil {
		t.Fatalf("pocketsphinx: %v (make deps installs it)", err)
	}

	whole := Analyze(tr.Words, tr.Text)
	t.Logf("joined %.0f s: %+v", samplesDuration(len(pcm)).Seconds(), whole)
	if whole.LongPauses != 2 {
		t.Errorf("%d long pauses in the joined answer, want the 2 silences", whole.LongPauses)
	}
	if whole.Words != len(tr.Words) {
		t.Errorf("Words = %d, want the %d timed words", whole.Words, len(tr.Words))
	}

	for i, name := range fixtureParts {
		var words []transcribe.Word
		for _, w := range tr.Words {
			if w.Start >= spans[i][0] && w.Start < spans[i][1] {
				words = append(words, w)
			}
		}
		got := Analyze(words, "")
		ref := Analyze(words, refs[name])
		refWPM := float64(ref.Words) / (got.TalkSeconds / 60)
		t.Logf("%s: engine %+v; reference pace %.0f wpm, reference fillers %d", name, got, refWPM, ref.Fillers)
		if got.LongPauses != 0 {
			t.Errorf("%s: %d long pauses inside one fluent reading", name, got.LongPauses)
		}
		if got.WordsPerMinute < 0.75*refWPM || got.WordsPerMinute > 1.25*refWPM {
			t.Errorf("%s: %.0f wpm from the engine, reference %.0f: more than 25%% apart", name, got.WordsPerMinute, refWPM)
		}
		if ref.Fillers != 0 {
			t.Errorf("%s: %d fillers found in a reference text that has none", name, ref.Fillers)
		}
		if span := (spans[i][1] - spans[i][0]).Seconds(); got.TalkSeconds > span || got.TalkSeconds < 0.7*span {
			t.Errorf("%s: talk time %.1f s for a %.1f s recording", name, got.TalkSeconds, span)
		}
	}
}

// fixturePCM returns the samples of a fixture, which ffmpeg wrote with a
// canonical 44-byte header.
func fixturePCM(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name+".wav"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 44 || string(b[36:40]) != "data" || !strings.HasPrefix(string(b), "RIFF") {
		t.Fatalf("%s: not a canonical WAV", name)
	}
	return b[44:]
}

// samplesDuration is how long n bytes of 16 kHz 16-bit mono play.
func samplesDuration(n int) time.Duration {
	return time.Duration(n/2) * time.Second / transcribe.SampleRate
}

// wavOf wraps samples in a 44-byte 16 kHz mono 16-bit WAV header.
func wavOf(pcm []byte) []byte {
	le32 := func(v int) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	h := []byte("RIFF")
	h = append(h, le32(36+len(pcm))...)
	h = append(h, "WAVEfmt "...)
	h = append(h, 16, 0, 0, 0, 1, 0, 1, 0)
	h = append(h, le32(transcribe.SampleRate)...)
	h = append(h, le32(transcribe.SampleRate*2)...)
	h = append(h, 2, 0, 16, 0)
	h = append(h, "data"...)
	h = append(h, le32(len(pcm))...)
	return append(h, pcm...)
}
