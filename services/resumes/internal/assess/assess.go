// Package assess turns a resume's text into a fit assessment for a role:
// a 0-100 fit score with its explanation, the skills found and missing,
// keyword coverage of a job description as an applicant tracking system
// would weigh it, and concrete recommendations. It is pure: text in,
// assessment out, no I/O, so it is fast and easy to test.
//
// Nothing it returns identifies the candidate: quotes from the resume pass
// through a scrubber supplied by the caller (the redactor) before they are
// put in a recommendation.
package assess

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/moksho/platform/services/resumes/internal/skills"
)

// Role is what a resume is assessed against.
type Role struct {
	ID, Title    string
	TitleAliases []string
	Required     []string
	NiceToHave   []string
}

// Input is one assessment's material. Text is the whole resume text;
// it is read here and never kept.
type Input struct {
	Text           string
	Pages          int // PDF pages, 0 when unknown
	Role           Role
	JobDescription string
	// Scrub removes personal data from a quote of the resume.
	Scrub func(string) string
	// Now is when the assessment is made ("Present" in a date range).
	Now time.Time
}

// Result is an assessment.
type Result struct {
	FitScore        int
	Explanation     Explanation
	Skills          []string
	MissingSkills   []string
	Coverage        *Coverage
	Recommendations []Recommendation
}

// Explanation says how the fit score was made.
type Explanation struct {
	RequiredFound, RequiredMissing []string
	NiceFound, NiceMissing         []string
	YearsExperience                float64
	SenioritySignals               []string
	TitleMatch                     bool
	Components                     []Component
}

// Component is one part of the fit score; the parts add up to it.
type Component struct {
	Name      string
	Points    float64
	MaxPoints float64
	Detail    string
}

// Coverage is the job description's keyword coverage.
type Coverage struct {
	Score   int
	Found   []Keyword
	Missing []Keyword
}

// Keyword is a weighted term of a job description.
type Keyword struct {
	Term   string
	Weight float64
	Skill  bool
}

// Recommendation is one concrete improvement; Quote is scrubbed.
type Recommendation struct {
	Kind    string
	Message string
	Quote   string
}

// Recommendation kinds.
const (
	KindMissingKeywords = "missing_keywords"
	KindMissingSkills   = "missing_skills"
	KindUnquantified    = "unquantified_bullet"
	KindWeakVerb        = "weak_verb"
	KindMissingSection  = "missing_section"
	KindLength          = "length"
	KindFirstPerson     = "first_person"
	KindNoDates         = "no_dates"
)

// Weights of the fit score's components without a job description; with
// one, the skills-based score counts 60% and keyword coverage 40%.
const (
	maxRequired   = 50.0
	maxNice       = 15.0
	maxTitle      = 15.0
	maxExperience = 20.0
	// fullExperience is the number of years that earns all the experience
	// points; beyond it, more years do not make a better fit.
	fullExperience = 5.0
)

