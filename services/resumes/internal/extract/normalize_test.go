package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"spaces collapse", "Go   and \t SQL", "Go and SQL"},
		{"lines trimmed", "  Jane  \n\t Engineer\t ", "Jane\nEngineer"},
		{"line breaks", "a\r\nb\rc\vd\fe\u2028f\u2029g\u0085h", "a\nb\nc\nd\ne\nf\ng\nh"},
		{"blank lines collapse", "\n\n a \n\n\n \n b \n\n", "a\n\nb"},
		{"unicode spaces", "Jane\u00a0Example\u2003Engineer\u202f!\u3000x", "Jane Example Engineer ! x"},
		{"invisible characters", "Ja\u200bne\u00ad Ex\ufeffample\u200e\u202e", "Jane Example"},
		{"joiners stay", "मि\u200dत्र", "मि\u200dत्र"},
		{"controls dropped", "a\x00b\x07c\x1bd\u0080e\u009f", "abcde"},
		{"replacement and noncharacters", "a\ufffdb\uffffc\ufdd0d", "abcd"},
		{"ligatures", "\ufb01nance and e\ufb00ort", "finance and effort"},
		{"private bullets", "\uf0b7 Go\n\uf0a7 SQL", "• Go\n• SQL"},
		{"nfc", "Jose\u0301", "José"},
		{"bullets kept", "- Go\n• SQL\n* Rust", "- Go\n• SQL\n* Rust"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := normalize(tt.in, MaxTextLen)
			if got != tt.want || cut {
				t.Errorf("normalize(%q) = %q, %v; want %q, false", tt.in, got, cut, tt.want)
			}
		})
	}
}

func TestNormalizeCuts(t *testing.T) {
	tests := []struct {
		in      string
		max     int
		want    string
		wantCut bool
	}{
		{"abc def", 7, "abc def", false},
		{"abc def", 5, "abc d", true},
		{"abc\n\ndef", 5, "abc", true},
		{"ab\ncd", 3, "ab", true},
		{"éèê", 2, "éè", true},
	}
	for _, tt := range tests {
		got, cut := normalize(tt.in, tt.max)
		if got != tt.want || cut != tt.wantCut {
			t.Errorf("normalize(%q, %d) = %q, %v; want %q, %v", tt.in, tt.max, got, cut, tt.want, tt.wantCut)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "a\r\n\r\nb", " x\u00a0y ", "\ufb01\u200b\uf0b7", "e\u0301\n\n\n", "\xff\xfe"} {
		f.Add(s, 50)
	}
	f.Fuzz(func(t *testing.T, in string, max int) {
		max = 1 + abs(max)%1000
		out, cut := normalize(in, max)
		if !utf8.ValidString(out) {
			t.Fatal("output is not valid UTF-8")
		}
		if n := utf8.RuneCountInString(out); n > max {
			t.Fatalf("%d runes, max %d", n, max)
		}
		if strings.ContainsAny(out, "\r\t\x00") || strings.Contains(out, "\n\n\n") || strings.Contains(out, "  ") ||
			out != strings.TrimSpace(out) || strings.Contains(out, " \n") || strings.Contains(out, "\n ") {
			t.Fatalf("output not normalised: %q", out)
		}
		if !cut {
			// Normalising twice changes nothing.
			if again, _ := normalize(out, max); again != out {
				t.Fatalf("not idempotent: %q -> %q", out, again)
			}
		}
	})
}

func abs(i int) int {
	if i < 0 {
		if i == -i { // math.MinInt
			return 0
		}
		return -i
	}
	return i
}
