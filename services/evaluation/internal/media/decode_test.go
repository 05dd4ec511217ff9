package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDecodeFixtures(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			t.Parallel()
			b := readFixture(t, f.file)
			c, err := Sniff(head(b), f.contentType)
			if err != nil {
				t.Fatalf("sniff: %v", err)
			}
			a, err := Decode(t.Context(), bytes.NewReader(b), c, 2*time.Minute)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			want := probeDuration(t, b)
			if diff := (a.Duration - want).Abs(); diff > want/20 {
				t.Errorf("duration %v, ffprobe says %v", a.Duration, want)
			}
			if got := samplesDuration(len(a.Samples)); got != a.Duration {
				t.Errorf("Duration %v disagrees with %d samples (%v)", a.Duration, len(a.Samples), got)
			}
			// The samples really are 16 kHz mono: ffprobe reads
			// them back as such, for as long.
			w := a.WAV()
			if rate, ch := probeFormat(t, w); rate != 16000 || ch != 1 {
				t.Errorf("WAV is %d Hz, %d channels; want 16000 Hz mono", rate, ch)
			}
			if got := probeDuration(t, w); (got - a.Duration).Abs() > time.Millisecond {
				t.Errorf("WAV lasts %v, audio %v", got, a.Duration)
			}
			if act := a.Activity(300 * time.Millisecond); act.Silent {
				t.Errorf("no speech found in %s: %+v", f.file, act)
			}
		})
	}
}

// TestDecodeSameAnswerAcrossContainers checks that one answer decodes to
// the same audio whatever the browser wrapped it in: lossy codecs differ
// in detail, not in length or loudness.
func TestDecodeSameAnswerAcrossContainers(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	decoded := map[string]map[Container]Audio{}
	for _, f := range fixtures {
		a, err := Decode(t.Context(), bytes.NewReader(readFixture(t, f.file)), f.container, time.Minute)
		if err != nil {
			t.Fatalf("decode %s: %v", f.file, err)
		}
		if decoded[stem(f.file)] == nil {
			decoded[stem(f.file)] = map[Container]Audio{}
		}
		decoded[stem(f.file)][f.container] = a
	}
	for name, byContainer := range decoded {
		ref, ok := byContainer[WAV]
		if !ok {
			t.Fatalf("%s has no WAV fixture", name)
		}
		refRMS := rms(ref.Samples)
		for c, a := range byContainer {
			if diff := (a.Duration - ref.Duration).Abs(); diff > 100*time.Millisecond {
				t.Errorf("%s.%s lasts %v, the WAV %v", name, c, a.Duration, ref.Duration)
			}
			if got := rms(a.Samples); got < refRMS*0.8 || got > refRMS*1.25 {
				t.Errorf("%s.%s RMS %.0f, the WAV %.0f", name, c, got, refRMS)
			}
		}
	}
}

// TestDecodeWAVRoundTrip checks Audio.WAV byte for byte against ffmpeg:
// decoding the WAV it writes gives back the same samples.
func TestDecodeWAVRoundTrip(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	want := newAudio(noise(7, 3*SampleRate+17, 20000))
	w := want.WAV()
	if len(w) != 44+2*len(want.Samples) {
		t.Fatalf("WAV is %d bytes for %d samples", len(w), len(want.Samples))
	}
	if c, err := Sniff(head(w), "audio/wav"); err != nil || c != WAV {
		t.Fatalf("Sniff(WAV()) = %q, %v", c, err)
	}
	got, err := Decode(t.Context(), bytes.NewReader(w), WAV, time.Minute)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if !slices.Equal(got.Samples, want.Samples) || got.Duration != want.Duration {
		t.Fatalf("round trip changed the audio: %d samples (%v), want %d (%v)", len(got.Samples), got.Duration, len(want.Samples), want.Duration)
	}
}

