package media

import (
	"math"
	"slices"
	"time"
)

// Activity is when a recording holds speech: how long the candidate spoke,
// the pauses between their phrases, and whether they said anything at all.
// Delivery scoring uses Speech for speaking rate and Pauses for hesitation;
// Silent turns a muted microphone into something the candidate can fix
// instead of a zero score.
type Activity struct {
	// Speech is the total length of speech segments, including the
	// short gaps between words inside them.
	Speech time.Duration
	// Pauses are the gaps between speech segments longer than the
	// minPause asked for, in order. Silence before the first and after
	// the last segment is not a pause.
	Pauses []time.Duration
	// Silent is true when there is less than MinSpeech of speech.
	Silent bool
}

// Voice activity parameters. An energy detector cannot tell speech from
// other sounds that start and stop (a cough, a door, a beep); it can tell
// them from silence and from steady noise such as hum, hiss or a fan.
const (
	// FrameLen is the analysis frame: 30 ms, about one phoneme.
	FrameLen = 30 * time.Millisecond
	// MinSpeech is the least speech a recording needs not to be Silent:
	// less than half a second is a click or a breath, not an answer.
	MinSpeech = 500 * time.Millisecond

	frameSamples = SampleRate * int(FrameLen/time.Millisecond) / 1000

	// absoluteFloor is the RMS (of 32768) below which a frame is never
	// speech: about -50 dBFS, quieter than any usable microphone
	// signal and above the self-noise of most.
	absoluteFloor = 100.0
	// noiseFactor lifts the noise floor (the quietest frames) to the
	// speech threshold: about +10 dB, enough to ignore steady
	// background noise while keeping speech at a modest signal-to-noise
	// ratio.
	noiseFactor = 3.0
	// noisePercentile picks the frame energy taken as the noise floor.
	// Any answer spends more than a tenth of its time between words.
	noisePercentile = 0.1
	// hangover is the longest gap bridged inside a speech segment, so
	// that the dips between words and syllables are not pauses.
	hangover = 300 * time.Millisecond
	// minHangover keeps a minimum smoothing when a caller asks for
	// pauses shorter than hangover.
	minHangover = 2 * FrameLen
	// minSegment drops isolated bursts (clicks, pops) shorter than this.
	minSegment = 3 * FrameLen
)

// Activity detects speech by the energy of 30 ms frames against an
// adaptive threshold (three times the noise floor, the level of the
// quietest tenth of the frames, and never below about -50 dBFS) and reports
// the pauses between speech segments longer than minPause. Gaps of up to
// 300 ms (or minPause, if smaller, but at least 60 ms) are the space
// between words: they are bridged, count towards Speech, and are never
// Pauses. Bursts shorter than 90 ms (clicks) are not speech.
func (a Audio) Activity(minPause time.Duration) Activity {
	energy := frameEnergies(a.Samples)
	if len(energy) == 0 {
		return Activity{Silent: true}
	}
	threshold := speechThreshold(energy)
	bridge := framesIn(max(minHangover, min(hangover, minPause)))

	// Segments of frames above the threshold, bridged across short gaps.
	type segment struct{ start, end int } // frames [start, end)
	var segs []segment
	for i, e := range energy {
		if e <= threshold {
			continue
		}
		if n := len(segs); n > 0 && i-segs[n-1].end <= bridge {
			segs[n-1].end = i + 1
			continue
		}
		segs = append(segs, segment{i, i + 1})
	}
	segs = slices.DeleteFunc(segs, func(s segment) bool {
		return s.end-s.start < framesIn(minSegment)
	})

	var act Activity
	for i, s := range segs {
		act.Speech += time.Duration(s.end-s.start) * FrameLen
		if i > 0 {
			if gap := time.Duration(s.start-segs[i-1].end) * FrameLen; gap > minPause {
				act.Pauses = append(act.Pauses, gap)
			}
		}
	}
	act.Silent = act.Speech < MinSpeech
	return act
}

// framesIn is the number of whole frames in d.
func framesIn(d time.Duration) int {
	return int(d / FrameLen)
}

// frameEnergies is the RMS of each whole frame around its own mean, so a
// microphone's DC offset does not read as sound.
func frameEnergies(samples []int16) []float64 {
	energy := make([]float64, len(samples)/frameSamples)
	for i := range energy {
		frame := samples[i*frameSamples : (i+1)*frameSamples]
		var sum, sumSq float64
		for _, s := range frame {
			v := float64(s)
			sum += v
			sumSq += v * v
		}
		n := float64(len(frame))
		mean := sum / n
		energy[i] = math.Sqrt(max(0, sumSq/n-mean*mean))
	}
	return energy
}

// speechThreshold is the energy above which a frame is speech: the noise
// floor (the quietest frames) times noiseFactor, and never below
// absoluteFloor.
func speechThreshold(energy []float64) float64 {
	sorted := slices.Clone(energy)
	slices.Sort(sorted)
	floor := sorted[int(float64(len(sorted)-1)*noisePercentile)]
	return max(absoluteFloor, floor*noiseFactor)
}

// Err turns a silent recording into a refusal the candidate can act on, and
// is nil otherwise.
func (act Activity) Err() error {
	if !act.Silent {
		return nil
	}
	return &Error{Kind: KindSilent, Reason: "We could not hear any speech in the recording. Check that the right microphone is selected and not muted, speak close to it, then record again."}
}
