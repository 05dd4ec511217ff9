package questions

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/moksho/platform/services/interviews/internal/catalog"
)

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// resumeOf pretends a resume shows the role's first three required skills
// and two of its nice-to-have ones, and lacks the other required skills.
func resumeOf(r catalog.Role) (have, missing []string) {
	have = slices.Concat(r.Required[:3], r.NiceToHave[:2])
	missing = slices.Clone(r.Required[3:])
	return have, missing
}

// topicOf is what the interview rules count as a question's topic.
func topicOf(q Question) string {
	switch {
	case q.Competency != "":
		return "competency:" + q.Competency
	case q.Skill != "":
		return skillTopic(q.Skill)
	default:
		return "question:" + q.BankID
	}
}

// checkInterview asserts the rules every generated interview keeps.
func checkInterview(t *testing.T, r catalog.Role, req Request, qs []Question, want int) {
	t.Helper()
	if len(qs) != want {
		t.Fatalf("%d questions, want %d", len(qs), want)
	}
	topics, ids := map[string]bool{}, map[string]bool{}
	kinds := map[string]int{}
	for i, q := range qs {
		kinds[q.Kind]++
		if q.BankID == "" || ids[q.BankID] {
			t.Errorf("question %d: bank id %q empty or repeated", i+1, q.BankID)
		}
		ids[q.BankID] = true
		if topic := topicOf(q); topics[topic] {
			t.Errorf("question %d: topic %s asked twice", i+1, topic)
		} else {
			topics[topic] = true
		}
		if n := len(q.TalkingPoints); n < MinTalkingPoints || n > MaxTalkingPoints || slices.Contains(q.TalkingPoints, "") {
			t.Errorf("question %d (%s): talking points %q", i+1, q.BankID, q.TalkingPoints)
		}
		if q.Difficulty < 1 || q.Difficulty > 3 {
			t.Errorf("question %d: difficulty %d", i+1, q.Difficulty)
		}
		switch q.Kind {
		case KindBehavioural:
			if !slices.Contains(r.Competencies, q.Competency) {
				t.Errorf("question %d: competency %q is not one of the role's %v", i+1, q.Competency, r.Competencies)
			}
		case KindTechnical:
			if !slices.Contains(r.Required, q.Skill) {
				t.Errorf("question %d: skill %q is not required by the role", i+1, q.Skill)
			}
		case KindResume:
			checkResumeQuestion(t, r, req, q)
		case KindSituational:
		default:
			t.Errorf("question %d: kind %q", i+1, q.Kind)
		}
	}
	if qs[0].Kind != KindBehavioural {
		t.Errorf("first question is %s, want a behavioural warm-up", qs[0].Kind)
	}
	for i, q := range qs {
		if q.Kind == KindBehavioural && q.Difficulty < qs[0].Difficulty {
			t.Errorf("question %d is an easier behavioural question than the warm-up", i+1)
		}
	}
	if len(req.Asked) == 0 && qs[0].Difficulty != 1 {
		t.Errorf("warm-up has difficulty %d, want 1", qs[0].Difficulty)
	}

	hasResume := len(req.ResumeSkills) > 0 || len(req.MissingSkills) > 0
	wantBeh := map[int]int{5: 2, 10: 4}[want]
	wantResume := 0
	if hasResume {
		wantResume = map[int]int{5: 1, 10: 2}[want]
	}
	if kinds[KindBehavioural] != wantBeh || kinds[KindResume] != wantResume ||
		kinds[KindTechnical]+kinds[KindSituational] != want-wantBeh-wantResume || kinds[KindTechnical] == 0 {
		t.Errorf("mix %v, want %d behavioural, %d resume and the rest technical or situational", kinds, wantBeh, wantResume)
	}
}

