package skills

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// labelsFile holds the hand labels of the resume fixtures: the skills a
// careful reader finds in each resume.
const labelsFile = "../../testdata/resumes/labels.json"

type label struct {
	ID     string   `json:"id"`
	Fmt    []string `json:"fmt"`
	Role   string   `json:"role"`
	Skills []string `json:"skills"`
}

// fixture is one transcription of a labelled resume.
type fixture struct {
	name string // e.g. "backend-go.pdf"
	text string
	label
}

// loadFixtures reads labels.json and the plain-text transcription of each
// labelled file: testdata/<id>.txt for a label's first format and
// testdata/<id>.<fmt>.txt for the others (see testdata/README.md).
func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	data, err := os.ReadFile(labelsFile)
	if err != nil {
		t.Fatal(err)
	}
	var labels []label
	if err := json.Unmarshal(data, &labels); err != nil {
		t.Fatalf("parse %s: %v", labelsFile, err)
	}
	if len(labels) == 0 {
		t.Fatalf("%s has no labels", labelsFile)
	}
	var out []fixture
	for _, l := range labels {
		for i, f := range l.Fmt {
			path := filepath.Join("testdata", l.ID+"."+f+".txt")
			if i == 0 {
				path = filepath.Join("testdata", l.ID+".txt")
			}
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("transcription of %s.%s: %v", l.ID, f, err)
			}
			out = append(out, fixture{name: l.ID + "." + f, text: string(text), label: l})
		}
	}
	return out
}

// TestLabelsAreCanonical keeps labels.json and the taxonomy in one
// vocabulary: a label that is only an alias would count as a miss.
func TestLabelsAreCanonical(t *testing.T) {
	tax := Default()
	for _, f := range loadFixtures(t) {
		for _, s := range f.Skills {
			if got, ok := tax.Lookup(s); !ok || got.Name != s {
				t.Errorf("%s: label %q resolves to %q, %v; want it canonical", f.name, s, got.Name, ok)
			}
		}
	}
}

// TestFixturePrecisionRecall measures Find against the hand labels. Both
// figures, counted over all fixtures, must reach 0.9: below that the
// assessment either credits candidates with skills they did not claim or
// misses skills they did.
func TestFixturePrecisionRecall(t *testing.T) {
	const floor = 0.9
	tax := Default()
	var tp, fp, fn int
	for _, f := range loadFixtures(t) {
		got := names(tax.Find(f.text))
		missing, extra := diff(f.Skills, got)
		hit := len(got) - len(extra)
		tp, fp, fn = tp+hit, fp+len(extra), fn+len(missing)
		t.Logf("%-20s precision %.3f recall %.3f  missing %q  unlabelled %q",
			f.name, ratio(hit, len(got)), ratio(hit, len(f.Skills)), missing, extra)
	}
	p, r := ratio(tp, tp+fp), ratio(tp, tp+fn)
	t.Logf("%-20s precision %.3f recall %.3f  (tp %d, fp %d, fn %d)", "overall", p, r, tp, fp, fn)
	if p < floor || r < floor {
		t.Errorf("precision %.3f, recall %.3f; want both >= %.1f", p, r, floor)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// BenchmarkFind runs Find over a two-page resume: the fixtures joined,
// about 6 KB of text, as a typical extracted resume.
func BenchmarkFind(b *testing.B) {
	var sb strings.Builder
	for _, f := range loadFixtures(b) {
		sb.WriteString(f.text)
		sb.WriteString("\n")
	}
	for sb.Len() < 6000 {
		sb.WriteString(sb.String())
	}
	text := sb.String()
	tax := Default()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tax.Find(text)
	}
}
