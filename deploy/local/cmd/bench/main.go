// Command bench measures the platform through its public HTTP API, beside a
// bare net/http handler measured in the same run on the same machine, so
// the figures compare like with like (`make bench`; results are recorded in
// docs/benchmarks.md).
//
// Authenticated GET /api/v1/me goes through the gateway, which checks the
// session with the accounts service over gRPC (no session cache: a
// logged-out session must stop working at once) and reads the profile.
//
// Two measurements per target:
//   - throughput: a closed loop of -conns connections for -duration;
//   - latency at a fixed rate (-rate requests/s, open loop, each request
//     timed from when it was due, so a stall counts against every request
//     queued behind it).
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	local "github.com/moksho/platform/deploy/local"
	"github.com/moksho/platform/pkg/logging"
	"github.com/moksho/platform/pkg/pg/pgtest"
)

func main() {
	conns := flag.Int("conns", 32, "connections in the throughput loop")
	duration := flag.Duration("duration", 4*time.Second, "length of each throughput round")
	rounds := flag.Int("rounds", 5, "throughput rounds per target, alternating bare and gateway")
	rateHz := flag.Int("rate", 1000, "requests per second in the latency measurement")
	suite := flag.String("suite", "all", `what to measure: "me", "resumes", "answers", "recordings" or "all"`)
	only := flag.String("only", "", `measure one target only: "bare" or "gateway" (for profiling)`)
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (platform and load) to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*suite, *conns, *duration, *rounds, *rateHz, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(suite string, conns int, duration time.Duration, rounds, rateHz int, only string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbURL := os.Getenv("MOKSHO_TEST_DATABASE_URL")
	prefix := "bench_" + randHex(4) + "_"
	dataDir, err := os.MkdirTemp("", "moksho-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	p, err := local.Start(ctx, local.Options{
		DataDir: dataDir, HTTPAddr: "127.0.0.1:0", DatabaseURL: dbURL, DBPrefix: prefix,
		LogLevel: logging.ParseLevel("warn"),
	})
	if err != nil {
		return err
	}
	defer func() {
		cancel()
		_ = p.Wait()
		_ = pgtest.DropDatabases(context.Background(), p.DatabaseURL, prefix)
	}()

	cookie, err := signIn(p.URL)
	if err != nil {
		return err
	}
	bare, stopBare, err := bareServer()
	if err != nil {
		return err
	}
	defer stopBare()
	if suite == "all" || suite == "answers" {
		if err := benchAnswers(p.URL, bare, cookie, 50, 20*time.Second); err != nil {
			return err
		}
	}
	if suite == "all" || suite == "recordings" {
		if err := benchRecordings(p.URL, p.S3URL, cookie, 3); err != nil {
			return err
		}
	}
	if suite == "all" || suite == "resumes" {
		if err := benchResumes(p.URL, bare, cookie, duration, rounds); err != nil {
			return err
		}
	}
	if suite != "all" && suite != "me" {
		return nil
	}

	fmt.Printf("# GET /api/v1/me through the gateway vs a bare net/http handler\n")
	fmt.Printf("# %s, GOMAXPROCS=%d, %s, conns=%d, %d rounds of %s, fixed rate=%d/s\n\n",
		time.Now().UTC().Format(time.RFC3339), runtime.GOMAXPROCS(0), runtime.Version(), conns, rounds, duration, rateHz)

	// One user and session per connection, as real traffic comes from many
	// sessions (lookups of one session would flatter the accounts service).
	cookies := []string{cookie}
	for len(cookies) < conns {
		c, err := signIn(p.URL)
		if err != nil {
			return err
		}
		cookies = append(cookies, c)
	}
	targets := []struct {
		name, url string
		cookies   []string
	}{
		{"bare net/http handler", bare + "/me", nil},
		{"gateway GET /api/v1/me (authenticated, one session per connection)", p.URL + "/api/v1/me", cookies},
	}
	for i, tg := range targets {
		if (only == "bare" && i != 0) || (only == "gateway" && i != 1) {
			continue
		}
		if warm := closedLoop(tg.url, tg.cookies, conns, 2*time.Second); warm.errors > 0 {
			return fmt.Errorf("%s: %d errors in warm-up (first: %s)", tg.name, warm.errors, warm.firstErr)
		}
	}

	// Throughput: the two targets in turn, A B A B ..., so that drift in the
	// machine's speed hits both; the ratio is taken round by round.
	tput := make([][]result, len(targets))
	var ratios []float64
	for range rounds {
		for i, tg := range targets {
			if (only == "bare" && i != 0) || (only == "gateway" && i != 1) {
				continue
			}
			tput[i] = append(tput[i], closedLoop(tg.url, tg.cookies, conns, duration))
		}
		if len(tput[0]) > 0 && len(tput[1]) > 0 {
			ratios = append(ratios, tput[1][len(tput[1])-1].rps()/tput[0][len(tput[0])-1].rps())
		}
	}
	// Latency at a fixed rate, one long run each.
	fixed := make([]result, len(targets))
	for i, tg := range targets {
		if (only == "bare" && i != 0) || (only == "gateway" && i != 1) {
			continue
		}
		fixed[i] = openLoop(tg.url, tg.cookies, rateHz, duration*time.Duration(rounds))
	}

	fmt.Println("| target | throughput (req/s), median of rounds | rounds | p50 at max | p99 at max | p50 at fixed rate | p99 at fixed rate | errors |")
	fmt.Println("|---|---:|---|---:|---:|---:|---:|---:|")
	for i, tg := range targets {
		if len(tput[i]) == 0 {
			continue
		}
		var rps []float64
		errs := fixed[i].errors
		for _, r := range tput[i] {
			rps = append(rps, r.rps())
			errs += r.errors
		}
		mid := tput[i][medianIndex(rps)]
		fmt.Printf("| %s | %.0f | %s | %s | %s | %s | %s | %d |\n", tg.name, median(rps), fmtList(rps),
			ms(mid.pct(50)), ms(mid.pct(99)), ms(fixed[i].pct(50)), ms(fixed[i].pct(99)), errs)
	}
	if len(ratios) > 0 {
		fmt.Printf("\nthroughput ratio gateway/bare, median of rounds: %.3f (rounds: %s; goal >= 0.25)\n", median(ratios), fmtList(ratios))
	}
	if len(tput[1]) > 0 {
		fmt.Printf("gateway at %d req/s for %s: p50 %s, p99 %s, achieved %.0f req/s (goal p99 < 20 ms)\n",
			rateHz, duration*time.Duration(rounds), ms(fixed[1].pct(50)), ms(fixed[1].pct(99)), fixed[1].rps())
	}
	return nil
}

