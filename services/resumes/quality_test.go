package resumes_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/moksho/platform/services/resumes/internal/assess"
	"github.com/moksho/platform/services/resumes/internal/extract"
	"github.com/moksho/platform/services/resumes/internal/skills"
)

// TestQuality measures the whole pipeline on the labelled fixtures as a
// user's upload goes through it (the real PDF and DOCX files through our
// own extraction, then the skills matcher and the scorer): skills
// precision and recall against the labels (goal >= 0.9 each), and whether
// each resume's labelled role ranks first among all catalog roles.
// `make bench` prints its log for docs/benchmarks.md.
func TestQuality(t *testing.T) {
	dir := "testdata/resumes"
	b, err := os.ReadFile(filepath.Join(dir, "labels.json"))
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
	roles := catalog(t)
	cache, _ := os.UserCacheDir()
	if err := extract.Warm(filepath.Join(cache, "moksho", "pdfium-test")); err != nil {
		t.Fatal(err)
	}
	tax := skills.Default()
	var tp, fp, fn int
	for _, l := range labels {
		for _, f := range l.Fmt {
			name := l.ID + "." + f
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := extract.Extract(data, name, "")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want := map[string]bool{}
			for _, s := range l.Skills {
				want[s] = true
			}
			got := map[string]bool{}
			for _, m := range tax.Find(doc.Text) {
				got[m.Skill] = true
			}
			var ftp, ffp, ffn int
			var extra, missed []string
			for s := range got {
				if want[s] {
					ftp++
				} else {
					ffp++
					extra = append(extra, s)
				}
			}
			for s := range want {
				if !got[s] {
					ffn++
					missed = append(missed, s)
				}
			}
			tp, fp, fn = tp+ftp, fp+ffp, fn+ffn
			sort.Strings(extra)
			sort.Strings(missed)

			ranking, rank := rankRoles(tax, roles, doc, l.Role)
			t.Logf("| %s | %.3f | %.3f | %v | %v | %s %d | %s %d | %d |", name,
				ratio(ftp, ftp+ffp), ratio(ftp, ftp+ffn), missed, extra,
				ranking[0].id, ranking[0].score, ranking[1].id, ranking[1].score, rank)
			if rank != 1 {
				t.Errorf("%s: its role %s ranks %d", name, l.Role, rank)
			}
		}
	}
	p, r := ratio(tp, tp+fp), ratio(tp, tp+fn)
	t.Logf("overall skills precision %.3f, recall %.3f (tp %d, fp %d, fn %d; goal >= 0.9 each)", p, r, tp, fp, fn)
	if p < 0.9 || r < 0.9 {
		t.Errorf("precision %.3f / recall %.3f below 0.9", p, r)
	}
}

// rankedRole is a role and the resume's fit score for it.
type rankedRole struct {
	id    string
	score int
}

// rankRoles assesses doc against every role, best first, and returns the
// 1-based rank of role among them (0 if absent).
func rankRoles(tax *skills.Taxonomy, roles []assess.Role, doc extract.Document, role string) ([]rankedRole, int) {
	var ranking []rankedRole
	for _, r := range roles {
		res := assess.Assess(tax, assess.Input{Text: doc.Text, Pages: doc.Pages, Role: r, Now: time.Now()})
		ranking = append(ranking, rankedRole{r.ID, res.FitScore})
	}
	sort.SliceStable(ranking, func(i, j int) bool { return ranking[i].score > ranking[j].score })
	for i, s := range ranking {
		if s.id == role {
			return ranking, i + 1
		}
	}
	return ranking, 0
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// catalog reads the interviews service's role catalog file.
func catalog(t *testing.T) []assess.Role {
	t.Helper()
	b, err := os.ReadFile("../interviews/internal/catalog/roles.yaml")
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
