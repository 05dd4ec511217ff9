package transcribe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/moksho/platform/pkg/llm"
)

// WhisperConfig says which OpenAI-compatible transcription endpoint to call.
// The service loads it with pkg/config under its own prefix, for example
// MOKSHO_EVALUATION_WHISPER_BASE_URL when nested with envPrefix:"WHISPER_".
type WhisperConfig struct {
	// BaseURL is the API root up to and including the version, such as
	// "https://api.openai.com/v1" or "http://127.0.0.1:8000/v1"; the engine
	// posts to BaseURL + "/audio/transcriptions". Empty disables the engine.
	BaseURL string `env:"BASE_URL"`
	// Model is the model name the server knows: "whisper-1" on OpenAI, the
	// loaded model's name on a local server (which often ignores it).
	Model string `env:"MODEL" envDefault:"whisper-1"`
	// APIKey is sent as "Authorization: Bearer <key>" when not empty.
	APIKey string `env:"API_KEY" secret:"true"`
	// Timeout bounds one whole call, upload and reply included. Whisper on
	// a CPU can take longer than the recording, hence the generous default.
	Timeout time.Duration `env:"TIMEOUT" envDefault:"120s"`
	// Language is an ISO-639-1 code such as "en" to skip detection, which
	// is faster and avoids misdetection on short answers; empty lets the
	// server detect it.
	Language string `env:"LANGUAGE"`
	// HTTPClient sends the request; nil means a client with the default
	// transport.
	HTTPClient *http.Client `env:"-"`
}

// Enabled reports whether an endpoint is configured, which is how the
// service chooses between WhisperAPI and the local fallback.
func (c WhisperConfig) Enabled() bool { return strings.TrimSpace(c.BaseURL) != "" }

const (
	// MaxWhisperResponseBytes bounds a transcription reply. verbose_json
	// with word timestamps costs about 60 bytes a word, so an hour of speech
	// is well under 1 MiB; a bigger body is a broken server, not a long
	// answer.
	MaxWhisperResponseBytes = 8 << 20
	// maxErrorBody caps how much of a non-2xx body is read to find the
	// server's message.
	maxErrorBody = 64 << 10
)

// WhisperAPI transcribes with a Whisper model behind an OpenAI-compatible
// HTTP API. It is safe for concurrent use.
type WhisperAPI struct {
	endpoint string
	model    string
	apiKey   string
	language string
	timeout  time.Duration
	http     *http.Client
}

// NewWhisperAPI checks cfg and returns the engine. A BaseURL that is not an
// absolute http(s) URL, or that already ends in the endpoint path, fails
// here so a misconfiguration shows at start rather than on the first answer.
func NewWhisperAPI(cfg WhisperConfig) (*WhisperAPI, error) {
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		return nil, errors.New("transcribe: whisper base URL is empty")
	}
	u, err := url.Parse(base)
	if err != nil {
		var uerr *url.Error // it repeats the input, which may hold a password
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("transcribe: parse whisper base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("transcribe: whisper base URL scheme %q: want http or https", u.Scheme)
	case u.Host == "":
		return nil, errors.New("transcribe: whisper base URL has no host")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, errors.New("transcribe: whisper base URL must not have a query or fragment")
	case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/audio/transcriptions"):
		return nil, errors.New(`transcribe: whisper base URL must stop before "/audio/transcriptions" (e.g. ".../v1")`)
	}
	model := strings.TrimSpace(cfg.Model)
	if model == "" {
		return nil, errors.New("transcribe: whisper model is empty")
	}
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("transcribe: whisper timeout %s must be positive", cfg.Timeout)
	}
	e := &WhisperAPI{
		endpoint: strings.TrimRight(base, "/") + "/audio/transcriptions",
		model:    model,
		apiKey:   cfg.APIKey,
		language: strings.TrimSpace(cfg.Language),
		timeout:  cfg.Timeout,
		http:     cfg.HTTPClient,
	}
	if e.http == nil {
		e.http = &http.Client{}
	}
	return e, nil
}

// Name implements Engine.
func (e *WhisperAPI) Name() string { return "whisper-api/" + e.model }