// Assess assesses in.Text against in.Role using the taxonomy.
func Assess(tax *skills.Taxonomy, in Input) Result {
	if in.Scrub == nil {
		in.Scrub = func(s string) string { return s }
	}
	doc := parse(in.Text)
	found := tax.Find(in.Text)
	have := map[string]bool{}
	var names []string
	for _, m := range found {
		have[m.Skill] = true
		names = append(names, m.Skill)
	}

	var ex Explanation
	ex.RequiredFound, ex.RequiredMissing = split(in.Role.Required, have)
	ex.NiceFound, ex.NiceMissing = split(in.Role.NiceToHave, have)
	ex.TitleMatch = titleMatch(doc.lower, in.Role)
	years, positions := experience(doc, in.Now)
	ex.YearsExperience = math.Round(years*10) / 10
	switch {
	case positions > 0:
		ex.SenioritySignals = append(ex.SenioritySignals, fmt.Sprintf("%.1f years across %d dated position(s), overlaps counted once", ex.YearsExperience, positions))
	default:
		ex.SenioritySignals = append(ex.SenioritySignals, "no dated positions found")
	}
	if s := senioritySignal(doc.lower); s != "" {
		ex.SenioritySignals = append(ex.SenioritySignals, s)
	}

	req := fraction(len(ex.RequiredFound), len(in.Role.Required))
	nice := fraction(len(ex.NiceFound), len(in.Role.NiceToHave))
	exp := math.Min(years/fullExperience, 1)
	title := 0.0
	if ex.TitleMatch {
		title = 1
	}
	ex.Components = []Component{
		{Name: "required skills", Points: req * maxRequired, MaxPoints: maxRequired,
			Detail: fmt.Sprintf("%d of %d required skills found", len(ex.RequiredFound), len(in.Role.Required))},
		{Name: "nice-to-have skills", Points: nice * maxNice, MaxPoints: maxNice,
			Detail: fmt.Sprintf("%d of %d nice-to-have skills found", len(ex.NiceFound), len(in.Role.NiceToHave))},
		{Name: "role title", Points: title * maxTitle, MaxPoints: maxTitle,
			Detail: titleDetail(ex.TitleMatch, in.Role)},
		{Name: "experience", Points: exp * maxExperience, MaxPoints: maxExperience,
			Detail: fmt.Sprintf("%.1f years counted; %.0f or more earn full points", ex.YearsExperience, fullExperience)},
	}

	res := Result{Explanation: ex, Skills: names}
	res.MissingSkills = append(slices.Clone(ex.RequiredMissing), ex.NiceMissing...)
	if strings.TrimSpace(in.JobDescription) != "" {
		cov := coverage(tax, in.JobDescription, doc, have)
		res.Coverage = &cov
		// The skills-based components keep their proportions within 60
		// points; keyword coverage earns up to 40.
		for i := range res.Explanation.Components {
			res.Explanation.Components[i].Points *= 0.6
			res.Explanation.Components[i].MaxPoints *= 0.6
		}
		res.Explanation.Components = append(res.Explanation.Components, Component{
			Name: "job description keywords", Points: float64(cov.Score) * 0.4, MaxPoints: 40,
			Detail: fmt.Sprintf("%d%% of the posting's keyword weight found", cov.Score),
		})
	}
	total := 0.0
	for i, c := range res.Explanation.Components {
		res.Explanation.Components[i].Points = math.Round(c.Points*10) / 10
		total += c.Points
	}
	res.FitScore = int(math.Round(math.Max(0, math.Min(100, total))))
	res.Recommendations = recommend(doc, in, ex, res.Coverage)
	return res
}

func split(want []string, have map[string]bool) (found, missing []string) {
	for _, s := range want {
		if have[s] {
			found = append(found, s)
		} else {
			missing = append(missing, s)
		}
	}
	return found, missing
}

func fraction(n, of int) float64 {
	if of == 0 {
		return 1
	}
	return float64(n) / float64(of)
}

func titleDetail(ok bool, r Role) string {
	if ok {
		return "the resume names the role (" + r.Title + ") or another title for it"
	}
	return "the resume does not name the role (" + r.Title + ") or another title for it"
}

// titleMatch reports whether the resume names the role's title or an alias,
// treating "developer" and "engineer" as the same word.
func titleMatch(lower string, r Role) bool {
	norm := func(s string) string {
		s = strings.ToLower(s)
		s = strings.NewReplacer("developer", "engineer", "-", " ", "/", " ").Replace(s)
		return strings.Join(strings.Fields(s), " ")
	}
	text := " " + norm(lower) + " "
	for _, t := range append([]string{r.Title}, r.TitleAliases...) {
		t = norm(t)
		if t != "" && strings.Contains(text, " "+t+" ") || t != "" && strings.Contains(text, " "+t+"s ") {
			return true
		}
	}
	return false
}

func senioritySignal(lower string) string {
	for _, w := range []string{"principal", "staff", "lead", "senior", "head of", "manager", "director"} {
		if containsWord(lower, w) {
			return "title words suggest seniority: " + w
		}
	}
	return ""
}