// TestDecodeMP4MoovAtEnd checks that an MP4 whose index (moov) follows
// its media data, as Safari and ffmpeg write by default, decodes as well
// as a "faststart" one, both through the in-memory file and through the
// temporary file used off Linux. The generated file is over 100 KB: ffmpeg
// can seek back within what it buffered while probing, so only a larger
// file shows a pipe failing.
//
// Not parallel: it points TMPDIR at a directory it checks is left empty.
func TestDecodeMP4MoovAtEnd(t *testing.T) {
	requireFFmpeg(t)
	src := []string{"-f", "lavfi", "-i", "testsrc=duration=8:size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:duration=8:sample_rate=48000", "-c:v", "libx264", "-c:a", "aac", "-shortest"}
	moovLast := generate(t, "last.mp4", src...)
	moovFirst := generate(t, "first.mp4", append(src, "-movflags", "+faststart")...)
	if boxes := topLevelBoxes(moovLast); slices.Index(boxes, "moov") < slices.Index(boxes, "mdat") {
		t.Fatalf("default mp4 has boxes %v, want moov after mdat", boxes)
	}
	if boxes := topLevelBoxes(moovFirst); slices.Index(boxes, "moov") > slices.Index(boxes, "mdat") {
		t.Fatalf("faststart mp4 has boxes %v, want moov before mdat", boxes)
	}
	if boxes := topLevelBoxes(readFixture(t, "slow-api-medium.mp4")); slices.Index(boxes, "moov") < slices.Index(boxes, "mdat") {
		t.Fatalf("fixture mp4 has boxes %v, want moov after mdat", boxes)
	}

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	tests := []struct {
		name  string
		b     []byte
		spool spooler
	}{
		{"moov last, memfd", moovLast, spool},
		{"moov first, memfd", moovFirst, spool},
		{"moov last, temp file", moovLast, spoolTemp},
		{"fixture, temp file", readFixture(t, "slow-api-medium.mp4"), spoolTemp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := decode(t.Context(), bytes.NewReader(tt.b), MP4, time.Minute, spooling{tt.spool, maxSpoolBytes})
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			want := probeDuration(t, tt.b)
			if (a.Duration - want).Abs() > want/20 {
				t.Errorf("duration %v, ffprobe says %v", a.Duration, want)
			}
			if r := rms(a.Samples); r < 1000 {
				t.Errorf("decoded tone has RMS %.0f: not the audio", r)
			}
			left, _ := filepath.Glob(filepath.Join(tmp, "media-*"))
			if len(left) != 0 {
				t.Errorf("spooling left %v behind", left)
			}
		})
	}

	// The same files through a pipe are what fails without spooling.
	for _, b := range [][]byte{moovLast, readFixture(t, "slow-api-medium.mp4")} {
		_, err := decode(t.Context(), bytes.NewReader(b), MP4, time.Minute, spooling{pipeSpool, maxSpoolBytes})
		wantKind(t, err, KindUnreadable)
	}
}

// pipeSpool hands the MP4 to ffmpeg exactly as spool does but through a
// pipe, which cannot seek, to show why Decode spools: with moov after mdat
// ffmpeg cannot read it.
func pipeSpool(r io.Reader, _ int64) (spooled, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return spooled{}, err
	}
	go func() {
		_, _ = io.Copy(pw, r) // a short copy is a cut-off file to ffmpeg
		_ = pw.Close()
	}()
	return spooled{stdin: pr, input: "file:/proc/self/fd/0", cleanup: func() { _ = pr.Close() }}, nil
}

func TestDecodeSpoolLimit(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	b := readFixture(t, "slow-api-medium.mp4")
	for _, sp := range []spooler{spool, spoolTemp} {
		_, err := decode(t.Context(), bytes.NewReader(b), MP4, time.Minute, spooling{sp, int64(len(b)) - 1})
		me := wantKind(t, err, KindTooLong)
		if !strings.Contains(me.Reason, "larger") {
			t.Errorf("reason %q does not say the file is too large", me.Reason)
		}
		if _, err := decode(t.Context(), bytes.NewReader(b), MP4, time.Minute, spooling{sp, int64(len(b))}); err != nil {
			t.Errorf("decode at exactly the limit: %v", err)
		}
	}
}

