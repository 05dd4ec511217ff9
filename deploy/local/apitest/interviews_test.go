package apitest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

type interviewDoc struct {
	ID        string `json:"id"`
	RoleID    string `json:"roleId"`
	Status    string `json:"status"`
	Questions []struct {
		ID, Text, Kind, Competency, Skill string
		AnswerID                          *string  `json:"answerId"`
		AnswerScore                       *float64 `json:"answerScore"`
	} `json:"questions"`
	OverallScore *float64 `json:"overallScore"`
	BestAnswerID *string  `json:"bestAnswerId"`
}

type answerDoc struct {
	ID         string   `json:"id"`
	Status     string   `json:"status"`
	Transcript string   `json:"transcript"`
	Score      *float64 `json:"score"`
	Dimensions []struct {
		Name     string  `json:"name"`
		Score    float64 `json:"score"`
		Feedback string  `json:"feedback"`
	} `json:"dimensions"`
	Feedback string `json:"feedback"`
}

func createInterview(t *testing.T, c *client, body map[string]any) interviewDoc {
	t.Helper()
	r := c.call("POST", "/api/v1/interviews", body)
	expectStatus(t, r, 201)
	var iv interviewDoc
	r.json(t, &iv)
	return iv
}

func answer(t *testing.T, c *client, ivID, qID, text string) string {
	t.Helper()
	r := c.do("PUT", "/api/v1/interviews/"+ivID+"/questions/"+qID+"/answer", "text/plain; charset=utf-8", []byte(text))
	expectStatus(t, r, 202)
	var res struct{ AnswerID, Status string }
	r.json(t, &res)
	if res.AnswerID == "" || res.Status == "" {
		t.Fatalf("answer response %s", r.body)
	}
	return res.AnswerID
}

