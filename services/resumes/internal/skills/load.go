package skills

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The data file format; README.md documents it for the people who edit it.
type fileDoc struct {
	Groups []groupDoc `yaml:"groups"`
	Ignore []string   `yaml:"ignore"`
}

type groupDoc struct {
	Category string     `yaml:"category"`
	Skills   []skillDoc `yaml:"skills"`
}

type skillDoc struct {
	Name          string     `yaml:"name"`
	CaseSensitive bool       `yaml:"caseSensitive"`
	ListOnly      bool       `yaml:"listOnly"`
	Plural        bool       `yaml:"plural"`
	Aliases       []aliasDoc `yaml:"aliases"`
}

// aliasDoc is an alias: a plain string, or a mapping when it needs options.
type aliasDoc struct {
	Text          string
	CaseSensitive bool
	ListOnly      bool
}

// UnmarshalYAML accepts `golang` as well as `{text: GO, caseSensitive: true}`,
// and rejects unknown keys so that a misspelt option fails loudly instead of
// silently matching too much.
func (a *aliasDoc) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		a.Text = n.Value
		return nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			var err error
			switch k.Value {
			case "text":
				err = v.Decode(&a.Text)
			case "caseSensitive":
				err = v.Decode(&a.CaseSensitive)
			case "listOnly":
				err = v.Decode(&a.ListOnly)
			default:
				return fmt.Errorf("line %d: unknown alias option %q", k.Line, k.Value)
			}
			if err != nil {
				return fmt.Errorf("line %d: alias option %q: %w", k.Line, k.Value, err)
			}
		}
		return nil
	default:
		return fmt.Errorf("line %d: an alias is a string or a mapping", n.Line)
	}
}

// term is one matchable spelling of a skill (or an ignored phrase).
type term struct {
	skill int    // index into Taxonomy.skills; -1 for an ignored phrase
	key   string // normalised, lower-cased
	cased string // normalised, original case: compared when caseSensitive
	// prefix is the byte length of the punctuation before the first letter
	// or digit, as in ".NET".
	prefix        int
	caseSensitive bool
	listOnly      bool
	// short terms (one or two letters/digits, e.g. C, R, Go, UX) must
	// stand alone: a hyphen, ampersand or apostrophe next to them means
	// another word ("C-level", "R&D").
	short bool
	// endsWord is true when the term ends with a letter or digit, so a
	// letter or digit right after it means the word goes on.
	endsWord bool
}

// Load reads every *.yaml file at the root of fsys, validates it and
// compiles the matcher. It rejects empty names or categories, unknown keys,
// terms without a letter or digit, and any name or alias (compared without
// case, spacing or hyphenation) claimed by two skills, because Find could
// not tell which skill such a term means.
func Load(fsys fs.FS) (*Taxonomy, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list skill files: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("no *.yaml skill files")
	}
	slices.Sort(names)

	b := builder{
		t:     &Taxonomy{lookup: map[string]int{}, index: map[string][]*term{}},
		owner: map[string]string{},
	}
	var ignores []string
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		var doc fileDoc
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		for _, g := range doc.Groups {
			if strings.TrimSpace(g.Category) == "" {
				return nil, fmt.Errorf("%s: a group has no category", name)
			}
			for _, s := range g.Skills {
				if err := b.add(g.Category, s); err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
			}
		}
		ignores = append(ignores, doc.Ignore...)
	}
	for _, p := range ignores {
		key := normalize(p, true)
		if key == "" {
			return nil, errors.New("empty ignore phrase")
		}
		if s, ok := b.owner[key]; ok {
			return nil, fmt.Errorf("ignore phrase %q is a term of skill %q", p, s)
		}
		b.addTerm(&term{skill: -1, key: key, cased: normalize(p, false)})
	}
	for _, ts := range b.t.index {
		// Longest first: Find takes the first that matches.
		slices.SortStableFunc(ts, func(a, b *term) int { return len(b.key) - len(a.key) })
	}
	return b.t, nil
}

// builder accumulates skills and terms while checking for conflicts.
type builder struct {
	t *Taxonomy
	// owner maps each term key to the canonical name of its skill.
	owner map[string]string
}