// checkResumeQuestion asserts a resume question is grounded in the
// request: a valued skill the resume shows, or a skill it lacks.
func checkResumeQuestion(t *testing.T, r catalog.Role, req Request, q Question) {
	t.Helper()
	if strings.HasPrefix(q.BankID, "gap-") {
		lead := fmt.Sprintf(gapLead, q.Skill)
		if !slices.Contains(req.MissingSkills, q.Skill) || !strings.HasPrefix(q.Text, lead) || q.BankID != gapID(q.Skill) {
			t.Errorf("gap question %s on %q: %q", q.BankID, q.Skill, q.Text)
		}
		return
	}
	if !slices.Contains(req.ResumeSkills, q.Skill) || !slices.Contains(slices.Concat(r.Required, r.NiceToHave), q.Skill) {
		t.Errorf("resume question %s on %q, which is not a valued skill the resume shows", q.BankID, q.Skill)
	}
	var original string
	for _, e := range DefaultBank().entries {
		if e.id == q.BankID {
			original = e.text
		}
	}
	led := false
	for _, lead := range foundLeads {
		led = led || q.Text == fmt.Sprintf(lead, q.Skill)+original
	}
	if original == "" || !led {
		t.Errorf("resume question %s: %q is not a lead-in and the bank text %q", q.BankID, q.Text, original)
	}
}

func TestEveryRoleGetsAFullInterview(t *testing.T) {
	b := DefaultBank()
	for _, r := range catalog.Default().All() {
		have, missing := resumeOf(r)
		for _, tc := range []struct {
			name          string
			count         int
			have, missing []string
		}{
			{"5 without resume", 5, nil, nil},
			{"10 without resume", 10, nil, nil},
			{"5 with resume", 5, have, missing},
			{"10 with resume", 10, have, missing},
			{"5 with only resume skills", 5, have, nil},
			{"5 with only missing skills", 5, nil, missing},
		} {
			t.Run(r.ID+"/"+tc.name, func(t *testing.T) {
				for seed := range uint64(20) {
					req := Request{Role: r, ResumeSkills: tc.have, MissingSkills: tc.missing, Count: tc.count, Rand: seeded(seed)}
					checkInterview(t, r, req, b.Generate(req), tc.count)
				}
			})
		}
	}
}

func TestResumeQuestionsAlternate(t *testing.T) {
	b := DefaultBank()
	for _, r := range catalog.Default().All() {
		have, missing := resumeOf(r)
		gapsFirst := 0
		for seed := range uint64(40) {
			qs := b.Generate(Request{Role: r, ResumeSkills: have, MissingSkills: missing, Count: 10, Rand: seeded(seed)})
			var resume []string
			for _, q := range qs {
				if q.Kind == KindResume {
					resume = append(resume, q.BankID)
				}
			}
			if len(resume) != 2 || strings.HasPrefix(resume[0], "gap-") == strings.HasPrefix(resume[1], "gap-") {
				t.Fatalf("%s seed %d: resume questions %v, want one on a skill shown and one on a gap", r.ID, seed, resume)
			}
			if strings.HasPrefix(resume[0], "gap-") {
				gapsFirst++
			}
		}
		if gapsFirst == 0 || gapsFirst == 40 {
			t.Errorf("%s: the gap question came first in %d of 40 interviews, want a mix", r.ID, gapsFirst)
		}
		// With one resume question, only the side the request supports.
		for _, tc := range []struct {
			have, missing []string
			wantGap       bool
		}{{have, nil, false}, {nil, missing, true}} {
			qs := b.Generate(Request{Role: r, ResumeSkills: tc.have, MissingSkills: tc.missing, Rand: seeded(7)})
			i := slices.IndexFunc(qs, func(q Question) bool { return q.Kind == KindResume })
			if i < 0 || strings.HasPrefix(qs[i].BankID, "gap-") != tc.wantGap {
				t.Errorf("%s: have %v missing %v: resume question at %d, want gap=%v", r.ID, tc.have, tc.missing, i, tc.wantGap)
			}
		}
	}
}

func TestResumeSkillsTheRoleDoesNotValue(t *testing.T) {
	r, _ := catalog.Default().Get("registered-nurse")
	req := Request{Role: r, ResumeSkills: []string{"Kubernetes", "Terraform"}, MissingSkills: []string{"Kafka"}, Rand: seeded(3)}
	qs := DefaultBank().Generate(req)
	if len(qs) != DefaultCount {
		t.Fatalf("%d questions, want %d", len(qs), DefaultCount)
	}
	for _, q := range qs {
		if q.Kind == KindResume || q.Skill == "Kubernetes" || q.Skill == "Terraform" || q.Skill == "Kafka" {
			t.Errorf("a nurse was asked %s about %q", q.Kind, q.Skill)
		}
	}
}

