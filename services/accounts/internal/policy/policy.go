// Package policy holds every version of Moksho's privacy policy, as the
// Markdown users read and accept.
//
// The texts are embedded in the binary, one file per version, so the policy
// a user is shown, the version they accept and the fingerprint recorded with
// their consent all come from one place and cannot drift apart. Old versions
// stay here for good: a consent record names a version, and we must be able
// to show exactly what that user agreed to.
//
// To publish a new version, add policies/YYYY-MM-DD.md (the date it takes
// effect) and leave the older files untouched; Current switches to it and
// users are asked to accept it again.
package policy

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Policy is one version of the privacy policy.
type Policy struct {
	// Version is the date the version takes effect, YYYY-MM-DD: the file
	// name without ".md". It is what clients send back to accept it.
	Version string
	// Text is the policy as Markdown, exactly as shown to users.
	Text string
	// SHA256 is the lowercase hex SHA-256 of Text. Consent records store it
	// so that a later edit to a published file is detectable.
	SHA256 string
	// EffectiveAt is midnight UTC of the Version date.
	EffectiveAt time.Time
}

//go:embed policies/*.md
var files embed.FS

// versions is every policy, oldest first. The files are part of the binary,
// so a bad file name is a build defect: load fails the package's tests and
// panics at start-up rather than serving no policy.
var versions = mustLoad(files)

// Current returns the newest policy, the one users must have accepted.
func Current() Policy {
	return latest(versions)
}

// latest is the policy with the latest EffectiveAt. It does not rely on the
// order of ps, so Current stays right whatever order load returns.
func latest(ps []Policy) Policy {
	return slices.MaxFunc(ps, func(a, b Policy) int { return a.EffectiveAt.Compare(b.EffectiveAt) })
}

// Get returns the policy with the given version, to show a user the exact
// text they accepted. ok is false for an unknown version.
func Get(version string) (p Policy, ok bool) {
	i := slices.IndexFunc(versions, func(p Policy) bool { return p.Version == version })
	if i < 0 {
		return Policy{}, false
	}
	return versions[i], true
}

// All returns every version, oldest first. The slice is a copy; changing it
// does not change what Current and Get return.
func All() []Policy {
	return slices.Clone(versions)
}

func mustLoad(fsys fs.FS) []Policy {
	ps, err := load(fsys)
	if err != nil {
		panic(fmt.Sprintf("policy: %v", err))
	}
	return ps
}

// load reads policies/*.md from fsys, sorted oldest first. It refuses a
// file whose name is not a date, an empty file, and an empty directory.
func load(fsys fs.FS) ([]Policy, error) {
	names, err := fs.Glob(fsys, "policies/*.md")
	if err != nil {
		return nil, fmt.Errorf("list policies: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no policies/*.md files")
	}
	ps := make([]Policy, 0, len(names))
	for _, name := range names {
		version := strings.TrimSuffix(path.Base(name), ".md")
		at, err := time.Parse(time.DateOnly, version)
		if err != nil {
			return nil, fmt.Errorf("policy file %s: name must be the effective date, YYYY-MM-DD.md", name)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read policy %s: %w", name, err)
		}
		if strings.TrimSpace(string(b)) == "" {
			return nil, fmt.Errorf("policy file %s is empty", name)
		}
		sum := sha256.Sum256(b)
		ps = append(ps, Policy{Version: version, Text: string(b), SHA256: hex.EncodeToString(sum[:]), EffectiveAt: at})
	}
	slices.SortFunc(ps, func(a, b Policy) int { return a.EffectiveAt.Compare(b.EffectiveAt) })
	return ps, nil
}
