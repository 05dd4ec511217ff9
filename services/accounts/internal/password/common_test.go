package password

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCommonList guards the embedded list: big enough to matter, in the
// form isCommon expects, and holding the entries people reach for first.
func TestCommonList(t *testing.T) {
	set := commonSet()
	if len(set) < 2000 {
		t.Errorf("common list has %d entries, want at least 2000", len(set))
	}
	for w := range set {
		if w != strings.ToLower(w) || strings.TrimSpace(w) != w || utf8.RuneCountInString(w) < 3 {
			t.Errorf("entry %q: want lowercase, trimmed, at least 3 characters", w)
		}
	}
	for _, w := range []string{
		"123456", "password", "qwerty", "iloveyou", "dragon", "monkey", "letmein",
		"football", "baseball", "welcome", "admin", "sunshine", "princess",
		"password123", "qwertyuiop", "1q2w3e4r5t", "iloveyou123", "football123",
		"liverpool", "manchesterunited",
	} {
		if _, ok := set[w]; !ok {
			t.Errorf("common list lacks %q", w)
		}
	}
}

// TestVariantsBounded makes sure normalising a worst-case password stays
// cheap: Check runs on every registration and password change.
func TestVariantsBounded(t *testing.T) {
	worst := strings.Repeat("1@0$3a4-5.7 ", 10) + "p4ss"
	if n := len(variants(worst)); n >= maxVariants {
		t.Errorf("variants(%q) hit the cap (%d)", worst, n)
	}
}
