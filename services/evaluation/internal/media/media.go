// Package media turns a candidate's recorded answer (untrusted bytes from a
// browser's MediaRecorder or an upload) into the 16 kHz mono PCM that speech
// recognition and delivery analysis need.
//
// It exists so that every other part of the evaluation service can treat a
// recording as plain samples: the checks that keep hostile or broken files
// away from the decoder (Sniff), the one place that runs ffmpeg (Decode),
// and the voice-activity measurements (Audio.Activity) live here, and each
// failure a candidate can fix comes back as an *Error with a Reason written
// for them.
package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// Container is the file format of a recording. It decides which ffmpeg
// demuxer reads it, so a recording is only ever parsed by the demuxer its
// sniffed bytes and declared content type agree on.
type Container string

// The containers the service accepts: what browsers record (WebM, and MP4 on
// Safari) and the two common audio uploads (Ogg, WAV).
const (
	WebM Container = "webm"
	MP4  Container = "mp4"
	Ogg  Container = "ogg"
	WAV  Container = "wav"
)

// ContentTypes maps each accepted content type (without parameters) to the
// container its bytes must hold. Anything else is refused before a byte
// reaches ffmpeg, which keeps its many other demuxers out of reach.
var ContentTypes = map[string]Container{
	"video/webm":  WebM,
	"audio/webm":  WebM,
	"video/mp4":   MP4,
	"audio/mp4":   MP4,
	"audio/ogg":   Ogg,
	"audio/wav":   WAV,
	"audio/x-wav": WAV,
	"audio/wave":  WAV,
}

// Kind classifies why a recording was refused, so callers can map it to a
// response code or metric without parsing text.
type Kind string

// The kinds of refusal. Each one is something the candidate can act on by
// recording or uploading again.
const (
	KindEmpty       Kind = "empty"       // no bytes at all
	KindUnsupported Kind = "unsupported" // a content type we do not take
	KindMismatch    Kind = "mismatch"    // the bytes are not what the content type says
	KindUnreadable  Kind = "unreadable"  // damaged or incomplete media
	KindNoAudio     Kind = "no_audio"    // a video without a sound track
	KindTooLong     Kind = "too_long"    // longer (or larger) than allowed
	KindSilent      Kind = "silent"      // decodes, but nobody speaks
)

// Error is a refusal the candidate can fix. Reason is written for them (what
// is wrong and what to do) and is safe to show; Detail carries diagnostics
// such as ffmpeg's messages for the logs and must never be shown.
type Error struct {
	Kind   Kind
	Reason string
	Detail string
}

// Error formats the refusal for logs, diagnostics included.
func (e *Error) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("media %s: %s", e.Kind, e.Reason)
	}
	return fmt.Sprintf("media %s: %s (%s)", e.Kind, e.Reason, e.Detail)
}

// Is reports whether target is an *Error of the same Kind, so callers can
// write errors.Is(err, &media.Error{Kind: media.KindNoAudio}) without a
// sentinel per kind.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Kind == e.Kind
}

// SampleRate is the rate of Audio samples: what speech recognisers expect.
const SampleRate = 16000

// Audio is 16 kHz mono signed 16-bit PCM, the one shape every downstream
// engine accepts. Duration is len(Samples) at SampleRate.
type Audio struct {
	Samples  []int16
	Duration time.Duration
}

// newAudio wraps samples and derives the duration from their count, so the
// two can never disagree.
func newAudio(samples []int16) Audio {
	return Audio{Samples: samples, Duration: samplesDuration(len(samples))}
}

// samplesDuration converts a sample count at SampleRate to a duration.
func samplesDuration(n int) time.Duration {
	return time.Duration(int64(n) * int64(time.Second) / SampleRate)
}

// WAV encodes the audio as a canonical 44-byte-header PCM WAV file, for
// recognition engines that take a file rather than raw samples.
func (a Audio) WAV() []byte {
	data := len(a.Samples) * 2
	b := make([]byte, 44+data)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+data))
	copy(b[8:], "WAVE")
	copy(b[12:], "fmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)           // fmt chunk size
	binary.LittleEndian.PutUint16(b[20:], 1)            // PCM
	binary.LittleEndian.PutUint16(b[22:], 1)            // mono
	binary.LittleEndian.PutUint32(b[24:], SampleRate)   // sample rate
	binary.LittleEndian.PutUint32(b[28:], SampleRate*2) // byte rate
	binary.LittleEndian.PutUint16(b[32:], 2)            // block align
	binary.LittleEndian.PutUint16(b[34:], 16)           // bits per sample
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(data))
	for i, s := range a.Samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	return b
}

// Available reports whether ffmpeg can be run, so a service fails at start-up
// with instructions instead of on the first candidate's answer.
func Available() error {
	if _, err := exec.LookPath(ffmpegBin); err != nil {
		return fmt.Errorf("media: ffmpeg is needed to decode recordings but was not found on PATH (install it, e.g. apt-get install ffmpeg): %w", err)
	}
	return nil
}

// ffmpegBin is the program Decode runs, looked up on PATH.
const ffmpegBin = "ffmpeg"
