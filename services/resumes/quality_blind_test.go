package resumes_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/moksho/platform/services/resumes/internal/extract"
	"github.com/moksho/platform/services/resumes/internal/redact"
	"github.com/moksho/platform/services/resumes/internal/skills"
)

// TestQualityBlind measures the pipeline on resumes written and labelled
// by a separate author who saw neither the skills taxonomy nor the role
// catalog (testdata/resumes-blind): the labels name skills the usual way,
// so each is read through the taxonomy first; a label the taxonomy does
// not know at all counts as missed. It reports skills recall and precision
// against the labels (a label list is a reader's choice of the key skills,
// so precision is a floor: an extracted skill the author did not list may
// still be right), where each resume's role ranks, and that redaction
// removes every piece of personal data the author listed.
func TestQualityBlind(t *testing.T) {
	dir := "testdata/resumes-blind"
	b, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	var labels []struct {
		ID, Role string
		Fmt      []string
		Skills   []string
		Personal []string
	}
	if err := json.Unmarshal(b, &labels); err != nil {
		t.Fatal(err)
	}
	roles := catalog(t)
	tax := skills.Default()
	var found, wanted, right, extracted, firsts int
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
			got := map[string]bool{}
			for _, m := range tax.Find(doc.Text) {
				got[m.Skill] = true
			}
			want := map[string]bool{}
			var missed []string
			for _, s := range l.Skills {
				ms := tax.Find(s)
				hit := false
				for _, m := range ms {
					want[m.Skill] = true
					hit = hit || got[m.Skill]
				}
				wanted++
				if hit {
					found++
				} else if len(ms) == 0 {
					missed = append(missed, s+" (unknown)")
				} else {
					missed = append(missed, s)
				}
			}
			var extra []string
			for s := range got {
				extracted++
				if want[s] {
					right++
				} else {
					extra = append(extra, s)
				}
			}
			sort.Strings(extra)

			ranking, rank := rankRoles(tax, roles, doc, l.Role)
			if rank == 1 {
				firsts++
			}
			t.Logf("| %s | missed %v | not labelled %v | first %s %d, second %s %d | own role rank %d |",
				name, missed, extra, ranking[0].id, ranking[0].score, ranking[1].id, ranking[1].score, rank)
			if rank != 1 {
				t.Errorf("%s: its role %s ranks %d", name, l.Role, rank)
			}

			red := redact.Redact(doc.Text)
			for _, p := range l.Personal {
				if strings.Contains(strings.ToLower(red.Text), strings.ToLower(p)) {
					t.Errorf("%s: %q survives redaction", name, p)
				}
			}
		}
	}
	recall, precision := ratio(found, wanted), ratio(right, extracted)
	t.Logf("blind overall: skills recall %.3f (%d of %d labels), precision against the labels %.3f (%d of %d extracted), own role first for %d of %d",
		recall, found, wanted, precision, right, extracted, firsts, len(labels))
	if recall < 0.9 {
		t.Errorf("blind skills recall %.3f < 0.9", recall)
	}
}
