package password_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/moksho/platform/services/accounts/internal/password"
)

// asha is the personal data of the user in most cases below.
var asha = []string{"Asha Rao", "asha.rao@example.com"}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		pw       string
		personal []string
		want     string // a Code, or "" for accepted
	}{
		// Accepted: passphrases and passwords with real variety.
		{"xkcd passphrase", "correct horse battery staple", asha, ""},
		{"words with swaps and separators", "Tr4vel-Mumbai-Monsoon", asha, ""},
		{"another random passphrase", "sparrow quantum biryani tuesday", asha, ""},
		{"sentence with a digit", "my cat eats 3 mangoes daily", asha, ""},
		{"mixed symbols", "Zebra!Quilt-Orbit7", asha, ""},
		{"exactly MinLength", "kx7-Rq2!vB", asha, ""},
		{"Devanagari passphrase", "ख़ुशी से जीना है", asha, ""},
		{"two equal letters then random digits", "aa-83749261", asha, ""},
		{"no personal data given", "asharao-2024-pass!", nil, ""},
		{"personal fragments shorter than 4", "Tr4vel-Mumbai-Monsoon", []string{"Bai Ma", "bai@ma.io"}, ""},
		{"exactly MaxLength", strings.Repeat("violet tractor monsoon lantern ", 4)[:120] + "Qz8#mK2p", asha, ""},

		// Length, counted in characters.
		{"empty", "", asha, password.CodeTooShort},
		{"nine characters", "kx7-Rq2!v", asha, password.CodeTooShort},
		{"nine multibyte characters", "खुशीसेजीन", asha, password.CodeTooShort},
		{"MaxLength+1", strings.Repeat("violet tractor monsoon lantern ", 5)[:129], asha, password.CodeTooLong},

		// Common passwords, as is and disguised.
		{"Password123!", "Password123!", asha, password.CodeCommon},
		{"P@ssw0rd2024", "P@ssw0rd2024", asha, password.CodeCommon},
		{"the example in our own advice", "Violet Tractor Monsoon Lantern", asha, password.CodeCommon},
		{"symbols around swapped word", "!!P@ssw0rd2024!!", asha, password.CodeCommon},
		{"leading leet symbol", "@dmin2024!", asha, password.CodeCommon},
		{"junk before, swap at the end", "!!2024Mari0", asha, password.CodeCommon},
		{"word twice, once disguised", "passw0rdPassword", asha, password.CodeCommon},
		{"1 as i", "Pr1ncess2024!", asha, password.CodeCommon},
		{"1 as l", "F1ower2024!!", asha, password.CodeCommon},
		{"dollar for s", "$unshine99!", asha, password.CodeCommon},
		{"iloveyou123", "iloveyou123", asha, password.CodeCommon},
		{"football123", "football123", asha, password.CodeCommon},
		{"manchesterunited", "ManchesterUnited", asha, password.CodeCommon},
		{"word plus year", "Dragon2024!", asha, password.CodeCommon},
		{"spaced phrase", "i love you!!!", asha, password.CodeCommon},
		{"separated word", "pass-word-123", asha, password.CodeCommon},
		{"name from the list plus digits", "priya@12345", asha, password.CodeCommon},
		{"team plus digits", "Liverpool1892", asha, password.CodeCommon},

		// Trivial patterns.
		{"one character", "aaaaaaaaaa", asha, password.CodeRepetitive},
		{"one emoji", strings.Repeat("🔑", 10), asha, password.CodeRepetitive},
		{"repeated unit", "abcabcabcabc", asha, password.CodeRepetitive},
		{"repeated word plus year", "passpasspass2024", asha, password.CodeRepetitive},
		{"repeated word with separator", "password password", asha, password.CodeRepetitive},
		{"repeated pair with spaces", "ab ab ab ab ab", asha, password.CodeRepetitive},
		{"two blocks", "aaaaabbbbb", asha, password.CodeRepetitive},
		{"digits", "1234567890", asha, password.CodeSequence},
		{"digits reversed", "0987654321", asha, password.CodeSequence},
		{"keyboard row", "qwertyuiop", asha, password.CodeSequence},
		{"keyboard row reversed", "poiuytrewq", asha, password.CodeSequence},
		{"alphabet", "abcdefghij", asha, password.CodeSequence},
		{"alphabet reversed", "jihgfedcba", asha, password.CodeSequence},
		{"bottom row with punctuation", "zxcvbnm,./", asha, password.CodeSequence},
		{"zigzag", "1q2w3e4r5t", asha, password.CodeSequence},
		{"columns", "1qaz2wsx3edc", asha, password.CodeSequence},
		{"row then digits", "qwerty123456", asha, password.CodeSequence},
		{"row then digits then shifted digits", "Qwerty123!@#", asha, password.CodeSequence},
		{"repeat then sequence", "aaaaa12345", asha, password.CodeSequence},
		{"azerty row", "azertyuiop", asha, password.CodeSequence},

		// Personal data.
		{"joined name and year", "asharao-2024-pass!", asha, password.CodePersonal},
		{"first name", "Asha.Rao2024!!", asha, password.CodePersonal},
		{"first name inside", "tea-with-ASHA-at-9", asha, password.CodePersonal},
		{"name in leet", "4sh4r40xyzw!", asha, password.CodePersonal},
		{"email domain", "exampleCorp99!", asha, password.CodePersonal},
		{"local part with digits", "go-raj007-go-now", []string{"Raj Mehta", "raj007@example.in"}, password.CodePersonal},
		{"swap in the email, plain in the password", "rohit-sings-loudly", []string{"R. K.", "r0hit@example.in"}, password.CodePersonal},
		{"surname of 5+ letters", "mehta-family-house", []string{"Raj Mehta", "raj007@example.in"}, password.CodePersonal},
		{"non-latin name", "नमस्ते-प्रिया-जी", []string{"प्रिया"}, password.CodePersonal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := password.Check(tt.pw, tt.personal...)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want accepted", tt.pw, err)
				}
				return
			}
			var pe *password.PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("Check(%q) = %v, want *PolicyError %s", tt.pw, err, tt.want)
			}
			if pe.Code != tt.want {
				t.Errorf("Check(%q) code = %s, want %s (reason: %s)", tt.pw, pe.Code, tt.want, pe.Reason)
			}
		})
	}
}

