package assess_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/moksho/platform/services/resumes/internal/assess"
	"github.com/moksho/platform/services/resumes/internal/skills"
)

var now = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

type fixture struct {
	ID, Role string
	Text     string
	Skills   []string
}

// fixtures are plain-text transcriptions of the sample resumes (made by
// the skills package's tests) with their labels.
func fixtures(t *testing.T) []fixture {
	t.Helper()
	b, err := os.ReadFile("../../testdata/resumes/labels.json")
	if err != nil {
		t.Fatal(err)
	}
	var labels []struct {
		ID, Role string
		Fmt      []string
		Skills   []string
	}
	if err := json.Unmarshal(b, &labels); err != nil {
		t.Fatal(err)
	}
	var out []fixture
	for _, l := range labels {
		text, err := os.ReadFile(filepath.Join("../skills/testdata", l.ID+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fixture{ID: l.ID, Role: l.Role, Text: string(text), Skills: l.Skills})
	}
	return out
}

// catalogRoles reads the interviews service's catalog file (not its code:
// the services share no packages).
func catalogRoles(t *testing.T) []assess.Role {
	t.Helper()
	b, err := os.ReadFile("../../../interviews/internal/catalog/roles.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Roles []struct {
			ID           string   `yaml:"id"`
			Title        string   `yaml:"title"`
			TitleAliases []string `yaml:"titleAliases"`
			Required     []string `yaml:"required"`
			NiceToHave   []string `yaml:"niceToHave"`
		} `yaml:"roles"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out []assess.Role
	for _, r := range doc.Roles {
		out = append(out, assess.Role{ID: r.ID, Title: r.Title, TitleAliases: r.TitleAliases, Required: r.Required, NiceToHave: r.NiceToHave})
	}
	if len(out) < 20 {
		t.Fatalf("catalog has %d roles", len(out))
	}
	return out
}

// TestOwnRoleRanksFirst: a resume scored against its own role beats the
// same resume scored against every other role of the catalog.
func TestOwnRoleRanksFirst(t *testing.T) {
	tax := skills.Default()
	roles := catalogRoles(t)
	for _, f := range fixtures(t) {
		type scored struct {
			id    string
			score int
		}
		var all []scored
		for _, r := range roles {
			res := assess.Assess(tax, assess.Input{Text: f.Text, Role: r, Now: now})
			all = append(all, scored{r.ID, res.FitScore})
		}
		sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
		if all[0].id != f.Role {
			t.Errorf("%s: best role %s (%d), own role %s; top 3 %v", f.ID, all[0].id, all[0].score, f.Role, all[:3])
			continue
		}
		if all[0].score-all[1].score < 5 {
			t.Errorf("%s: own role leads by %d points only (%v)", f.ID, all[0].score-all[1].score, all[:3])
		}
		t.Logf("%s: %v", f.ID, all[:3])
	}
}

func TestExplanationAddsUp(t *testing.T) {
	tax := skills.Default()
	role := roleByID(t, "backend-engineer")
	for _, f := range fixtures(t) {
		for _, jd := range []string{"", "We need Go, Kubernetes and Terraform. Terraform daily; on-call rotation; on-call."} {
			res := assess.Assess(tax, assess.Input{Text: f.Text, Role: role, JobDescription: jd, Now: now})
			sum, max := 0.0, 0.0
			for _, c := range res.Explanation.Components {
				sum += c.Points
				max += c.MaxPoints
				if c.Points < 0 || c.Points > c.MaxPoints+1e-9 {
					t.Errorf("%s: component %+v out of range", f.ID, c)
				}
			}
			if int(sum+0.5) != res.FitScore && abs(sum-float64(res.FitScore)) > 1 {
				t.Errorf("%s: components add to %.1f, fit score %d", f.ID, sum, res.FitScore)
			}
			if abs(max-100) > 1e-6 {
				t.Errorf("%s: components' maxima add to %.1f", f.ID, max)
			}
			if (jd != "") != (res.Coverage != nil) {
				t.Errorf("%s: coverage present=%v with jd %q", f.ID, res.Coverage != nil, jd)
			}
			if len(res.Explanation.RequiredFound)+len(res.Explanation.RequiredMissing) != len(role.Required) {
				t.Errorf("%s: required split does not cover the role", f.ID)
			}
		}
	}
}

func TestJobDescriptionCoverage(t *testing.T) {
	tax := skills.Default()
	resume := "Backend engineer\nSKILLS\nGo, PostgreSQL, Docker\nEXPERIENCE\nEngineer, Acme (2019 - Present)\n- Built billing APIs in Go serving 2M requests a day\n"
	jd := `Backend Engineer, Payments. You will build payment APIs in Go and run them on Kubernetes.
Payment systems experience required; we reconcile payment ledgers daily. Terraform is a plus. Go, Go, Go.`
	res := assess.Assess(tax, assess.Input{Text: resume, Role: roleByID(t, "backend-engineer"), JobDescription: jd, Now: now})
	c := res.Coverage
	if c == nil || c.Score <= 0 || c.Score >= 100 {
		t.Fatalf("coverage %+v", c)
	}
	has := func(ks []assess.Keyword, term string) bool {
		for _, k := range ks {
			if strings.EqualFold(k.Term, term) {
				return true
			}
		}
		return false
	}
	if !has(c.Found, "Go") || !has(c.Missing, "Kubernetes") || !has(c.Missing, "Terraform") || !has(c.Missing, "payment") {
		t.Fatalf("found %+v missing %+v", c.Found, c.Missing)
	}
	for _, k := range c.Found {
		if k.Term == "Go" && k.Weight <= 2 {
			t.Errorf("a skill named four times should weigh more than one named once: %+v", k)
		}
	}
}

func TestExperienceFromDateRanges(t *testing.T) {
	tax := skills.Default()
	role := roleByID(t, "backend-engineer")
	cases := []struct {
		text string
		want float64
	}{
		{"EXPERIENCE\nEngineer, A (Jan 2020 - Dec 2021)\nEngineer, B (Jan 2022 – Present)", 6.9},
		{"EXPERIENCE\nA 2016-2019\nB 2018 - 2020", 5},    // overlaps count once
		{"EXPERIENCE\nA 03/2018 to 02/2020\n", 2},        // month numbers
		{"EXPERIENCE\nA September 2025 - now\n", 1.2},    // month names, "now"
		{"EDUCATION\nBSc 2012 - 2016\nEXPERIENCE\nA", 0}, // school years are not experience
		{"no dates at all", 0},
	}
	for _, tc := range cases {
		res := assess.Assess(tax, assess.Input{Text: tc.text, Role: role, Now: now})
		if got := res.Explanation.YearsExperience; abs(got-tc.want) > 0.15 {
			t.Errorf("%q: %.1f years, want %.1f", tc.text, got, tc.want)
		}
	}
}

func TestRecommendationsAreSpecificAndScrubbed(t *testing.T) {
	tax := skills.Default()
	text := `Asha Rao
SUMMARY
Engineer.
EXPERIENCE
Engineer, Acme (2019 - Present)
- Responsible for the payments service that Asha Rao built with the team
- Reduced p99 latency by 40% by moving hot reads to Redis
- Worked on the internal developer platform and its tooling
`
	scrub := func(s string) string { return strings.ReplaceAll(s, "Asha Rao", "[NAME]") }
	res := assess.Assess(tax, assess.Input{Text: text, Role: roleByID(t, "backend-engineer"), Scrub: scrub, Now: now})
	kinds := map[string][]assess.Recommendation{}
	for _, r := range res.Recommendations {
		kinds[r.Kind] = append(kinds[r.Kind], r)
		if strings.Contains(r.Quote, "Asha") || strings.Contains(r.Message, "Asha") {
			t.Errorf("recommendation carries the name: %+v", r)
		}
	}
	if len(kinds[assess.KindWeakVerb]) != 2 || len(kinds[assess.KindUnquantified]) != 2 {
		t.Errorf("weak verbs %d, unquantified %d: %+v", len(kinds[assess.KindWeakVerb]), len(kinds[assess.KindUnquantified]), res.Recommendations)
	}
	for _, r := range kinds[assess.KindUnquantified] {
		if strings.Contains(r.Quote, "40%") {
			t.Errorf("a quantified bullet was flagged: %q", r.Quote)
		}
	}
	if len(kinds[assess.KindMissingSkills]) != 1 || len(kinds[assess.KindMissingSection]) < 2 || len(kinds[assess.KindLength]) != 1 {
		t.Errorf("expected missing skills, sections (skills, education) and length advice: %+v", res.Recommendations)
	}
}

func BenchmarkAssess(b *testing.B) {
	tax := skills.Default()
	text, err := os.ReadFile("../skills/testdata/backend-go.txt")
	if err != nil {
		b.Fatal(err)
	}
	role := assess.Role{ID: "backend-engineer", Title: "Backend Engineer", Required: []string{"Go", "PostgreSQL", "Docker"}, NiceToHave: []string{"Kafka"}}
	jd := "We need Go, Kubernetes, Terraform and payments experience. Payments, payments."
	for b.Loop() {
		assess.Assess(tax, assess.Input{Text: string(text), Role: role, JobDescription: jd, Now: now})
	}
}

func roleByID(t *testing.T, id string) assess.Role {
	t.Helper()
	for _, r := range catalogRoles(t) {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no role %s", id)
	return assess.Role{}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
