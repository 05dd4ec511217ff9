package media

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fixture is one recorded answer in testdata.
type fixture struct {
	file        string
	container   Container
	contentType string
}

// fixtures are the recordings in testdata: the same three answers as the
// browser records them (WebM, Safari's MP4) and as uploads (Ogg, WAV).
var fixtures = []fixture{
	{"feedback-weak.ogg", Ogg, "audio/ogg"},
	{"feedback-weak.wav", WAV, "audio/wav"},
	{"feedback-weak.webm", WebM, "video/webm;codecs=vp8,opus"},
	{"learn-fast-strong.wav", WAV, "audio/x-wav"},
	{"learn-fast-strong.webm", WebM, "video/webm"},
	{"slow-api-medium.mp4", MP4, "video/mp4"},
	{"slow-api-medium.wav", WAV, "audio/wave"},
	{"slow-api-medium.webm", WebM, "audio/webm;codecs=opus"},
}

// transcript is an entry of testdata/transcripts.json: what is said in the
// fixtures named file.*.
type transcript struct {
	File       string `json:"file"`
	Transcript string `json:"transcript"`
}

// loadTranscripts reads testdata/transcripts.json keyed by file stem.
func loadTranscripts(t testing.TB) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "transcripts.json"))
	if err != nil {
		t.Fatalf("read transcripts: %v", err)
	}
	var ts []transcript
	if err := json.Unmarshal(b, &ts); err != nil {
		t.Fatalf("parse transcripts: %v", err)
	}
	m := make(map[string]string, len(ts))
	for _, tr := range ts {
		m[tr.File] = tr.Transcript
	}
	return m
}

// stem is a fixture's name without its extension.
func stem(file string) string {
	return strings.TrimSuffix(file, filepath.Ext(file))
}

// readFixture reads a file from testdata.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// requireFFmpeg fails (never skips) a test that needs ffmpeg when it is
// missing: the service cannot work without it either.
func requireFFmpeg(t testing.TB) {
	t.Helper()
	if err := Available(); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Fatalf("ffprobe is needed to check decoded durations (apt-get install ffmpeg): %v", err)
	}
}

// generate makes test media with ffmpeg into the test's temporary
// directory and returns its bytes. args are everything between the global
// options and the output file.
func generate(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	requireFFmpeg(t)
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("ffmpeg", append(append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...), out)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("generate %s: %v: %s", name, err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("generate %s: %v", name, err)
	}
	return b
}

// probeDuration asks ffprobe how long the first audio stream of b lasts,
// falling back to the container's duration when the stream has none
// (Matroska writes it as a tag only).
func probeDuration(t testing.TB, b []byte) time.Duration {
	t.Helper()
	path := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream=duration,sample_rate,channels:format=duration", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var p struct {
		Streams []struct {
			Duration string `json:"duration"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("ffprobe output: %v", err)
	}
	candidates := []string{p.Format.Duration}
	if len(p.Streams) > 0 {
		candidates = append([]string{p.Streams[0].Duration}, candidates...)
	}
	for _, s := range candidates {
		if sec, err := strconv.ParseFloat(s, 64); err == nil {
			return time.Duration(sec * float64(time.Second))
		}
	}
	t.Fatalf("ffprobe reported no duration: %s", out)
	return 0
}

// probeFormat asks ffprobe for the sample rate and channel count of b's
// first audio stream.
func probeFormat(t testing.TB, b []byte) (rate, channels int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "probe.wav")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream=sample_rate,channels", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var p struct {
		Streams []struct {
			SampleRate string `json:"sample_rate"`
			Channels   int    `json:"channels"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &p); err != nil || len(p.Streams) != 1 {
		t.Fatalf("ffprobe output %s: %v", out, err)
	}
	rate, err = strconv.Atoi(p.Streams[0].SampleRate)
	if err != nil {
		t.Fatalf("ffprobe sample rate: %v", err)
	}
	return rate, p.Streams[0].Channels
}

// topLevelBoxes lists the MP4 box types at the top level of b, to check
// where moov sits.
func topLevelBoxes(b []byte) []string {
	var types []string
	for p := 0; p+8 <= len(b); {
		size := int(uint32(b[p])<<24 | uint32(b[p+1])<<16 | uint32(b[p+2])<<8 | uint32(b[p+3]))
		types = append(types, string(b[p+4:p+8]))
		if size < 8 {
			break
		}
		p += size
	}
	return types
}

// wantKind fails unless err is an *Error of kind with a reason and no
// leaked ffmpeg output in it.
func wantKind(t testing.TB, err error, kind Kind) *Error {
	t.Helper()
	var me *Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T), want a media error of kind %s", err, err, kind)
	}
	if me.Kind != kind {
		t.Fatalf("kind %s (%v), want %s", me.Kind, err, kind)
	}
	if me.Reason == "" {
		t.Fatalf("%s error without a reason", kind)
	}
	for _, leak := range []string{"ffmpeg", "[error]", "pipe:", "@ 0x", "matroska", "moov"} {
		if strings.Contains(strings.ToLower(me.Reason), leak) {
			t.Fatalf("reason %q shows diagnostics (%q) to the candidate", me.Reason, leak)
		}
	}
	return me
}

// noise is n samples of seeded uniform white noise with the given peak.
func noise(seed uint64, n int, peak float64) []int16 {
	r := rand.New(rand.NewPCG(seed, seed))
	s := make([]int16, n)
	for i := range s {
		s[i] = int16((r.Float64()*2 - 1) * peak)
	}
	return s
}