func TestGapQuestionTalkingPoints(t *testing.T) {
	r, _ := catalog.Default().Get("devops-engineer")
	qs := DefaultBank().Generate(Request{Role: r, MissingSkills: []string{"Terraform"}, Rand: seeded(1)})
	i := slices.IndexFunc(qs, func(q Question) bool { return q.Kind == KindResume })
	if i < 0 {
		t.Fatal("no resume question")
	}
	q := qs[i]
	if q.BankID != "gap-terraform" || q.Skill != "Terraform" {
		t.Fatalf("gap question %s on %q", q.BankID, q.Skill)
	}
	// The easiest Terraform question names what terraform plan shows.
	if !slices.Contains(q.TalkingPoints, "diff between state and configuration") || !slices.Contains(q.TalkingPoints, "hands-on practice project") {
		t.Errorf("talking points %q lack the skill's core concepts or the ramp-up plan", q.TalkingPoints)
	}
}

func TestGenerateCount(t *testing.T) {
	r, _ := catalog.Default().Get("product-manager")
	for _, tc := range []struct{ count, want int }{{-3, 5}, {0, 5}, {1, 1}, {2, 2}, {3, 3}, {7, 7}, {10, 10}, {25, 10}} {
		qs := DefaultBank().Generate(Request{Role: r, Count: tc.count, Rand: seeded(5)})
		if len(qs) != tc.want {
			t.Errorf("Count %d: %d questions, want %d", tc.count, len(qs), tc.want)
		}
		if len(qs) > 0 && qs[0].Kind != KindBehavioural {
			t.Errorf("Count %d: first question is %s, want the behavioural warm-up", tc.count, qs[0].Kind)
		}
	}
	if qs := DefaultBank().Generate(Request{Role: r}); len(qs) != DefaultCount {
		t.Errorf("without Rand: %d questions", len(qs))
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	b := DefaultBank()
	r, _ := catalog.Default().Get("data-scientist")
	have, missing := resumeOf(r)
	gen := func(seed uint64) []Question {
		return b.Generate(Request{Role: r, ResumeSkills: have, MissingSkills: missing, Count: 10, Rand: seeded(seed)})
	}
	if a, b := gen(42), gen(42); !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different interviews:\n%v\n%v", a, b)
	}
	differs := false
	for seed := range uint64(5) {
		differs = differs || !reflect.DeepEqual(gen(seed), gen(seed+100))
	}
	if !differs {
		t.Error("different seeds always give the same interview")
	}
}

func TestGeneratePrefersQuestionsNotAsked(t *testing.T) {
	b := DefaultBank()
	r, _ := catalog.Default().Get("registered-nurse")
	// Every behavioural question a nurse could get was asked, but one.
	const keep = "beh-teamwork-005"
	asked := map[string]bool{}
	for _, e := range b.entries {
		if e.kind == KindBehavioural && e.id != keep {
			asked[e.id] = true
		}
	}
	for seed := range uint64(30) {
		qs := b.Generate(Request{Role: r, Asked: asked, Rand: seeded(seed)})
		if !slices.ContainsFunc(qs, func(q Question) bool { return q.BankID == keep }) {
			t.Fatalf("seed %d: the only behavioural question not asked, %s, was left out: %v", seed, keep, ids(qs))
		}
	}
}

func ids(qs []Question) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.BankID
	}
	return out
}

