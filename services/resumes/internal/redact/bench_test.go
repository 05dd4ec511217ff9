package redact

import (
	"os"
	"strings"
	"testing"
)

// BenchmarkRedact measures a whole resume. The budget is well under a
// millisecond for a two-page resume, since Redact runs on every upload and
// before every outgoing analysis call.
func BenchmarkRedact(b *testing.B) {
	for _, name := range []string{"two-page", "backend-go", "frontend"} {
		in, err := os.ReadFile("testdata/" + name + ".txt")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				Redact(string(in))
			}
		})
	}
	// A long resume: the two-page body three times over, to show the cost
	// grows linearly with the text.
	in, err := os.ReadFile("testdata/two-page.txt")
	if err != nil {
		b.Fatal(err)
	}
	long := string(in) + strings.Repeat(string(in[strings.Index(string(in), "EXPERIENCE"):]), 2)
	b.Run("long", func(b *testing.B) {
		b.SetBytes(int64(len(long)))
		b.ReportAllocs()
		for b.Loop() {
			Redact(long)
		}
	})
}

// BenchmarkScrub measures scrubbing one quoted bullet with a known name,
// the per-recommendation cost.
func BenchmarkScrub(b *testing.B) {
	r := Redact("Daniel Okafor\nd@example.net\nSummary\nx")
	bullet := "Daniel owned the invoicing roadmap; launched recurring billing used by 4,000 customers."
	b.ReportAllocs()
	for b.Loop() {
		r.Scrub(bullet)
	}
}