func (b *builder) add(category string, s skillDoc) error {
	name := strings.TrimSpace(s.Name)
	if name == "" {
		return errors.New("a skill has an empty name")
	}
	if name != s.Name {
		return fmt.Errorf("skill %q: leading or trailing space", s.Name)
	}
	idx := len(b.t.skills)
	sk := Skill{Name: name, Category: category}
	all := []aliasDoc{{Text: name, CaseSensitive: s.CaseSensitive, ListOnly: s.ListOnly}}
	for _, a := range s.Aliases {
		if strings.TrimSpace(a.Text) == "" || strings.TrimSpace(a.Text) != a.Text {
			return fmt.Errorf("skill %q: empty alias or alias with surrounding space %q", name, a.Text)
		}
		sk.Aliases = append(sk.Aliases, a.Text)
		all = append(all, a)
	}
	if s.Plural {
		n := len(all)
		for _, a := range all[:n] {
			p := plural(a.Text)
			if p == a.Text || slices.ContainsFunc(all, func(x aliasDoc) bool { return x.Text == p }) {
				continue
			}
			all = append(all, aliasDoc{Text: p, CaseSensitive: a.CaseSensitive, ListOnly: a.ListOnly})
		}
	}
	seen := map[string]bool{}
	for _, a := range all {
		if seen[a.Text] {
			return fmt.Errorf("skill %q: duplicate term %q", name, a.Text)
		}
		seen[a.Text] = true
		key := normalize(a.Text, true)
		if o, ok := b.owner[key]; ok && o != name {
			return fmt.Errorf("term %q of skill %q already belongs to skill %q", a.Text, name, o)
		}
		if !strings.ContainsFunc(key, isAlnum) {
			return fmt.Errorf("skill %q: term %q has no letter or digit", name, a.Text)
		}
		b.owner[key] = name
		b.t.lookup[key] = idx
		b.addTerm(&term{
			skill: idx, key: key, cased: normalize(a.Text, false),
			caseSensitive: a.CaseSensitive, listOnly: a.ListOnly,
		})
	}
	b.t.skills = append(b.t.skills, sk)
	return nil
}

// addTerm derives the matcher fields of tm and indexes it by its first word.
func (b *builder) addTerm(tm *term) {
	start := strings.IndexFunc(tm.key, isAlnum)
	end := strings.IndexFunc(tm.key[start:], func(r rune) bool { return !isAlnum(r) })
	if end < 0 {
		end = len(tm.key)
	} else {
		end += start
	}
	tm.prefix = start
	alnum := 0
	for _, r := range tm.key {
		if isAlnum(r) {
			alnum++
		}
	}
	tm.short = alnum <= 2
	last, _ := utf8.DecodeLastRuneInString(tm.key)
	tm.endsWord = isAlnum(last)
	first := tm.key[start:end]
	b.t.index[first] = append(b.t.index[first], tm)
}

// normalize folds the spacing of a term: runs of spaces and hyphens become
// one space, so "scikit-learn", "scikit learn" and "Scikit-Learn" share a
// key. lower also folds case.
func normalize(s string, lower bool) string {
	var sb strings.Builder
	space := false
	for _, r := range s {
		if isSep(r) {
			space = true
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		if lower {
			r = unicode.ToLower(r)
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// plural is the regular English plural of a term's last word.
func plural(s string) string {
	last, _ := utf8.DecodeLastRuneInString(s)
	if !unicode.IsLetter(last) {
		return s
	}
	lower := strings.ToLower(s)
	switch {
	case strings.HasSuffix(lower, "s"), strings.HasSuffix(lower, "x"), strings.HasSuffix(lower, "z"),
		strings.HasSuffix(lower, "ch"), strings.HasSuffix(lower, "sh"):
		return s + "es"
	case strings.HasSuffix(lower, "y") && len(lower) > 1 && !strings.ContainsRune("aeiou", rune(lower[len(lower)-2])):
		return s[:len(s)-1] + "ies"
	}
	// Acronyms too take a lower-case s: "REST API" -> "REST APIs".
	return s + "s"
}

// isAlnum reports whether r is a letter or digit: the stuff words are made of.
func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isSep reports whether r may separate the words of a multi-word term:
// spaces of any kind (line breaks included, since extracted text wraps)
// and hyphens.
func isSep(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '-', '\u00a0', '\u2010', '\u2011':
		return true
	}
	return r >= utf8.RuneSelf && unicode.IsSpace(r)
}
