package redact

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.redacted.txt from the current output")

// TestGolden pins the full output for a synthetic two-page resume that mixes
// every kind of personal data with the numbers and technology names that
// must survive. The golden file was reviewed line by line; regenerate it
// with -update only after reviewing the diff. The resume is invented, so
// printing it on failure discloses nothing.
func TestGolden(t *testing.T) {
	in, err := os.ReadFile("testdata/two-page.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := Redact(string(in)).Text
	const golden = "testdata/two-page.redacted.txt"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Redact(two-page.txt) differs from %s:\n%s", golden, got)
	}
}