// slotPool is every bank id that could have filled q's position if no
// other question of the interview had taken its topic: questions of the
// same kind and scope.
func slotPool(b *Bank, r catalog.Role, req Request, q Question) []Question {
	var pool []Question
	if strings.HasPrefix(q.BankID, "gap-") {
		for _, s := range req.MissingSkills {
			pool = append(pool, Question{BankID: gapID(s), Skill: s})
		}
		return pool
	}
	for _, e := range b.entries {
		if !e.fits(r) {
			continue
		}
		var in bool
		switch q.Kind {
		case KindBehavioural:
			in = e.kind == KindBehavioural && slices.Contains(r.Competencies, e.competency)
		case KindTechnical:
			in = e.kind == KindTechnical && slices.Contains(r.Required, e.skill)
		case KindSituational:
			in = e.kind == KindSituational
		case KindResume:
			in = e.kind == KindTechnical && slices.Contains(req.ResumeSkills, e.skill)
		}
		if in {
			pool = append(pool, e.question())
		}
	}
	return pool
}

func TestNoRepeatsUntilASlotIsExhausted(t *testing.T) {
	b := DefaultBank()
	for _, id := range []string{"backend-engineer", "registered-nurse", "account-executive", "hr-recruiter"} {
		r, _ := catalog.Default().Get(id)
		have, missing := resumeOf(r)
		for _, withResume := range []bool{false, true} {
			req := Request{Role: r, Count: 10, Asked: map[string]bool{}}
			if withResume {
				req.ResumeSkills, req.MissingSkills = have, missing
			}
			repeats, firstRepeat := 0, -1
			for n := range 60 {
				req.Rand = seeded(uint64(n))
				qs := b.Generate(req)
				checkInterview(t, r, req, qs, 10)
				for _, q := range qs {
					if !req.Asked[q.BankID] {
						continue
					}
					repeats++
					if firstRepeat < 0 {
						firstRepeat = n
					}
					// A repeat is allowed only when every question that could
					// have taken this position, on a topic still free, was asked.
					others := map[string]bool{}
					for _, o := range qs {
						if o.BankID != q.BankID {
							others[topicOf(o)] = true
						}
					}
					for _, c := range slotPool(b, r, req, q) {
						if !others[topicOf(c)] && !req.Asked[c.BankID] {
							t.Fatalf("%s resume=%v interview %d: repeated %s although %s was never asked", id, withResume, n, q.BankID, c.BankID)
						}
					}
				}
				for _, q := range qs {
					req.Asked[q.BankID] = true
				}
			}
			if repeats == 0 {
				t.Errorf("%s resume=%v: 60 interviews of 10 never repeated a question; the test did not reach exhaustion", id, withResume)
			}
			t.Logf("%s resume=%v: first repeat in interview %d, %d repeats in 60", id, withResume, firstRepeat+1, repeats)
		}
	}
}

func TestEverythingAskedStillGivesAnInterview(t *testing.T) {
	b := DefaultBank()
	asked := map[string]bool{}
	for _, e := range b.entries {
		asked[e.id] = true
	}
	for _, r := range catalog.Default().All() {
		have, missing := resumeOf(r)
		for _, s := range missing {
			asked[gapID(s)] = true
		}
		req := Request{Role: r, ResumeSkills: have, MissingSkills: missing, Asked: asked, Count: 10, Rand: seeded(9)}
		checkInterview(t, r, req, b.Generate(req), 10)
	}
}

func TestSmallBankFallsBack(t *testing.T) {
	// A bank with one behavioural question and one technical question on a
	// nice-to-have skill: Generate uses what there is rather than fail.
	fsys := fstest.MapFS{"a.yaml": bankFile(
		question("beh-ownership-001", "kind: technical", "kind: behavioural", "skill: PostgreSQL", "competency: ownership"),
		question("tech-kafka-001", "skill: PostgreSQL", "skill: Kafka"),
	)}
	b, err := LoadBank(fsys)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := catalog.Default().Get("backend-engineer")
	qs := b.Generate(Request{Role: r, Rand: seeded(1)})
	if got := ids(qs); !reflect.DeepEqual(got, []string{"beh-ownership-001", "tech-kafka-001"}) {
		t.Errorf("got %v, want the bank's two questions, warm-up first", got)
	}
	r, _ = catalog.Default().Get("registered-nurse")
	if qs := b.Generate(Request{Role: r, Rand: seeded(1)}); len(qs) != 1 || qs[0].BankID != "beh-ownership-001" {
		t.Errorf("nurse got %v, want only the behavioural question", ids(qs))
	}
}
