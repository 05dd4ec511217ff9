// Package questions is the interview question bank and the generator that
// turns a role, and optionally what a resume shows, into a practice
// interview.
//
// The bank is data (bank/*.yaml, embedded in the binary) for the same
// reason the role catalog is: adding or rewording a question is a reviewed
// file change that interviewers can make without touching code, and a test
// ties every question to the catalog's roles, skills and competencies. Each
// bank question carries talking points, the concrete terms a strong answer
// covers, because the scorer has no other way to know what "good" means
// for a question it did not write.
//
// Generation is pure and deterministic given its random source, so an
// interview can be reproduced in tests and the rules (the mix of kinds, one
// question per topic, no repeats for a candidate) can be checked exactly.
package questions

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/moksho/platform/services/interviews/internal/catalog"
)

// Kinds of question. The bank holds the first three; Generate also makes
// KindResume questions and Custom makes KindCustom ones.
const (
	// KindBehavioural asks for past behaviour on a competency ("Tell me
	// about a time...").
	KindBehavioural = "behavioural"
	// KindTechnical tests knowledge of one skill.
	KindTechnical = "technical"
	// KindSituational poses a dilemma typical of one job.
	KindSituational = "situational"
	// KindResume is grounded in the candidate's resume: a skill it shows,
	// or a required skill it does not.
	KindResume = "resume"
	// KindCustom is a question the user wrote.
	KindCustom = "custom"
)

// Limits a bank question must keep. Talking points are few and short
// because the scorer looks for each one in an answer; a long list or a
// sentence-long point cannot be matched fairly.
const (
	MinTalkingPoints   = 3
	MaxTalkingPoints   = 6
	maxTalkingPointLen = 80
	maxTextLen         = 300
)

// idPrefix is the id prefix of each bank kind, so an id alone tells a
// reviewer (and a stored interview) what sort of question it was.
var idPrefix = map[string]string{
	KindBehavioural: "beh-",
	KindTechnical:   "tech-",
	KindSituational: "role-",
}

// Question is one interview question, from the bank or not.
type Question struct {
	// BankID is the stable id of the bank question this was made from,
	// used to avoid asking a candidate the same question twice. Questions
	// about a skill missing from the resume have an id of their own,
	// "gap-<skill>", for the same purpose. It is "" for custom questions.
	BankID string
	// Text is what the candidate is asked.
	Text string
	// Kind is one of the Kind constants.
	Kind string
	// Competency is set for behavioural questions, from
	// catalog.CompetencyVocabulary().
	Competency string
	// Skill is the canonical skill a technical or resume question is about.
	Skill string
	// Difficulty is 1 (easy), 2 (mid) or 3 (hard); 0 for custom questions,
	// whose difficulty is unknown.
	Difficulty int
	// TalkingPoints are short phrases a strong answer covers.
	TalkingPoints []string
}

// Bank is a validated, read-only set of questions. It is safe for
// concurrent use.
type Bank struct {
	entries []entry
	// bySkill maps a lower-cased skill to its technical questions, in
	// file order.
	bySkill map[string][]int
}

// entry is a bank question as loaded.
type entry struct {
	id, kind, competency, skill string
	roles, families             []string
	difficulty                  int
	text                        string
	talkingPoints               []string
}

// topic is what a question is about; an interview asks at most one
// question per topic.
func (e *entry) topic() string {
	switch e.kind {
	case KindBehavioural:
		return "competency:" + e.competency
	case KindTechnical:
		return skillTopic(e.skill)
	default:
		return "question:" + e.id
	}
}

func skillTopic(skill string) string { return "skill:" + strings.ToLower(skill) }

// fits reports whether the question may be asked for the role at all,
// whatever its topic.
func (e *entry) fits(r catalog.Role) bool {
	if len(e.roles) > 0 && !slices.Contains(e.roles, r.ID) {
		return false
	}
	if len(e.families) > 0 && !slices.Contains(e.families, r.Family) {
		return false
	}
	return true
}

// question copies the entry into a Question, so callers cannot change the
// bank through the talking points slice.
func (e *entry) question() Question {
	return Question{
		BankID: e.id, Text: e.text, Kind: e.kind, Competency: e.competency, Skill: e.skill,
		Difficulty: e.difficulty, TalkingPoints: slices.Clone(e.talkingPoints),
	}
}

// Len is the number of questions in the bank.
func (b *Bank) Len() int { return len(b.entries) }

//go:embed bank/*.yaml
var embedded embed.FS

var defaultBank = sync.OnceValue(func() *Bank {
	sub, err := fs.Sub(embedded, "bank")
	if err != nil {
		panic(fmt.Sprintf("questions: embedded bank: %v", err))
	}
	b, err := LoadBank(sub)
	if err != nil {
		panic(fmt.Sprintf("questions: embedded bank: %v", err))
	}
	return b
})

// DefaultBank is the bank embedded in the binary, parsed once. It panics
// only if the embedded files are invalid, which a test rules out.
func DefaultBank() *Bank { return defaultBank() }

