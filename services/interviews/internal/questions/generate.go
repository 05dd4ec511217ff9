package questions

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"

	"github.com/moksho/platform/services/interviews/internal/catalog"
)

// Interview lengths. Five questions fit a half-hour practice session; ten
// is as long as a candidate can stay sharp.
const (
	DefaultCount = 5
	MaxCount     = 10
)

// Request is what Generate needs to know about the interview.
type Request struct {
	// Role is the job the candidate practises for.
	Role catalog.Role
	// ResumeSkills are canonical skills found in the candidate's resume.
	ResumeSkills []string
	// MissingSkills are the role's skills the resume does not show.
	MissingSkills []string
	// Asked holds the BankIDs this candidate was already asked.
	Asked map[string]bool
	// Count is the number of questions: DefaultCount when 0 or less, at
	// most MaxCount.
	Count int
	// Rand makes the choice reproducible; nil uses a randomly seeded
	// source.
	Rand *rand.Rand
}

// slotKind is the sort of question a position in the interview asks for.
type slotKind int

const (
	slotBehavioural slotKind = iota
	slotResume
	slotTechnical
	slotSituational
)

// slot is one position of the interview being built.
type slot struct {
	kind   slotKind
	target int // preferred difficulty
	q      *Question
}

// Generate builds an interview for the request. With a resume (resume or
// missing skills given) five questions are two behavioural questions on
// the role's competencies, one resume-grounded question and two on the
// role's required skills or its typical dilemmas; without one, two
// behavioural and three technical or situational. Other counts scale the
// same way. The first question is an easy behavioural one to warm up; no
// two questions share a competency or skill; questions not in req.Asked
// come first, and an asked one is reused only when every candidate for
// its position was asked. It returns fewer than the count only when the
// bank has too few questions for the role, which the default bank never
// does.
func (b *Bank) Generate(req Request) []Question {
	n := req.Count
	if n <= 0 {
		n = DefaultCount
	}
	n = min(n, MaxCount)
	rng := req.Rand
	if rng == nil {
		rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	g := newGenerator(b, req, rng)
	slots := g.layout(n)

	// Fill the most constrained positions first, so the broad pools
	// (technical questions) do not take the few topics a resume question
	// could use.
	for _, kind := range []slotKind{slotBehavioural, slotResume, slotSituational, slotTechnical} {
		resumeIndex := 0
		for i := range slots {
			if slots[i].kind != kind {
				continue
			}
			slots[i].q = g.fill(slots[i], resumeIndex)
			if kind == slotResume {
				resumeIndex++
			}
		}
	}
	// The warm-up is the easiest behavioural question, even when the
	// candidate's history forced a harder pick for its position.
	if slots[0].q != nil && slots[0].q.Kind == KindBehavioural {
		for i := 1; i < len(slots); i++ {
			if q := slots[i].q; q != nil && q.Kind == KindBehavioural && q.Difficulty < slots[0].q.Difficulty {
				slots[0].q, slots[i].q = q, slots[0].q
			}
		}
	}
	out := make([]Question, 0, n)
	for _, s := range slots {
		if s.q != nil {
			out = append(out, *s.q)
		}
	}
	return out
}

// generator holds the state of one Generate call.
type generator struct {
	bank *Bank
	req  Request
	rng  *rand.Rand
	used map[string]bool // topics already in the interview
	// roleSkill maps a lower-cased role skill to its canonical spelling.
	roleSkill map[string]string
	required  map[string]bool // lower-cased required skills
	// found are role skills the resume shows that have technical
	// questions; gaps are role skills it lacks. Both canonical, in
	// request order.
	found, gaps []string
	// resumeStart says which resume question comes first: 0 a found
	// skill, 1 a gap. Later resume questions alternate.
	resumeStart int
}

func newGenerator(b *Bank, req Request, rng *rand.Rand) *generator {
	g := &generator{
		bank: b, req: req, rng: rng, used: map[string]bool{},
		roleSkill: map[string]string{}, required: map[string]bool{},
	}
	for _, s := range req.Role.Required {
		g.roleSkill[strings.ToLower(s)] = s
		g.required[strings.ToLower(s)] = true
	}
	for _, s := range req.Role.NiceToHave {
		g.roleSkill[strings.ToLower(s)] = s
	}
	onResume := map[string]bool{}
	for _, s := range req.ResumeSkills {
		key := strings.ToLower(strings.TrimSpace(s))
		canon, ok := g.roleSkill[key]
		if !ok || onResume[key] {
			continue
		}
		onResume[key] = true
		if slices.ContainsFunc(b.bySkill[key], func(i int) bool { return b.entries[i].fits(req.Role) }) {
			g.found = append(g.found, canon)
		}
	}
	gapSeen := map[string]bool{}
	for _, s := range req.MissingSkills {
		key := strings.ToLower(strings.TrimSpace(s))
		canon, ok := g.roleSkill[key]
		if !ok || onResume[key] || gapSeen[key] {
			continue
		}
		gapSeen[key] = true
		g.gaps = append(g.gaps, canon)
	}
	if len(g.found) > 0 && len(g.gaps) > 0 {
		g.resumeStart = rng.IntN(2)
	} else if len(g.gaps) > 0 {
		g.resumeStart = 1
	}
	return g
}

// layout decides what each position asks for and how hard it should be:
// an easy behavioural question first, then two non-behavioural questions
// to every behavioural one, resume questions early (interviewers start
// from the resume) and situational ones last.
func (g *generator) layout(n int) []slot {
	beh := max(1, (2*n+2)/5)
	res := 0
	if len(g.req.ResumeSkills) > 0 || len(g.req.MissingSkills) > 0 {
		res = (n + 2) / 5
	}
	rest := n - beh - res
	sit := (rest + 1) / 3
	tech := rest - sit

	var others []slotKind
	for i := 0; i < max(res, tech); i++ {
		if i < res {
			others = append(others, slotResume)
		}
		if i < tech {
			others = append(others, slotTechnical)
		}
	}
	for range sit {
		others = append(others, slotSituational)
	}

	kinds := []slotKind{slotBehavioural}
	behLeft := beh - 1
	for len(others) > 0 || behLeft > 0 {
		take := min(2, len(others))
		kinds = append(kinds, others[:take]...)
		others = others[take:]
		if behLeft > 0 {
			kinds = append(kinds, slotBehavioural)
			behLeft--
		}
	}
	slots := make([]slot, len(kinds))
	for p, k := range kinds {
		target := 2
		switch {
		case p == 0:
			target = 1
		case p%3 == 0:
			target = 3
		}
		slots[p] = slot{kind: k, target: target}
	}
	return slots
}

// source proposes a question for a slot, or nil when it has no candidate.
type source func(target int) *Question

// fill tries the slot's sources in order of preference. The first source
// with any candidate decides, even if all its candidates were asked
// before: falling back to a different kind of question would change the
// interview's mix, which matters more than a repeat.
func (g *generator) fill(s slot, resumeIndex int) *Question {
	var chain []source
	switch s.kind {
	case slotBehavioural:
		chain = []source{g.behavioural(true), g.technical(true), g.situational, g.technical(false), g.behavioural(false)}
	case slotResume:
		found, gap := g.resumeFound, g.resumeGap
		if (g.resumeStart+resumeIndex)%2 == 1 {
			found, gap = gap, found
		}
		chain = []source{found, gap, g.technical(true), g.situational, g.technical(false), g.behavioural(true), g.behavioural(false)}
	case slotSituational:
		chain = []source{g.situational, g.technical(true), g.technical(false), g.behavioural(true), g.behavioural(false)}
	default:
		chain = []source{g.technical(true), g.situational, g.technical(false), g.behavioural(true), g.behavioural(false)}
	}
	for _, src := range chain {
		if q := src(s.target); q != nil {
			return q
		}
	}
	return nil
}

// use records the question's topic and returns it.
func (g *generator) use(q Question, topic string) *Question {
	g.used[topic] = true
	return &q
}

// behavioural proposes a behavioural question on one of the role's
// competencies, or on any competency when roleOnly is false (a last
// resort for small banks).
func (g *generator) behavioural(roleOnly bool) source {
	return func(target int) *Question {
		i := g.pick(func(e *entry) bool {
			return e.kind == KindBehavioural && (!roleOnly || slices.Contains(g.req.Role.Competencies, e.competency))
		}, target)
		if i < 0 {
			return nil
		}
		e := &g.bank.entries[i]
		return g.use(e.question(), e.topic())
	}
}

// technical proposes a technical question on one of the role's required
// skills, or its nice-to-have skills when required is false.
func (g *generator) technical(required bool) source {
	return func(target int) *Question {
		i := g.pick(func(e *entry) bool {
			key := strings.ToLower(e.skill)
			_, ofRole := g.roleSkill[key]
			return e.kind == KindTechnical && ofRole && g.required[key] == required
		}, target)
		if i < 0 {
			return nil
		}
		e := &g.bank.entries[i]
		return g.use(e.question(), e.topic())
	}
}

// situational proposes one of the role's dilemmas.
func (g *generator) situational(target int) *Question {
	i := g.pick(func(e *entry) bool { return e.kind == KindSituational }, target)
	if i < 0 {
		return nil
	}
	e := &g.bank.entries[i]
	return g.use(e.question(), e.topic())
}

// foundLeads introduce a question about a skill the resume shows. The
// skill opens the sentence because canonical names are in sentence case:
// "Unit testing is on your resume" reads right where "mentions Unit
// testing" would not, and proper nouns ("PostgreSQL") read right either way.
var foundLeads = []string{
	"%s is on your resume. ",
	"%s appears on your resume. ",
}

// resumeFound reuses a technical question on a skill the resume shows,
// introduced by a lead-in that says where it comes from.
func (g *generator) resumeFound(target int) *Question {
	i := g.pick(func(e *entry) bool {
		return e.kind == KindTechnical && slices.ContainsFunc(g.found, func(s string) bool { return strings.EqualFold(s, e.skill) })
	}, target)
	if i < 0 {
		return nil
	}
	e := &g.bank.entries[i]
	q := e.question()
	q.Kind = KindResume
	q.Text = fmt.Sprintf(foundLeads[g.rng.IntN(len(foundLeads))], e.skill) + e.text
	return g.use(q, e.topic())
}

// gapLead introduces a question about a role skill the resume lacks; the
// skill opens the sentence for the reason given at foundLeads.
const gapLead = "%s is part of this role, but your resume does not show it. "

// gapQuestions ask how the candidate would close the gap.
var gapQuestions = []string{
	"How would you get up to speed on it in your first weeks, and what from your experience would carry over?",
	"What do you already know about it, and how would you become productive with it quickly?",
	"If you started next month, how would you close that gap, and how would you know you had?",
}

// rampUpPoints are what any good answer on closing a skill gap covers,
// besides the skill's own core concepts.
var rampUpPoints = []string{"learning plan for the first weeks", "hands-on practice project", "experience that transfers"}

// resumeGap asks about a role skill missing from the resume. Required
// skills come before nice-to-have ones, and skills not yet asked about
// before asked ones.
func (g *generator) resumeGap(int) *Question {
	var tiers [4][]string // unasked required, unasked nice, asked required, asked nice
	for _, s := range g.gaps {
		if g.used[skillTopic(s)] {
			continue
		}
		t := 0
		if !g.required[strings.ToLower(s)] {
			t = 1
		}
		if g.req.Asked[gapID(s)] {
			t += 2
		}
		tiers[t] = append(tiers[t], s)
	}
	for _, tier := range tiers {
		if len(tier) == 0 {
			continue
		}
		skill := tier[g.rng.IntN(len(tier))]
		q := Question{
			BankID:        gapID(skill),
			Text:          fmt.Sprintf(gapLead, skill) + gapQuestions[g.rng.IntN(len(gapQuestions))],
			Kind:          KindResume,
			Skill:         skill,
			Difficulty:    2,
			TalkingPoints: g.gapPoints(skill),
		}
		return g.use(q, skillTopic(skill))
	}
	return nil
}

// gapPoints are the core concepts of the skill, taken from its easiest
// bank question, followed by the ramp-up points, at most
// MaxTalkingPoints in all.
func (g *generator) gapPoints(skill string) []string {
	var core []string
	best := 0
	for _, i := range g.bank.bySkill[strings.ToLower(skill)] {
		e := &g.bank.entries[i]
		if e.fits(g.req.Role) && (core == nil || e.difficulty < best) {
			core, best = e.talkingPoints, e.difficulty
		}
	}
	points := slices.Clone(core[:min(len(core), MaxTalkingPoints-len(rampUpPoints))])
	return append(points, rampUpPoints...)
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// gapID is the stable id of the question about a missing skill, so a
// candidate is not asked about the same gap every time.
func gapID(skill string) string {
	return "gap-" + strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(skill), "-"), "-")
}

