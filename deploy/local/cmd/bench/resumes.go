package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// resumeFixtures are the uploads measured: a two-page PDF and a DOCX.
var resumeFixtures = []struct{ file, contentType, role string }{
	{"backend-go.pdf", "application/pdf", "backend-engineer"},
	{"backend-go.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "backend-engineer"},
}

// benchResumes measures POST /api/v1/resumes end to end (multipart upload,
// gRPC stream to the resumes service, extraction, redaction, skills,
// scoring, storage with its event), beside a bare handler that only reads
// the same upload, in alternating rounds.
func benchResumes(gateway, bare, cookie string, duration time.Duration, rounds int) error {
	dir := os.Getenv("MOKSHO_BENCH_FIXTURES")
	if dir == "" {
		dir = "services/resumes/testdata/resumes"
	}
	fmt.Printf("# POST /api/v1/resumes (full assessment) vs a bare handler reading the same upload\n")
	fmt.Printf("# %s, GOMAXPROCS=%d, %s, %d rounds of %s\n\n", time.Now().UTC().Format(time.RFC3339), runtime.GOMAXPROCS(0), runtime.Version(), rounds, duration)
	fmt.Println("| upload | target | sequential p50 | sequential p99 | throughput, 4 conns (req/s) | per core (req/s) | errors |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|")
	for _, fx := range resumeFixtures {
		data, err := os.ReadFile(filepath.Join(dir, fx.file))
		if err != nil {
			return fmt.Errorf("fixture (run from the repository root or set MOKSHO_BENCH_FIXTURES): %w", err)
		}
		body, ctype := multipartBody(fx.file, fx.contentType, fx.role, data)
		targets := []struct {
			name, url, cookie string
		}{
			{"bare handler", bare + "/upload", ""},
			{"gateway", gateway + "/api/v1/resumes", cookie},
		}
		for _, tg := range targets {
			post := func(c *http.Client) error {
				req, _ := http.NewRequest(http.MethodPost, tg.url, bytes.NewReader(body))
				req.Header.Set("Content-Type", ctype)
				if tg.cookie != "" {
					req.Header.Set("Cookie", tg.cookie)
				}
				res, err := c.Do(req)
				if err != nil {
					return err
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					return fmt.Errorf("status %d", res.StatusCode)
				}
				return nil
			}
			client := newClient(8)
			if err := post(client); err != nil {
				return fmt.Errorf("%s %s: %w", tg.name, fx.file, err)
			}
			// Sequential: one request at a time, for latency.
			var seq result
			start := time.Now()
			for time.Since(start) < duration {
				t0 := time.Now()
				if err := post(client); err != nil {
					seq.errors++
					continue
				}
				seq.lat = append(seq.lat, time.Since(t0))
			}
			seq.elapsed = time.Since(start)
			// Throughput with 4 concurrent uploads, median of rounds.
			var rps []float64
			errs := seq.errors
			for range rounds {
				r := loop(client, post, 4, duration)
				rps = append(rps, r.rps())
				errs += r.errors
			}
			m := median(rps)
			fmt.Printf("| %s | %s | %s | %s | %.0f | %.0f | %d |\n", fx.file, tg.name, ms(seq.pct(50)), ms(seq.pct(99)), m, m/float64(runtime.GOMAXPROCS(0)), errs)
		}
	}
	fmt.Println()
	return nil
}

func loop(client *http.Client, post func(*http.Client) error, conns int, d time.Duration) result {
	var mu sync.Mutex
	var res result
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				err := post(client)
				mu.Lock()
				if err != nil {
					res.errors++
				} else {
					res.lat = append(res.lat, time.Since(t0))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func multipartBody(name, contentType, role string, data []byte) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("targetRole", role)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", contentType)
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(data)
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}
