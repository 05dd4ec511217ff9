package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// demuxers names the one ffmpeg demuxer allowed to read each container.
// Forcing it (instead of letting ffmpeg probe) keeps untrusted bytes away
// from demuxers such as HLS that follow references to other files.
var demuxers = map[Container]string{
	WebM: "matroska",
	MP4:  "mp4",
	Ogg:  "ogg",
	WAV:  "wav",
}

const (
	// durationGrace is how far past maxDuration a recording may run
	// before it is too long: a browser stopped by a timer at the limit
	// still adds codec padding and a few milliseconds of scheduling.
	durationGrace = 500 * time.Millisecond

	// decodeBase is the wall-clock allowance on top of the recording's
	// own length: ffmpeg decodes audio hundreds of times faster than
	// real time, so the rest is for reading r (e.g. from S3).
	decodeBase = 30 * time.Second

	// waitDelay bounds how long Decode waits, once ffmpeg has exited,
	// for a Read on r still in flight (to learn whether it failed), and
	// for ffmpeg's output pipes to close.
	waitDelay = time.Second

	// maxLogBytes bounds the ffmpeg diagnostics kept for an Error's
	// Detail; ffmpeg can print a line per damaged packet.
	maxLogBytes = 2 << 10

	// damageMinErrors and damageErrorsPerSecond decide when a recording
	// that ffmpeg got some audio out of is still too damaged to use: a
	// cut-off file logs one or two errors, flipped bytes dozens.
	damageMinErrors       = 10
	damageErrorsPerSecond = 0.5
)

// maxSpoolBytes bounds the MP4 recordings Decode holds in memory (see
// Decode); uploads are limited well below it.
const maxSpoolBytes = 512 << 20

// errDecodeTimeout marks Decode's own wall-clock bound, as opposed to the
// caller cancelling ctx.
var errDecodeTimeout = errors.New("decode took too long")

// Decode runs ffmpeg on a recording of container c (as Sniff returned it)
// read from r, for example an S3 object body, and returns its audio as
// 16 kHz mono PCM, so that the rest of the service never sees a codec.
//
// WebM, Ogg and WAV stream through ffmpeg's stdin and stdout: nothing is
// written to disk and memory holds only the decoded samples. MP4 cannot
// stream when its moov index follows the media data, as Safari's recordings
// and ffmpeg's defaults have it: ffmpeg must seek back, and a pipe cannot.
// So Decode copies an MP4 (of at most 512 MiB) into an anonymous in-memory
// file, a memfd on Linux that needs no writable filesystem and leaves
// nothing behind, and gives ffmpeg that as a seekable stdin. Other systems
// get a temporary file in a private directory removed when ffmpeg exits.
//
// A recording cut off mid-stream decodes to the audio before the cut. A
// refusal is an *Error: KindUnreadable when ffmpeg cannot decode the file
// or reports heavy damage, KindNoAudio when it has no sound track, and
// KindTooLong when it runs more than half a second past maxDuration
// (ffmpeg stops shortly after that point, so a long file costs little).
// Anything else (a failed Read on r, ffmpeg missing, ctx done) is a plain
// wrapped error: not the candidate's to fix.
//
// Cancelling ctx kills ffmpeg and Decode returns at once; Decode also gives
// up after maxDuration plus 30 seconds. A Read on r still blocked then is
// left to finish in the background (r should honour ctx itself, as an S3
// body does), and one blocked after ffmpeg has finished is waited for at
// most a second.
func Decode(ctx context.Context, r io.Reader, c Container, maxDuration time.Duration) (Audio, error) {
	return decode(ctx, r, c, maxDuration, spooling{spool, maxSpoolBytes})
}

// spooler makes a seekable copy of a recording of at most limit bytes.
type spooler func(r io.Reader, limit int64) (spooled, error)

// spooled is a seekable copy of a recording: the file ffmpeg reads as
// stdin (nil when input names a file instead), the input URL, and a cleanup
// to run after ffmpeg exits.
type spooled struct {
	stdin   *os.File
	input   string
	cleanup func()
}

