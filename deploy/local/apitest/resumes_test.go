package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/moksho/platform/pkg/pg"
)

// fixtureDir holds the sample resumes and their labels (the resumes
// service's test data; one copy in the repository).
const fixtureDir = "../../../services/resumes/testdata/resumes"

type label struct {
	ID       string   `json:"id"`
	Fmt      []string `json:"fmt"`
	Role     string   `json:"role"`
	Skills   []string `json:"skills"`
	Personal []string `json:"personal"`
}

func labels(t *testing.T) []label { return labelsIn(t, fixtureDir) }

// blindDir holds resumes written and labelled blind to the pipeline (see
// services/resumes/quality_blind_test.go).
const blindDir = "../../../services/resumes/testdata/resumes-blind"

func labelsIn(t *testing.T, dir string) []label {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ls []label
	if err := json.Unmarshal(b, &ls); err != nil {
		t.Fatal(err)
	}
	return ls
}

var contentTypes = map[string]string{
	"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"txt": "text/plain", "md": "text/markdown",
}

// upload posts a resume as a browser form would.
func upload(t *testing.T, c *client, filename, contentType string, data []byte, fields map[string]string) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if data != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
		h.Set("Content-Type", contentType)
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(data)
	}
	_ = mw.Close()
	return c.do("POST", "/api/v1/resumes", mw.FormDataContentType(), body.Bytes())
}