// pick chooses a bank question that matches, fits the role and has a
// topic not yet in the interview. It prefers questions not yet asked,
// then the difficulty closest to target, then picks a topic uniformly
// (so a skill with many questions is not asked more often than one with
// few) and a question within it. It returns -1 when nothing matches.
func (g *generator) pick(match func(*entry) bool, target int) int {
	var cands, unasked []int
	for i := range g.bank.entries {
		e := &g.bank.entries[i]
		if !match(e) || !e.fits(g.req.Role) || g.used[e.topic()] {
			continue
		}
		cands = append(cands, i)
		if !g.req.Asked[e.id] {
			unasked = append(unasked, i)
		}
	}
	pool := unasked
	if len(pool) == 0 {
		pool = cands
	}
	if len(pool) == 0 {
		return -1
	}
	dist := func(i int) int { return abs(g.bank.entries[i].difficulty - target) }
	best := dist(pool[0])
	for _, i := range pool {
		best = min(best, dist(i))
	}
	var topics []string
	byTopic := map[string][]int{}
	for _, i := range pool {
		if dist(i) != best {
			continue
		}
		t := g.bank.entries[i].topic()
		if _, ok := byTopic[t]; !ok {
			topics = append(topics, t)
		}
		byTopic[t] = append(byTopic[t], i)
	}
	members := byTopic[topics[g.rng.IntN(len(topics))]]
	return members[g.rng.IntN(len(members))]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
