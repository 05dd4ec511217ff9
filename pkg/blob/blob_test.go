package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moksho/platform/pkg/blob"
	"github.com/moksho/platform/pkg/blob/blobtest"
	"github.com/moksho/platform/pkg/blob/fakes3"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name        string
		key         string
		body        []byte
		contentType string
		wantType    string
	}{
		{name: "video", key: "answers/u-1/a-1.webm", body: []byte("not really webm"), contentType: "video/webm", wantType: "video/webm"},
		{name: "empty object", key: "exports/u-1/empty", body: []byte{}, contentType: "application/zip", wantType: "application/zip"},
		{name: "binary", key: "certs/c-1/video.mp4", body: bytes.Repeat([]byte{0, 1, 2, 255}, 4096), contentType: "video/mp4", wantType: "video/mp4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := blobtest.NewServer(t)
			ctx := testContext(t)

			if err := store.Put(ctx, tt.key, bytes.NewReader(tt.body), int64(len(tt.body)), tt.contentType); err != nil {
				t.Fatalf("Put: %v", err)
			}
			rc, info, err := store.Get(ctx, tt.key)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("read body: %v", err)
			}
			if !bytes.Equal(got, tt.body) {
				t.Errorf("Get returned %d bytes, want the %d put", len(got), len(tt.body))
			}
			if info.Key != tt.key || info.Size != int64(len(tt.body)) || info.ContentType != tt.wantType {
				t.Errorf("Get info = %+v, want key %s size %d type %s", info, tt.key, len(tt.body), tt.wantType)
			}

			head, err := store.Head(ctx, tt.key)
			if err != nil {
				t.Fatalf("Head: %v", err)
			}
			if head.Size != int64(len(tt.body)) || head.ContentType != tt.wantType || head.ETag == "" || head.LastModified.IsZero() {
				t.Errorf("Head = %+v", head)
			}

			if err := store.Delete(ctx, tt.key); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if _, _, err := store.Get(ctx, tt.key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Get after Delete = %v, want ErrNotFound", err)
			}
			if _, err := store.Head(ctx, tt.key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Head after Delete = %v, want ErrNotFound", err)
			}
			if err := store.Delete(ctx, tt.key); err != nil {
				t.Errorf("second Delete = %v, want nil (idempotent)", err)
			}
		})
	}
}

func TestPutReplaces(t *testing.T) {
	store := blobtest.NewServer(t)
	ctx := testContext(t)
	for _, body := range []string{"first", "second version"} {
		if err := store.Put(ctx, "k", strings.NewReader(body), int64(len(body)), "text/plain"); err != nil {
			t.Fatalf("Put %q: %v", body, err)
		}
	}
	rc, _, err := store.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if got, _ := io.ReadAll(rc); string(got) != "second version" {
		t.Errorf("Get = %q, want the second Put", got)
	}
}

func TestInvalidKeys(t *testing.T) {
	store := blobtest.NewServer(t)
	ctx := testContext(t)
	for _, key := range []string{"", strings.Repeat("k", 1025), "bad\xffutf8"} {
		if err := store.Put(ctx, key, strings.NewReader("x"), 1, ""); err == nil {
			t.Errorf("Put(%.20q) succeeded, want a key error", key)
		}
		if _, err := store.Head(ctx, key); err == nil || errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Head(%.20q) = %v, want a key error", key, err)
		}
	}
}