// spoolCtx spools in the background so that cancelling ctx ends the wait
// even when a Read on r hangs; a copy finished after that is cleaned up
// when it completes.
func spoolCtx(ctx context.Context, r io.Reader, sp spooling) (spooled, error) {
	type result struct {
		sf  spooled
		err error
	}
	done := make(chan result, 1)
	go func() {
		sf, err := sp.spool(r, sp.limit)
		done <- result{sf, err}
	}()
	select {
	case res := <-done:
		return res.sf, res.err
	case <-ctx.Done():
		go func() {
			if res := <-done; res.err == nil {
				res.sf.cleanup()
			}
		}()
		return spooled{}, ctx.Err()
	}
}

// feed copies the recording to ffmpeg's stdin and returns the error
// reading it, if any. A failed write means ffmpeg has stopped reading (it
// has what it needs, or gave up on bad data) and is not an error here.
func feed(w io.Writer, r io.Reader) error {
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return nil
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// ctxErr reports why ctx ended: Decode's own time bound, or the caller.
func ctxErr(ctx context.Context, c Container, bound time.Duration) error {
	if errors.Is(context.Cause(ctx), errDecodeTimeout) {
		return fmt.Errorf("decode %s: ffmpeg still running after %s: %w", c, bound, context.DeadlineExceeded)
	}
	return fmt.Errorf("decode %s: %w", c, ctx.Err())
}

// spooling is how decode makes MP4 seekable: the spooler and its size limit.
type spooling struct {
	spool spooler
	limit int64
}

// decode is Decode with the MP4 spooling injected, so tests can run the
// portable temporary-file spooler on Linux too, and a small limit.
func decode(ctx context.Context, r io.Reader, c Container, maxDuration time.Duration, sp spooling) (Audio, error) {
	demuxer, ok := demuxers[c]
	if !ok {
		return Audio{}, fmt.Errorf("decode: unknown container %q", c)
	}
	if maxDuration <= 0 {
		return Audio{}, fmt.Errorf("decode %s: max duration %v is not positive", c, maxDuration)
	}
	bound := decodeBase + maxDuration
	ctx, cancel := context.WithTimeoutCause(ctx, bound, errDecodeTimeout)
	defer cancel()

	protocol, input := "pipe", "pipe:0"
	var stdin, feedPipe *os.File
	if c == MP4 {
		sf, err := spoolCtx(ctx, r, sp)
		if err != nil {
			if ctx.Err() != nil {
				return Audio{}, ctxErr(ctx, c, bound)
			}
			return Audio{}, err
		}
		defer sf.cleanup()
		protocol, input, stdin = "file", sf.input, sf.stdin
	} else {
		// Decode feeds ffmpeg's stdin itself rather than through
		// exec, whose Wait would wait for a Read on r that hangs.
		pr, pw, err := os.Pipe()
		if err != nil {
			return Audio{}, fmt.Errorf("decode %s: stdin pipe: %w", c, err)
		}
		stdin, feedPipe = pr, pw
	}

	limit := maxDuration + durationGrace + 250*time.Millisecond
	cmd := exec.CommandContext(ctx, ffmpegBin,
		"-nostdin", "-hide_banner", "-nostats",
		// info level with level prefixes: the input's stream list
		// tells a video without sound from a file with no streams,
		// and "[error]" marks the lines counted as damage.
		"-loglevel", "repeat+level+info",
		"-protocol_whitelist", protocol,
		"-f", demuxer, "-i", input,
		"-vn", "-sn", "-dn", "-ac", "1", "-ar", strconv.Itoa(SampleRate),
		"-t", strconv.FormatFloat(limit.Seconds(), 'f', 3, 64),
		"-f", "s16le", "pipe:1",
	)
	out := newCapped(pcmBytes(limit) + 64<<10)
	log := &ffmpegLog{}
	if stdin != nil {
		cmd.Stdin = stdin
	}
	cmd.Stdout, cmd.Stderr = out, log
	cmd.WaitDelay = waitDelay
	err := cmd.Start()
	var fed chan error
	if feedPipe != nil {
		_ = stdin.Close() // ffmpeg has its own copy
		if err != nil {
			_ = feedPipe.Close()
		} else {
			fed = make(chan error, 1)
			go func() {
				fed <- feed(feedPipe, r)
				_ = feedPipe.Close()
			}()
		}
	}
	if err != nil {
		return Audio{}, fmt.Errorf("decode %s: start ffmpeg (see media.Available): %w", c, err)
	}
	err = cmd.Wait()
	log.flush()

	if ctx.Err() != nil {
		return Audio{}, ctxErr(ctx, c, bound)
	}
	if fed != nil {
		select {
		case rerr := <-fed:
			if rerr != nil {
				// ffmpeg saw a cut-off file, but the recording
				// is fine: the failure is ours to retry.
				return Audio{}, fmt.Errorf("decode %s: read recording: %w", c, rerr)
			}
		case <-time.After(waitDelay):
			// ffmpeg stopped before the end of r (at the length
			// limit, or on bad data) while a Read is pending;
			// what it produced decides.
		}
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return Audio{}, fmt.Errorf("decode %s: run ffmpeg: %w", c, err)
	}

	audio := newAudio(out.samples())
	switch {
	case err != nil || len(audio.Samples) == 0:
		if log.inputStreams > 0 && log.audioStreams == 0 {
			return Audio{}, &Error{Kind: KindNoAudio, Reason: "The recording has no sound. Check that the browser may use your microphone and that the right one is selected, then record again.", Detail: log.detail(err)}
		}
		return Audio{}, unreadable(log.detail(err))
	case log.errors >= damageMinErrors && float64(log.errors) > damageErrorsPerSecond*audio.Duration.Seconds():
		return Audio{}, unreadable(fmt.Sprintf("%d decoder errors for %s of audio: %s", log.errors, audio.Duration, log.detail(nil)))
	case audio.Duration > maxDuration+durationGrace:
		return Audio{}, &Error{Kind: KindTooLong, Reason: fmt.Sprintf("The recording is longer than the %s allowed for an answer. Record a shorter answer.", humanDuration(maxDuration))}
	}
	return audio, nil
}

// unreadable is the refusal of media ffmpeg cannot decode.
func unreadable(detail string) *Error {
	return &Error{Kind: KindUnreadable, Reason: "We could not read the recording: the file is damaged or incomplete. Record again, or upload the original file.", Detail: detail}
}

// pcmBytes is the size of d of Audio as s16le.
func pcmBytes(d time.Duration) int {
	return int(d.Seconds()*SampleRate) * 2
}

// humanDuration writes a limit for candidates: "90 seconds", "2 minutes".
func humanDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	switch {
	case s == 1:
		return "1 second"
	case s < 120 || s%60 != 0:
		return fmt.Sprintf("%d seconds", s)
	default:
		return fmt.Sprintf("%d minutes", s/60)
	}
}

