package transcribe

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"time"
)

// wavHeader is a canonical 44-byte PCM WAV header for dataLen bytes.
func wavHeader(channels, rate, bits, dataLen int) []byte {
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + dataLen))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(channels))
	le(uint32(rate))
	le(uint32(rate * channels * bits / 8))
	le(uint16(channels * bits / 8))
	le(uint16(bits))
	b.WriteString("data")
	le(uint32(dataLen))
	return b.Bytes()
}

// chunk is one RIFF chunk with its padding byte.
func chunk(id string, body []byte) []byte {
	out := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	out = append(out, body...)
	if len(body)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

// riff wraps chunks in a RIFF WAVE container.
func riff(chunks ...[]byte) []byte {
	body := []byte("WAVE")
	for _, c := range chunks {
		body = append(body, c...)
	}
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// fmtBody is a 16-byte fmt chunk body.
func fmtBody(tag, channels, rate, bits int) []byte {
	b := binary.LittleEndian.AppendUint16(nil, uint16(tag))
	b = binary.LittleEndian.AppendUint16(b, uint16(channels))
	b = binary.LittleEndian.AppendUint32(b, uint32(rate))
	b = binary.LittleEndian.AppendUint32(b, uint32(rate*channels*bits/8))
	b = binary.LittleEndian.AppendUint16(b, uint16(channels*bits/8))
	return binary.LittleEndian.AppendUint16(b, uint16(bits))
}

func TestWavPCM(t *testing.T) {
	samples := []byte{1, 2, 3, 4, 5, 6}
	good := fmtBody(1, 1, 16000, 16)
	extensible := append(fmtBody(0xFFFE, 1, 16000, 16), 22, 0, 16, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71)
	extensibleFloat := append(fmtBody(0xFFFE, 1, 16000, 16), 22, 0, 16, 0, 4, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71)
	unknownSize := riff(chunk("fmt ", good))
	unknownSize = append(append(unknownSize, "data\xff\xff\xff\xff"...), samples...)

	tests := []struct {
		name    string
		wav     []byte
		want    []byte
		wantErr string
	}{
		{name: "canonical header", wav: append(wavHeader(1, 16000, 16, 6), samples...), want: samples},
		{name: "ffmpeg LIST chunk before data", wav: riff(chunk("fmt ", good), chunk("LIST", []byte("INFOISFT\x0e\x00\x00\x00Lavf59.27.100\x00")), chunk("data", samples)), want: samples},
		{name: "odd-sized chunk is padded", wav: riff(chunk("fmt ", good), chunk("junk", []byte{9, 9, 9}), chunk("data", samples)), want: samples},
		{name: "extensible PCM", wav: riff(chunk("fmt ", extensible), chunk("data", samples)), want: samples},
		{name: "size unknown (ffmpeg to a pipe)", wav: unknownSize, want: samples},
		{name: "data size beyond the file", wav: append(wavHeader(1, 16000, 16, 1000), samples...), want: samples},
		{name: "odd trailing byte dropped", wav: append(wavHeader(1, 16000, 16, 7), append(samples, 7)...), want: samples},
		{name: "no samples", wav: wavHeader(1, 16000, 16, 0), want: []byte{}},

		{name: "empty", wav: nil, wantErr: "not a RIFF WAVE"},
		{name: "ogg", wav: []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00"), wantErr: "not a RIFF WAVE"},
		{name: "stereo", wav: append(wavHeader(2, 16000, 16, 4), 1, 2, 3, 4), wantErr: "2 channels"},
		{name: "44.1 kHz", wav: append(wavHeader(1, 44100, 16, 2), 1, 2), wantErr: "44100 Hz"},
		{name: "8-bit", wav: append(wavHeader(1, 16000, 8, 2), 1, 2), wantErr: "8 bits"},
		{name: "float", wav: riff(chunk("fmt ", fmtBody(3, 1, 16000, 32)), chunk("data", samples)), wantErr: "format 3"},
		{name: "extensible float", wav: riff(chunk("fmt ", extensibleFloat), chunk("data", samples)), wantErr: "format 3"},
		{name: "data before fmt", wav: riff(chunk("data", samples), chunk("fmt ", good)), wantErr: "before its format"},
		{name: "no data chunk", wav: riff(chunk("fmt ", good)), wantErr: "no data chunk"},
		{name: "no fmt chunk", wav: riff(chunk("LIST", []byte("xx"))), wantErr: "no format chunk"},
		{name: "truncated fmt", wav: riff([]byte("fmt \x10\x00\x00\x00\x01\x00")), wantErr: "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := wavPCM(tt.wav)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("wavPCM() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("wavPCM() error = %v", err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("wavPCM() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestWavPCMFixtures reads the real fixtures, which ffmpeg wrote.
func TestWavPCMFixtures(t *testing.T) {
	for _, f := range loadFixtures(t) {
		pcm, err := wavPCM(readFixtureWAV(t, f.File))
		if err != nil {
			t.Fatalf("%s: %v", f.File, err)
		}
		if d := pcmDuration(pcm); d < time.Second || d > 2*time.Minute {
			t.Errorf("%s plays %s", f.File, d)
		}
	}
}

func FuzzWavPCM(f *testing.F) {
	f.Add(append(wavHeader(1, 16000, 16, 4), 1, 2, 3, 4))
	f.Add(riff(chunk("fmt ", fmtBody(1, 1, 16000, 16)), chunk("LIST", []byte("abc")), chunk("data", []byte{1, 2})))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEfmt \xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, wav []byte) {
		pcm, err := wavPCM(wav)
		if err != nil {
			return
		}
		if len(pcm)%2 != 0 || len(pcm) > len(wav) {
			t.Fatalf("%d bytes of samples from %d bytes of WAV", len(pcm), len(wav))
		}
		if !bytes.Contains(wav, pcm) {
			t.Fatal("samples are not part of the input")
		}
	})
}

func TestSeconds(t *testing.T) {
	tests := []struct {
		in   float64
		want time.Duration
	}{
		{0, 0},
		{1.5, 1500 * time.Millisecond},
		{0.0004, 0},
		{-3, 0},
		{1e300, 24 * time.Hour},
		{math.NaN(), 0},
		{math.Inf(1), 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := seconds(tt.in); got != tt.want {
			t.Errorf("seconds(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
