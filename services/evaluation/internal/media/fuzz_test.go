package media

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzSniff feeds arbitrary leading bytes and content types (both come
// from whoever uploads) and checks that Sniff never panics, accepts only
// what the content type allows, and always explains a refusal briefly.
func FuzzSniff(f *testing.F) {
	for _, fx := range fixtures {
		b := readFixture(f, fx.file)
		f.Add(head(b), fx.contentType)
		f.Add(b[:min(len(b), 40)], "video/webm")
	}
	f.Add([]byte{}, "")
	f.Add([]byte("\x1a\x45\xdf\xa3\x01\x00\x00\x00\x00\x00\x00\x1f\x42\x82\x88matroska"), "video/webm")
	f.Add([]byte("\x1a\x45\xdf\xa3\xff\x42\x82\xff"), "audio/webm")
	f.Add([]byte("\x1a\x45\xdf\xa3\x84\x42\x82\x10\xffwebm"), "video/webm")
	f.Add([]byte("\x00\x00\x00\x01ftypheic\x00\x00\x00\x00"), "video/mp4")
	f.Add([]byte("RIFF\xff\xff\xff\xffWEBPVP8 "), "audio/wav")
	f.Add([]byte("\xef\xbb\xbf<!doctype html>"), "audio/ogg; codecs=opus")
	f.Add([]byte("\xff\xf1\x50\x80"), "AUDIO/WAV;;;")
	f.Fuzz(func(t *testing.T, head []byte, contentType string) {
		c, err := Sniff(head, contentType)
		if err == nil {
			want, ok := ContentTypes[baseType(contentType)]
			if !ok || c != want {
				t.Fatalf("Sniff(%q) accepted %q as %q", contentType, head, c)
			}
			if len(head) == 0 {
				t.Fatal("accepted an empty file")
			}
			return
		}
		var me *Error
		if !errors.As(err, &me) {
			t.Fatalf("error %v is not a media error", err)
		}
		if c != "" {
			t.Fatalf("container %q returned with an error", c)
		}
		switch me.Kind {
		case KindEmpty, KindUnsupported, KindMismatch:
		default:
			t.Fatalf("Sniff returned kind %q", me.Kind)
		}
		if me.Reason == "" || len(me.Reason) > 400 || !utf8.ValidString(me.Reason) {
			t.Fatalf("reason %q", me.Reason)
		}
		if strings.ContainsFunc(me.Reason, func(r rune) bool { return r < 0x20 }) {
			t.Fatalf("reason %q holds control characters", me.Reason)
		}
	})
}

// FuzzActivity feeds arbitrary loudness envelopes (one byte per 30 ms
// frame, rendered as noise of that loudness plus a DC offset, so inputs
// stay small enough to mutate well) and checks that the measurements are
// consistent: speech and pauses fit in the recording, pauses are longer
// than asked, Silent agrees with Speech, and the result is deterministic.
func FuzzActivity(f *testing.F) {
	f.Add([]byte{}, int64(300), int16(0), uint16(0))
	f.Add(slices.Repeat([]byte{0}, 100), int64(0), int16(0), uint16(0))
	speech := slices.Concat(slices.Repeat([]byte{0}, 30), slices.Repeat([]byte{200}, 30), slices.Repeat([]byte{1}, 30), slices.Repeat([]byte{90, 250, 3}, 20))
	f.Add(speech, int64(500), int16(-3000), uint16(7))
	f.Add(slices.Repeat([]byte{255}, 200), int64(-5), int16(32767), uint16(479))
	f.Fuzz(func(t *testing.T, envelope []byte, minPauseMs int64, dc int16, tail uint16) {
		samples := make([]int16, len(envelope)*frameSamples+int(tail)%frameSamples)
		gen := noise(7, len(samples), 32767)
		for i := range samples {
			amp := 0.0
			if f := i / frameSamples; f < len(envelope) {
				amp = float64(envelope[f]) / 255
			}
			samples[i] = int16(max(math.MinInt16, min(math.MaxInt16, amp*float64(gen[i])+float64(dc))))
		}
		a := newAudio(samples)
		minPause := time.Duration(minPauseMs%100000) * time.Millisecond
		act := a.Activity(minPause)
		var paused time.Duration
		for _, p := range act.Pauses {
			if p <= minPause || p <= 0 {
				t.Fatalf("pause %v with minPause %v", p, minPause)
			}
			paused += p
		}
		if act.Speech < 0 || act.Speech+paused > a.Duration {
			t.Fatalf("speech %v and pauses %v in %v", act.Speech, act.Pauses, a.Duration)
		}
		if act.Silent != (act.Speech < MinSpeech) {
			t.Fatalf("Silent %v with %v of speech", act.Silent, act.Speech)
		}
		if again := a.Activity(minPause); again.Speech != act.Speech || !slices.Equal(again.Pauses, act.Pauses) {
			t.Fatal("Activity is not deterministic")
		}
	})
}

// FuzzFFmpegLog feeds arbitrary ffmpeg output (it quotes metadata from the
// untrusted recording) in arbitrary chunks, and checks that the reader
// never panics, keeps bounded diagnostics and never counts more than there
// are lines.
func FuzzFFmpegLog(f *testing.F) {
	f.Add("[info] Input #0, ogg, from 'pipe:0':\n[info]   Stream #0:0: Audio: opus\n[x @ 0x1] [error] bad\n", uint8(3))
	f.Add("[info] Input #0\r[info]   Stream #0:0: Video: vp8\r[error] Output file #0 does not contain any stream", uint8(0))
	f.Add(strings.Repeat("[error] x\n", 1000), uint8(255))
	f.Fuzz(func(t *testing.T, log string, chunk uint8) {
		l := &ffmpegLog{}
		step := int(chunk) + 1
		for s := log; s != ""; {
			n := min(step, len(s))
			if w, err := l.Write([]byte(s[:n])); w != n || err != nil {
				t.Fatalf("Write = %d, %v", w, err)
			}
			s = s[n:]
		}
		l.flush()
		lines := strings.Count(log, "\n") + strings.Count(log, "\r") + 1
		if l.errors > lines || l.inputStreams > lines || l.audioStreams > l.inputStreams {
			t.Fatalf("counted %d errors, %d streams, %d audio in %d lines", l.errors, l.inputStreams, l.audioStreams, lines)
		}
		if d := l.detail(errors.New("exit status 1")); len(d) > maxLogBytes+200 {
			t.Fatalf("detail is %d bytes", len(d))
		}
	})
}