// fill copies at most limit bytes of r to f and rewinds it for ffmpeg; a
// longer recording is refused as too large.
func fill(f *os.File, r io.Reader, limit int64) error {
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("spool recording: %w", err)
	}
	if n > limit {
		return &Error{Kind: KindTooLong, Reason: fmt.Sprintf("The recording file is larger than the %d MB we can process. Record a shorter answer.", limit>>20)}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("spool recording: rewind: %w", err)
	}
	return nil
}

// spoolTemp is the portable spooler: a file in a private (0700) temporary
// directory, handed to ffmpeg by path and removed with the directory once
// ffmpeg exits. The recording is stored in S3 anyway; this only keeps the
// machine tidy.
func spoolTemp(r io.Reader, limit int64) (spooled, error) {
	dir, err := os.MkdirTemp("", "media-")
	if err != nil {
		return spooled{}, fmt.Errorf("spool recording: %w", err)
	}
	cleanup := func() { _ = os.RemoveAll(dir) }
	f, err := os.CreateTemp(dir, "recording-*.mp4")
	if err != nil {
		cleanup()
		return spooled{}, fmt.Errorf("spool recording: %w", err)
	}
	err = fill(f, r, limit)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("spool recording: %w", cerr)
	}
	if err != nil {
		cleanup()
		return spooled{}, err
	}
	return spooled{input: "file:" + f.Name(), cleanup: cleanup}, nil
}