func median(xs []float64) float64 { return xs[medianIndex(xs)] }

// medianIndex is the index of the median (the lower one for even counts).
func medianIndex(xs []float64) int {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	return idx[(len(idx)-1)/2]
}

func fmtList(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		if x < 10 {
			parts[i] = fmt.Sprintf("%.3f", x)
		} else {
			parts[i] = fmt.Sprintf("%.0f", x)
		}
	}
	return strings.Join(parts, ", ")
}

type result struct {
	lat      []time.Duration
	errors   int
	firstErr string
	elapsed  time.Duration
}

func (r result) rps() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	s := slices.Clone(r.lat)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, MaxConnsPerHost: 0,
			IdleConnTimeout: time.Minute,
		},
	}
}

func get(client *http.Client, url, cookie string) error {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}

// closedLoop runs conns workers back to back for d; worker i sends
// cookies[i % len(cookies)], if any.
func closedLoop(url string, cookies []string, conns int, d time.Duration) result {
	client := newClient(conns)
	defer client.CloseIdleConnections()
	var mu sync.Mutex
	var res result
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range conns {
		cookie := pick(cookies, w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			var errs int
			var first string
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err := get(client, url, cookie); err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			res.lat = append(res.lat, local...)
			res.errors += errs
			if res.firstErr == "" {
				res.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// openLoop sends rate requests per second for d, each timed from when it
// was scheduled; request i sends cookies[i % len(cookies)], if any.
func openLoop(url string, cookies []string, rate int, d time.Duration) result {
	client := newClient(256)
	defer client.CloseIdleConnections()
	interval := time.Second / time.Duration(rate)
	n := int(d / interval)
	lat := make([]time.Duration, n)
	var errs atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 512)
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if w := time.Until(due); w > 0 {
			time.Sleep(w)
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := get(client, url, pick(cookies, i)); err != nil {
				errs.Add(1)
				lat[i] = -1
				return
			}
			lat[i] = time.Since(due)
		}()
	}
	wg.Wait()
	res := result{elapsed: time.Since(start), errors: int(errs.Load())}
	for _, l := range lat {
		if l >= 0 {
			res.lat = append(res.lat, l)
		}
	}
	return res
}

func pick(cookies []string, i int) string {
	if len(cookies) == 0 {
		return ""
	}
	return cookies[i%len(cookies)]
}

// bareServer serves a static profile-sized JSON document: the floor of what
// any Go HTTP service on this machine can do.
func bareServer() (string, func(), error) {
	body, _ := json.Marshal(map[string]any{
		"id": "01a21927-6d70-7335-8013-fb0daf8144df", "email": "bench@example.org", "name": "Bench User",
		"role": "candidate", "createdAt": time.Now(), "updatedAt": time.Now(),
	})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/me", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	// /answer accepts a typed answer: the transport part of answering.
	mux.HandleFunc("/answer", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"answerId":"x","status":"received"}`))
	})
	// /upload reads a multipart upload to the end and answers a small JSON
	// document: the transport part of a resume upload, with no assessment.
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			_, _ = io.Copy(io.Discard, part)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(body)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(lis) }()
	return "http://" + lis.Addr().String(), func() { _ = srv.Close() }, nil
}

func signIn(base string) (string, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	var policy struct{ Version string }
	res, err := client.Get(base + "/api/v1/policy")
	if err != nil {
		return "", err
	}
	_ = json.NewDecoder(res.Body).Decode(&policy)
	res.Body.Close()
	email := "bench." + randHex(4) + "@example.org"
	pw := "violet-harbour-lantern-42"
	post := func(path string, v any) (*http.Response, error) {
		b, _ := json.Marshal(v)
		return client.Post(base+path, "application/json", bytes.NewReader(b))
	}
	res, err = post("/api/v1/accounts", map[string]any{"email": email, "password": pw, "name": "Bench User", "role": "candidate", "acceptPolicyVersion": policy.Version})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("register: status %d", res.StatusCode)
	}
	res, err = post("/api/v1/sessions", map[string]any{"email": email, "password": pw})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "moksho_session" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("login: status %d, no cookie", res.StatusCode)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
