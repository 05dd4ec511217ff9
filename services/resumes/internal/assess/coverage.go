package assess

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/moksho/platform/services/resumes/internal/skills"
)

// stopwords are words an applicant tracking system ignores: function words
// and the boilerplate every job posting shares.
var stopwords = toSet(`a about above across after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each etc few for from further had has have having
he her here hers him his how i if in into is it its itself just like may me might more most must my no nor not now of off
on once only or other our ours out over own per same shall she should so some such than that the their them then there
these they this those through to too under until up upon us very via was we were what when where which while who whom why
will with within without would you your yours
ability able apply applicants applying benefits candidate candidates closely company competitive day days degree
description equivalent environment excellent experience experienced field following full good great help ideal include
includes including job join knowledge looking new opportunity opportunities plus position preferred qualifications
range related required requirements responsibilities responsible role salary similar skills strong team teams time
understanding using well work working world year years hire hiring offer offers we're you'll you're including
based across within level levels minimum least high highly proven track record demonstrated solid deep hands-on
make makes making want wants need needs get gets use used build building`)

func toSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// maxTerms bounds the keywords taken from a posting, as a recruiter's
// screen shows the top ones.
const maxTerms = 30

// coverage weighs the job description's terms and checks each against the
// resume: known skills weigh most (more when repeated), then the
// posting's other frequent words and two-word phrases.
func coverage(tax *skills.Taxonomy, jd string, d doc, have map[string]bool) Coverage {
	var terms []Keyword
	seen := map[string]bool{}
	for _, m := range tax.Find(jd) {
		w := 2 + 0.5*math.Min(float64(m.Count-1), 4)
		terms = append(terms, Keyword{Term: m.Skill, Weight: w, Skill: true})
		seen[strings.ToLower(m.Skill)] = true
		if s, ok := tax.Lookup(m.Skill); ok {
			for _, a := range s.Aliases {
				seen[strings.ToLower(a)] = true
			}
		}
	}

	words := tokens(jd)
	counts := map[string]int{}
	for i, w := range words {
		if !keep(w) {
			continue
		}
		counts[w]++
		if i+1 < len(words) && keep(words[i+1]) {
			counts[w+" "+words[i+1]]++
		}
	}
	type tc struct {
		term string
		n    int
	}
	var extra []tc
	for t, n := range counts {
		if n < 2 || seen[t] {
			continue
		}
		// Covered by a skill (e.g. "kubernetes" inside "kubernetes clusters")?
		if _, ok := tax.Lookup(t); ok {
			continue
		}
		extra = append(extra, tc{t, n})
	}
	sort.Slice(extra, func(i, j int) bool {
		if extra[i].n != extra[j].n {
			return extra[i].n > extra[j].n
		}
		return extra[i].term < extra[j].term
	})
	// A two-word phrase that repeats makes its words redundant.
	covered := map[string]bool{}
	for _, e := range extra {
		if strings.Contains(e.term, " ") && e.n >= 2 {
			for _, w := range strings.Fields(e.term) {
				covered[w] = true
			}
		}
	}
	for _, e := range extra {
		if len(terms) >= maxTerms {
			break
		}
		if !strings.Contains(e.term, " ") && covered[e.term] {
			continue
		}
		terms = append(terms, Keyword{Term: e.term, Weight: math.Min(0.5*float64(e.n), 2)})
	}

	var c Coverage
	var total, got float64
	resume := " " + strings.Join(tokens(d.lower), " ") + " "
	for _, k := range terms {
		total += k.Weight
		hit := false
		if k.Skill {
			hit = have[k.Term]
		} else {
			hit = strings.Contains(resume, " "+k.Term+" ") || strings.Contains(resume, " "+k.Term+"s ")
		}
		if hit {
			got += k.Weight
			c.Found = append(c.Found, k)
		} else {
			c.Missing = append(c.Missing, k)
		}
	}
	if total > 0 {
		c.Score = int(math.Round(100 * got / total))
	}
	byWeight := func(ks []Keyword) {
		sort.SliceStable(ks, func(i, j int) bool { return ks[i].Weight > ks[j].Weight })
	}
	byWeight(c.Found)
	byWeight(c.Missing)
	return c
}

// tokens lower-cases text and splits it into words, keeping characters
// that belong inside technical words (c++, node.js, ci/cd).
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '#' || r == '/' || r == '-')
	})
}

func keep(w string) bool {
	w = strings.Trim(w, "-/")
	if len(w) < 3 || stopwords[w] {
		return false
	}
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
