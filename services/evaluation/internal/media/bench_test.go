package media

import (
	"bytes"
	"testing"
	"time"
)

// BenchmarkDecode measures decoding the longest fixtures (a 45-second
// answer) and reports the real-time factor: decoding time over audio time.
func BenchmarkDecode(b *testing.B) {
	requireFFmpeg(b)
	for _, f := range []fixture{
		{"learn-fast-strong.webm", WebM, "video/webm"},
		{"learn-fast-strong.wav", WAV, "audio/wav"},
		{"slow-api-medium.mp4", MP4, "video/mp4"},
	} {
		b.Run(f.file, func(b *testing.B) {
			data := readFixture(b, f.file)
			var audio time.Duration
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				a, err := Decode(b.Context(), bytes.NewReader(data), f.container, 2*time.Minute)
				if err != nil {
					b.Fatal(err)
				}
				audio = a.Duration
			}
			perOp := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(perOp.Seconds()/audio.Seconds(), "rtf")
		})
	}
}

// BenchmarkActivity measures voice activity detection on the 45-second
// answer.
func BenchmarkActivity(b *testing.B) {
	requireFFmpeg(b)
	a, err := Decode(b.Context(), bytes.NewReader(readFixture(b, "learn-fast-strong.wav")), WAV, time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		a.Activity(300 * time.Millisecond)
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(a.Duration), "rtf")
}
