package app_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/moksho/platform/pkg/blob"
	"github.com/moksho/platform/pkg/blob/blobtest"
	"github.com/moksho/platform/pkg/clock"
	"github.com/moksho/platform/pkg/logging"
	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/pkg/pg/pgtest"
	"github.com/moksho/platform/services/evaluation/internal/app"
	"github.com/moksho/platform/services/evaluation/internal/media"
	"github.com/moksho/platform/services/evaluation/internal/score"
	"github.com/moksho/platform/services/evaluation/internal/store"
	"github.com/moksho/platform/services/evaluation/internal/transcribe"
)

const (
	user      = "01a21900-0000-7000-8000-000000000001"
	interview = "01a21900-0000-7000-8000-0000000000f1"
	question  = "01a21900-0000-7000-8000-0000000000a1"
)

type fixture struct {
	svc   *app.Service
	pool  *pgxpool.Pool
	media *blob.Store
}

func newFixture(t *testing.T, media app.MediaStore, engine transcribe.Engine) fixture {
	t.Helper()
	pool := pgtest.NewPool(t, store.Migrations()...)
	svc := app.NewService(store.New(pool), clock.System{}, logging.Discard())
	svc.WithRecordings(&app.Recordings{Media: media, Engine: engine, Config: app.RecordingConfig{
		MaxBytes: 5 << 20, MaxDuration: 10 * time.Minute, Attempts: 2, Backoff: 10 * time.Millisecond, URLTTL: time.Minute,
	}})
	f := fixture{svc: svc, pool: pool}
	if b, ok := media.(*blob.Store); ok {
		f.media = b
	}
	return f
}

func header(ct string) app.RecordingHeader {
	return app.RecordingHeader{UserID: user, InterviewID: interview, QuestionID: question, RoleID: "backend-engineer",
		QuestionCount: 3, ContentType: ct,
		Question: score.Question{Text: "How would you reduce the latency of a slow API endpoint?", Kind: "technical"}}
}

func fixtureFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../media/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// transcribe runs the transcription handler as the consumer would.
func (f fixture) transcribe(t *testing.T, id string) {
	t.Helper()
	ctx := context.Background()
	if err := pg.InTx(ctx, f.pool, func(tx pgx.Tx) error { return f.svc.TranscribeAnswer(ctx, store.InTx(tx), id) }); err != nil {
		t.Fatal(err)
	}
}

