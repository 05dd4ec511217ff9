package transcribe

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moksho/platform/pkg/config"
)

// whisperRequest is what the fake server saw.
type whisperRequest struct {
	path, auth, contentType string
	fields                  map[string][]string
	fileName, fileType      string
	file                    []byte
}

// fakeWhisper is an httptest server speaking POST /v1/audio/transcriptions
// that records each request and answers with the handler's reply.
func fakeWhisper(t *testing.T, reply func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, func() []whisperRequest) {
	t.Helper()
	var mu sync.Mutex
	var seen []whisperRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := whisperRequest{path: r.URL.Path, auth: r.Header.Get("Authorization"), fields: map[string][]string{}}
		mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		rec.contentType = mediaType
		if err == nil && mediaType == "multipart/form-data" {
			mr := multipart.NewReader(r.Body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(p)
				if p.FormName() == "file" {
					rec.fileName, rec.fileType, rec.file = p.FileName(), p.Header.Get("Content-Type"), b
				} else {
					rec.fields[p.FormName()] = append(rec.fields[p.FormName()], string(b))
				}
			}
		}
		mu.Lock()
		seen = append(seen, rec)
		mu.Unlock()
		reply(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []whisperRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]whisperRequest(nil), seen...)
	}
}

// jsonReply answers with a status and a JSON body.
func jsonReply(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func TestWhisperAPITranscribe(t *testing.T) {
	wav := append(wavHeader(1, SampleRate, 16, 4), 1, 2, 3, 4)
	ms := time.Millisecond
	tests := []struct {
		name  string
		cfg   WhisperConfig
		reply func(http.ResponseWriter, *http.Request)
		want  Transcript
	}{
		{
			name: "verbose_json with words",
			cfg:  WhisperConfig{Model: "whisper-1", APIKey: "sk-test", Language: "en"},
			reply: jsonReply(200, `{"task":"transcribe","language":"english","duration":2.5,
				"text":" I would  measure first.",
				"words":[{"word":" I","start":0.0,"end":0.2},{"word":"would","start":0.2,"end":0.48},
					{"word":"measure","start":0.5,"end":0.9},{"word":"first","start":1.8,"end":1.7},{"word":"  ","start":2,"end":2}],
				"segments":[{"id":0,"start":0.0,"end":2.5,"text":" I would measure first."}]}`),
			want: Transcript{
				Text: "I would measure first.", Engine: "whisper-api/whisper-1", Language: "english",
				Words: []Word{
					{Text: "I", Start: 0, End: 200 * ms},
					{Text: "would", Start: 200 * ms, End: 480 * ms},
					{Text: "measure", Start: 500 * ms, End: 900 * ms},
					{Text: "first", Start: 1800 * ms, End: 1800 * ms},
				},
			},
		},
		{
			name: "faster-whisper word probabilities",
			cfg:  WhisperConfig{Model: "Systran/faster-whisper-small"},
			reply: jsonReply(200, `{"text":"Cache it.","language":"en",
				"words":[{"word":" Cache","start":0.1,"end":0.4,"probability":0.93},{"word":" it.","start":0.4,"end":0.6,"probability":1.2}]}`),
			want: Transcript{
				Text: "Cache it.", Engine: "whisper-api/Systran/faster-whisper-small", Language: "en",
				Words: []Word{
					{Text: "Cache", Start: 100 * ms, End: 400 * ms, Confidence: 0.93},
					{Text: "it.", Start: 400 * ms, End: 600 * ms, Confidence: 1},
				},
			},
		},
		{
			name: "segments only spread words evenly",
			cfg:  WhisperConfig{Model: "whisper-1", Language: "en"},
			reply: jsonReply(200, `{"text":"Add an index. Then cache.",
				"segments":[{"start":1.0,"end":2.0,"text":" Add an index."},{"start":5.0,"end":6.0,"text":" Then cache."},{"start":7,"end":8,"text":" "}]}`),
			want: Transcript{
				Text: "Add an index. Then cache.", Engine: "whisper-api/whisper-1", Language: "en",
				Words: []Word{
					{Text: "Add", Start: 1000 * ms, End: 1333333333},
					{Text: "an", Start: 1333333333, End: 1666666666},
					{Text: "index.", Start: 1666666666, End: 2000 * ms},
					{Text: "Then", Start: 5000 * ms, End: 5500 * ms},
					{Text: "cache.", Start: 5500 * ms, End: 6000 * ms},
				},
			},
		},
		{
			name:  "plain text JSON",
			cfg:   WhisperConfig{Model: "whisper-1", Language: "en"},
			reply: jsonReply(200, `{"text":"Use a profiler."}`),
			want:  Transcript{Text: "Use a profiler.", Engine: "whisper-api/whisper-1", Language: "en"},
		},
		{
			name: "text/plain body from a server ignoring response_format",
			cfg:  WhisperConfig{Model: "base.en"},
			reply: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				_, _ = io.WriteString(w, "  Use a\nprofiler.\n")
			},
			want: Transcript{Text: "Use a profiler.", Engine: "whisper-api/base.en"},
		},
		{
			name:  "words without text",
			cfg:   WhisperConfig{Model: "whisper-1"},
			reply: jsonReply(200, `{"words":[{"word":"yes","start":0.5,"end":0.7}]}`),
			want: Transcript{Text: "yes", Engine: "whisper-api/whisper-1",
				Words: []Word{{Text: "yes", Start: 500 * ms, End: 700 * ms}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := fakeWhisper(t, tt.reply)
			cfg := tt.cfg
			cfg.BaseURL = srv.URL + "/v1/"
			cfg.Timeout = 5 * time.Second
			e, err := NewWhisperAPI(cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Transcribe(context.Background(), wav)
			if err != nil {
				t.Fatalf("Transcribe: %v", err)
			}
			assertTranscript(t, got, tt.want)

			reqs := seen()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1 (no retries: the caller owns backoff)", len(reqs))
			}
			r := reqs[0]
			if r.path != "/v1/audio/transcriptions" || r.contentType != "multipart/form-data" {
				t.Errorf("request to %s as %s", r.path, r.contentType)
			}
			wantAuth := ""
			if cfg.APIKey != "" {
				wantAuth = "Bearer " + cfg.APIKey
			}
			if r.auth != wantAuth {
				t.Errorf("Authorization = %q, want %q", r.auth, wantAuth)
			}
			if r.fileName != "audio.wav" || r.fileType != "audio/wav" || string(r.file) != string(wav) {
				t.Errorf("file part %q %q with %d bytes, want audio.wav audio/wav with the %d input bytes", r.fileName, r.fileType, len(r.file), len(wav))
			}
			wantFields := map[string][]string{
				"model":                     {cfg.Model},
				"response_format":           {"verbose_json"},
				"timestamp_granularities[]": {"word", "segment"},
			}
			if cfg.Language != "" {
				wantFields["language"] = []string{cfg.Language}
			}
			if len(r.fields) != len(wantFields) {
				t.Errorf("form fields %v, want %v", r.fields, wantFields)
			}
			for k, want := range wantFields {
				if strings.Join(r.fields[k], ",") != strings.Join(want, ",") {
					t.Errorf("field %s = %v, want %v", k, r.fields[k], want)
				}
			}
		})
	}
}

func assertTranscript(t *testing.T, got, want Transcript) {
	t.Helper()
	if got.Text != want.Text || got.Engine != want.Engine || got.Language != want.Language {
		t.Errorf("transcript %q by %q in %q, want %q by %q in %q", got.Text, got.Engine, got.Language, want.Text, want.Engine, want.Language)
	}
	if len(got.Words) != len(want.Words) {
		t.Fatalf("words %+v, want %+v", got.Words, want.Words)
	}
	for i := range got.Words {
		if got.Words[i] != want.Words[i] {
			t.Errorf("word %d = %+v, want %+v", i, got.Words[i], want.Words[i])
		}
	}
}

func TestWhisperAPIErrors(t *testing.T) {
	wav := append(wavHeader(1, SampleRate, 16, 2), 1, 2)
	const secret = "the candidate said something private"
	tests := []struct {
		name        string
		reply       func(http.ResponseWriter, *http.Request)
		timeout     time.Duration
		closed      bool
		wantIs      []error
		wantNot     []error
		wantStatus  int
		wantMessage string
	}{
		{
			name:        "500 is unavailable",
			reply:       jsonReply(500, `{"error":{"message":"CUDA out of memory"}}`),
			wantIs:      []error{ErrUnavailable},
			wantStatus:  500,
			wantMessage: "CUDA out of memory",
		},
		{
			name:       "429 is unavailable",
			reply:      jsonReply(429, `{"error":"rate limited"}`),
			wantIs:     []error{ErrUnavailable},
			wantStatus: 429,
		},
		{
			name: "timeout is unavailable",
			reply: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			},
			timeout: 100 * time.Millisecond,
			wantIs:  []error{ErrUnavailable, context.DeadlineExceeded},
		},
		{
			name:    "connection refused is unavailable",
			closed:  true,
			wantIs:  []error{ErrUnavailable},
			wantNot: []error{ErrNoSpeech},
		},
		{
			name:        "400 is a plain error with the status",
			reply:       jsonReply(400, `{"error":{"message":"Invalid file format.","type":"invalid_request_error"}}`),
			wantNot:     []error{ErrUnavailable, ErrNoSpeech},
			wantStatus:  400,
			wantMessage: "Invalid file format.",
		},
		{
			name:        "401 bad key is a plain error",
			reply:       jsonReply(401, `{"detail":"Incorrect API key provided"}`),
			wantNot:     []error{ErrUnavailable},
			wantStatus:  401,
			wantMessage: "Incorrect API key",
		},
		{
			name:    "empty text is no speech",
			reply:   jsonReply(200, `{"text":"  ","segments":[],"words":[]}`),
			wantIs:  []error{ErrNoSpeech},
			wantNot: []error{ErrUnavailable},
		},
		{
			name:    "not JSON is a plain error that does not quote the body",
			reply:   jsonReply(200, `{"text": "`+secret),
			wantNot: []error{ErrUnavailable, ErrNoSpeech},
		},
		{
			name: "HTML from a proxy is not a transcript",
			reply: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = io.WriteString(w, "<html>"+secret+"</html>")
			},
			wantNot: []error{ErrUnavailable, ErrNoSpeech},
		},
		{
			name: "oversized body is refused",
			reply: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"text":"`+secret+strings.Repeat("a", MaxWhisperResponseBytes)+`"}`)
			},
			wantNot: []error{ErrUnavailable, ErrNoSpeech},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeWhisper(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.reply != nil {
					tt.reply(w, r)
				}
			})
			if tt.closed {
				srv.Close()
			}
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			e, err := NewWhisperAPI(WhisperConfig{BaseURL: srv.URL + "/v1", Model: "whisper-1", Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			tr, err := e.Transcribe(context.Background(), wav)
			if err == nil {
				t.Fatalf("Transcribe = %+v, want an error", tr)
			}
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %s to fail", time.Since(start))
			}
			for _, want := range tt.wantIs {
				if !errors.Is(err, want) {
					t.Errorf("error %v is not %v", err, want)
				}
			}
			for _, not := range tt.wantNot {
				if errors.Is(err, not) {
					t.Errorf("error %v is %v", err, not)
				}
			}
			var se *StatusError
			if tt.wantStatus != 0 && (!errors.As(err, &se) || se.StatusCode != tt.wantStatus) {
				t.Errorf("error %v has no status %d", err, tt.wantStatus)
			}
			if !strings.Contains(err.Error(), tt.wantMessage) {
				t.Errorf("error %q does not carry the server's message %q", err, tt.wantMessage)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q quotes the response body", err)
			}
		})
	}
}

// TestWhisperAPICallerCancel: the caller's context ends the request too.
func TestWhisperAPICallerCancel(t *testing.T) {
	srv, _ := fakeWhisper(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	e, err := NewWhisperAPI(WhisperConfig{BaseURL: srv.URL, Model: "whisper-1", Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := e.Transcribe(ctx, wavHeader(1, SampleRate, 16, 0)); !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Transcribe error = %v, want ErrUnavailable from the caller's deadline", err)
	}
}

func TestNewWhisperAPI(t *testing.T) {
	tests := []struct {
		name    string
		cfg     WhisperConfig
		wantErr string
	}{
		{name: "ok", cfg: WhisperConfig{BaseURL: "http://127.0.0.1:8000/v1", Model: "whisper-1", Timeout: time.Second}},
		{name: "empty URL", cfg: WhisperConfig{Model: "whisper-1", Timeout: time.Second}, wantErr: "empty"},
		{name: "no scheme", cfg: WhisperConfig{BaseURL: "api.openai.com/v1", Model: "m", Timeout: time.Second}, wantErr: "scheme"},
		{name: "endpoint included", cfg: WhisperConfig{BaseURL: "https://api.openai.com/v1/audio/transcriptions", Model: "m", Timeout: time.Second}, wantErr: "must stop before"},
		{name: "query", cfg: WhisperConfig{BaseURL: "https://x/v1?key=1", Model: "m", Timeout: time.Second}, wantErr: "query"},
		{name: "bad URL hides password", cfg: WhisperConfig{BaseURL: "http://user:hunter2@[::1", Model: "m", Timeout: time.Second}, wantErr: "parse"},
		{name: "no model", cfg: WhisperConfig{BaseURL: "https://x/v1", Model: " ", Timeout: time.Second}, wantErr: "model"},
		{name: "no timeout", cfg: WhisperConfig{BaseURL: "https://x/v1", Model: "m"}, wantErr: "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewWhisperAPI(tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("NewWhisperAPI: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("NewWhisperAPI error = %v, want one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}

// TestWhisperConfigEnv checks the env tags the service relies on: the
// defaults, the names, and that the API key is masked in the start-up log.
func TestWhisperConfigEnv(t *testing.T) {
	type svc struct {
		Whisper      WhisperConfig      `envPrefix:"WHISPER_"`
		Pocketsphinx PocketsphinxConfig `envPrefix:"POCKETSPHINX_"`
	}
	cfg, err := config.LoadFrom[svc]("evaluation", map[string]string{
		"MOKSHO_EVALUATION_WHISPER_BASE_URL": "http://127.0.0.1:8000/v1",
		"MOKSHO_EVALUATION_WHISPER_API_KEY":  "sk-secret",
		"MOKSHO_EVALUATION_WHISPER_LANGUAGE": "en",
	})
	if err != nil {
		t.Fatal(err)
	}
	w := cfg.Whisper
	if w.BaseURL != "http://127.0.0.1:8000/v1" || w.Model != "whisper-1" || w.APIKey != "sk-secret" || w.Timeout != 120*time.Second || w.Language != "en" || !w.Enabled() {
		t.Errorf("whisper config = %+v", w)
	}
	p := cfg.Pocketsphinx
	if p.Binary != DefaultPocketsphinxBinary || p.ModelDir != DefaultPocketsphinxModelDir || p.Timeout != 5*time.Minute || p.Language != "en" {
		t.Errorf("pocketsphinx config = %+v", p)
	}
	red := config.Redacted(cfg)
	if red["WHISPER_API_KEY"] != config.Masked {
		t.Errorf("API key rendered as %v, want masked", red["WHISPER_API_KEY"])
	}
	if (WhisperConfig{}).Enabled() {
		t.Error("empty config is enabled")
	}
}

func FuzzParseWhisper(f *testing.F) {
	f.Add([]byte(`{"text":"hi","words":[{"word":"hi","start":0,"end":0.3}]}`), "application/json")
	f.Add([]byte(`{"text":"a b","segments":[{"start":1e308,"end":-1,"text":"a b"}]}`), "application/json")
	f.Add([]byte("plain text"), "text/plain")
	f.Add([]byte(`{"words":[{"word":" ","start":1,"end":2,"probability":-1}]}`), "")
	f.Fuzz(func(t *testing.T, raw []byte, mediaType string) {
		tr, err := parseWhisper(raw, mediaType)
		if err != nil {
			return
		}
		for _, w := range tr.Words {
			if strings.TrimSpace(w.Text) != w.Text || w.Text == "" {
				t.Fatalf("word text %q not trimmed", w.Text)
			}
			if w.Start < 0 || w.End < w.Start || w.Confidence < 0 || w.Confidence > 1 {
				t.Fatalf("bad word %+v", w)
			}
		}
		if tr.Text == "" && len(tr.Words) > 0 {
			t.Fatal("words but no text")
		}
	})
}