func TestDecodeDamaged(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	webm := readFixture(t, "learn-fast-strong.webm")
	full := probeDuration(t, webm)
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	flip := func(b []byte, n int, seed uint64) []byte {
		b = slices.Clone(b)
		r := rand.New(rand.NewPCG(seed, seed))
		for range n {
			b[1000+r.IntN(len(b)-1000)] ^= 0xff
		}
		return b
	}
	mp4 := readFixture(t, "slow-api-medium.mp4")
	faststart := generate(t, "fast.mp4", "-i", filepath.Join("testdata", "slow-api-medium.mp4"), "-c", "copy", "-movflags", "+faststart")

	tests := []struct {
		name     string
		b        []byte
		c        Container
		kind     Kind          // the refusal, or "" for a partial decode
		min, max time.Duration // the partial decode's bounds
	}{
		// A recording cut off mid-stream (an upload or a browser
		// that stopped early) keeps the audio before the cut.
		{"webm cut in half", webm[:len(webm)/2], WebM, "", full / 4, full * 3 / 4},
		{"ogg cut in half", readFixture(t, "feedback-weak.ogg")[:11000], Ogg, "", time.Second, 7 * time.Second},
		{"wav cut in half", readFixture(t, "feedback-weak.wav")[:130000], WAV, "", 3 * time.Second, 5 * time.Second},
		{"faststart mp4 cut in half", faststart[:len(faststart)/2], MP4, "", time.Second, 10 * time.Second},
		// A few flipped bytes lose a packet or two.
		{"webm with 20 flipped bytes", flip(webm, 20, 2), WebM, "", full * 8 / 10, full},
		// Unless the index survives, nothing does.
		{"mp4 cut before moov", mp4[:len(mp4)/2], MP4, KindUnreadable, 0, 0},
		{"webm cut inside its header", webm[:150], WebM, KindUnreadable, 0, 0},
		{"webm with 2000 flipped bytes", flip(webm, 2000, 1), WebM, KindUnreadable, 0, 0},
		{"webm header then random bytes", append(slices.Clone(webm[:300]), random(100000)...), WebM, KindUnreadable, 0, 0},
		{"ogg header then random bytes", append(slices.Clone(readFixture(t, "feedback-weak.ogg")[:200]), random(50000)...), Ogg, KindUnreadable, 0, 0},
		{"mp4 ftyp then random bytes", append(slices.Clone(mp4[:32]), random(50000)...), MP4, KindUnreadable, 0, 0},
		{"random as webm", random(50000), WebM, KindUnreadable, 0, 0},
		{"random as ogg", random(50000), Ogg, KindUnreadable, 0, 0},
		{"random as mp4", random(50000), MP4, KindUnreadable, 0, 0},
		{"random as wav", random(50000), WAV, KindUnreadable, 0, 0},
		{"empty", nil, WebM, KindUnreadable, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := Decode(t.Context(), bytes.NewReader(tt.b), tt.c, 2*time.Minute)
			if tt.kind != "" {
				me := wantKind(t, err, tt.kind)
				if me.Detail == "" {
					t.Errorf("no diagnostics for the logs")
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if a.Duration < tt.min || a.Duration > tt.max {
				t.Errorf("decoded %v, want between %v and %v", a.Duration, tt.min, tt.max)
			}
		})
	}
}

func TestDecodeNoAudio(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	video := []string{"-f", "lavfi", "-i", "testsrc=duration=2:size=64x48:rate=10"}
	tests := []struct {
		name string
		b    []byte
		c    Container
	}{
		{"webm", generate(t, "v.webm", append(video, "-c:v", "libvpx")...), WebM},
		{"mp4", generate(t, "v.mp4", append(video, "-c:v", "libx264")...), MP4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode(t.Context(), bytes.NewReader(tt.b), tt.c, time.Minute)
			me := wantKind(t, err, KindNoAudio)
			if !strings.Contains(me.Reason, "microphone") {
				t.Errorf("reason %q does not say what to check", me.Reason)
			}
		})
	}
}