type assessmentDoc struct {
	ID             string   `json:"id"`
	TargetRole     string   `json:"targetRole"`
	FitScore       int      `json:"fitScore"`
	Skills         []string `json:"skills"`
	MissingSkills  []string `json:"missingSkills"`
	FitExplanation struct {
		RequiredFound   []string `json:"requiredFound"`
		RequiredMissing []string `json:"requiredMissing"`
		YearsExperience float64  `json:"yearsExperience"`
		Components      []struct {
			Name   string  `json:"name"`
			Points float64 `json:"points"`
		} `json:"components"`
	} `json:"fitExplanation"`
	KeywordCoverage *struct {
		Score   int                     `json:"score"`
		Found   []struct{ Term string } `json:"found"`
		Missing []struct{ Term string } `json:"missing"`
	} `json:"keywordCoverage"`
	Recommendations []struct {
		Kind, Message, Quote string
	} `json:"recommendations"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func TestRolesCatalog(t *testing.T) {
	r := newClient(t).call("GET", "/api/v1/roles", nil)
	expectStatus(t, r, 200)
	var doc struct {
		Roles []struct {
			ID, Title    string
			Skills       []string
			Competencies []string
		}
	}
	r.json(t, &doc)
	ids := map[string]bool{}
	for _, ro := range doc.Roles {
		ids[ro.ID] = true
		if ro.Title == "" || len(ro.Skills) == 0 || len(ro.Competencies) == 0 {
			t.Errorf("role %+v is incomplete", ro)
		}
	}
	for _, want := range []string{"backend-engineer", "frontend-engineer", "devops-engineer", "registered-nurse", "account-executive", "customer-support", "data-scientist", "product-manager"} {
		if !ids[want] {
			t.Errorf("catalog lacks %s", want)
		}
	}
	if len(doc.Roles) < 20 {
		t.Errorf("catalog has %d roles, want at least 20", len(doc.Roles))
	}
}

func TestResumeAssessmentOfEveryFixture(t *testing.T) {
	c, _ := signedIn(t)
	uploads := 0
	for _, l := range labels(t) {
		for _, f := range l.Fmt {
			uploads++
			t.Run(l.ID+"."+f, func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join(fixtureDir, l.ID+"."+f))
				if err != nil {
					t.Fatal(err)
				}
				r := upload(t, c, l.ID+"."+f, contentTypes[f], data, map[string]string{"targetRole": l.Role})
				expectStatus(t, r, 201)
				var a assessmentDoc
				r.json(t, &a)
				if a.ID == "" || a.TargetRole != l.Role || a.FitScore < 40 || a.FitScore > 100 {
					t.Fatalf("assessment: id %q role %q fit %d", a.ID, a.TargetRole, a.FitScore)
				}
				found := map[string]bool{}
				for _, s := range a.Skills {
					found[s] = true
				}
				hits := 0
				for _, s := range l.Skills {
					if found[s] {
						hits++
					}
				}
				if float64(hits) < 0.8*float64(len(l.Skills)) {
					t.Errorf("found %d of %d labelled skills: %v", hits, len(l.Skills), a.Skills)
				}
				if len(a.Recommendations) == 0 || len(a.FitExplanation.Components) == 0 {
					t.Errorf("no explanation or recommendations")
				}
				coached := false
				for _, rec := range a.Recommendations {
					coached = coached || (rec.Kind == "coach" && rec.Message == modelAdvice)
				}
				if !coached {
					t.Errorf("the configured model's advice is missing")
				}
				if d := time.Until(a.ExpiresAt); d < 89*24*time.Hour || d > 91*24*time.Hour {
					t.Errorf("expires in %s, want 90 days", d)
				}
				// It is listed and readable by its owner.
				g := c.call("GET", "/api/v1/resumes/"+a.ID, nil)
				expectStatus(t, g, 200)
			})
		}
	}
	r := c.call("GET", "/api/v1/resumes", nil)
	expectStatus(t, r, 200)
	var list struct{ Assessments []assessmentDoc }
	r.json(t, &list)
	if len(list.Assessments) != uploads {
		t.Fatalf("listed %d assessments, want %d", len(list.Assessments), uploads)
	}
}

func TestJobDescriptionCoverage(t *testing.T) {
	c, _ := signedIn(t)
	data, err := os.ReadFile(filepath.Join(fixtureDir, "product-manager.txt"))
	if err != nil {
		t.Fatal(err)
	}
	jd := `We are hiring a Product Manager for our payments platform. You will own the roadmap, run user research,
work with stakeholders across engineering and design, and define metrics with SQL and Amplitude.
Experience with payments, subscription billing and pricing experiments is a plus. You know Jira and Agile,
and you write clear product requirements. Payments experience matters: fraud, payments compliance.`
	// The role may be named by its title as well as its ID.
	r := upload(t, c, "pm.txt", "text/plain", data, map[string]string{"targetRole": "Product Manager", "jobDescription": jd})
	expectStatus(t, r, 201)
	var a assessmentDoc
	r.json(t, &a)
	if a.TargetRole != "product-manager" {
		t.Errorf("targetRole %q, want product-manager", a.TargetRole)
	}
	if a.KeywordCoverage == nil || a.KeywordCoverage.Score <= 0 || a.KeywordCoverage.Score >= 100 {
		t.Fatalf("coverage %+v", a.KeywordCoverage)
	}
	terms := func(ks []struct{ Term string }) string {
		var s []string
		for _, k := range ks {
			s = append(s, strings.ToLower(k.Term))
		}
		return strings.Join(s, ",")
	}
	if !strings.Contains(terms(a.KeywordCoverage.Found), "jira") || !strings.Contains(terms(a.KeywordCoverage.Missing), "payments") {
		t.Fatalf("found %s; missing %s", terms(a.KeywordCoverage.Found), terms(a.KeywordCoverage.Missing))
	}
	kinds := map[string]bool{}
	for _, rec := range a.Recommendations {
		kinds[rec.Kind] = true
	}
	if !kinds["missing_keywords"] {
		t.Fatalf("no missing-keyword advice: %+v", a.Recommendations)
	}
}

func TestResumeBadInputIsRefusedAndNothingStored(t *testing.T) {
	c, _ := signedIn(t)
	edge := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(fixtureDir, "edge", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	txt, _ := os.ReadFile(filepath.Join(fixtureDir, "product-manager.txt"))
	pdf, _ := os.ReadFile(filepath.Join(fixtureDir, "frontend.pdf"))
	big := bytes.Repeat([]byte("Experienced engineer. "), (6<<20)/22)
	cases := []struct {
		name, filename, ct string
		data               []byte
		fields             map[string]string
		status             int
	}{
		{"empty file", "empty.pdf", "application/pdf", edge("empty.pdf"), nil, 422},
		{"png named pdf", "resume.pdf", "application/pdf", edge("not-a-pdf.pdf"), nil, 415},
		{"scanned pdf", "scan.pdf", "application/pdf", edge("scanned-image-only.pdf"), nil, 422},
		{"zip bomb", "bomb.docx", contentTypes["docx"], edge("zip-bomb.docx"), nil, 413},
		{"over 5 MB", "long.txt", "text/plain", big, nil, 413},
		{"truncated pdf", "cut.pdf", "application/pdf", pdf[:len(pdf)/2], nil, 422},
		{"text named pdf", "resume.pdf", "application/pdf", txt, nil, 415},
		{"binary junk named pdf", "resume.pdf", "application/pdf", []byte("\x01\x02\xfe\xff junk \x00\x03 not a document \x7f\x80"), nil, 422},
		{"unsupported type", "resume.exe", "application/octet-stream", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), nil, 415},
		{"missing role", "pm.txt", "text/plain", txt, map[string]string{}, 422},
		{"unknown role", "pm.txt", "text/plain", txt, map[string]string{"targetRole": "astronaut"}, 422},
		{"missing file", "", "", nil, map[string]string{"targetRole": "product-manager"}, 422},
	}
	before := countAssessments(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fields := tc.fields
			if fields == nil {
				fields = map[string]string{"targetRole": "backend-engineer"}
			}
			r := upload(t, c, tc.filename, tc.ct, tc.data, fields)
			expectStatus(t, r, tc.status)
			if p := r.problem(t); p.Detail == "" {
				t.Fatalf("problem without a detail saying what to do: %+v", p)
			}
		})
	}
	if after := countAssessments(t); after != before {
		t.Fatalf("refused uploads stored %d assessments", after-before)
	}
	// Not JSON, not multipart.
	r := c.do("POST", "/api/v1/resumes", "application/json", []byte(`{}`))
	expectStatus(t, r, 415)
}

func TestOnlyOwnersSeeAssessments(t *testing.T) {
	owner, _ := signedIn(t)
	txt, _ := os.ReadFile(filepath.Join(fixtureDir, "product-manager.txt"))
	r := upload(t, owner, "pm.txt", "text/plain", txt, map[string]string{"targetRole": "product-manager"})
	expectStatus(t, r, 201)
	var a assessmentDoc
	r.json(t, &a)
	other, _ := signedIn(t)
	if p := other.call("GET", "/api/v1/resumes/"+a.ID, nil).problem(t); p.Status != 404 {
		t.Fatalf("someone else's assessment: %+v", p)
	}
	if p := newClient(t).call("GET", "/api/v1/resumes/"+a.ID, nil).problem(t); p.Status != 401 {
		t.Fatalf("anonymous: %+v", p)
	}
	if p := other.call("GET", "/api/v1/resumes/not-a-uuid", nil).problem(t); p.Status != 404 {
		t.Fatalf("bad id: %+v", p)
	}
}

func countAssessments(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	u, err := pg.WithDatabase(platform.DatabaseURL, dbPrefix+"resumes")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM assessments`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNothingPersonalFromAResumeIsKept uploads every fixture, then searches
// every database of the platform, the S3 store, every JetStream stream and
// the captured logs for each labelled item of personal data.
func TestNothingPersonalFromAResumeIsKept(t *testing.T) {
	c, _ := signedIn(t)
	var ls []label
	for _, dir := range []string{fixtureDir, blindDir} {
		for _, l := range labelsIn(t, dir) {
			ls = append(ls, l)
			for _, f := range l.Fmt {
				data, err := os.ReadFile(filepath.Join(dir, l.ID+"."+f))
				if err != nil {
					t.Fatal(err)
				}
				r := upload(t, c, l.ID+"."+f, contentTypes[f], data, map[string]string{"targetRole": l.Role})
				expectStatus(t, r, 201)
			}
		}
	}
	// Let the outbox relay publish everything.
	time.Sleep(500 * time.Millisecond)

	var needles []string
	for _, l := range ls {
		for _, p := range l.Personal {
			needles = append(needles, variants(p)...)
		}
	}
	var haystacks []haystack
	haystacks = append(haystacks, databaseDumps(t)...)
	haystacks = append(haystacks, streamDumps(t)...)
	haystacks = append(haystacks, s3Dump(t))
	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	haystacks = append(haystacks, haystack{"logs", strings.ToLower(string(logs))})
	prompts := model.allPrompts()
	if !strings.Contains(prompts, "resume (redacted)") {
		t.Fatal("the stand-in model was never asked: the check of what a model sees proves nothing")
	}
	haystacks = append(haystacks, haystack{"language-model prompts", prompts})
	if len(haystacks) < 4 {
		t.Fatalf("searched only %d places", len(haystacks))
	}
	for _, h := range haystacks {
		for i, n := range needles {
			if strings.Contains(h.text, n) {
				// Say where, never what.
				t.Errorf("personal item #%d found in %s", i, h.where)
			}
		}
	}
}

type haystack struct{ where, text string }

// variants of a personal item as it may appear: as written, lower-cased,
// digits only (phones), and each part of a name.
func variants(p string) []string {
	p = strings.ToLower(p)
	out := []string{p}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p)
	if len(digits) >= 8 && len(digits) >= len(p)/2 {
		out = append(out, digits)
	}
	if !strings.ContainsAny(p, "@./0123456789") {
		for _, part := range strings.Fields(p) {
			if len(part) >= 4 {
				out = append(out, part)
			}
		}
	}
	return out
}