func TestDeletePrefix(t *testing.T) {
	store := blobtest.NewServer(t)
	blob.SetPageSize(store, 2) // cross page boundaries
	ctx := testContext(t)

	keys := []string{"answers/u-1/a", "answers/u-1/b", "answers/u-1/c", "answers/u-1/d/e", "answers/u-10/a", "certs/u-1/x"}
	for _, k := range keys {
		if err := store.Put(ctx, k, strings.NewReader(k), int64(len(k)), "text/plain"); err != nil {
			t.Fatalf("Put %s: %v", k, err)
		}
	}

	tests := []struct {
		prefix    string
		want      int
		wantLeft  []string
		wantError bool
	}{
		{prefix: "", wantError: true, wantLeft: keys},
		{prefix: "answers/u-1/", want: 4, wantLeft: []string{"answers/u-10/a", "certs/u-1/x"}},
		{prefix: "answers/u-1/", want: 0, wantLeft: []string{"answers/u-10/a", "certs/u-1/x"}},
		{prefix: "nothing/", want: 0, wantLeft: []string{"answers/u-10/a", "certs/u-1/x"}},
	}
	for _, tt := range tests {
		n, err := store.DeletePrefix(ctx, tt.prefix)
		if (err != nil) != tt.wantError {
			t.Fatalf("DeletePrefix(%q) error = %v, want error %v", tt.prefix, err, tt.wantError)
		}
		if n != tt.want {
			t.Errorf("DeletePrefix(%q) = %d, want %d", tt.prefix, n, tt.want)
		}
		if left := listKeys(t, store, ""); !slices.Equal(left, tt.wantLeft) {
			t.Errorf("after DeletePrefix(%q) left %v, want %v", tt.prefix, left, tt.wantLeft)
		}
	}
}