// Transcribe implements Engine: one POST, no retries (the caller owns
// backoff), bounded by the configured timeout and ctx.
func (e *WhisperAPI) Transcribe(ctx context.Context, wav []byte) (Transcript, error) {
	body, contentType, err := e.form(wav)
	if err != nil {
		return Transcript{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.endpoint, bytes.NewReader(body))
	if err != nil {
		return Transcript{}, fmt.Errorf("transcribe: build whisper request: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	if e.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+e.apiKey)
	}

	resp, err := e.http.Do(req)
	if err != nil {
		// The *url.Error names the endpoint (password stripped by
		// net/http) and the cause; it never holds the request body.
		return Transcript{}, fmt.Errorf("%w: whisper request: %w", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Transcript{}, statusError(resp)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxWhisperResponseBytes+1))
	if err != nil {
		return Transcript{}, fmt.Errorf("%w: read whisper response: %w", ErrUnavailable, err)
	}
	if len(raw) > MaxWhisperResponseBytes {
		return Transcript{}, fmt.Errorf("transcribe: whisper response over %d bytes", MaxWhisperResponseBytes)
	}
	mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	t, err := parseWhisper(raw, mediaType)
	if err != nil {
		return Transcript{}, err
	}
	t.Engine = e.Name()
	if t.Language == "" {
		t.Language = e.language
	}
	if t.Text == "" {
		return Transcript{}, fmt.Errorf("whisper: %w", ErrNoSpeech)
	}
	return t, nil
}

// form builds the multipart body. The audio is copied into memory once; a
// recorded answer is a few MiB at most, and a byte slice lets net/http
// replay the body on a redirect.
func (e *WhisperAPI) form(wav []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	buf.Grow(len(wav) + 1024)
	mw := multipart.NewWriter(&buf)
	fields := [][2]string{
		{"model", e.model},
		{"response_format", "verbose_json"},
		{"timestamp_granularities[]", "word"},
		{"timestamp_granularities[]", "segment"},
	}
	if e.language != "" {
		fields = append(fields, [2]string{"language", e.language})
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, "", fmt.Errorf("transcribe: write form field %s: %w", f[0], err)
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="file"; filename="audio.wav"`)
	h.Set("Content-Type", "audio/wav")
	part, err := mw.CreatePart(h)
	if err != nil {
		return nil, "", fmt.Errorf("transcribe: create audio part: %w", err)
	}
	if _, err := part.Write(wav); err != nil {
		return nil, "", fmt.Errorf("transcribe: write audio part: %w", err)
	}
	if err := mw.Close(); err != nil {
		return nil, "", fmt.Errorf("transcribe: close form: %w", err)
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

// whisperResponse is the verbose_json shape shared by OpenAI, whisper.cpp
// and faster-whisper servers; fields the engine does not use are ignored.
type whisperResponse struct {
	Text     string `json:"text"`
	Language string `json:"language"`
	Words    []struct {
		Word        string   `json:"word"`
		Start       float64  `json:"start"`
		End         float64  `json:"end"`
		Probability *float64 `json:"probability"` // faster-whisper only
	} `json:"words"`
	Segments []struct {
		Start float64 `json:"start"`
		End   float64 `json:"end"`
		Text  string  `json:"text"`
	} `json:"segments"`
}

// parseWhisper reads a successful reply: verbose_json with words, with
// segments only, JSON with text only, or, from a server that ignores
// response_format, a text/plain body. Anything else, such as a proxy's
// HTML page, is an error rather than a transcript. An empty Text means no
// speech.
func parseWhisper(raw []byte, mediaType string) (Transcript, error) {
	trimmed := bytes.TrimSpace(raw)
	if mediaType == "text/plain" {
		if !utf8.Valid(trimmed) {
			return Transcript{}, errors.New("transcribe: whisper plain-text response is not UTF-8")
		}
		return Transcript{Text: strings.Join(strings.Fields(string(trimmed)), " ")}, nil
	}
	var r whisperResponse
	if err := json.Unmarshal(trimmed, &r); err != nil {
		// json's message can quote the body; give only its size.
		return Transcript{}, fmt.Errorf("transcribe: whisper response is not a transcription (%d bytes)", len(raw))
	}
	t := Transcript{
		Text:     strings.Join(strings.Fields(r.Text), " "),
		Language: strings.ToLower(strings.TrimSpace(r.Language)),
	}
	for _, w := range r.Words {
		text := strings.TrimSpace(w.Word)
		if text == "" {
			continue
		}
		word := Word{Text: text, Start: seconds(w.Start), End: seconds(w.End)}
		if w.Probability != nil {
			word.Confidence = clamp01(*w.Probability)
		}
		t.Words = append(t.Words, ordered(word))
	}
	if len(t.Words) == 0 {
		for _, s := range r.Segments {
			t.Words = append(t.Words, spread(s.Text, seconds(s.Start), seconds(s.End))...)
		}
	}
	if t.Text == "" && len(t.Words) > 0 {
		t.Text = joinWords(t.Words)
	}
	return t, nil
}

// spread gives each word of a segment an equal share of its time: a guess,
// but one that keeps pace measurable when a server returns no word
// timestamps. Pauses inside a segment are lost.
func spread(text string, start, end time.Duration) []Word {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return nil
	}
	end = max(end, start)
	step := (end - start) / time.Duration(len(fields))
	words := make([]Word, len(fields))
	for i, f := range fields {
		words[i] = Word{Text: f, Start: start + time.Duration(i)*step, End: start + time.Duration(i+1)*step}
	}
	words[len(words)-1].End = end
	return words
}

// ordered makes End no earlier than Start, which servers occasionally get
// wrong for the last word of a segment.
func ordered(w Word) Word {
	w.End = max(w.End, w.Start)
	return w
}

// StatusError is a non-2xx reply from a transcription endpoint. It is
// wrapped in ErrUnavailable for 5xx, 429 and 408, and returned on its own
// for other statuses; use errors.As to read the status.
type StatusError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is the server's error message, if any, cut to 200 characters
	// with control characters removed.
	Message string
}

// Error gives the status and the server's message.
func (e *StatusError) Error() string {
	s := fmt.Sprintf("status %d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		s += " " + t
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// statusError turns a non-2xx reply into a *StatusError, wrapped in
// ErrUnavailable for the statuses that mean "not now": a 5xx, 429, and 408
// (the server timed out reading the upload).
func statusError(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	se := &StatusError{StatusCode: resp.StatusCode, Message: llm.ErrorMessage(raw)}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout {
		return fmt.Errorf("%w: whisper: %w", ErrUnavailable, se)
	}
	return fmt.Errorf("transcribe: whisper: %w", se)
}
