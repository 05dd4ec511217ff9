package media

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// rms is the root mean square of samples.
func rms(samples []int16) float64 {
	var sum float64
	for _, s := range samples {
		sum += float64(s) * float64(s)
	}
	return math.Sqrt(sum / float64(max(1, len(samples))))
}

// seconds is the number of samples in d.
func seconds(d time.Duration) int {
	return int(d.Seconds() * SampleRate)
}

// tone is d of a sine wave at freq Hz with the given amplitude.
func tone(d time.Duration, freq, amp float64) []int16 {
	s := make([]int16, seconds(d))
	for i := range s {
		s[i] = int16(amp * math.Sin(2*math.Pi*freq*float64(i)/SampleRate))
	}
	return s
}

// silence is d of digital silence.
func silence(d time.Duration) []int16 {
	return make([]int16, seconds(d))
}

// concat joins pieces of audio.
func concat(parts ...[]int16) []int16 {
	var s []int16
	for _, p := range parts {
		s = append(s, p...)
	}
	return s
}

// mix adds b to a, clipping.
func mix(a, b []int16) []int16 {
	out := make([]int16, len(a))
	for i := range a {
		v := int(a[i])
		if i < len(b) {
			v += int(b[i])
		}
		out[i] = int16(max(math.MinInt16, min(math.MaxInt16, v)))
	}
	return out
}

// offset adds a constant (a microphone's DC offset).
func offset(s []int16, dc int16) []int16 {
	out := make([]int16, len(s))
	for i, v := range s {
		out[i] = v + dc
	}
	return out
}

// near reports whether got is within tol of want.
func near(got, want, tol time.Duration) bool {
	return (got - want).Abs() <= tol
}

func TestActivitySynthetic(t *testing.T) {
	t.Parallel()
	const frame = FrameLen
	burst := func(d time.Duration) []int16 { return tone(d, 220, 8000) }
	// Recordings start and end with a moment of quiet: the candidate
	// clicks record, then speaks.
	padded := func(parts ...[]int16) []int16 {
		return concat(append(append([][]int16{silence(time.Second)}, parts...), silence(time.Second))...)
	}
	tests := []struct {
		name     string
		samples  []int16
		minPause time.Duration
		silent   bool
		speech   time.Duration
		pauses   []time.Duration
	}{
		{"empty", nil, time.Second, true, 0, nil},
		{"shorter than a frame", burst(10 * time.Millisecond), time.Second, true, 0, nil},
		{"digital silence", silence(5 * time.Second), time.Second, true, 0, nil},
		{"quiet hiss", noise(1, seconds(5*time.Second), 150), time.Second, true, 0, nil},
		{"loud steady noise", noise(2, seconds(5*time.Second), 12000), time.Second, true, 0, nil},
		{"steady tone", tone(5*time.Second, 440, 20000), time.Second, true, 0, nil},
		{"dc offset", offset(silence(5*time.Second), 3000), time.Second, true, 0, nil},
		{"clicks", concat(silence(time.Second), burst(frame), silence(time.Second), burst(frame), silence(time.Second)), time.Second, true, 0, nil},
		{"too little speech", concat(silence(time.Second), burst(400*time.Millisecond), silence(time.Second)), time.Second, true, 400 * time.Millisecond, nil},
		{"half a second", concat(silence(time.Second), burst(510*time.Millisecond), silence(time.Second)), time.Second, false, 510 * time.Millisecond, nil},
		{"two phrases, a 2 s pause", concat(silence(time.Second), burst(time.Second), silence(2*time.Second), burst(time.Second), silence(time.Second)), time.Second, false, 2 * time.Second, []time.Duration{2 * time.Second}},
		{"pause shorter than asked for", padded(burst(time.Second), silence(2*time.Second), burst(time.Second)), 3 * time.Second, false, 2 * time.Second, nil},
		{"word gaps are bridged", padded(burst(time.Second), silence(200*time.Millisecond), burst(time.Second)), 500 * time.Millisecond, false, 2200 * time.Millisecond, nil},
		{"gap just over a small minPause", padded(burst(time.Second), silence(150*time.Millisecond), burst(time.Second)), 100 * time.Millisecond, false, 2 * time.Second, []time.Duration{150 * time.Millisecond}},
		{"three pauses", padded(burst(time.Second), silence(700*time.Millisecond), burst(time.Second), silence(1500*time.Millisecond), burst(time.Second), silence(900*time.Millisecond), burst(time.Second)), 500 * time.Millisecond, false, 4 * time.Second, []time.Duration{700 * time.Millisecond, 1500 * time.Millisecond, 900 * time.Millisecond}},
		{"speech over hiss", mix(concat(burst(time.Second), silence(time.Second), burst(time.Second)), noise(3, seconds(3*time.Second), 800)), 500 * time.Millisecond, false, 2 * time.Second, []time.Duration{time.Second}},
		{"speech over hum with dc", offset(mix(concat(silence(time.Second), burst(2*time.Second), silence(time.Second)), tone(4*time.Second, 50, 1500)), -2000), 500 * time.Millisecond, false, 2 * time.Second, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAudio(tt.samples)
			act := a.Activity(tt.minPause)
			if act.Silent != tt.silent {
				t.Errorf("Silent = %v, want %v (%+v)", act.Silent, tt.silent, act)
			}
			// Each segment may gain a frame at either edge.
			if !near(act.Speech, tt.speech, 2*frame*time.Duration(len(tt.pauses)+1)) {
				t.Errorf("Speech = %v, want %v", act.Speech, tt.speech)
			}
			if len(act.Pauses) != len(tt.pauses) {
				t.Fatalf("Pauses = %v, want %v", act.Pauses, tt.pauses)
			}
			for i := range act.Pauses {
				if !near(act.Pauses[i], tt.pauses[i], 2*frame) {
					t.Errorf("pause %d = %v, want %v", i, act.Pauses[i], tt.pauses[i])
				}
				if act.Pauses[i] <= tt.minPause {
					t.Errorf("pause %v is not longer than minPause %v", act.Pauses[i], tt.minPause)
				}
			}
			if (act.Err() == nil) == act.Silent {
				t.Errorf("Err() = %v for Silent = %v", act.Err(), act.Silent)
			}
		})
	}
}