// TestPolicyErrorReason checks what the user reads: every refusal explains
// itself, never echoes the password, and one caller editing an error cannot
// change what the next one gets.
func TestPolicyErrorReason(t *testing.T) {
	refused := map[string]string{
		password.CodeTooShort:   "short",
		password.CodeTooLong:    strings.Repeat("x7", 65),
		password.CodeCommon:     "Sunshine2024!",
		password.CodePersonal:   "asharao-2024-pass!",
		password.CodeRepetitive: "zzzzzzzzzzzz",
		password.CodeSequence:   "0123456789",
	}
	for code, pw := range refused {
		t.Run(code, func(t *testing.T) {
			var pe *password.PolicyError
			if !errors.As(password.Check(pw, asha...), &pe) || pe.Code != code {
				t.Fatalf("Check(%q) = %v, want code %s", pw, pe, code)
			}
			if len(pe.Reason) < 20 || strings.Contains(strings.ToLower(pe.Reason), strings.ToLower(pw)) {
				t.Errorf("Reason %q: want an explanation that does not repeat the password", pe.Reason)
			}
			if !strings.Contains(pe.Error(), code) {
				t.Errorf("Error() = %q, want it to name the code", pe.Error())
			}
			pe.Reason = "changed"
			var again *password.PolicyError
			errors.As(password.Check(pw, asha...), &again)
			if again.Reason == "changed" {
				t.Error("editing a returned PolicyError changed later results")
			}
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	for b.Loop() {
		_ = password.Check("Tr4vel-Mumbai-Monsoon!2024", asha...)
	}
}

// FuzzCheck feeds Check arbitrary passwords and personal data, as users and
// sign-up forms will: it must not panic, and must refuse with a known code
// or accept, the same way every time.
func FuzzCheck(f *testing.F) {
	f.Add("correct horse battery staple", "Asha Rao", "asha.rao@example.com")
	f.Add("!!P@ssw0rd2024!!", "", "")
	f.Add("\xff\xfe1q2w3e4r5t", "@", "@@.")
	f.Add("ख़ुशी से जीना है", "प्रिया", "x@.")
	codes := map[string]bool{
		password.CodeTooShort: true, password.CodeTooLong: true, password.CodeCommon: true,
		password.CodePersonal: true, password.CodeRepetitive: true, password.CodeSequence: true,
	}
	f.Fuzz(func(t *testing.T, pw, name, email string) {
		err := password.Check(pw, name, email)
		if err == nil {
			return
		}
		var pe *password.PolicyError
		if !errors.As(err, &pe) || !codes[pe.Code] || pe.Reason == "" {
			t.Fatalf("Check(%q) = %v, want nil or a *PolicyError with a known code", pw, err)
		}
		var again *password.PolicyError
		if !errors.As(password.Check(pw, name, email), &again) || again.Code != pe.Code {
			t.Fatalf("Check(%q) not deterministic: %v then %v", pw, pe, again)
		}
	})
}
