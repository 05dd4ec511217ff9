// Package transcribe turns a recorded answer into timed words, so that the
// scorer can read what the candidate said and the delivery package can
// measure how they said it.
//
// Two engines implement Engine behind the same contract:
//
//   - WhisperAPI calls any server speaking OpenAI's
//     POST /audio/transcriptions (OpenAI, the whisper.cpp server,
//     faster-whisper servers). It is accurate but needs a model server, and
//     a hosted one sees the audio.
//   - Pocketsphinx runs CMU's pocketsphinx_continuous from the Debian
//     packages on this machine. It needs nothing else and keeps the audio on
//     the host, but it is far less accurate: TestWordErrorRate measures it
//     on real and synthetic speech.
//
// Every engine takes 16 kHz mono 16-bit PCM WAV bytes, which the media
// package produces from whatever the browser recorded. Engines never log
// and never write the audio or the transcript anywhere except to the engine
// itself; their errors describe what failed without quoting either.
//
// Errors fall into three kinds a caller can tell apart with errors.Is:
// ErrUnavailable (try again later, with backoff), ErrNoSpeech (the engine
// ran and heard nothing: record that, do not retry) and anything else (the
// input or the configuration is wrong: retrying will not help).
package transcribe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrUnavailable is returned, wrapped, when the engine could not run now:
// the endpoint is down or overloaded (connection error, timeout, 5xx, 429),
// the local binary or model is missing, or the caller's context ended. The
// caller retries with backoff; the wrapping error says why.
var ErrUnavailable = errors.New("transcribe: engine unavailable")

// ErrNoSpeech is returned, wrapped, when the engine ran and heard no words.
// It is an answer, not a failure: retrying the same audio gives the same.
var ErrNoSpeech = errors.New("transcribe: no speech")

// Word is one recognised word with its place in the recording, which is
// what pace and pause measurements need.
type Word struct {
	// Text is the word as the engine spelled it, without surrounding white
	// space. Whisper keeps punctuation and case; Pocketsphinx gives lower
	// case dictionary words.
	Text string
	// Start and End are offsets from the start of the recording.
	Start, End time.Duration
	// Confidence is the engine's probability that the word is right, in
	// [0, 1], or 0 when the engine gives none (OpenAI's API does not).
	Confidence float64
}

// Transcript is what an engine heard in one recording.
type Transcript struct {
	// Text is the whole transcript. For Whisper it is the server's text,
	// punctuated; for Pocketsphinx it is Words joined by spaces.
	Text string
	// Words are in the order spoken. They are empty when the engine gave
	// only text, so consumers must not assume timings exist.
	Words []Word
	// Engine names the engine and model that produced the transcript, such
	// as "whisper-api/whisper-1" or "pocketsphinx/en-us", so a stored
	// transcript can be traced to what made it.
	Engine string
	// Language is the spoken language as the engine reported it: a code
	// such as "en", or, from OpenAI, a name such as "english". It is the
	// configured language when the engine reports none.
	Language string
}

// Engine turns speech into text. Implementations must honour ctx and never
// write the audio anywhere except to the engine itself.
type Engine interface {
	// Name identifies the engine and model, as in Transcript.Engine.
	Name() string
	// Transcribe recognises the speech in a 16 kHz mono 16-bit PCM WAV.
	Transcribe(ctx context.Context, wav []byte) (Transcript, error)
}

// Engines must keep satisfying the interface the evaluation service uses.
var (
	_ Engine = (*WhisperAPI)(nil)
	_ Engine = (*Pocketsphinx)(nil)
)

// SampleRate is the only sample rate the engines accept: both Whisper and
// the Pocketsphinx en-us model are built for 16 kHz.
const SampleRate = 16000

// wavPCM returns the samples of a 16 kHz mono 16-bit PCM WAV, walking the
// RIFF chunks rather than assuming a 44-byte header, since ffmpeg writes a
// LIST chunk before the data. A data chunk whose size is unknown (ffmpeg
// writing to a pipe gives 0 or 0xFFFFFFFF) or larger than the file runs to
// the end of the file.
func wavPCM(wav []byte) ([]byte, error) {
	if len(wav) < 12 || string(wav[0:4]) != "RIFF" || string(wav[8:12]) != "WAVE" {
		return nil, errors.New("transcribe: audio is not a RIFF WAVE file")
	}
	haveFormat := false
	for p := 12; p+8 <= len(wav); {
		id := string(wav[p : p+4])
		size := int64(binary.LittleEndian.Uint32(wav[p+4 : p+8]))
		body := int64(p + 8)
		switch id {
		case "fmt ":
			if size < 16 || body+size > int64(len(wav)) {
				return nil, errors.New("transcribe: WAV format chunk is truncated")
			}
			if err := checkFormat(wav[body : body+size]); err != nil {
				return nil, err
			}
			haveFormat = true
		case "data":
			if !haveFormat {
				return nil, errors.New("transcribe: WAV data comes before its format")
			}
			end := body + size
			if size == 0 || end > int64(len(wav)) {
				end = int64(len(wav))
			}
			pcm := wav[body:end]
			return pcm[:len(pcm)&^1], nil
		}
		next := body + size + size&1 // chunks are padded to an even size
		if next > int64(len(wav)) {
			break
		}
		p = int(next)
	}
	if !haveFormat {
		return nil, errors.New("transcribe: WAV has no format chunk")
	}
	return nil, errors.New("transcribe: WAV has no data chunk")
}

// checkFormat accepts the body of a fmt chunk describing 16 kHz mono
// 16-bit integer PCM, plain or in WAVE_FORMAT_EXTENSIBLE form.
func checkFormat(f []byte) error {
	const (
		formatPCM        = 1
		formatExtensible = 0xFFFE
	)
	tag := binary.LittleEndian.Uint16(f[0:2])
	channels := binary.LittleEndian.Uint16(f[2:4])
	rate := binary.LittleEndian.Uint32(f[4:8])
	bits := binary.LittleEndian.Uint16(f[14:16])
	if tag == formatExtensible && len(f) >= 26 {
		tag = binary.LittleEndian.Uint16(f[24:26]) // first two bytes of the sub-format GUID
	}
	if tag != formatPCM || channels != 1 || rate != SampleRate || bits != 16 {
		return fmt.Errorf("transcribe: WAV is format %d, %d channels, %d Hz, %d bits: want PCM, 1 channel, %d Hz, 16 bits",
			tag, channels, rate, bits, SampleRate)
	}
	return nil
}

// joinWords is the text of words with single spaces, for engines that give
// no text of their own.
func joinWords(words []Word) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = w.Text
	}
	return strings.Join(parts, " ")
}

// seconds converts an engine's offset in seconds to a Duration, clamping
// values no recording can have (negative, or beyond a day) instead of
// letting them overflow.
func seconds(s float64) time.Duration {
	const maxSeconds = 24 * 60 * 60
	switch {
	case !(s > 0): // also catches NaN
		return 0
	case s > maxSeconds:
		return maxSeconds * time.Second
	}
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond)
}

// clamp01 keeps a confidence in [0, 1]; Pocketsphinx's posteriors can
// exceed 1 by rounding, and NaN means "none".
func clamp01(c float64) float64 {
	switch {
	case !(c > 0):
		return 0
	case c > 1:
		return 1
	}
	return c
}
