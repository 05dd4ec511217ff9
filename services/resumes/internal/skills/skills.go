// Package skills is the skills taxonomy: the canonical names of the skills
// a resume is scanned for, their aliases, and the matcher that finds them
// in resume text.
//
// A resume is assessed against a role by comparing the skills found here
// with the role's required and nice-to-have skills, so both sides must
// speak one vocabulary: "golang", "Go" and "Golang" are all Go, and the
// verb "go" is not. The taxonomy lives in YAML files under data/ (one per
// field, see README.md) so that adding a skill is a data change, and the
// per-term options that keep common words from matching (caseSensitive,
// listOnly) sit next to the term they protect.
package skills

import (
	"embed"
	"fmt"
	"io/fs"
	"sync"
)

// Skill is one canonical skill.
type Skill struct {
	// Name is the canonical spelling, the one roles and reports use.
	Name string
	// Category groups skills for display, e.g. "Programming languages".
	Category string
	// Aliases are the other spellings found in resumes, as written in the
	// data files (without generated plurals).
	Aliases []string
}

// Match is a skill found in a text.
type Match struct {
	// Skill is the canonical name, whichever alias was written.
	Skill    string
	Category string
	// Count is how many times the skill is mentioned, under any alias.
	Count int
	// First is the byte offset of the first mention in the text.
	First int
}

// Taxonomy is a loaded, validated and precompiled set of skills. It is
// immutable after Load, so one value is safely shared by all goroutines.
type Taxonomy struct {
	skills []Skill
	// lookup resolves a normalised, lower-cased name or alias to its skill.
	lookup map[string]int
	// index maps the first word of every term (lower-cased) to the terms
	// starting with it, longest first, so Find does one map lookup per
	// word of the text.
	index map[string][]*term
}

//go:embed data/*.yaml
var embedded embed.FS

var (
	defaultOnce sync.Once
	defaultTax  *Taxonomy
)

// Default returns the taxonomy embedded in the binary, parsed on first use.
// The embedded files are part of the build, so a file that fails to load
// is a programming error caught by this package's tests; Default panics on
// it rather than making every caller handle an impossible error.
func Default() *Taxonomy {
	defaultOnce.Do(func() {
		sub, err := fs.Sub(embedded, "data")
		if err != nil {
			panic(fmt.Sprintf("skills: embedded data: %v", err))
		}
		t, err := Load(sub)
		if err != nil {
			panic(fmt.Sprintf("skills: embedded data: %v", err))
		}
		defaultTax = t
	})
	return defaultTax
}

// Lookup resolves a canonical name or an alias, in any case and with any
// spacing or hyphenation ("Golang", "k8s", "scikit learn"), to its skill.
// Unlike Find it ignores the case and list options of the data files: it
// answers "which skill is this name", not "is this prose about a skill".
func (t *Taxonomy) Lookup(nameOrAlias string) (Skill, bool) {
	i, ok := t.lookup[normalize(nameOrAlias, true)]
	if !ok {
		return Skill{}, false
	}
	return t.skills[i], true
}

// All returns every skill in data-file order. The slice is a copy; the
// Aliases slices are shared and must not be modified.
func (t *Taxonomy) All() []Skill {
	return append([]Skill(nil), t.skills...)
}

// Len is the number of canonical skills.
func (t *Taxonomy) Len() int { return len(t.skills) }