func TestList(t *testing.T) {
	store := blobtest.NewServer(t)
	blob.SetPageSize(store, 2)
	ctx := testContext(t)
	for _, k := range []string{"p/3", "p/1", "p/2", "p/5", "p/4", "q/1"} {
		if err := store.Put(ctx, k, strings.NewReader("abc"), 3, ""); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := listKeys(t, store, "p/"), []string{"p/1", "p/2", "p/3", "p/4", "p/5"}; !slices.Equal(got, want) {
		t.Errorf("List(p/) = %v, want %v", got, want)
	}
	for info, err := range store.List(ctx, "q/") {
		if err != nil {
			t.Fatal(err)
		}
		if info.Size != 3 || info.LastModified.IsZero() {
			t.Errorf("List info = %+v, want size 3 and a time", info)
		}
	}
	var seen int
	for _, err := range store.List(ctx, "p/") {
		if err != nil {
			t.Fatal(err)
		}
		seen++
		if seen == 3 {
			break
		}
	}
	if seen != 3 {
		t.Errorf("breaking out of List after 3 saw %d", seen)
	}
}

func listKeys(t *testing.T, store *blob.Store, prefix string) []string {
	t.Helper()
	var keys []string
	for info, err := range store.List(testContext(t), prefix) {
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		keys = append(keys, info.Key)
	}
	return keys
}

func TestPresignGet(t *testing.T) {
	store := blobtest.NewServer(t)
	ctx := testContext(t)
	body := "recording bytes"
	if err := store.Put(ctx, "answers/u-1/a-1.webm", strings.NewReader(body), int64(len(body)), "video/webm"); err != nil {
		t.Fatal(err)
	}

	u, err := store.PresignGet(ctx, "answers/u-1/a-1.webm", time.Minute)
	if err != nil {
		t.Fatalf("PresignGet: %v", err)
	}
	if !strings.Contains(u, "X-Amz-Signature=") || !strings.Contains(u, "X-Amz-Expires=60") {
		t.Errorf("URL %s is not a SigV4 presigned URL valid for 60 s", u)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET presigned URL: %v", err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(got) != body {
		t.Errorf("GET presigned URL = %d %q, want 200 %q", resp.StatusCode, got, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "video/webm" {
		t.Errorf("Content-Type = %q, want video/webm", ct)
	}

	def, err := store.PresignGet(ctx, "answers/u-1/a-1.webm", 0)
	if err != nil || !strings.Contains(def, "X-Amz-Expires=900") {
		t.Errorf("PresignGet with default TTL = %s, %v; want 15 min expiry", def, err)
	}
	if _, err := store.PresignGet(ctx, "answers/u-1/a-1.webm", 8*24*time.Hour); err == nil {
		t.Error("PresignGet accepted a TTL over S3's 7-day maximum")
	}
}

// countingHandler counts multipart part uploads and aborts reaching the
// fake S3.
type countingHandler struct {
	next   http.Handler
	parts  atomic.Int32
	aborts atomic.Int32
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodPut && q.Has("partNumber"):
		c.parts.Add(1)
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		c.aborts.Add(1)
	}
	c.next.ServeHTTP(w, r)
}

func newCountingStore(t *testing.T) (*blob.Store, *countingHandler) {
	t.Helper()
	h, err := fakes3.NewHandler("")
	if err != nil {
		t.Fatal(err)
	}
	counter := &countingHandler{next: h}
	return storeOn(t, counter), counter
}

func storeOn(t *testing.T, h http.Handler) *blob.Store {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	store, err := blob.New(context.Background(), blob.Config{
		Endpoint: srv.URL, Region: "us-east-1", AccessKeyID: "k", SecretAccessKey: "s",
		Bucket: "media", UsePathStyle: true,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := store.EnsureBucket(context.Background()); err != nil {
		t.Fatalf("EnsureBucket: %v", err)
	}
	return store
}

// onlyReader hides every method but Read, so Put cannot seek or size the
// body, as with a request body streamed from a browser.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func randomBody(size int64) io.Reader {
	return onlyReader{io.LimitReader(rand.NewChaCha8([32]byte{7}), size)}
}

func TestPutStreamsInParts(t *testing.T) {
	const part = 5 << 20
	tests := []struct {
		name      string
		size      int64
		declared  int64
		wantParts int32 // 0: a single PutObject
	}{
		{name: "20 MiB, known size", size: 20 << 20, declared: 20 << 20, wantParts: 4},
		{name: "20 MiB, unknown size", size: 20 << 20, declared: -1, wantParts: 4},
		{name: "just under a part", size: part - 1, declared: -1, wantParts: 0},
		{name: "exactly a part, unknown size", size: part, declared: -1, wantParts: 1},
		{name: "exactly a part, known size", size: part, declared: part, wantParts: 1},
		{name: "a part and a byte", size: part + 1, declared: part + 1, wantParts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, counter := newCountingStore(t)
			ctx := testContext(t)

			sum := sha256.New()
			if err := store.Put(ctx, "big", io.TeeReader(randomBody(tt.size), sum), tt.declared, "video/webm"); err != nil {
				t.Fatalf("Put: %v", err)
			}
			if got := counter.parts.Load(); got != tt.wantParts {
				t.Errorf("uploaded in %d parts, want %d", got, tt.wantParts)
			}

			rc, info, err := store.Get(ctx, "big")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			defer rc.Close()
			back := sha256.New()
			if _, err := io.Copy(back, rc); err != nil {
				t.Fatalf("read back: %v", err)
			}
			if info.Size != tt.size || info.ContentType != "video/webm" || !bytes.Equal(back.Sum(nil), sum.Sum(nil)) {
				t.Errorf("read back %d bytes (%s) with digest match %v, want the %d bytes put",
					info.Size, info.ContentType, bytes.Equal(back.Sum(nil), sum.Sum(nil)), tt.size)
			}
		})
	}
}

func TestPutSizeMismatch(t *testing.T) {
	tests := []struct {
		name       string
		actual     int64
		declared   int64
		wantAborts int32
	}{
		{name: "short small body", actual: 5, declared: 10},
		{name: "long small body", actual: 10, declared: 5},
		{name: "short multipart body", actual: 11 << 20, declared: 12 << 20, wantAborts: 1},
		{name: "long multipart body", actual: 11 << 20, declared: 10<<20 + 1, wantAborts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, counter := newCountingStore(t)
			ctx := testContext(t)
			err := store.Put(ctx, "k", randomBody(tt.actual), tt.declared, "")
			if !errors.Is(err, blob.ErrSizeMismatch) {
				t.Fatalf("Put = %v, want ErrSizeMismatch", err)
			}
			if _, err := store.Head(ctx, "k"); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Head after a failed Put = %v, want ErrNotFound: a truncated object was stored", err)
			}
			if got := counter.aborts.Load(); got != tt.wantAborts {
				t.Errorf("multipart uploads aborted = %d, want %d", got, tt.wantAborts)
			}
		})
	}
}