// waitScored polls an answer until it is scored, as a client would.
func waitScored(t *testing.T, c *client, answerID string) answerDoc {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := c.call("GET", "/api/v1/answers/"+answerID, nil)
		expectStatus(t, r, 200)
		var a answerDoc
		r.json(t, &a)
		if a.Status == "scored" {
			return a
		}
		if a.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("answer %s: status %s", answerID, a.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitInterview(t *testing.T, c *client, id, status string) interviewDoc {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := c.call("GET", "/api/v1/interviews/"+id, nil)
		expectStatus(t, r, 200)
		var iv interviewDoc
		r.json(t, &iv)
		if iv.Status == status {
			return iv
		}
		if time.Now().After(deadline) {
			t.Fatalf("interview %s stayed %s, want %s", id, iv.Status, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestInterviewMixOfQuestions(t *testing.T) {
	c, _ := signedIn(t)
	iv := createInterview(t, c, map[string]any{"roleId": "backend-engineer"})
	if iv.ID == "" || iv.Status != "in_progress" || len(iv.Questions) != 5 {
		t.Fatalf("interview %+v", iv)
	}
	kinds := map[string]int{}
	topics := map[string]bool{}
	for _, q := range iv.Questions {
		kinds[q.Kind]++
		topic := q.Competency + "|" + q.Skill
		if topics[topic] {
			t.Errorf("two questions on %s", topic)
		}
		topics[topic] = true
		if !strings.HasSuffix(strings.TrimSpace(q.Text), "?") && !strings.HasSuffix(strings.TrimSpace(q.Text), ".") {
			t.Errorf("question %q", q.Text)
		}
	}
	if kinds["behavioural"] < 1 || kinds["technical"]+kinds["situational"] < 1 {
		t.Errorf("mix %v", kinds)
	}
	// A second interview for the same role asks different bank questions.
	again := createInterview(t, c, map[string]any{"roleId": "backend-engineer"})
	seen := map[string]bool{}
	for _, q := range iv.Questions {
		seen[q.Text] = true
	}
	for _, q := range again.Questions {
		if seen[q.Text] {
			t.Errorf("question repeated for the same candidate: %q", q.Text)
		}
	}
}

func TestInterviewFromResumeAndCustomQuestions(t *testing.T) {
	c, _ := signedIn(t)
	data, err := os.ReadFile(filepath.Join(fixtureDir, "backend-go.docx"))
	if err != nil {
		t.Fatal(err)
	}
	r := upload(t, c, "backend-go.docx", contentTypes["docx"], data, map[string]string{"targetRole": "backend-engineer"})
	expectStatus(t, r, 201)
	var a assessmentDoc
	r.json(t, &a)
	iv := createInterview(t, c, map[string]any{"roleId": "backend-engineer", "assessmentId": a.ID})
	resumeQ := 0
	for _, q := range iv.Questions {
		if q.Kind == "resume" {
			resumeQ++
		}
	}
	if resumeQ == 0 {
		t.Errorf("no resume-grounded question: %+v", iv.Questions)
	}

	// Custom questions come back exactly as sent, spaces and line breaks
	// included, in order; a role may be named by its title.
	custom := []string{"Why do you want to work on payments infrastructure?", "  How would you design\na rate limiter for a public API? "}
	iv = createInterview(t, c, map[string]any{"roleId": "Backend Engineer", "customQuestions": custom})
	if iv.RoleID != "backend-engineer" || len(iv.Questions) != 2 || iv.Questions[0].Text != custom[0] || iv.Questions[1].Text != custom[1] || iv.Questions[0].Kind != "custom" {
		t.Fatalf("custom interview %+v", iv)
	}
}

// TestQuestionsNameWhatTheyAssess checks every question carries the
// competency field DESIGN.md lists: a string for behavioural, technical and
// resume questions (a behavioural one names one of the role's
// competencies), null for the role's situational dilemmas and the
// candidate's own questions.
func TestQuestionsNameWhatTheyAssess(t *testing.T) {
	c, _ := signedIn(t)
	var roles struct {
		Roles []struct {
			ID           string
			Competencies []string
		}
	}
	c.call("GET", "/api/v1/roles", nil).json(t, &roles)
	var competencies []string
	for _, r := range roles.Roles {
		if r.ID == "registered-nurse" {
			competencies = r.Competencies
		}
	}
	check := func(body map[string]any, custom bool) {
		r := c.call("POST", "/api/v1/interviews", body)
		expectStatus(t, r, 201)
		var iv struct {
			Questions []map[string]any `json:"questions"`
		}
		r.json(t, &iv)
		for _, q := range iv.Questions {
			comp, present := q["competency"]
			switch {
			case !present:
				t.Errorf("question without competency: %v", q)
			case custom && comp != nil:
				t.Errorf("custom question with competency %v", comp)
			case !custom && q["kind"] != "situational" && (comp == nil || comp == ""):
				t.Errorf("built-in question with competency %v: %v", comp, q)
			case q["kind"] == "behavioural" && !slices.Contains(competencies, comp.(string)):
				t.Errorf("behavioural question's competency %v is not one of the role's %v", comp, competencies)
			}
		}
	}
	check(map[string]any{"roleId": "registered-nurse"}, false)
	check(map[string]any{"roleId": "registered-nurse", "customQuestions": []string{"Why nursing?"}}, true)
}

func TestInterviewBadInput(t *testing.T) {
	c, _ := signedIn(t)
	for _, tc := range []struct {
		body   map[string]any
		status int
		field  string
	}{
		{map[string]any{}, 422, "roleId"},
		{map[string]any{"roleId": "astronaut"}, 422, "roleId"},
		{map[string]any{"roleId": "backend-engineer", "assessmentId": "00000000-0000-7000-8000-000000000000"}, 422, "assessmentId"},
		{map[string]any{"roleId": "backend-engineer", "customQuestions": []string{"  "}}, 422, "customQuestions"},
		{map[string]any{"roleId": "backend-engineer", "customQuestions": "one"}, 400, "customQuestions"},
	} {
		p := c.call("POST", "/api/v1/interviews", tc.body).problem(t)
		if p.Status != tc.status || (tc.field != "" && !p.hasError(tc.field, "")) {
			t.Errorf("%v: %+v", tc.body, p)
		}
	}
	rec := newClient(t)
	body := map[string]any{"email": uniqueEmail("rec"), "password": goodPassword, "name": "R", "role": "recruiter",
		"organization": "Acme", "acceptPolicyVersion": currentPolicy(t)}
	expectStatus(t, rec.call("POST", "/api/v1/accounts", body), 201)
	expectStatus(t, login(t, rec, body["email"].(string), goodPassword), 200)
	if p := rec.call("POST", "/api/v1/interviews", map[string]any{"roleId": "backend-engineer"}).problem(t); p.Status != 403 {
		t.Errorf("recruiter practising: %+v", p)
	}
}

type gradedSet struct {
	Questions []struct {
		ID, Text string
		Answers  []struct {
			Grade int
			Text  string
		}
	}
}

func graded(t *testing.T) gradedSet {
	t.Helper()
	b, err := os.ReadFile("../../../services/evaluation/internal/score/testdata/graded-answers.json")
	if err != nil {
		t.Fatal(err)
	}
	var g gradedSet
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestTypedAnswersAreScoredAndTheInterviewCompletesItself answers every
// question of an interview with the candidate's own questions (the graded
// ones), and expects: each answer scored with explained dimensions, the
// graded order kept, and the interview scored by itself once the last
// answer is, with its best answer and a result entry.
func TestTypedAnswersAreScoredAndTheInterviewCompletesItself(t *testing.T) {
	c, _ := signedIn(t)
	g := graded(t)
	var texts []string
	for _, q := range g.Questions {
		texts = append(texts, q.Text)
	}
	iv := createInterview(t, c, map[string]any{"roleId": "backend-engineer", "customQuestions": texts})
	scores := map[int]float64{}
	var bestID string
	best := -1.0
	for i, q := range g.Questions {
		// Answer with the weakest first, then replace it with the strongest:
		// the second answer replaces the first. The last question gets its
		// strong answer only: its first scored answer completes the
		// interview, after which answers can no longer change.
		weak := q.Answers[len(q.Answers)-1]
		strong := q.Answers[0]
		last := i == len(g.Questions)-1
		var w answerDoc
		if !last {
			w = waitScored(t, c, answer(t, c, iv.ID, iv.Questions[i].ID, weak.Text))
		}
		second := answer(t, c, iv.ID, iv.Questions[i].ID, strong.Text)
		s := waitScored(t, c, second)
		if !last && *s.Score <= *w.Score {
			t.Errorf("%s: graded %d scored %.1f, graded %d scored %.1f", q.ID, strong.Grade, *s.Score, weak.Grade, *w.Score)
		}
		if len(s.Dimensions) < 4 || s.Feedback == "" || s.Transcript != strings.TrimSpace(strong.Text) {
			t.Errorf("answer lacks dimensions/feedback/transcript: %+v", s)
		}
		for _, d := range s.Dimensions {
			if d.Score < 0 || d.Score > 10 || d.Feedback == "" {
				t.Errorf("dimension %+v", d)
			}
		}
		scores[i] = *s.Score
		if *s.Score > best {
			best, bestID = *s.Score, second
		}
	}
	done := waitInterview(t, c, iv.ID, "scored")
	if done.OverallScore == nil || done.BestAnswerID == nil || *done.BestAnswerID != bestID {
		t.Fatalf("scored interview %+v, want best %s", done, bestID)
	}
	sum := 0.0
	for _, s := range scores {
		sum += s
	}
	if want := sum / float64(len(scores)); abs(*done.OverallScore-want) > 0.051 {
		t.Errorf("overall %.2f, want the mean %.2f", *done.OverallScore, want)
	}
	// Finished: answers can no longer change.
	r := c.do("PUT", "/api/v1/interviews/"+iv.ID+"/questions/"+iv.Questions[0].ID+"/answer", "text/plain", []byte("late answer"))
	if p := r.problem(t); p.Status != 409 {
		t.Fatalf("answer after completion: %+v", p)
	}
	res := c.call("GET", "/api/v1/results", nil)
	expectStatus(t, res, 200)
	var results struct {
		Results []struct {
			InterviewID  string
			OverallScore float64
			Answered     int
			Dimensions   []struct{ Name string }
		}
	}
	res.json(t, &results)
	if len(results.Results) != 1 || results.Results[0].InterviewID != iv.ID || results.Results[0].Answered != len(g.Questions) || len(results.Results[0].Dimensions) < 4 {
		t.Fatalf("results %+v", results)
	}
}

func TestCompleteCountsUnansweredAsMissing(t *testing.T) {
	c, _ := signedIn(t)
	iv := createInterview(t, c, map[string]any{"roleId": "data-analyst"})
	g := graded(t)
	id := answer(t, c, iv.ID, iv.Questions[0].ID, g.Questions[0].Answers[0].Text)
	a := waitScored(t, c, id)
	r := c.call("POST", "/api/v1/interviews/"+iv.ID+"/complete", nil)
	expectStatus(t, r, 202)
	done := waitInterview(t, c, iv.ID, "scored")
	want := *a.Score / float64(len(iv.Questions))
	if done.OverallScore == nil || abs(*done.OverallScore-want) > 0.051 {
		t.Fatalf("overall %v, want %.2f (one answer of %d)", done.OverallScore, want, len(iv.Questions))
	}
	// Completing again is harmless.
	expectStatus(t, c.call("POST", "/api/v1/interviews/"+iv.ID+"/complete", nil), 202)
}

func TestAnswerBadInput(t *testing.T) {
	c, _ := signedIn(t)
	iv := createInterview(t, c, map[string]any{"roleId": "qa-engineer"})
	path := "/api/v1/interviews/" + iv.ID + "/questions/" + iv.Questions[0].ID + "/answer"
	cases := []struct {
		name, ct string
		body     []byte
		status   int
	}{
		{"empty", "text/plain", nil, 422},
		{"blank", "text/plain", []byte("   \n "), 422},
		{"too long", "text/plain", []byte(strings.Repeat("word ", 20000)), 413},
		{"json", "application/json", []byte(`{"text":"hi"}`), 415},
		{"not utf-8", "text/plain", []byte{0xff, 0xfe, 0x41}, 422},
		{"binary without a type", "", []byte{0xff, 0xfe, 0x00, 0x41}, 415},
	}
	for _, tc := range cases {
		r := c.do("PUT", path, tc.ct, tc.body)
		if p := r.problem(t); p.Status != tc.status {
			t.Errorf("%s: %+v", tc.name, p)
		}
	}
	// Text sent without a type is a typed answer.
	expectStatus(t, c.do("PUT", path, "", []byte("I would write the test plan around the riskiest flows first.")), 202)
	other, _ := signedIn(t)
	if p := other.do("PUT", path, "text/plain", []byte("an answer")).problem(t); p.Status != 404 {
		t.Errorf("someone else's interview: %+v", p)
	}
	if p := other.call("GET", "/api/v1/interviews/"+iv.ID, nil).problem(t); p.Status != 404 {
		t.Errorf("reading someone else's interview: %+v", p)
	}
	if p := c.do("PUT", "/api/v1/interviews/"+iv.ID+"/questions/00000000-0000-7000-8000-000000000000/answer", "text/plain", []byte("x")).problem(t); p.Status != 404 {
		t.Errorf("unknown question: %+v", p)
	}
	id := answer(t, c, iv.ID, iv.Questions[0].ID, "I would start by writing a test plan covering the risky flows first.")
	if p := other.call("GET", "/api/v1/answers/"+id, nil).problem(t); p.Status != 404 {
		t.Errorf("someone else's answer: %+v", p)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