// LoadBank reads and validates every *.yaml file at the root of fsys. It
// exists besides DefaultBank so tests (and tools checking a bank before it
// ships) can load other files; ids must be unique across all of them.
func LoadBank(fsys fs.FS) (*Bank, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list bank files: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("no *.yaml bank files")
	}
	b := &Bank{bySkill: map[string][]int{}}
	seen := map[string]string{} // id -> file
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		docs, err := parseFile(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for i, d := range docs {
			e, err := d.entry()
			if err != nil {
				return nil, fmt.Errorf("%s: question %d (%q): %w", name, i+1, d.ID, err)
			}
			if other, dup := seen[e.id]; dup {
				return nil, fmt.Errorf("%s: question %d: duplicate id %q (first in %s)", name, i+1, e.id, other)
			}
			seen[e.id] = name
			if e.kind == KindTechnical {
				key := strings.ToLower(e.skill)
				b.bySkill[key] = append(b.bySkill[key], len(b.entries))
			}
			b.entries = append(b.entries, e)
		}
	}
	return b, nil
}

// fileDoc and questionDoc are the YAML form of a bank file.
type fileDoc struct {
	Questions []questionDoc `yaml:"questions"`
}

type questionDoc struct {
	ID            string   `yaml:"id"`
	Kind          string   `yaml:"kind"`
	Competency    string   `yaml:"competency"`
	Skill         string   `yaml:"skill"`
	Roles         []string `yaml:"roles"`
	Families      []string `yaml:"families"`
	Difficulty    int      `yaml:"difficulty"`
	Text          string   `yaml:"text"`
	TalkingPoints []string `yaml:"talkingPoints"`
}

func parseFile(data []byte) ([]questionDoc, error) {
	var doc fileDoc
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if len(doc.Questions) == 0 {
		return nil, errors.New("no questions")
	}
	return doc.Questions, nil
}

var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// entry validates the document and converts it.
func (d questionDoc) entry() (entry, error) {
	prefix, ok := idPrefix[d.Kind]
	if !ok {
		return entry{}, fmt.Errorf("unknown kind %q (want behavioural, technical or situational)", d.Kind)
	}
	if !slug.MatchString(d.ID) || !strings.HasPrefix(d.ID, prefix) {
		return entry{}, fmt.Errorf("id must be a lower-case slug starting %q", prefix)
	}
	if d.Difficulty < 1 || d.Difficulty > 3 {
		return entry{}, fmt.Errorf("difficulty %d, want 1, 2 or 3", d.Difficulty)
	}
	if err := checkText(d.Text); err != nil {
		return entry{}, err
	}
	if err := checkTalkingPoints(d.TalkingPoints); err != nil {
		return entry{}, err
	}
	for _, r := range d.Roles {
		if !slug.MatchString(r) {
			return entry{}, fmt.Errorf("role %q is not a role id", r)
		}
	}
	for _, f := range d.Families {
		if !slices.Contains(catalog.Families(), f) {
			return entry{}, fmt.Errorf("unknown family %q", f)
		}
	}
	switch d.Kind {
	case KindBehavioural:
		if !slices.Contains(catalog.CompetencyVocabulary(), d.Competency) {
			return entry{}, fmt.Errorf("unknown competency %q", d.Competency)
		}
		if d.Skill != "" {
			return entry{}, errors.New("a behavioural question has a competency, not a skill")
		}
	case KindTechnical:
		if strings.TrimSpace(d.Skill) == "" {
			return entry{}, errors.New("a technical question needs a skill")
		}
		if d.Competency != "" {
			return entry{}, errors.New("a technical question has a skill, not a competency")
		}
	case KindSituational:
		if len(d.Roles) == 0 && len(d.Families) == 0 {
			return entry{}, errors.New("a situational question needs roles or families")
		}
		if d.Skill != "" || d.Competency != "" {
			return entry{}, errors.New("a situational question has neither skill nor competency")
		}
	}
	return entry{
		id: d.ID, kind: d.Kind, competency: d.Competency, skill: d.Skill,
		roles: d.Roles, families: d.Families, difficulty: d.Difficulty,
		text: d.Text, talkingPoints: d.TalkingPoints,
	}, nil
}

func checkText(t string) error {
	switch {
	case strings.TrimSpace(t) == "":
		return errors.New("empty text")
	case strings.TrimSpace(t) != t || strings.ContainsAny(t, "\r\n"):
		return errors.New("text must be one line without surrounding spaces")
	case utf8.RuneCountInString(t) > maxTextLen:
		return fmt.Errorf("text longer than %d characters", maxTextLen)
	case !strings.HasSuffix(t, "?") && !strings.HasSuffix(t, "."):
		return errors.New(`text must end with "?" or "."`)
	}
	return nil
}

func checkTalkingPoints(points []string) error {
	if n := len(points); n < MinTalkingPoints || n > MaxTalkingPoints {
		return fmt.Errorf("%d talking points, want %d-%d", n, MinTalkingPoints, MaxTalkingPoints)
	}
	seen := map[string]bool{}
	for _, p := range points {
		switch {
		case strings.TrimSpace(p) == "" || strings.TrimSpace(p) != p:
			return fmt.Errorf("talking point %q is empty or has surrounding spaces", p)
		case utf8.RuneCountInString(p) > maxTalkingPointLen:
			return fmt.Errorf("talking point %q longer than %d characters", p, maxTalkingPointLen)
		case seen[strings.ToLower(p)]:
			return fmt.Errorf("talking point %q listed twice", p)
		}
		seen[strings.ToLower(p)] = true
	}
	return nil
}
