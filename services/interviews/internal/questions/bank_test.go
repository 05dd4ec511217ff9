package questions

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/moksho/platform/services/interviews/internal/catalog"
)

func TestDefaultBankSize(t *testing.T) {
	b := DefaultBank()
	if b.Len() < 500 {
		t.Fatalf("default bank has %d questions, want at least 500", b.Len())
	}
	kinds := map[string]int{}
	for _, e := range b.entries {
		kinds[e.kind]++
	}
	t.Logf("default bank: %d questions %v", b.Len(), kinds)
	if DefaultBank() != b {
		t.Error("DefaultBank parsed the embedded files twice")
	}
}

// TestDefaultBankMatchesCatalog ties the bank to the role catalog: a typo
// in a skill or role name would make questions silently unreachable.
func TestDefaultBankMatchesCatalog(t *testing.T) {
	b := DefaultBank()
	roles := catalog.Default().All()
	skills := map[string]bool{}
	roleIDs := map[string]bool{}
	for _, r := range roles {
		roleIDs[r.ID] = true
		for _, s := range slices.Concat(r.Required, r.NiceToHave) {
			skills[s] = true
		}
	}
	perCompetency := map[string]int{}
	for _, e := range b.entries {
		if e.kind == KindTechnical && !skills[e.skill] {
			t.Errorf("%s: skill %q is not a skill of any role (names are case-sensitive)", e.id, e.skill)
		}
		for _, r := range e.roles {
			if !roleIDs[r] {
				t.Errorf("%s: unknown role %q", e.id, r)
			}
		}
		if e.kind == KindBehavioural {
			perCompetency[e.competency]++
		}
	}
	for _, c := range catalog.CompetencyVocabulary() {
		if perCompetency[c] < 8 {
			t.Errorf("competency %s: %d behavioural questions, want at least 8", c, perCompetency[c])
		}
	}

	for _, r := range roles {
		for _, s := range r.Required {
			n := 0
			for _, i := range b.bySkill[strings.ToLower(s)] {
				if b.entries[i].fits(r) {
					n++
				}
			}
			if n < 2 {
				t.Errorf("%s: required skill %q has %d technical questions, want at least 2", r.ID, s, n)
			}
		}
		situational := 0
		for _, e := range b.entries {
			if e.kind == KindSituational && e.fits(r) {
				situational++
			}
		}
		if situational < 3 || situational > 5 {
			t.Errorf("%s: %d situational questions, want 3-5", r.ID, situational)
		}
		for _, c := range r.Competencies {
			if !slices.ContainsFunc(b.entries, func(e entry) bool {
				return e.kind == KindBehavioural && e.competency == c && e.difficulty == 1 && e.fits(r)
			}) {
				t.Errorf("%s: no easy behavioural question on %s to warm up with", r.ID, c)
			}
		}
	}
}

const goodQuestion = `
  - id: %ID%
    kind: technical
    skill: PostgreSQL
    difficulty: 2
    text: How would you find and fix a slow query in PostgreSQL?
    talkingPoints: [EXPLAIN ANALYZE, indexes, query plan]
`

// bankFile is a bank file of questions made by question.
func bankFile(questions ...string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("questions:\n" + strings.Join(questions, ""))}
}

// question is goodQuestion with the id set and each (old, new) pair of
// replace applied once.
func question(id string, replace ...string) string {
	s := strings.ReplaceAll(goodQuestion, "%ID%", id)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			panic(fmt.Sprintf("test question has no %q", replace[i]))
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	return s
}

