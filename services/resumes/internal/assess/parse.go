package assess

import (
	"regexp"
	"strings"
	"unicode"
)

// doc is a resume's text split into what the rules look at.
type doc struct {
	lower    string
	lines    []string
	sections map[string]bool // canonical section names found
	// bullets are achievement lines: list items, or lines under an
	// experience or projects heading.
	bullets []string
	// experience holds the lines of the experience section(s), or every
	// line when there is no heading to go by.
	experience []string
	words      int
}

// sectionNames maps heading words to canonical sections.
var sectionNames = map[string]string{
	"summary": "summary", "profile": "summary", "professional summary": "summary", "objective": "summary",
	"about": "summary", "about me": "summary", "career summary": "summary", "overview": "summary",
	"skills": "skills", "technical skills": "skills", "core skills": "skills", "key skills": "skills",
	"core competencies": "skills", "competencies": "skills", "technologies": "skills", "tools": "skills",
	"skills & tools": "skills", "skills and tools": "skills", "areas of expertise": "skills", "expertise": "skills",
	"experience": "experience", "work experience": "experience", "professional experience": "experience",
	"employment": "experience", "employment history": "experience", "work history": "experience",
	"career history": "experience", "relevant experience": "experience", "clinical experience": "experience",
	"education": "education", "education and training": "education", "qualifications": "education",
	"academic background": "education", "education & certifications": "education",
	"projects": "projects", "selected projects": "projects", "key projects": "projects",
	"certifications": "certifications", "licenses": "certifications", "licenses and certifications": "certifications",
	"certificates": "certifications", "awards": "awards", "publications": "publications",
}

var bulletPrefix = regexp.MustCompile(`^\s*(?:[-•*▪◦‣●○–—·]|\d{1,2}[.)])\s+`)

func parse(text string) doc {
	d := doc{lower: strings.ToLower(text), sections: map[string]bool{}}
	current := ""
	sawHeading := false
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		d.lines = append(d.lines, line)
		d.words += len(strings.Fields(line))
		if name, ok := heading(line); ok {
			current = name
			sawHeading = true
			d.sections[name] = true
			continue
		}
		isBullet := bulletPrefix.MatchString(line)
		if current == "experience" {
			d.experience = append(d.experience, line)
		}
		if isBullet && current != "skills" && current != "education" {
			d.bullets = append(d.bullets, strings.TrimSpace(bulletPrefix.ReplaceAllString(line, "")))
		}
	}
	if !sawHeading || len(d.experience) == 0 {
		d.experience = d.lines
	}
	return d
}

// heading reports whether a line is a section heading, and which.
func heading(line string) (string, bool) {
	l := strings.ToLower(strings.TrimRight(strings.TrimSpace(line), ":"))
	l = strings.Join(strings.Fields(strings.Trim(l, "#*_= ")), " ")
	if name, ok := sectionNames[l]; ok {
		return name, true
	}
	return "", false
}

func containsWord(lower, w string) bool {
	for i := 0; ; {
		j := strings.Index(lower[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !isWordRune(rune(lower[start-1]))) && (end == len(lower) || !isWordRune(rune(lower[end]))) {
			return true
		}
		i = start + 1
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
