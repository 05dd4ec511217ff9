// Package catalog is the role catalog: the jobs candidates practise
// interviews for and have their resumes assessed against.
//
// The interviews service owns the catalog (other services ask it over
// gRPC) because the behavioural competencies that drive question
// generation live here; the skills lists are written in the canonical
// names of the resumes service's skills taxonomy so an assessment can
// compare them with the skills found in a resume without translation.
// The catalog is data (roles.yaml, embedded in the binary), so adding a
// role is a reviewed file change rather than a code change.
package catalog

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"gopkg.in/yaml.v3"
)

// File is the name Load reads from its file system.
const File = "roles.yaml"

// Role is one job in the catalog.
type Role struct {
	// ID is a stable slug ("backend-engineer"); clients store it.
	ID    string
	Title string
	// TitleAliases are other titles the same job goes by, so a resume
	// titled "Backend Developer" is recognised as this role.
	TitleAliases []string
	// Summary is one line saying what the job is for.
	Summary string
	// Family is the broad field, one of Families().
	Family string
	// Required and NiceToHave are canonical skill names of the resumes
	// service's taxonomy.
	Required, NiceToHave []string
	// Competencies are behavioural topics for interview questions, from
	// CompetencyVocabulary().
	Competencies []string
	// Seniority tells which level a number of years of experience suggests.
	Seniority Seniority
}

// Seniority splits years of relevant experience into levels, because the
// years that make someone senior differ between, say, nursing and
// engineering.
type Seniority struct {
	Junior, Mid, Senior Years
}

// Years is an inclusive range of whole years; Max is -1 when the range is
// open-ended ("6+").
type Years struct {
	Min, Max int
}

// Level names the level that years of experience suggest: "junior",
// "mid" or "senior". Fractions of a year count towards the lower level
// until the next whole year is complete.
func (s Seniority) Level(years float64) string {
	switch {
	case years >= float64(s.Senior.Min):
		return "senior"
	case years >= float64(s.Mid.Min):
		return "mid"
	default:
		return "junior"
	}
}

// families and competencies are the fixed vocabularies the catalog is
// checked against: clients group roles by family and the question bank is
// keyed by competency, so a typo would silently produce an empty group or
// no questions.
var (
	families = []string{
		"engineering", "data", "product", "design", "business", "sales",
		"support", "marketing", "healthcare", "finance", "people",
	}
	competencies = []string{
		"teamwork", "conflict-resolution", "ownership", "learning-from-failure",
		"leadership", "communication", "customer-focus", "prioritisation",
		"adaptability", "attention-to-detail", "ethics", "stakeholder-management",
		"problem-solving", "empathy", "resilience", "creativity",
	}
)

// Families returns the allowed role families.
func Families() []string { return slices.Clone(families) }

// CompetencyVocabulary returns the allowed behavioural competencies.
func CompetencyVocabulary() []string { return slices.Clone(competencies) }

// Catalog is a validated, immutable set of roles, safe for concurrent use.
type Catalog struct {
	roles []Role
	byID  map[string]int
	// byName finds a role by its ID, title or a title alias written any
	// way ("Backend Engineer", "backend_engineer"); names two roles share
	// are left out rather than guessed.
	byName map[string]int
}

//go:embed roles.yaml
var embedded []byte

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
)

// Default returns the catalog embedded in the binary, parsed on first use.
// The embedded file is part of the build and its tests load it, so a
// failure here is a programming error and Default panics rather than
// making every caller handle it.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := parse(embedded)
		if err != nil {
			panic(fmt.Sprintf("catalog: embedded %s: %v", File, err))
		}
		defaultCat = c
	})
	return defaultCat
}

// Load reads and validates roles.yaml from fsys. It rejects unknown keys,
// IDs that are not lower-case slugs or are repeated, empty titles or
// summaries, unknown families or competencies, roles without required
// skills or competencies, a skill listed twice, and seniority ranges that
// do not start at 0 and follow on from each other.
func Load(fsys fs.FS) (*Catalog, error) {
	data, err := fs.ReadFile(fsys, File)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", File, err)
	}
	return parse(data)
}

// All returns the roles in file order, which is the order clients show.
// The slice is a copy; the string slices inside are shared and must not be
// modified.
func (c *Catalog) All() []Role { return slices.Clone(c.roles) }

// Get returns the role with the given ID or, failing that, the one role
// whose ID, title or title alias matches ref ignoring case, spaces and
// punctuation. Callers keep the returned role's ID, never ref.
func (c *Catalog) Get(ref string) (Role, bool) {
	i, ok := c.byID[ref]
	if !ok {
		i, ok = c.byName[nameKey(ref)]
	}
	if !ok {
		return Role{}, false
	}
	return c.roles[i], true
}

// nameKey folds a role reference to lower-case words joined by hyphens.
func nameKey(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(words, "-")
}

type fileDoc struct {
	Roles []roleDoc `yaml:"roles"`
}

type roleDoc struct {
	ID             string            `yaml:"id"`
	Title          string            `yaml:"title"`
	TitleAliases   []string          `yaml:"titleAliases"`
	Summary        string            `yaml:"summary"`
	Family         string            `yaml:"family"`
	Required       []string          `yaml:"required"`
	NiceToHave     []string          `yaml:"niceToHave"`
	Competencies   []string          `yaml:"competencies"`
	SeniorityYears map[string]string `yaml:"seniorityYears"`
}

