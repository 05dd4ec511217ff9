package transcribe

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/moksho/platform/pkg/llm"
)

// Debian's locations of the recogniser and its US English model, from the
// pocketsphinx and pocketsphinx-en-us packages (`make deps` installs both).
const (
	DefaultPocketsphinxBinary   = "/usr/bin/pocketsphinx_continuous"
	DefaultPocketsphinxModelDir = "/usr/share/pocketsphinx/model/en-us"
)

// installHint ends every "not installed" error, so whoever reads the log
// knows the fix without looking it up.
const installHint = "install it with `apt-get install pocketsphinx pocketsphinx-en-us` (or `make deps`)"

// PocketsphinxConfig says where the local recogniser and its model are.
// The zero value means the Debian defaults.
type PocketsphinxConfig struct {
	// Binary is pocketsphinx_continuous: a path, or a name looked up in
	// PATH.
	Binary string `env:"BINARY" envDefault:"/usr/bin/pocketsphinx_continuous"`
	// ModelDir holds the model in the layout of the Debian package and of
	// the upstream repository's model/en-us: the acoustic model in
	// en-us/, the language model en-us.lm.bin and the dictionary
	// cmudict-en-us.dict.
	ModelDir string `env:"MODEL_DIR" envDefault:"/usr/share/pocketsphinx/model/en-us"`
	// Timeout bounds one recognition; the process is killed after it. The
	// engine runs at a fraction of real time on one core (see
	// TestWordErrorRate), so the default leaves room for a busy machine.
	Timeout time.Duration `env:"TIMEOUT" envDefault:"5m"`
	// Language is reported in Transcript.Language; it must match the model.
	Language string `env:"LANGUAGE" envDefault:"en"`
}

// Pocketsphinx transcribes with CMU Pocketsphinx 5prealpha's
// pocketsphinx_continuous, which needs no network and no model server. It
// is the fallback when no Whisper endpoint is configured, and its accuracy
// is that of a 2015 HMM recogniser with a general language model: usable
// for pace and pauses, rough for content (TestWordErrorRate measures it).
//
// The audio never touches the disk: the WAV header is parsed here and the
// raw samples are piped to the process, which reads them through
// -infile /dev/stdin (the 0.8/5prealpha CLI has no stdin option, but it
// treats any file not named *.wav as raw 16-bit PCM at -samprate). The
// process's own log goes to /dev/null, and its stdout and stderr are read
// into bounded buffers and never logged.
//
// Each call runs one process using one core. It is safe for concurrent
// use; the caller bounds how many run at once.
type Pocketsphinx struct {
	binary   string
	hmm      string
	lm       string
	dict     string
	timeout  time.Duration
	language string
	name     string
}

