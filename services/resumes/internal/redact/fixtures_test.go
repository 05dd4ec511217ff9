package redact

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// The fixture resumes live beside labels.json; the PDF and DOCX ones are
// read here from plain-text transcriptions in testdata (made with
// `pdftotext -layout` and from word/document.xml), because Go tests must not
// call external tools. The first format of a resume is testdata/<id>.txt,
// any further one testdata/<id>.<fmt>.txt; a .txt fixture is read directly.
const fixtureDir = "../../testdata/resumes"

// label is one entry of labels.json.
type label struct {
	ID       string   `json:"id"`
	Fmt      []string `json:"fmt"`
	Skills   []string `json:"skills"`
	Personal []string `json:"personal"`
}

// personalKinds gives the kind of each entry of label.Personal, which
// labels.json lists in this order.
var personalKinds = []Kind{KindName, KindEmail, KindPhone, KindAddress, KindURL}

type fixture struct {
	label
	format string
	text   string
}

func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "labels.json"))
	if err != nil {
		t.Fatalf("read labels: %v", err)
	}
	var labels []label
	if err := json.Unmarshal(b, &labels); err != nil {
		t.Fatalf("parse labels: %v", err)
	}
	if len(labels) == 0 {
		t.Fatal("labels.json lists no resumes")
	}
	var fs []fixture
	for _, l := range labels {
		if len(l.Personal) != len(personalKinds) || !strings.Contains(l.Personal[1], "@") {
			t.Fatalf("%s: personal data is not [name, email, phone, address, url]", l.ID)
		}
		for i, f := range l.Fmt {
			path := filepath.Join("testdata", l.ID+"."+f+".txt")
			switch {
			case f == "txt":
				path = filepath.Join(fixtureDir, l.ID+".txt")
			case i == 0:
				path = filepath.Join("testdata", l.ID+".txt")
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%s/%s: no transcription: %v", l.ID, f, err)
			}
			fs = append(fs, fixture{label: l, format: f, text: string(b)})
			// The same resume as a Windows tool would save it.
			crlf := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n", "\r\n")
			fs = append(fs, fixture{label: l, format: f + "-crlf", text: crlf})
		}
	}
	return fs
}

// forbidden returns, for the personal item p of kind k, the strings that
// must not survive redaction: the item itself and the variants a partial
// redaction would leave (first name alone, the street without the city,
// the postcode, the user name in a profile URL, the email's local part).
// Phones are checked separately, digit by digit.
func forbidden(k Kind, p string) []string {
	out := []string{p}
	switch k {
	case KindName:
		for _, w := range strings.Fields(p) {
			if letterCount(w) >= 3 {
				out = append(out, w)
			}
		}
	case KindEmail:
		local, _, _ := strings.Cut(p, "@")
		out = append(out, local, strings.ToUpper(p))
	case KindAddress:
		parts := strings.Split(p, ",")
		out = append(out, strings.TrimSpace(parts[0])) // house number and street
		var code []string
		for _, w := range strings.Fields(parts[len(parts)-1]) {
			if strings.ContainsFunc(w, unicode.IsDigit) {
				code = append(code, w)
				out = append(out, w)
			}
		}
		out = append(out, strings.Join(code, " ")) // postcode
	case KindURL:
		if i := strings.LastIndexByte(p, '/'); i >= 0 {
			out = append(out, p[i+1:]) // the user name
		}
	}
	return out
}

// phoneDigitsRe builds a pattern that finds the subscriber digits of phone
// (the last ten, or all if fewer) with any separators between them, so that
// "98450 77310", "9845077310" and "98450-77310" are all caught.
func phoneDigitsRe(phone string) *regexp.Regexp {
	var digits []string
	for _, r := range phone {
		if unicode.IsDigit(r) {
			digits = append(digits, string(r))
		}
	}
	if len(digits) > 10 {
		digits = digits[len(digits)-10:]
	}
	return regexp.MustCompile(strings.Join(digits, `[\s.()\-/]*`))
}