var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func parse(data []byte) (*Catalog, error) {
	var doc fileDoc
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", File, err)
	}
	if len(doc.Roles) == 0 {
		return nil, errors.New("no roles")
	}
	c := &Catalog{byID: map[string]int{}}
	for i, d := range doc.Roles {
		r, err := d.role()
		if err != nil {
			return nil, fmt.Errorf("role %d (%q): %w", i+1, d.ID, err)
		}
		if _, dup := c.byID[r.ID]; dup {
			return nil, fmt.Errorf("role %d: duplicate id %q", i+1, r.ID)
		}
		c.byID[r.ID] = len(c.roles)
		c.roles = append(c.roles, r)
	}
	// Aliases, then titles, then IDs, each level overriding the one before;
	// within a level a name two roles share finds neither.
	c.byName = map[string]int{}
	for _, names := range []func(Role) []string{
		func(r Role) []string { return r.TitleAliases },
		func(r Role) []string { return []string{r.Title} },
		func(r Role) []string { return []string{r.ID} },
	} {
		level := map[string]int{}
		shared := map[string]bool{}
		for i, r := range c.roles {
			for _, n := range names(r) {
				k := nameKey(n)
				if j, seen := level[k]; seen && j != i {
					shared[k] = true
				}
				level[k] = i
			}
		}
		for k, i := range level {
			if shared[k] {
				delete(c.byName, k)
			} else {
				c.byName[k] = i
			}
		}
	}
	return c, nil
}

func (d roleDoc) role() (Role, error) {
	if !slug.MatchString(d.ID) {
		return Role{}, errors.New("id must be a lower-case slug such as backend-engineer")
	}
	if strings.TrimSpace(d.Title) == "" {
		return Role{}, errors.New("empty title")
	}
	if strings.TrimSpace(d.Summary) == "" || strings.ContainsAny(d.Summary, "\r\n") {
		return Role{}, errors.New("summary must be one non-empty line")
	}
	if !slices.Contains(families, d.Family) {
		return Role{}, fmt.Errorf("unknown family %q (want one of %s)", d.Family, strings.Join(families, ", "))
	}
	if len(d.Required) == 0 {
		return Role{}, errors.New("no required skills")
	}
	if len(d.Competencies) == 0 {
		return Role{}, errors.New("no competencies")
	}
	seen := map[string]bool{}
	for _, s := range slices.Concat(d.Required, d.NiceToHave) {
		key := strings.ToLower(strings.TrimSpace(s))
		if key == "" {
			return Role{}, errors.New("empty skill name")
		}
		if seen[key] {
			return Role{}, fmt.Errorf("skill %q listed twice", s)
		}
		seen[key] = true
	}
	for _, c := range d.Competencies {
		if !slices.Contains(competencies, c) {
			return Role{}, fmt.Errorf("unknown competency %q", c)
		}
	}
	sen, err := seniority(d.SeniorityYears)
	if err != nil {
		return Role{}, fmt.Errorf("seniorityYears: %w", err)
	}
	return Role{
		ID: d.ID, Title: d.Title, TitleAliases: d.TitleAliases, Summary: d.Summary, Family: d.Family,
		Required: d.Required, NiceToHave: d.NiceToHave, Competencies: d.Competencies, Seniority: sen,
	}, nil
}

// seniority parses {junior: "0-2", mid: "3-5", senior: "6+"}.
func seniority(m map[string]string) (Seniority, error) {
	var s Seniority
	for k := range m {
		if k != "junior" && k != "mid" && k != "senior" {
			return s, fmt.Errorf("unknown level %q", k)
		}
	}
	levels := []struct {
		name string
		to   *Years
	}{{"junior", &s.Junior}, {"mid", &s.Mid}, {"senior", &s.Senior}}
	for i, l := range levels {
		v, ok := m[l.name]
		if !ok {
			return s, fmt.Errorf("missing %s", l.name)
		}
		y, err := years(v)
		if err != nil {
			return s, fmt.Errorf("%s: %w", l.name, err)
		}
		open := i == len(levels)-1
		if (y.Max < 0) != open {
			return s, fmt.Errorf("%s: only senior is open-ended (\"6+\")", l.name)
		}
		if i == 0 && y.Min != 0 {
			return s, fmt.Errorf("%s must start at 0 years", l.name)
		}
		if i > 0 && y.Min != levels[i-1].to.Max+1 {
			return s, fmt.Errorf("%s must start the year after %s ends", l.name, levels[i-1].name)
		}
		*l.to = y
	}
	return s, nil
}

// years parses "3-5" or "6+".
func years(v string) (Years, error) {
	if lo, ok := strings.CutSuffix(v, "+"); ok {
		n, err := strconv.Atoi(lo)
		if err != nil || n < 0 {
			return Years{}, fmt.Errorf("bad range %q", v)
		}
		return Years{Min: n, Max: -1}, nil
	}
	lo, hi, ok := strings.Cut(v, "-")
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if !ok || err1 != nil || err2 != nil || a < 0 || b < a {
		return Years{}, fmt.Errorf("bad range %q (want \"0-2\" or \"6+\")", v)
	}
	return Years{Min: a, Max: b}, nil
}