// capped collects ffmpeg's output up to a bound and discards the rest, so
// a misbehaving decoder can neither exhaust memory nor block on a full pipe.
type capped struct {
	buf bytes.Buffer
	max int
}

// newCapped preallocates for short recordings and grows for long ones.
func newCapped(max int) *capped {
	c := &capped{max: max}
	c.buf.Grow(min(max, 4<<20))
	return c
}

// Write keeps what fits and reports everything written.
func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	c.buf.Write(p[:max(0, min(room, len(p)))])
	return len(p), nil
}

// samples converts the s16le bytes to samples, dropping a stray odd byte.
func (c *capped) samples() []int16 {
	b := c.buf.Bytes()
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return s
}

// ffmpegLog reads ffmpeg's stderr as it is written: it counts the input's
// streams and the error lines, and keeps the first errors for logs.
type ffmpegLog struct {
	partial      []byte
	section      string // "input" between "Input #0" and the output
	inputStreams int
	audioStreams int
	errors       int
	kept         strings.Builder
}

// maxLineBytes bounds one buffered stderr line; a longer line is cut.
const maxLineBytes = 4 << 10

// Write splits the stream into lines and reads each.
func (l *ffmpegLog) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexAny(p, "\r\n")
		if i < 0 {
			room := maxLineBytes - len(l.partial)
			l.partial = append(l.partial, p[:max(0, min(room, len(p)))]...)
			break
		}
		room := maxLineBytes - len(l.partial)
		l.partial = append(l.partial, p[:max(0, min(room, i))]...)
		l.line(string(l.partial))
		l.partial = l.partial[:0]
		p = p[i+1:]
	}
	return n, nil
}

// address matches the context pointers ffmpeg prints, which vary per run
// and only add noise to logs.
var address = regexp.MustCompile(` @ 0x[0-9a-f]+`)

// line reads one line of ffmpeg's log.
func (l *ffmpegLog) line(s string) {
	if s == "" {
		return
	}
	switch {
	case strings.Contains(s, "[error]"), strings.Contains(s, "[fatal]"), strings.Contains(s, "[panic]"):
		l.errors++
		if l.kept.Len() < maxLogBytes {
			if l.kept.Len() > 0 {
				l.kept.WriteString("; ")
			}
			msg := strings.TrimSpace(address.ReplaceAllString(s, ""))
			l.kept.WriteString(clip(msg, max(0, maxLogBytes-l.kept.Len())))
		}
	case !strings.HasPrefix(s, "[info]"):
	case strings.Contains(s, "Input #0"):
		l.section = "input"
	case strings.Contains(s, "Output #0"), strings.Contains(s, "Stream mapping:"):
		l.section = "output"
	case l.section == "input" && strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(s, "[info]")), "Stream #0:"):
		l.inputStreams++
		if strings.Contains(s, ": Audio: ") {
			l.audioStreams++
		}
	}
}

// flush reads a last line that ended without a newline.
func (l *ffmpegLog) flush() {
	l.line(string(l.partial))
	l.partial = l.partial[:0]
}

// detail summarises the run for an Error's Detail.
func (l *ffmpegLog) detail(err error) string {
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "ffmpeg: %v; ", err)
	}
	fmt.Fprintf(&b, "%d input streams, %d audio", l.inputStreams, l.audioStreams)
	if l.kept.Len() > 0 {
		b.WriteString("; ")
		b.WriteString(l.kept.String())
	}
	return b.String()
}
