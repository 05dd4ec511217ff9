package assess

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits on how many of a kind of advice one assessment gives: a few
// concrete points are acted on, a wall of them is not.
const (
	maxQuoted        = 3
	maxListedSkills  = 6
	maxListedKeyword = 8
)

// weakOpeners start bullets that describe duties instead of results.
var weakOpeners = []string{
	"responsible for", "worked on", "helped", "assisted", "participated in", "involved in", "tasked with",
	"duties included", "in charge of", "handled", "was part of", "part of", "worked with", "contributed to",
	"was responsible", "took part in", "supported",
}

var (
	measurable  = regexp.MustCompile(`\d|%|\$|€|£|₹|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twice|double|doubled|tripled|half|halved)\b`)
	firstPerson = regexp.MustCompile(`(?i)(?:^|[^a-z])(?:i|me|my|myself)(?:[^a-z]|$)`)
	anyDate     = regexp.MustCompile(`\b(?:19|20)\d{2}\b`)
)

func recommend(d doc, in Input, ex Explanation, cov *Coverage) []Recommendation {
	var out []Recommendation
	add := func(kind, msg, quote string) {
		out = append(out, Recommendation{Kind: kind, Message: msg, Quote: quote})
	}

	if cov != nil && len(cov.Missing) > 0 {
		var terms []string
		for _, k := range cov.Missing {
			if len(terms) == maxListedKeyword {
				break
			}
			terms = append(terms, k.Term)
		}
		add(KindMissingKeywords, fmt.Sprintf(
			"The job description stresses %s, which your resume does not mention. If you have this experience, use the posting's own words for it in your skills and in a bullet that shows the result; screening software looks for them literally.",
			list(terms)), "")
	}
	if len(ex.RequiredMissing) > 0 {
		add(KindMissingSkills, fmt.Sprintf(
			"A %s is usually expected to know %s. If you have used %s, name %s in your skills section and show where you applied %s; if not, be ready to discuss how you would learn %s.",
			in.Role.Title, list(first(ex.RequiredMissing, maxListedSkills)),
			pick(len(ex.RequiredMissing), "it", "them"), pick(len(ex.RequiredMissing), "it", "them"),
			pick(len(ex.RequiredMissing), "it", "them"), pick(len(ex.RequiredMissing), "it", "them")), "")
	}

	quoted := 0
	for _, b := range d.bullets {
		if quoted == maxQuoted {
			break
		}
		if words := len(strings.Fields(b)); words < 4 || measurable.MatchString(b) {
			continue
		}
		add(KindUnquantified, "This bullet says what you did but not what came of it. Add a number: how much, how many, how fast, how often, or what changed for users or the business.", quote(in.Scrub(b)))
		quoted++
	}

	weak := 0
	for _, b := range d.bullets {
		if weak == maxQuoted {
			break
		}
		lb := strings.ToLower(b)
		for _, w := range weakOpeners {
			if strings.HasPrefix(lb, w+" ") {
				add(KindWeakVerb, fmt.Sprintf("%q describes a duty, not an achievement. Start with a strong verb for what you did yourself (built, led, cut, launched, negotiated, resolved) and end with the result.", capitalise(w)), quote(in.Scrub(b)))
				weak++
				break
			}
		}
	}

	for _, s := range []struct{ name, advice string }{
		{"experience", "Add an Experience section with your positions, employers and dates, most recent first: it is the first thing a recruiter reads."},
		{"skills", "Add a Skills section listing the tools and methods you use; screening software matches it against the posting."},
		{"education", "Add an Education section (degree, institution, year), or relevant training and certifications."},
		{"summary", "Open with a two- or three-line summary naming the role you want and your strongest relevant results."},
	} {
		if !d.sections[s.name] {
			add(KindMissingSection, s.advice, "")
		}
	}

	switch {
	case d.words < 200:
		add(KindLength, fmt.Sprintf("At about %d words the resume is thin. Describe each recent position in 3-5 bullets with results.", roundTo(d.words, 10)), "")
	case in.Pages > 2 || (in.Pages == 0 && d.words > 1100):
		add(KindLength, fmt.Sprintf("At about %d words it is long. Keep to two pages: cut duties older than ten years and bullets without results.", roundTo(d.words, 50)), "")
	}

	fp := 0
	for _, b := range d.bullets {
		if firstPerson.MatchString(b) {
			fp++
		}
	}
	if fp >= 2 {
		add(KindFirstPerson, "Several bullets use \"I\", \"me\" or \"my\". Resume bullets read better without pronouns: start with the verb.", "")
	}
	if ex.YearsExperience == 0 && !anyDate.MatchString(strings.Join(d.experience, " ")) {
		add(KindNoDates, "No dates were found for your positions. Give a start and end (month and year) for each, so your experience can be counted.", "")
	}
	return out
}

func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func roundTo(n, to int) int { return (n + to/2) / to * to }

// quote shortens a quoted bullet to a readable length.
func quote(s string) string {
	const max = 160
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max])) + "…"
}