func (f fixture) objects(t *testing.T) int {
	t.Helper()
	n := 0
	for _, err := range f.media.List(context.Background(), "answers/") {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func TestRecordingIsStoredTranscribedAndReadyToScore(t *testing.T) {
	f := newFixture(t, blobtest.NewServer(t), transcribe.NewPocketsphinx(transcribe.PocketsphinxConfig{}))
	ctx := context.Background()
	data := fixtureFile(t, "slow-api-medium.webm")
	a, err := f.svc.SubmitRecording(ctx, header("video/webm;codecs=vp8,opus"), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != app.StatusReceived || a.MediaBytes != int64(len(data)) || !strings.HasPrefix(a.MediaKey, "answers/"+user+"/") {
		t.Fatalf("answer %+v", a)
	}
	obj, _, err := f.media.Get(ctx, a.MediaKey)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(obj)
	obj.Close()
	if !bytes.Equal(stored, data) {
		t.Fatal("stored recording differs from the upload")
	}
	f.transcribe(t, a.ID)
	got, err := f.svc.GetAnswer(ctx, user, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != app.StatusScoring || len(strings.Fields(got.Transcript)) < 20 || got.Delivery == nil || got.Delivery.WordsPerMinute <= 0 {
		t.Fatalf("after transcription: status %s, %d words, delivery %+v", got.Status, len(strings.Fields(got.Transcript)), got.Delivery)
	}
	if u := f.svc.MediaURL(ctx, got); u == "" {
		t.Fatal("no playback link")
	} else if res, err := http.Get(u); err != nil || res.StatusCode != 200 {
		t.Fatalf("playback link: %v %v", res, err)
	}
}

func TestRefusedAndCutOffRecordingsLeaveNothing(t *testing.T) {
	f := newFixture(t, blobtest.NewServer(t), transcribe.NewPocketsphinx(transcribe.PocketsphinxConfig{}))
	ctx := context.Background()
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 2000)...)
	var me *media.Error
	if _, err := f.svc.SubmitRecording(ctx, header("video/webm"), bytes.NewReader(png)); !errors.As(err, &me) || me.Kind != media.KindMismatch {
		t.Fatalf("png as webm: %v", err)
	}
	if _, err := f.svc.SubmitRecording(ctx, header("audio/wav"), bytes.NewReader(nil)); !errors.As(err, &me) || me.Kind != media.KindEmpty {
		t.Fatalf("empty: %v", err)
	}
	big := append(fixtureFile(t, "learn-fast-strong.wav"), bytes.Repeat([]byte{0}, 6<<20)...)
	if _, err := f.svc.SubmitRecording(ctx, header("audio/wav"), bytes.NewReader(big)); !errors.Is(err, app.ErrTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	data := fixtureFile(t, "learn-fast-strong.webm")
	cut := io.MultiReader(bytes.NewReader(data[:len(data)/2]), errReader{errors.New("client went away")})
	if _, err := f.svc.SubmitRecording(ctx, header("video/webm"), cut); err == nil {
		t.Fatal("a cut-off upload was accepted")
	}
	if n := f.objects(t); n != 0 {
		t.Fatalf("%d objects left in storage", n)
	}
	var answers int
	_ = f.pool.QueryRow(ctx, `SELECT count(*) FROM answers`).Scan(&answers)
	if answers != 0 {
		t.Fatalf("%d answers recorded", answers)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestStorageDownRecordsNothing(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	st, err := blob.New(context.Background(), blob.Config{Endpoint: down.URL, Region: "us-east-1", Bucket: "x",
		AccessKeyID: "k", SecretAccessKey: "s", UsePathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, st, transcribe.NewPocketsphinx(transcribe.PocketsphinxConfig{}))
	_, err = f.svc.SubmitRecording(context.Background(), header("audio/wav"), bytes.NewReader(fixtureFile(t, "feedback-weak.wav")))
	if !errors.Is(err, app.ErrStorageUnavailable) {
		t.Fatalf("err = %v", err)
	}
	var answers int
	_ = f.pool.QueryRow(context.Background(), `SELECT count(*) FROM answers`).Scan(&answers)
	if answers != 0 {
		t.Fatalf("%d answers recorded", answers)
	}
}

func TestUnreadableAndSilentRecordingsFailWithAReason(t *testing.T) {
	f := newFixture(t, blobtest.NewServer(t), transcribe.NewPocketsphinx(transcribe.PocketsphinxConfig{}))
	ctx := context.Background()
	data := fixtureFile(t, "feedback-weak.webm")
	corrupt := append(bytes.Clone(data[:64]), bytes.Repeat([]byte{0x5a}, len(data)-64)...)
	silence := silentWAV(3 * time.Second)
	for name, tc := range map[string]struct {
		ct   string
		data []byte
		want string
	}{
		"corrupt": {"video/webm", corrupt, "record"},
		"silent":  {"audio/wav", silence, "speech"},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := f.svc.SubmitRecording(ctx, header(tc.ct), bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			f.transcribe(t, a.ID)
			got, _ := f.svc.GetAnswer(ctx, user, a.ID)
			if got.Status != app.StatusFailed || !strings.Contains(strings.ToLower(got.FailureReason), tc.want) {
				t.Fatalf("status %s reason %q", got.Status, got.FailureReason)
			}
			// The recording is kept.
			if _, _, err := f.media.Get(ctx, got.MediaKey); err != nil {
				t.Fatalf("recording gone: %v", err)
			}
		})
	}
}

func TestEngineDownRetriesThenFailsAndCanBeQueuedAgain(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer down.Close()
	engine, err := transcribe.NewWhisperAPI(transcribe.WhisperConfig{BaseURL: down.URL + "/v1", Model: "whisper-1", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, blobtest.NewServer(t), engine)
	ctx := context.Background()
	a, err := f.svc.SubmitRecording(ctx, header("audio/wav"), bytes.NewReader(fixtureFile(t, "feedback-weak.wav")))
	if err != nil {
		t.Fatal(err)
	}
	f.transcribe(t, a.ID)
	got, _ := f.svc.GetAnswer(ctx, user, a.ID)
	if got.Status != app.StatusFailed || !strings.Contains(got.FailureReason, "unavailable") {
		t.Fatalf("status %s reason %q", got.Status, got.FailureReason)
	}
	if _, err := f.svc.Retry(ctx, user, a.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = f.svc.GetAnswer(ctx, user, a.ID)
	if got.Status != app.StatusReceived {
		t.Fatalf("after retry: %s", got.Status)
	}
	if _, err := f.svc.Retry(ctx, user, a.ID); !errors.Is(err, app.ErrNotRetryable) {
		t.Fatalf("retrying a queued answer: %v", err)
	}
}

// silentWAV is a 16 kHz mono 16-bit WAV of digital silence.
func silentWAV(d time.Duration) []byte {
	return media.Audio{Samples: make([]int16, int(d.Seconds()*16000)), Duration: d}.WAV()
}

func TestTranscriptsAreLockedInInvitedInterviews(t *testing.T) {
	f := newFixture(t, blobtest.NewServer(t), transcribe.NewPocketsphinx(transcribe.PocketsphinxConfig{}))
	ctx := context.Background()
	h := header("audio/wav")
	h.InvitationID = "01a21900-0000-7000-8000-0000000000e1"
	a, err := f.svc.SubmitRecording(ctx, h, bytes.NewReader(fixtureFile(t, "slow-api-medium.wav")))
	if err != nil {
		t.Fatal(err)
	}
	f.transcribe(t, a.ID)
	if _, err := f.svc.CorrectTranscript(ctx, user, a.ID, "a better transcript"); !errors.Is(err, app.ErrLocked) {
		t.Fatalf("correction in an invited interview: %v", err)
	}
	// In a practice interview the same correction is taken.
	b, err := f.svc.SubmitRecording(ctx, header("audio/wav"), bytes.NewReader(fixtureFile(t, "slow-api-medium.wav")))
	if err != nil {
		t.Fatal(err)
	}
	f.transcribe(t, b.ID)
	got, err := f.svc.CorrectTranscript(ctx, user, b.ID, "a better transcript")
	if err != nil || !got.TranscriptCorrected || got.MachineTranscript == "" || got.Status != app.StatusScoring {
		t.Fatalf("practice correction: %+v, %v", got, err)
	}
}