func TestDecodeTooLong(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	tone := func(seconds string) []string {
		return []string{"-f", "lavfi", "-i", "sine=frequency=300:duration=" + seconds + ":sample_rate=48000"}
	}
	threeWebM := generate(t, "3.webm", append(tone("3"), "-c:a", "libopus")...)
	threeMP4 := generate(t, "3.mp4", append(tone("3"), "-c:a", "aac")...)
	threeWAV := generate(t, "3.wav", tone("3")...)
	long := generate(t, "600.ogg", append(tone("600"), "-c:a", "libopus", "-b:a", "16k")...)
	tests := []struct {
		name string
		b    []byte
		c    Container
		max  time.Duration
		ok   bool
	}{
		{"3s webm, 1s allowed", threeWebM, WebM, time.Second, false},
		{"3s mp4, 1s allowed", threeMP4, MP4, time.Second, false},
		{"3s wav, 2s allowed", threeWAV, WAV, 2 * time.Second, false},
		{"3s wav, 2.4s allowed", threeWAV, WAV, 2400 * time.Millisecond, false},
		{"3s wav, 2.6s allowed (grace)", threeWAV, WAV, 2600 * time.Millisecond, true},
		{"3s webm, 3s allowed", threeWebM, WebM, 3 * time.Second, true},
		{"10 min ogg, 1 min allowed", long, Ogg, time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			a, err := Decode(t.Context(), bytes.NewReader(tt.b), tt.c, tt.max)
			if tt.ok {
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				if (a.Duration - 3*time.Second).Abs() > 100*time.Millisecond {
					t.Errorf("decoded %v of a 3 s tone", a.Duration)
				}
				return
			}
			me := wantKind(t, err, KindTooLong)
			if !strings.Contains(me.Reason, humanDuration(tt.max)) {
				t.Errorf("reason %q does not state the limit", me.Reason)
			}
			// ffmpeg stops at the limit instead of decoding it all.
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("refusing took %v", el)
			}
		})
	}
}

func TestDecodeSilentRecording(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	tests := []struct {
		name string
		b    []byte
		c    Container
	}{
		{"webm", generate(t, "silent.webm", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-t", "3", "-c:a", "libopus", "-c:v", "libvpx"), WebM},
		{"ogg", generate(t, "silent.ogg", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "3", "-c:a", "libopus"), Ogg},
		{"quiet hiss wav", generate(t, "hiss.wav", "-f", "lavfi", "-i", "anoisesrc=r=16000:a=0.002:d=3:seed=3"), WAV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := Decode(t.Context(), bytes.NewReader(tt.b), tt.c, time.Minute)
			if err != nil {
				t.Fatalf("a silent recording must decode: %v", err)
			}
			if (a.Duration - 3*time.Second).Abs() > 100*time.Millisecond {
				t.Errorf("decoded %v of 3 s", a.Duration)
			}
			act := a.Activity(300 * time.Millisecond)
			if !act.Silent || act.Speech != 0 {
				t.Errorf("activity %+v, want silent", act)
			}
			wantKind(t, act.Err(), KindSilent)
		})
	}
}

// slowReader yields a recording a little at a time, like a slow download.
type slowReader struct {
	b     []byte
	chunk int
	delay time.Duration
}

// Read returns the next chunk after a delay.
func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.delay)
	n := copy(p[:min(len(p), s.chunk)], s.b)
	s.b = s.b[n:]
	return n, nil
}

