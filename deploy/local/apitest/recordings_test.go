package apitest

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// audioDir holds recorded answers (synthetic voices) in the formats a
// browser's MediaRecorder and other recorders produce.
const audioDir = "../../../services/evaluation/internal/media/testdata"

type recordedDoc struct {
	answerDoc
	Recorded              bool   `json:"recorded"`
	ContentType           string `json:"contentType"`
	MediaURL              string `json:"mediaUrl"`
	MachineTranscript     string `json:"machineTranscript"`
	TranscriptCorrected   bool   `json:"transcriptCorrected"`
	TranscriptCorrectable bool   `json:"transcriptCorrectable"`
	FailureReason         string `json:"failureReason"`
	Delivery              *struct {
		WordsPerMinute float64 `json:"wordsPerMinute"`
		TalkSeconds    float64 `json:"talkSeconds"`
	} `json:"delivery"`
}

// waitRecorded polls an answer until it settles, returning every status
// seen on the way.
func waitRecorded(t *testing.T, c *client, id string) (recordedDoc, []string) {
	t.Helper()
	var seen []string
	deadline := time.Now().Add(2 * time.Minute)
	for {
		r := c.call("GET", "/api/v1/answers/"+id, nil)
		expectStatus(t, r, 200)
		var a recordedDoc
		r.json(t, &a)
		if len(seen) == 0 || seen[len(seen)-1] != a.Status {
			seen = append(seen, a.Status)
		}
		if a.Status == "scored" || a.Status == "failed" {
			return a, seen
		}
		if time.Now().After(deadline) {
			t.Fatalf("answer %s still %s (seen %v)", id, a.Status, seen)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func putRecording(t *testing.T, c *client, iv interviewDoc, q int, contentType string, data []byte) response {
	t.Helper()
	return c.do("PUT", "/api/v1/interviews/"+iv.ID+"/questions/"+iv.Questions[q].ID+"/answer", contentType, data)
}

func TestRecordedAnswersAreTranscribedAndScored(t *testing.T) {
	c, _ := signedIn(t)
	iv := createInterview(t, c, map[string]any{"roleId": "backend-engineer", "customQuestions": []string{
		"Describe a time you received critical feedback. What did you do with it?",
		"How would you reduce the latency of a slow API endpoint?",
		"Tell me about a time you received critical feedback.",
		"Anything else?",
	}})
	for i, tc := range []struct{ file, ct string }{
		{"feedback-weak.webm", "video/webm;codecs=vp8,opus"},
		{"slow-api-medium.mp4", "video/mp4"},
		{"feedback-weak.ogg", "audio/ogg;codecs=opus"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(audioDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			r := putRecording(t, c, iv, i, tc.ct, data)
			expectStatus(t, r, 202)
			var acc struct{ AnswerID, Status string }
			r.json(t, &acc)
			if acc.Status != "received" {
				t.Fatalf("accepted as %q", acc.Status)
			}
			a, seen := waitRecorded(t, c, acc.AnswerID)
			if a.Status != "scored" {
				t.Fatalf("status %s (%s), seen %v", a.Status, a.FailureReason, seen)
			}
			if !a.Recorded || strings.TrimSpace(a.Transcript) == "" || a.Score == nil || a.Delivery == nil || a.Delivery.WordsPerMinute <= 0 || a.Delivery.TalkSeconds <= 0 {
				t.Fatalf("answer %+v", a)
			}
			delivery := false
			for _, d := range a.Dimensions {
				delivery = delivery || (d.Name == "delivery" && d.Feedback != "")
			}
			if !delivery {
				t.Errorf("no delivery dimension: %+v", a.Dimensions)
			}
			if !a.TranscriptCorrectable {
				t.Error("a practice transcript should be correctable")
			}
			// The candidate can watch it back through a short-lived link.
			res, err := http.Get(a.MediaURL)
			if err != nil {
				t.Fatal(err)
			}
			back, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !bytes.Equal(back, data) {
				t.Fatalf("playback: status %d, %d bytes of %d", res.StatusCode, len(back), len(data))
			}
		})
	}
}

func TestTranscriptCorrectionRescores(t *testing.T) {
	c, _ := signedIn(t)
	iv := createInterview(t, c, map[string]any{"roleId": "backend-engineer", "customQuestions": []string{
		"How would you reduce the latency of a slow API endpoint?", "Second question?"}})
	data, err := os.ReadFile(filepath.Join(audioDir, "slow-api-medium.webm"))
	if err != nil {
		t.Fatal(err)
	}
	r := putRecording(t, c, iv, 0, "video/webm", data)
	expectStatus(t, r, 202)
	var acc struct{ AnswerID string }
	r.json(t, &acc)
	before, _ := waitRecorded(t, c, acc.AnswerID)
	if before.Status != "scored" {
		t.Fatalf("status %s: %s", before.Status, before.FailureReason)
	}
	corrected := "First I would measure where the time goes with a profiler and the query plans. Then I would add the missing index, " +
		"batch the N plus one queries and cache hot reads in Redis. Finally I would compare p99 latency before and after: it fell from 900 to 120 milliseconds."
	r = c.call("PUT", "/api/v1/answers/"+acc.AnswerID+"/transcript", map[string]any{"text": corrected})
	expectStatus(t, r, 202)
	after, _ := waitRecorded(t, c, acc.AnswerID)
	if after.Status != "scored" || !after.TranscriptCorrected || after.Transcript != corrected || after.MachineTranscript != before.Transcript {
		t.Fatalf("after correction: %+v", after)
	}
	if *after.Score <= *before.Score {
		t.Errorf("a clearer transcript of the same answer scored %.1f, the machine one %.1f", *after.Score, *before.Score)
	}
	if p := c.call("POST", "/api/v1/answers/"+acc.AnswerID+"/retry", nil).problem(t); p.Status != 409 {
		t.Errorf("retrying a scored answer: %+v", p)
	}
	if p := c.call("PUT", "/api/v1/answers/"+acc.AnswerID+"/transcript", map[string]any{"text": ""}).problem(t); p.Status != 422 {
		t.Errorf("empty correction: %+v", p)
	}
}

func TestRecordingBadInput(t *testing.T) {
	c, _ := signedIn(t)
	iv := createInterview(t, c, map[string]any{"roleId": "backend-engineer"})
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 3000)...)
	for _, tc := range []struct {
		name, ct string
		data     []byte
		status   int
	}{
		{"png as webm", "video/webm", png, 415},
		{"empty", "audio/wav", nil, 422},
		{"pdf", "application/pdf", []byte("%PDF-1.4 ..."), 415},
		{"ogg as mp4", "video/mp4", mustRead(t, filepath.Join(audioDir, "feedback-weak.ogg")), 415},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p := putRecording(t, c, iv, 0, tc.ct, tc.data).problem(t); p.Status != tc.status {
				t.Fatalf("%+v", p)
			}
		})
	}
	// Nothing was kept: the interview shows no answer.
	r := c.call("GET", "/api/v1/interviews/"+iv.ID, nil)
	var got interviewDoc
	r.json(t, &got)
	if got.Questions[0].AnswerID != nil {
		t.Fatalf("a refused recording left an answer: %s", *got.Questions[0].AnswerID)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
