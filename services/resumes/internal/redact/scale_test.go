package redact

import (
	"strings"
	"testing"
	"time"
)

// adversarial are inputs built to hit each scanner's worst case: many
// anchors on one long line, where a careless implementation rescans the
// line for every anchor.
var adversarial = map[string]string{
	"at signs":          "a@b@c.d ",
	"obfuscated at":     "x at y dot ",
	"bracketed at":      "x [at] y [dot] ",
	"digit groups":      "12 34 56 78 ",
	"plus numbers":      "+1+2+3 ",
	"street words":      "1 A B C D Road, ",
	"german compounds":  "Hauptstraße 5 ",
	"postcodes":         "London EC1M 5PS ",
	"dots":              "a.b.c.d.e.com.",
	"urls":              "http://x.dev/a www.y.com ",
	"handles":           "@ab GitHub: cd ",
	"address labels":    "Address: x, ",
	"name parts":        "Daniel Okafor Danielokafor daniel_okafor ",
	"words":             "lorem ipsum dolor sit amet ",
	"separators":        "| • · ",
	"commas and breaks": "1 A Road,\n",
}

// TestLinearTime guards against accidental quadratic behaviour: each
// adversarial pattern is redacted at 32 KiB and at 128 KiB, and the larger
// input may take at most 10 times as long (linear is 4 times, quadratic 16).
// Best-of-three timings and a small absolute allowance keep a loaded
// machine from making the test flaky.
func TestLinearTime(t *testing.T) {
	best := func(in string) time.Duration {
		d := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			r := Redact(in)
			r.Scrub(in[:len(in)/4])
			d = min(d, time.Since(start))
		}
		return d
	}
	build := func(unit string, size int) string {
		return "Daniel Okafor\n" + strings.Repeat(unit, size/len(unit))
	}
	for name, unit := range adversarial {
		t.Run(name, func(t *testing.T) {
			small, large := best(build(unit, 32<<10)), best(build(unit, 128<<10))
			if large > 10*small+50*time.Millisecond {
				t.Errorf("32 KiB took %v, 128 KiB took %v: not linear", small, large)
			}
		})
	}
}