func databaseDumps(t *testing.T) []haystack {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, platform.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	rows, _ := admin.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE $1`, dbPrefix+"%")
	dbs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(dbs) < 2 {
		t.Fatalf("platform databases: %v %v", dbs, err)
	}
	var out []haystack
	for _, db := range dbs {
		u, _ := pg.WithDatabase(platform.DatabaseURL, db)
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		trows, _ := conn.Query(ctx, `SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname = 'public'`)
		tables, _ := pgx.CollectRows(trows, pgx.RowTo[string])
		for _, tbl := range tables {
			var dump string
			q := fmt.Sprintf(`SELECT coalesce(string_agg(lower(t::text), E'\n'), '') FROM %s t`, tbl)
			if err := conn.QueryRow(ctx, q).Scan(&dump); err != nil {
				t.Fatalf("dump %s.%s: %v", db, tbl, err)
			}
			out = append(out, haystack{db + "." + tbl, dump})
		}
		conn.Close(ctx)
	}
	return out
}

func streamDumps(t *testing.T) []haystack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nc, err := nats.Connect(platform.NATSURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	var out []haystack
	names := js.StreamNames(ctx)
	for name := range names.Name() {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := s.Info(ctx)
		var b strings.Builder
		if info.State.Msgs > 0 {
			cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
			if err != nil {
				t.Fatal(err)
			}
			for range info.State.Msgs {
				msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
				if err != nil {
					t.Fatalf("read %s: %v", name, err)
				}
				b.WriteString(strings.ToLower(string(msg.Data())))
				for k, vs := range msg.Headers() {
					b.WriteString(strings.ToLower(k + strings.Join(vs, " ")))
				}
			}
		}
		out = append(out, haystack{"stream " + name, b.String()})
	}
	if len(out) == 0 {
		t.Fatal("no streams found")
	}
	return out
}

// s3Dump reads every object of every bucket of the platform's S3.
func s3Dump(t *testing.T) haystack {
	t.Helper()
	res, err := http.Get(platform.S3URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	list, _ := io.ReadAll(res.Body)
	var b strings.Builder
	b.WriteString(strings.ToLower(string(list)))
	// Bucket listing is XML; fetch each bucket's listing and objects.
	for _, bucket := range xmlValues(string(list), "Name") {
		lr, err := http.Get(platform.S3URL + "/" + bucket)
		if err != nil {
			t.Fatal(err)
		}
		keys, _ := io.ReadAll(lr.Body)
		lr.Body.Close()
		for _, key := range xmlValues(string(keys), "Key") {
			or, err := http.Get(platform.S3URL + "/" + bucket + "/" + key)
			if err != nil {
				t.Fatal(err)
			}
			obj, _ := io.ReadAll(or.Body)
			or.Body.Close()
			b.WriteString(strings.ToLower(key + string(obj)))
		}
	}
	return haystack{"s3", b.String()}
}

func xmlValues(doc, tag string) []string {
	var out []string
	for {
		i := strings.Index(doc, "<"+tag+">")
		if i < 0 {
			return out
		}
		doc = doc[i+len(tag)+2:]
		j := strings.Index(doc, "</"+tag+">")
		if j < 0 {
			return out
		}
		out = append(out, doc[:j])
		doc = doc[j:]
	}
}