// cancelAfter cancels a context once n bytes have been read through it, as
// a client that disconnects midway through an upload does.
type cancelAfter struct {
	r      io.Reader
	n      int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n <= 0 {
		c.cancel()
	}
	return n, err
}

func TestPutCancelledMidwayAborts(t *testing.T) {
	store, counter := newCountingStore(t)
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()

	body := &cancelAfter{r: randomBody(20 << 20), n: 6 << 20, cancel: cancel}
	err := store.Put(ctx, "k", body, 20<<20, "video/webm")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v, want context.Canceled", err)
	}
	if got := counter.aborts.Load(); got != 1 {
		t.Errorf("multipart uploads aborted = %d, want 1 despite the cancelled context", got)
	}
	if _, err := store.Head(testContext(t), "k"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Head after a cancelled Put = %v, want ErrNotFound", err)
	}
}

func TestPersistenceAcrossHandlers(t *testing.T) {
	dir := t.TempDir()
	ctx := testContext(t)
	body := "kept across restarts"

	h1, err := fakes3.NewHandler(dir)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	first := storeOn(t, h1)
	if err := first.Put(ctx, "answers/u-1/a-1.webm", strings.NewReader(body), int64(len(body)), "video/webm"); err != nil {
		t.Fatalf("Put: %v", err)
	}

	h2, err := fakes3.NewHandler(dir)
	if err != nil {
		t.Fatalf("second NewHandler on the same dir: %v", err)
	}
	second := storeOn(t, h2) // EnsureBucket must find the existing bucket
	rc, info, err := second.Get(ctx, "answers/u-1/a-1.webm")
	if err != nil {
		t.Fatalf("Get through a new handler: %v", err)
	}
	defer rc.Close()
	got, _ := io.ReadAll(rc)
	if string(got) != body || info.ContentType != "video/webm" {
		t.Errorf("Get = %q (%s), want %q (video/webm)", got, info.ContentType, body)
	}
	if n, err := second.DeletePrefix(ctx, "answers/u-1/"); err != nil || n != 1 {
		t.Errorf("DeletePrefix on disk = %d, %v; want 1", n, err)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  blob.Config
		ok   bool
	}{
		{name: "minimal", cfg: blob.Config{Bucket: "b", Region: "eu-west-1"}, ok: true},
		{name: "no bucket", cfg: blob.Config{Region: "eu-west-1"}},
		{name: "key without secret", cfg: blob.Config{Bucket: "b", AccessKeyID: "k"}},
		{name: "secret without key", cfg: blob.Config{Bucket: "b", SecretAccessKey: "s"}},
		{name: "negative ttl", cfg: blob.Config{Bucket: "b", PresignTTL: -time.Second}},
		{name: "ttl over a week", cfg: blob.Config{Bucket: "b", PresignTTL: 8 * 24 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := blob.New(context.Background(), tt.cfg)
			if (err == nil) != tt.ok {
				t.Errorf("New(%+v) error = %v, want ok=%v", tt.cfg, err, tt.ok)
			}
		})
	}
}

func TestConfigLogValueMasksSecret(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("start", "blob", blob.Config{Bucket: "media", AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI"})
	if strings.Contains(buf.String(), "wJalrXUtnFEMI") {
		t.Errorf("secret key logged: %s", buf.String())
	}
	if !strings.Contains(buf.String(), `"bucket":"media"`) {
		t.Errorf("bucket not logged: %s", buf.String())
	}
}