func TestLoadBankValidates(t *testing.T) {
	behavioural := func(id, competency string) string {
		return question(id, "kind: technical", "kind: behavioural", "skill: PostgreSQL", "competency: "+competency)
	}
	situational := func(id, roles string) string {
		return question(id, "kind: technical", "kind: situational", "    skill: PostgreSQL\n", roles)
	}
	for _, tc := range []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string // "" means it loads
	}{
		{"valid", fstest.MapFS{"a.yaml": bankFile(question("tech-postgresql-001"), behavioural("beh-ownership-001", "ownership"), situational("role-backend-engineer-001", "    roles: [backend-engineer]\n"))}, ""},
		{"valid across files", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001")), "b.yaml": bankFile(question("tech-b-001"))}, ""},
		{"other files ignored", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001")), "README.md": {Data: []byte("# not yaml")}}, ""},
		{"duplicate id", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001"), question("tech-a-001"))}, `duplicate id "tech-a-001"`},
		{"duplicate id across files", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001")), "b.yaml": bankFile(question("tech-a-001"))}, `duplicate id "tech-a-001" (first in a.yaml)`},
		{"unknown competency", fstest.MapFS{"a.yaml": bankFile(behavioural("beh-bravery-001", "bravery"))}, `unknown competency "bravery"`},
		{"behavioural without competency", fstest.MapFS{"a.yaml": bankFile(question("beh-x-001", "kind: technical", "kind: behavioural"))}, `unknown competency ""`},
		{"missing talking points", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "    talkingPoints: [EXPLAIN ANALYZE, indexes, query plan]\n", ""))}, "0 talking points"},
		{"too few talking points", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "[EXPLAIN ANALYZE, indexes, query plan]", "[indexes, query plan]"))}, "2 talking points"},
		{"too many talking points", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "query plan]", "query plan, a, b, c, d]"))}, "7 talking points"},
		{"empty talking point", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "indexes,", "'',"))}, "empty"},
		{"talking point twice", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "query plan]", "Indexes]"))}, `"Indexes" listed twice`},
		{"unknown kind", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "kind: technical", "kind: trivia"))}, `unknown kind "trivia"`},
		{"id prefix does not match kind", fstest.MapFS{"a.yaml": bankFile(question("beh-a-001"))}, `starting "tech-"`},
		{"id not a slug", fstest.MapFS{"a.yaml": bankFile(question("tech-A 1"))}, "slug"},
		{"difficulty too low", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "difficulty: 2", "difficulty: 0"))}, "difficulty 0"},
		{"difficulty too high", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "difficulty: 2", "difficulty: 4"))}, "difficulty 4"},
		{"empty text", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "text: How would you find and fix a slow query in PostgreSQL?", "text: ''"))}, "empty text"},
		{"text without final punctuation", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "PostgreSQL?", "PostgreSQL"))}, `end with "?" or "."`},
		{"technical without skill", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "    skill: PostgreSQL\n", ""))}, "needs a skill"},
		{"technical with competency", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "skill: PostgreSQL", "skill: PostgreSQL\n    competency: ownership"))}, "not a competency"},
		{"situational without roles", fstest.MapFS{"a.yaml": bankFile(situational("role-x-001", ""))}, "needs roles or families"},
		{"unknown family", fstest.MapFS{"a.yaml": bankFile(situational("role-x-001", "    families: [space]\n"))}, `unknown family "space"`},
		{"unknown field", fstest.MapFS{"a.yaml": bankFile(question("tech-a-001", "difficulty:", "dificulty: 1\n    difficulty:"))}, "dificulty"},
		{"file without questions", fstest.MapFS{"a.yaml": bankFile()}, "a.yaml: no questions"},
		{"no files", fstest.MapFS{}, "no *.yaml bank files"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := LoadBank(tc.fsys)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("LoadBank: %v", err)
			case tc.wantErr == "" && b.Len() == 0:
				t.Fatal("LoadBank returned an empty bank")
			case tc.wantErr != "" && err == nil:
				t.Fatalf("LoadBank accepted the bank, want error containing %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("LoadBank error %q, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestQuestionsDoNotShareTheBanksSlices(t *testing.T) {
	b := DefaultBank()
	r, _ := catalog.Default().Get("backend-engineer")
	req := Request{Role: r, Rand: seeded(1)}
	q := b.Generate(req)[0]
	want := q.TalkingPoints[0]
	q.TalkingPoints[0] = "changed"
	if again := b.Generate(Request{Role: r, Rand: seeded(1)})[0]; again.TalkingPoints[0] != want {
		t.Errorf("changing a generated question changed the bank: %q", again.TalkingPoints[0])
	}
}
