package transcribe

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// libriVoxDir holds the pocketsphinx-testdata package's clips of real
// human speech (LibriVox readings of Sense and Sensibility) with their
// reference transcriptions. The test reads the installed package directly
// rather than a copy: `make test` installs it through `make deps`
// (scripts/deps.sh), and a machine without it must fail, not skip.
const libriVoxDir = "/usr/share/pocketsphinx/test/data/librivox"

// werCase is one recording with what was really said.
type werCase struct {
	name      string
	wav       string
	reference string
}

// corpusResult adds up one corpus so that its WER is total errors over
// total reference words, not a mean of per-file rates that short files
// would dominate.
type corpusResult struct {
	errors, words int
	audio, work   time.Duration
}

// TestWordErrorRate measures Pocketsphinx on real human speech (LibriVox)
// and on the answer fixtures (synthetic voices). It logs one line per file,
// then per corpus two lines in a stable format a benchmark report can grep:
//
//	wer librivox 0.xxx (n words, S subs, D dels, I ins)
//	rtf librivox 0.xxx (processing seconds / audio seconds)
//
// The bounds below only catch an engine that is broken (wrong model, wrong
// sample rate, garbled input): they sit well above what the engine
// measures, and the numbers themselves are the result.
//
// It is not parallel, so the real-time factor is measured with the engine
// alone on the machine: Go starts the package's parallel tests (the other
// engine tests) only after the serial ones have finished.
func TestWordErrorRate(t *testing.T) {
	engine := NewPocketsphinx(PocketsphinxConfig{})
	if err := engine.Check(); err != nil {
		t.Fatalf("pocketsphinx cannot run, so WER cannot be measured: %v", err)
	}
	corpora := []struct {
		name   string
		cases  []werCase
		maxWER float64
	}{
		{name: "librivox", cases: libriVoxCases(t), maxWER: 0.9},
		// Synthetic voices are far from the acoustic model's training
		// speech; above 1.0 the output would be unrelated to the input.
		{name: "fixtures", cases: fixtureCases(t), maxWER: 1.0},
	}
	for _, corpus := range corpora {
		var total corpusResult
		var subs, dels, ins int
		for _, c := range corpus.cases {
			wav, err := os.ReadFile(c.wav)
			if err != nil {
				t.Fatalf("read %s: %v", c.wav, err)
			}
			pcm, err := wavPCM(wav)
			if err != nil {
				t.Fatalf("%s: %v", c.wav, err)
			}
			start := time.Now()
			tr, err := engine.Transcribe(context.Background(), wav)
			work := time.Since(start)
			if err != nil {
				t.Fatalf("transcribe %s: %v", c.name, err)
			}
			wer, s, d, i, n := WER(c.reference, tr.Text)
			t.Logf("file %s %s wer %.3f (%d words, %d subs, %d dels, %d ins) rtf %.3f",
				corpus.name, c.name, wer, n, s, d, i, work.Seconds()/pcmDuration(pcm).Seconds())
			total.errors += s + d + i
			total.words += n
			subs, dels, ins = subs+s, dels+d, ins+i
			total.audio += pcmDuration(pcm)
			total.work += work
		}
		if total.words == 0 {
			t.Fatalf("corpus %s has no reference words", corpus.name)
		}
		wer := float64(total.errors) / float64(total.words)
		rtf := total.work.Seconds() / total.audio.Seconds()
		t.Logf("wer %s %.3f (%d words, %d subs, %d dels, %d ins)", corpus.name, wer, total.words, subs, dels, ins)
		t.Logf("rtf %s %.3f (%.1f s processing / %.1f s audio, %d files)", corpus.name, rtf, total.work.Seconds(), total.audio.Seconds(), len(corpus.cases))
		if wer > corpus.maxWER {
			t.Errorf("wer %s = %.3f, above %.2f: the engine is broken, not merely inaccurate", corpus.name, wer, corpus.maxWER)
		}
	}
}

// pcmDuration is how long 16 kHz 16-bit mono samples play.
func pcmDuration(pcm []byte) time.Duration {
	return time.Duration(len(pcm)/2) * time.Second / SampleRate
}

// transcriptionLine is one line of a Sphinx transcription file:
// "<s> words </s> (fileid)".
var transcriptionLine = regexp.MustCompile(`^(.*)\(([^()]+)\)\s*$`)

// libriVoxCases pairs every clip listed in fileids with its transcription
// line, matched by file id rather than by line number.
func libriVoxCases(t *testing.T) []werCase {
	t.Helper()
	refs := map[string]string{}
	f, err := os.Open(filepath.Join(libriVoxDir, "transcription"))
	if err != nil {
		t.Fatalf("LibriVox clips missing (apt-get install pocketsphinx-testdata, or make deps): %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := transcriptionLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		text := strings.NewReplacer("<s>", " ", "</s>", " ").Replace(m[1])
		refs[strings.TrimSpace(m[2])] = strings.Join(strings.Fields(text), " ")
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read transcription: %v", err)
	}
	ids, err := os.ReadFile(filepath.Join(libriVoxDir, "fileids"))
	if err != nil {
		t.Fatalf("read fileids: %v", err)
	}
	var cases []werCase
	for _, id := range strings.Fields(string(ids)) {
		ref, ok := refs[id]
		if !ok {
			t.Fatalf("fileid %s has no transcription", id)
		}
		cases = append(cases, werCase{name: id, wav: filepath.Join(libriVoxDir, id+".wav"), reference: ref})
	}
	if len(cases) == 0 {
		t.Fatal("no LibriVox clips listed in fileids")
	}
	return cases
}

// fixture is one entry of testdata/transcripts.json: a synthetic voice
// reading a graded answer.
type fixture struct {
	File       string `json:"file"`
	Voice      string `json:"voice"`
	Transcript string `json:"transcript"`
}

// loadFixtures reads testdata/transcripts.json.
func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "transcripts.json"))
	if err != nil {
		t.Fatalf("read fixtures: %v", err)
	}
	var fs []fixture
	if err := json.Unmarshal(raw, &fs); err != nil {
		t.Fatalf("decode fixtures: %v", err)
	}
	if len(fs) == 0 {
		t.Fatal("no fixtures in transcripts.json")
	}
	return fs
}

func fixtureCases(t *testing.T) []werCase {
	t.Helper()
	var cases []werCase
	for _, f := range loadFixtures(t) {
		cases = append(cases, werCase{
			name:      f.File + " (" + f.Voice + ")",
			wav:       filepath.Join("testdata", f.File+".wav"),
			reference: f.Transcript,
		})
	}
	return cases
}