// NewPocketsphinx returns the engine, filling empty fields of cfg with the
// Debian defaults. It does not check the installation: call Check at start
// to warn early; Transcribe checks again, since packages can change under a
// running service.
func NewPocketsphinx(cfg PocketsphinxConfig) *Pocketsphinx {
	if cfg.Binary == "" {
		cfg.Binary = DefaultPocketsphinxBinary
	}
	if cfg.ModelDir == "" {
		cfg.ModelDir = DefaultPocketsphinxModelDir
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	if cfg.Language == "" {
		cfg.Language = "en"
	}
	return &Pocketsphinx{
		binary:   cfg.Binary,
		hmm:      filepath.Join(cfg.ModelDir, "en-us"),
		lm:       filepath.Join(cfg.ModelDir, "en-us.lm.bin"),
		dict:     filepath.Join(cfg.ModelDir, "cmudict-en-us.dict"),
		timeout:  cfg.Timeout,
		language: cfg.Language,
		name:     "pocketsphinx/" + filepath.Base(filepath.Clean(cfg.ModelDir)),
	}
}

// Name implements Engine.
func (p *Pocketsphinx) Name() string { return p.name }

// Check reports, wrapped in ErrUnavailable, whether the binary or a model
// file is missing, saying how to install them.
func (p *Pocketsphinx) Check() error {
	_, err := p.lookBinary()
	return err
}

// lookBinary resolves the binary and checks the model files, returning
// the binary's path.
func (p *Pocketsphinx) lookBinary() (string, error) {
	bin, err := exec.LookPath(p.binary)
	if err != nil {
		return "", fmt.Errorf("%w: pocketsphinx binary %s not found: %s: %w", ErrUnavailable, p.binary, installHint, err)
	}
	for _, f := range []string{filepath.Join(p.hmm, "mdef"), p.lm, p.dict} {
		if _, err := os.Stat(f); err != nil {
			return "", fmt.Errorf("%w: pocketsphinx model file %s missing: %s: %w", ErrUnavailable, f, installHint, err)
		}
	}
	return bin, nil
}

const (
	// maxSphinxOutput bounds what is read from the process's stdout: about
	// 30 bytes a word, so 4 MiB is days of speech.
	maxSphinxOutput = 4 << 20
	// maxSphinxStderr keeps enough of stderr to explain a crash.
	maxSphinxStderr = 2 << 10
)

// Transcribe implements Engine.
func (p *Pocketsphinx) Transcribe(ctx context.Context, wav []byte) (Transcript, error) {
	pcm, err := wavPCM(wav)
	if err != nil {
		return Transcript{}, err
	}
	if len(pcm) == 0 {
		return Transcript{}, fmt.Errorf("pocketsphinx: empty recording: %w", ErrNoSpeech)
	}
	bin, err := p.lookBinary()
	if err != nil {
		return Transcript{}, err
	}

	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"-infile", "/dev/stdin",
		"-samprate", strconv.Itoa(SampleRate),
		"-hmm", p.hmm,
		"-lm", p.lm,
		"-dict", p.dict,
		"-time", "yes",
		"-logfn", "/dev/null",
	)
	stdout := &boundedBuffer{max: maxSphinxOutput}
	stderr := &boundedBuffer{max: maxSphinxStderr}
	cmd.Stdin = bytes.NewReader(pcm)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	// After a kill, stop waiting for the pipes soon even if a child
	// process kept them open.
	cmd.WaitDelay = 2 * time.Second

	start := time.Now()
	err = cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return Transcript{}, fmt.Errorf("%w: pocketsphinx stopped after %s: %w", ErrUnavailable, time.Since(start).Round(time.Millisecond), ctxErr)
	}
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return Transcript{}, fmt.Errorf("%w: run pocketsphinx: %s: %w", ErrUnavailable, installHint, err)
		}
		return Transcript{}, fmt.Errorf("transcribe: pocketsphinx failed: %w%s", err, stderr.detail())
	}
	if stdout.overflow {
		return Transcript{}, fmt.Errorf("transcribe: pocketsphinx output over %d bytes", maxSphinxOutput)
	}
	words := parseSphinx(stdout.Bytes())
	if len(words) == 0 {
		return Transcript{}, fmt.Errorf("pocketsphinx: %w", ErrNoSpeech)
	}
	return Transcript{Text: joinWords(words), Words: words, Engine: p.name, Language: p.language}, nil
}

// sphinxWordLine matches a -time yes line: "word start end confidence".
// The numbers must look like the C printf output ("%.3f %.3f %f"), not
// merely parse as floats, so a hypothesis line of four dictionary words
// such as "nan" or "inf" is never read as a timing.
var sphinxWordLine = regexp.MustCompile(`^(\S+) (\d+\.\d+) (\d+\.\d+) (-?\d+\.\d+(?:e[-+]?\d+)?)$`)

// sphinxAlternate is the pronunciation-variant suffix of a dictionary word,
// as in "and(2)".
var sphinxAlternate = regexp.MustCompile(`\(\d+\)$`)

// parseSphinx reads pocketsphinx_continuous -time yes output: for each
// utterance, the hypothesis on one line, then one line per word. It keeps
// the word lines only (their text is the hypothesis), drops silence and
// noise tokens, and strips pronunciation variants. Times are absolute
// offsets in the input, also across utterances.
func parseSphinx(out []byte) []Word {
	var words []Word
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), maxSphinxOutput)
	for sc.Scan() {
		m := sphinxWordLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		text := sphinxAlternate.ReplaceAllString(m[1], "")
		if isSphinxFiller(text) {
			continue
		}
		start, err1 := strconv.ParseFloat(m[2], 64)
		end, err2 := strconv.ParseFloat(m[3], 64)
		conf, err3 := strconv.ParseFloat(m[4], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		words = append(words, ordered(Word{Text: text, Start: seconds(start), End: seconds(end), Confidence: clamp01(conf)}))
	}
	return words
}

// isSphinxFiller reports tokens that are not words: sentence marks <s> and
// </s>, silence <sil>, noise classes such as [NOISE] and [SPEECH] (the
// en-us model) or ++NOISE++ (older models), and a bare variant mark.
func isSphinxFiller(t string) bool {
	switch {
	case t == "":
		return true
	case strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">"):
		return true
	case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
		return true
	case strings.HasPrefix(t, "++") && strings.HasSuffix(t, "++"):
		return true
	}
	return false
}

// boundedBuffer keeps the first max bytes written and notes that more
// came, always accepting the write so the process never blocks or dies on
// a full pipe.
type boundedBuffer struct {
	bytes.Buffer
	max      int
	overflow bool
}

// Write implements io.Writer.
func (b *boundedBuffer) Write(p []byte) (int, error) {
	room := b.max - b.Len()
	if room < len(p) {
		b.overflow = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// detail is the captured stderr for an error message, cleaned to one line.
func (b *boundedBuffer) detail() string {
	s := llm.CleanMessage(b.String())
	if s == "" {
		return ""
	}
	return ": " + s
}