// containsWord reports whether s contains w case-insensitively, not glued
// to other letters or digits (so "Austin" in "Texas at Austin" counts, but
// "Iyer" inside "Flyer" does not).
func containsWord(s, w string) bool {
	re := regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])` + regexp.QuoteMeta(w) + `(?:$|[^\p{L}\p{N}])`)
	return re.MatchString(s)
}

// placeholderRe finds the placeholders in a string, for failure messages
// that must not print anything else.
var placeholderRe = regexp.MustCompile(`\[[A-Z]+\]`)

// collapse joins lines and runs of spaces, so that an address wrapped by
// the PDF layout compares equal to its label.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestFixturesPersonalDataRemoved is the product promise on real resumes:
// no labelled personal item, nor an obvious variant of it, survives. Failure
// messages name the resume, the kind and the label index, never the value.
func TestFixturesPersonalDataRemoved(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.ID+"/"+f.format, func(t *testing.T) {
			r := Redact(f.text)
			in, out := collapse(f.text), collapse(r.Text)
			for i, p := range f.Personal {
				k := personalKinds[i]
				// The test can only fail if the item is there to begin with.
				if !strings.Contains(strings.ToLower(in), strings.ToLower(p)) {
					t.Fatalf("personal[%d] (%s) is not in the fixture text; transcription is stale", i, k)
				}
				if k == KindPhone {
					if phoneDigitsRe(p).MatchString(r.Text) {
						t.Errorf("personal[%d] (%s): digits survive redaction", i, k)
					}
					continue
				}
				for j, v := range forbidden(k, p) {
					if v != "" && containsWord(out, v) {
						t.Errorf("personal[%d] (%s) variant %d survives redaction", i, k, j)
					}
				}
			}
			if r.Name != f.Personal[0] {
				t.Errorf("Name: detected name differs from personal[0] (len %d vs %d)", len(r.Name), len(f.Personal[0]))
			}
			for _, k := range personalKinds {
				if r.Counts[k] < 1 {
					t.Errorf("Counts[%s] = %d, want >= 1", k, r.Counts[k])
				}
			}
		})
	}
}

// TestFixturesSkillsKept checks the other half of the promise: redaction
// does not damage what is assessed. Every labelled skill survives, and
// every line after the header (the assessable body) is unchanged.
func TestFixturesSkillsKept(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.ID+"/"+f.format, func(t *testing.T) {
			r := Redact(f.text)
			in, out := collapse(f.text), collapse(r.Text)
			for i, s := range f.Skills {
				if !strings.Contains(in, s) {
					t.Fatalf("skill[%d] is not in the fixture text", i)
				}
				if !strings.Contains(out, s) {
					t.Errorf("skill[%d] %q was damaged", i, s)
				}
			}
			inLines, outLines := strings.Split(f.text, "\n"), strings.Split(r.Text, "\n")
			if len(inLines) != len(outLines) {
				t.Fatalf("line count changed: %d -> %d", len(inLines), len(outLines))
			}
			body := newLayout(f.text).headerEnd
			if body == 0 || body == len(f.text) {
				t.Fatalf("no section heading found; header ends at %d", body)
			}
			first := strings.Count(f.text[:body], "\n")
			for n := first; n < len(inLines); n++ {
				if inLines[n] != outLines[n] {
					// Only the placeholders are printed: a body line could
					// hold personal data in a future fixture.
					t.Errorf("body line %d changed, placeholders now in it: %q", n+1, placeholderRe.FindAllString(outLines[n], -1))
				}
			}
		})
	}
}

// TestFixturesScrub quotes a bullet of each resume with the candidate's
// first name in it, as a recommendation would, and checks Scrub removes it.
func TestFixturesScrub(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.ID+"/"+f.format, func(t *testing.T) {
			r := Redact(f.text)
			first := strings.Fields(f.Personal[0])[0]
			quote := first + " wrote: \"" + f.Skills[0] + " at scale\", ask " + strings.ToLower(first) + "'s manager"
			got := r.Scrub(quote)
			if containsWord(got, first) {
				t.Errorf("first name survives Scrub")
			}
			if want := "[NAME] wrote: \"" + f.Skills[0] + " at scale\", ask [NAME]'s manager"; got != want {
				t.Errorf("Scrub damaged the quote: got %d bytes with placeholders %q, want %d bytes", len(got), placeholderRe.FindAllString(got, -1), len(want))
			}
		})
	}
}
