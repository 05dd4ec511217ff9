package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/moksho/platform/pkg/blob"
)

// benchRecordings measures recorded answers: upload throughput through the
// gateway (streamed to the evaluation service and on into S3) against a raw
// S3 PUT of the same bytes to the same in-process S3 in the same run, and
// the time from uploading a 60-second answer to its score being visible.
func benchRecordings(gateway, s3URL, cookie string, rounds int) error {
	dir := os.Getenv("MOKSHO_BENCH_AUDIO")
	if dir == "" {
		dir = "services/evaluation/internal/media/testdata"
	}
	ctx := context.Background()
	client := newClient(4)
	fmt.Printf("# Recorded answers: upload throughput and time to score\n")
	fmt.Printf("# %s, GOMAXPROCS=%d, %s\n\n", time.Now().UTC().Format(time.RFC3339), runtime.GOMAXPROCS(0), runtime.Version())

	// A 40 MB WAV: valid media as far as intake is concerned (its
	// transcription later refuses it as too long, which is not measured).
	big := wavOf(40 << 20)
	store, err := blob.New(ctx, blob.Config{Endpoint: s3URL, Region: "us-east-1", Bucket: "bench-raw", AccessKeyID: "local", SecretAccessKey: "local-secret", UsePathStyle: true})
	if err != nil {
		return err
	}
	if err := store.EnsureBucket(ctx); err != nil {
		return err
	}
	ivs, err := interviewsWith(client, gateway, cookie, rounds+1)
	if err != nil {
		return err
	}
	var raw, gw []float64
	for i := range rounds {
		t0 := time.Now()
		if err := store.Put(ctx, fmt.Sprintf("raw-%d", i), bytes.NewReader(big), int64(len(big)), "audio/wav"); err != nil {
			return fmt.Errorf("raw put: %w", err)
		}
		raw = append(raw, float64(len(big))/(1<<20)/time.Since(t0).Seconds())
		t0 = time.Now()
		res, err := put(client, gateway+ivs[i].answerPath(0), cookie, "audio/wav", big)
		if err != nil || res != http.StatusAccepted {
			return fmt.Errorf("gateway upload: status %d, %v", res, err)
		}
		gw = append(gw, float64(len(big))/(1<<20)/time.Since(t0).Seconds())
	}
	fmt.Println("| upload of 40 MB | throughput (MB/s), median | rounds |")
	fmt.Println("|---|---:|---|")
	fmt.Printf("| raw S3 PUT (same in-process S3) | %.0f | %s |\n", median(raw), fmtList(raw))
	fmt.Printf("| gateway PUT .../answer (streamed to evaluation, then S3) | %.0f | %s |\n", median(gw), fmtList(gw))
	fmt.Printf("\nratio gateway/raw: %.2f\n\n", median(gw)/median(raw))

	// A 60-second answer: the three spoken fixtures joined, as WebM.
	webm, seconds, err := sixtySeconds(dir)
	if err != nil {
		return err
	}
	iv := ivs[rounds]
	t0 := time.Now()
	code, body, err := putBody(client, gateway+iv.answerPath(0), cookie, "video/webm;codecs=vp8,opus", webm)
	if err != nil || code != http.StatusAccepted {
		return fmt.Errorf("60 s answer: status %d, %v", code, err)
	}
	accepted := time.Since(t0)
	var acc struct{ AnswerID string }
	_ = json.Unmarshal(body, &acc)
	var status string
	var stages []string
	for time.Since(t0) < 5*time.Minute {
		req, _ := http.NewRequest(http.MethodGet, gateway+"/api/v1/answers/"+acc.AnswerID, nil)
		req.Header.Set("Cookie", cookie)
		res, err := client.Do(req)
		if err == nil {
			var a struct{ Status string }
			_ = json.NewDecoder(res.Body).Decode(&a)
			res.Body.Close()
			if a.Status != status {
				status = a.Status
				stages = append(stages, fmt.Sprintf("%s at %.1f s", status, time.Since(t0).Seconds()))
			}
			if status == "scored" || status == "failed" {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	total := time.Since(t0)
	fmt.Printf("| %.0f s answer (WebM, %d KB), offline engine | accepted | scored and visible | stages |\n", seconds, len(webm)>>10)
	fmt.Println("|---|---:|---:|---|")
	fmt.Printf("| upload -> score | %s | %.1f s | %v |\n\n", ms(accepted), total.Seconds(), stages)
	if status != "scored" {
		return fmt.Errorf("60 s answer ended %s", status)
	}
	return nil
}

type benchInterview struct{ id, question string }

func (b benchInterview) answerPath(int) string {
	return "/api/v1/interviews/" + b.id + "/questions/" + b.question + "/answer"
}

func interviewsWith(client *http.Client, gateway, cookie string, n int) ([]benchInterview, error) {
	var out []benchInterview
	for range n {
		body, _ := json.Marshal(map[string]any{"roleId": "backend-engineer", "customQuestions": []string{
			"Tell me about a time you had to learn a new technology quickly.", "Second question?"}})
		req, _ := http.NewRequest(http.MethodPost, gateway+"/api/v1/interviews", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Cookie", cookie)
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var iv struct {
			ID        string
			Questions []struct{ ID string }
		}
		_ = json.NewDecoder(res.Body).Decode(&iv)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			return nil, fmt.Errorf("create interview: %d", res.StatusCode)
		}
		out = append(out, benchInterview{iv.ID, iv.Questions[0].ID})
	}
	return out, nil
}

func put(client *http.Client, url, cookie, ct string, body []byte) (int, error) {
	code, _, err := putBody(client, url, cookie, ct, body)
	return code, err
}

func putBody(client *http.Client, url, cookie, ct string, body []byte) (int, []byte, error) {
	req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Cookie", cookie)
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.Bytes(), nil
}

// wavOf is a 16 kHz mono 16-bit WAV of n bytes of quiet noise.
func wavOf(n int) []byte {
	data := n - 44
	b := make([]byte, 44, n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+data))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], 16000)
	binary.LittleEndian.PutUint32(b[28:], 32000)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(data))
	var x uint32 = 1
	for len(b) < n {
		x = x*1664525 + 1013904223
		b = append(b, byte(x>>24)&0x0f)
	}
	return b
}

// sixtySeconds joins the spoken fixtures (about 64 s) into one WebM with
// ffmpeg, as a browser would have recorded it.
func sixtySeconds(dir string) ([]byte, float64, error) {
	tmp, err := os.MkdirTemp("", "moksho-bench-audio-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "answer.webm")
	args := []string{"-nostdin", "-loglevel", "error"}
	for _, f := range []string{"learn-fast-strong.wav", "slow-api-medium.wav", "feedback-weak.wav"} {
		args = append(args, "-i", filepath.Join(dir, f))
	}
	args = append(args, "-filter_complex", "[0:a][1:a][2:a]concat=n=3:v=0:a=1[a]", "-map", "[a]", "-c:a", "libopus", out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		return nil, 0, fmt.Errorf("make a 60 s answer with ffmpeg: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, 0, err
	}
	probe, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", out).Output()
	if err != nil {
		return nil, 0, err
	}
	var secs float64
	_, _ = fmt.Sscanf(string(probe), "%f", &secs)
	return data, secs, nil
}