// TestActivityFixtures checks the detector on real answers: nearly all of
// each is speech, the speaking rate it implies is a human one, and the
// pauses it finds are the breaks between sentences.
func TestActivityFixtures(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	transcripts := loadTranscripts(t)
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			t.Parallel()
			text, ok := transcripts[stem(f.file)]
			if !ok {
				t.Fatalf("no transcript for %s", f.file)
			}
			a, err := Decode(t.Context(), bytes.NewReader(readFixture(t, f.file)), f.container, time.Minute)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			act := a.Activity(300 * time.Millisecond)
			if act.Silent {
				t.Fatalf("silent: %+v", act)
			}
			if share := act.Speech.Seconds() / a.Duration.Seconds(); share < 0.7 || share > 1 {
				t.Errorf("speech is %.0f%% of the answer", share*100)
			}
			words := len(strings.Fields(text))
			if wpm := float64(words) / act.Speech.Minutes(); wpm < 110 || wpm > 220 {
				t.Errorf("%d words in %v of speech is %.0f words a minute", words, act.Speech, wpm)
			}
			sentences := strings.Count(text, ". ") + 1
			if n := len(act.Pauses); n < sentences-1 || n > sentences+2 {
				t.Errorf("%d pauses %v in %d sentences", n, act.Pauses, sentences)
			}
			for _, p := range act.Pauses {
				if p > 2*time.Second {
					t.Errorf("pause of %v in fluent speech", p)
				}
			}

			// Over a noisy room (hiss at about 20 dB below the
			// voice) the same speech is still found.
			noisy := newAudio(mix(a.Samples, noise(9, len(a.Samples), 0.1*rms(a.Samples)*math.Sqrt(3))))
			na := noisy.Activity(300 * time.Millisecond)
			if na.Silent || !near(na.Speech, act.Speech, act.Speech/10) {
				t.Errorf("with hiss: speech %v, clean %v", na.Speech, act.Speech)
			}
			// Turned down 20 dB (a quiet microphone), too.
			quiet := make([]int16, len(a.Samples))
			for i, s := range a.Samples {
				quiet[i] = s / 10
			}
			qa := newAudio(quiet).Activity(300 * time.Millisecond)
			if qa.Silent || !near(qa.Speech, act.Speech, act.Speech/10) {
				t.Errorf("quiet: speech %v, clean %v", qa.Speech, act.Speech)
			}
		})
	}
}
