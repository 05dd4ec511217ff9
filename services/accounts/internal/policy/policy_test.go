package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestCurrentIsNewest(t *testing.T) {
	cur := Current()
	all := All()
	if len(all) == 0 {
		t.Fatal("All() is empty")
	}
	for _, p := range all {
		if p.EffectiveAt.After(cur.EffectiveAt) {
			t.Errorf("version %s is newer than Current() %s", p.Version, cur.Version)
		}
	}
	if all[len(all)-1] != cur {
		t.Errorf("All() does not end with Current(): %s vs %s", all[len(all)-1].Version, cur.Version)
	}
	// The first published version must stay available: consents name it.
	if _, ok := Get("2026-11-26"); !ok {
		t.Error(`Get("2026-11-26") = false; published versions must never be removed`)
	}
}

func TestVersionsAreConsistent(t *testing.T) {
	for _, p := range All() {
		t.Run(p.Version, func(t *testing.T) {
			sum := sha256.Sum256([]byte(p.Text))
			if want := hex.EncodeToString(sum[:]); p.SHA256 != want {
				t.Errorf("SHA256 = %s, want %s", p.SHA256, want)
			}
			want, err := time.Parse(time.DateOnly, p.Version)
			if err != nil {
				t.Fatalf("Version %q is not a date: %v", p.Version, err)
			}
			if !p.EffectiveAt.Equal(want) || p.EffectiveAt.Location() != time.UTC {
				t.Errorf("EffectiveAt = %v, want %v UTC", p.EffectiveAt, want)
			}
			if !strings.Contains(p.Text, "Version "+p.Version) {
				t.Errorf("text does not state its own version %q", p.Version)
			}
			got, ok := Get(p.Version)
			if !ok || got != p {
				t.Errorf("Get(%q) = %v, %v; want the same policy", p.Version, got.Version, ok)
			}
		})
	}
}

// published pins the fingerprint of every version users may have accepted.
// A published text must never change, because consent records store this
// fingerprint as proof of what was agreed to: to change the policy, add a
// new version. Add each new version here when it is published.
var published = map[string]string{
	"2026-11-26": "0a4a9c33ee041e02ee7cd5e33ff6db043eebee4fc11241b2a6c0e1128cc0890a",
}

func TestPublishedVersionsAreUnchanged(t *testing.T) {
	for version, want := range published {
		p, ok := Get(version)
		if !ok {
			t.Errorf("published version %s is missing", version)
			continue
		}
		if p.SHA256 != want {
			t.Errorf("published version %s was edited (SHA-256 %s, published %s); restore it and add a new version instead", version, p.SHA256, want)
		}
	}
}

func TestGetUnknown(t *testing.T) {
	for _, v := range []string{"", "latest", "2020-01-01", "2026-11-26.md", " 2026-11-26"} {
		if p, ok := Get(v); ok || p != (Policy{}) {
			t.Errorf("Get(%q) = %q, %v; want zero, false", v, p.Version, ok)
		}
	}
}

func TestAllIsACopy(t *testing.T) {
	want := Current()
	all := All()
	all[len(all)-1] = Policy{Version: "tampered"}
	if Current() != want {
		t.Error("changing the slice from All() changed Current()")
	}
}

// TestCurrentKeepsPromises fails when an edit drops a promise the product
// makes and the rest of the platform is built (and tested) to keep. If one of
// these has to change, the product changes first, then a new policy version.
func TestCurrentKeepsPromises(t *testing.T) {
	// Lowercase, with line breaks and runs of spaces as one space, so that
	// rewrapping a paragraph does not fail the test but rewording does.
	text := strings.Join(strings.Fields(strings.ToLower(Current().Text)), " ")
	promises := []struct{ what, phrase string }{
		{"retention of results", "interview results and assessment scores | 90 days from creation"},
		{"retention of videos", "answer videos and recordings | 90 days from upload"},
		{"certificate retention", "six months from issue, then deleted"},
		{"certificate validity", "valid for six months"},
		{"certificate threshold", "above 7.5"},
		{"resume never stored", "never written to"},
		{"redaction before AI", "remove personal details"},
		{"recruiter visibility is opt-in", "off until you turn it on"},
		{"what recruiters see", "your email address, your top interview scores"},
		{"invited interviews", "who invited you"},
		{"no selling", "we do not sell your personal data"},
		{"CCPA setting", "do not sell or share my personal information"},
		{"non-INR payments", "stripe for payments in currencies other than indian rupees"},
		{"INR payments", "razorpay for payments in rupees"},
		{"no card data", "never reach our servers"},
		{"hosting", "amazon rds"},
		{"hosting", "amazon s3"},
		{"idle session timeout", "30 minutes"},
		{"absolute session timeout", "12 hours"},
		{"single necessary cookie", "single cookie"},
		{"no third-party scripts", "no third-party cookies or scripts"},
		{"export format", "zip file"},
		{"rights in the product", "privacy settings"},
		{"consent is recorded", "sha-256"},
		{"contact", "interviewer@moksho.com"},
	}
	for _, p := range promises {
		if !strings.Contains(text, p.phrase) {
			t.Errorf("current policy (%s) no longer says %q (%s)", Current().Version, p.phrase, p.what)
		}
	}
}

func TestLoad(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	ps, err := load(fstest.MapFS{
		"policies/2026-11-26.md": file("b"),
		"policies/2025-01-31.md": file("a"),
		"policies/2027-02-01.md": file("c"),
		"policies/README.txt":    file("not a policy"),
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Version+"="+p.Text)
	}
	if want := "2025-01-31=a 2026-11-26=b 2027-02-01=c"; strings.Join(got, " ") != want {
		t.Errorf("load order = %v, want %s", got, want)
	}
	if v := latest(ps).Version; v != "2027-02-01" {
		t.Errorf("latest = %s, want the newest, 2027-02-01", v)
	}
	if v := latest([]Policy{ps[2], ps[0], ps[1]}).Version; v != "2027-02-01" {
		t.Errorf("latest of shuffled = %s, want 2027-02-01", v)
	}

	bad := []struct {
		name string
		fs   fstest.MapFS
	}{
		{"no files", fstest.MapFS{}},
		{"not a date", fstest.MapFS{"policies/latest.md": file("x")}},
		{"impossible date", fstest.MapFS{"policies/2026-13-01.md": file("x")}},
		{"unpadded date", fstest.MapFS{"policies/2026-1-5.md": file("x")}},
		{"empty text", fstest.MapFS{"policies/2026-11-26.md": file(" \n")}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if ps, err := load(tt.fs); err == nil {
				t.Errorf("load = %d policies, want an error", len(ps))
			}
		})
	}
}