// TestDecodeCancel checks that cancelling kills ffmpeg at once, even
// while a Read on the recording hangs. Not parallel, so that the ffmpeg
// processes it counts are its own.
func TestDecodeCancel(t *testing.T) {
	requireFFmpeg(t)
	webm := readFixture(t, "learn-fast-strong.webm")
	blocked, unblock := io.Pipe()
	t.Cleanup(func() { _ = unblock.Close() })
	go func() { _, _ = unblock.Write(webm[:4096]) }()

	tests := []struct {
		name   string
		r      io.Reader
		c      Container
		within time.Duration // how soon after cancel Decode returns
	}{
		// A slow download: ffmpeg is killed and the next Read ends
		// the copy.
		{"slow reader", &slowReader{b: webm, chunk: 1024, delay: 20 * time.Millisecond}, WebM, 500 * time.Millisecond},
		// A download that hangs: Decode stops waiting for it.
		{"blocked reader", blocked, WebM, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() {
				_, err := Decode(ctx, tt.r, tt.c, time.Minute)
				done <- err
			}()
			time.Sleep(300 * time.Millisecond) // ffmpeg is running
			if n := ffmpegChildren(t); n != 1 {
				t.Fatalf("%d ffmpeg processes running before cancel, want 1", n)
			}
			cancel()
			start := time.Now()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("error %v, want context.Canceled", err)
				}
				var me *Error
				if errors.As(err, &me) {
					t.Errorf("cancellation reported as the candidate's fault: %v", err)
				}
				if el := time.Since(start); el > tt.within {
					t.Errorf("Decode returned %v after cancel, want within %v", el, tt.within)
				}
				if n := ffmpegChildren(t); n != 0 {
					t.Errorf("%d ffmpeg processes left after cancel", n)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Decode did not return after cancel")
			}
		})
	}

	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := Decode(ctx, bytes.NewReader(webm), WebM, time.Minute); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
	})
}

// ffmpegChildren counts the running ffmpeg processes started by this test
// binary, from /proc.
func ffmpegChildren(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatalf("list processes: %v", err)
	}
	parent := " " + strconv.Itoa(os.Getpid()) + " "
	n := 0
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || !strings.Contains(s[:i], "(ffmpeg") {
			continue
		}
		if fields := strings.Fields(s[i+1:]); len(fields) > 1 && " "+fields[1]+" " == parent && fields[0] != "Z" {
			n++
		}
	}
	return n
}

func TestDecodeArguments(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	b := readFixture(t, "feedback-weak.wav")
	tests := []struct {
		name string
		c    Container
		max  time.Duration
	}{
		{"unknown container", "avi", time.Minute},
		{"zero max duration", WAV, 0},
		{"negative max duration", WAV, -time.Second},
	}
	for _, tt := range tests {
		_, err := Decode(t.Context(), bytes.NewReader(b), tt.c, tt.max)
		var me *Error
		if err == nil || errors.As(err, &me) {
			t.Errorf("%s: error %v, want a programming error, not a refusal", tt.name, err)
		}
	}
}

// TestAvailable runs without ffmpeg on PATH; not parallel, it changes the
// environment.
func TestAvailable(t *testing.T) {
	requireFFmpeg(t)
	if err := Available(); err != nil {
		t.Fatalf("Available with ffmpeg installed: %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	err := Available()
	if err == nil || !strings.Contains(err.Error(), "apt-get install ffmpeg") {
		t.Fatalf("Available without ffmpeg = %v, want install instructions", err)
	}
	_, err = Decode(t.Context(), bytes.NewReader(readFixture(t, "feedback-weak.wav")), WAV, time.Minute)
	var me *Error
	if err == nil || errors.As(err, &me) {
		t.Fatalf("Decode without ffmpeg = %v, want an operational error, not the candidate's", err)
	}
}

func TestHumanDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{time.Second, "1 second"},
		{1400 * time.Millisecond, "1 second"},
		{90 * time.Second, "90 seconds"},
		{2 * time.Minute, "2 minutes"},
		{150 * time.Second, "150 seconds"},
		{time.Hour, "60 minutes"},
	}
	for _, tt := range tests {
		if got := humanDuration(tt.d); got != tt.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestFFmpegLog(t *testing.T) {
	t.Parallel()
	const noAudio = "[info] Input #0, matroska,webm, from 'pipe:0':\n" +
		"[info]   Metadata:\n[info]     title : Stream #0:9: Audio: fake\n" +
		"[info]   Stream #0:0: Video: vp8, yuv420p, 64x48\n" +
		"[info] Output #0, s16le, to 'pipe:1':\n[error] Output file #0 does not contain any stream\n"
	const partial = "[info] Input #0, ogg, from 'pipe:0':\n[info]   Stream #0:0: Audio: opus, 48000 Hz, mono\n" +
		"[info] Stream mapping:\n[info]   Stream #0:0 -> #0:0 (opus (native) -> pcm_s16le (native))\n" +
		"[info] Output #0, s16le, to 'pipe:1':\n[info]   Stream #0:0: Audio: pcm_s16le, 16000 Hz\n" +
		"[matroska,webm @ 0x55c1b1a429c0] [error] File ended prematurely"
	tests := []struct {
		name                   string
		log                    string
		chunk                  int
		streams, audio, errors int
		kept                   string
	}{
		{"video only", noAudio, 7, 1, 0, 1, "[error] Output file #0 does not contain any stream"},
		{"partial, last line unterminated", partial, 1, 1, 1, 1, "[matroska,webm] [error] File ended prematurely"},
		{"carriage returns", strings.ReplaceAll(partial, "\n", "\r"), 1000, 1, 1, 1, "File ended prematurely"},
		{"error flood", strings.Repeat("[aac @ 0x1] [error] Invalid data\n", 5000), 4096, 0, 0, 5000, "[aac] [error] Invalid data"},
		{"huge line", "[info] Input #0\n[info]   Stream #0:0: Audio: " + strings.Repeat("x", 100000) + "\n", 512, 1, 1, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &ffmpegLog{}
			for s := tt.log; s != ""; {
				n := min(tt.chunk, len(s))
				if w, err := l.Write([]byte(s[:n])); w != n || err != nil {
					t.Fatalf("Write = %d, %v", w, err)
				}
				s = s[n:]
			}
			l.flush()
			if l.inputStreams != tt.streams || l.audioStreams != tt.audio || l.errors != tt.errors {
				t.Errorf("streams %d audio %d errors %d, want %d %d %d", l.inputStreams, l.audioStreams, l.errors, tt.streams, tt.audio, tt.errors)
			}
			d := l.detail(nil)
			if !strings.Contains(d, tt.kept) {
				t.Errorf("detail %q does not keep %q", d, tt.kept)
			}
			if len(d) > maxLogBytes+100 {
				t.Errorf("detail is %d bytes", len(d))
			}
		})
	}
}

// failingReader returns part of a recording, then fails like a dropped
// connection to S3.
type failingReader struct {
	b   []byte
	err error
}

// Read returns what is left, then the error.
func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		return 0, f.err
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

// TestDecodeReadError checks that a failure reading the recording is
// reported as ours (to retry), not as a damaged file the candidate must
// record again, although ffmpeg sees a cut-off file.
func TestDecodeReadError(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	reset := errors.New("connection reset by peer")
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			t.Parallel()
			b := readFixture(t, f.file)
			_, err := Decode(t.Context(), &failingReader{b: b[:len(b)*2/3], err: reset}, f.container, time.Minute)
			var me *Error
			if !errors.Is(err, reset) || errors.As(err, &me) {
				t.Fatalf("error %v, want the read error and no refusal", err)
			}
		})
	}
	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		blocked, unblock := io.Pipe()
		t.Cleanup(func() { _ = unblock.Close() })
		for _, c := range []Container{WebM, MP4} {
			ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
			start := time.Now()
			_, err := Decode(ctx, blocked, c, time.Minute)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
				t.Errorf("%s: error %v after %v, want the deadline", c, err, time.Since(start))
			}
		}
	})
}
