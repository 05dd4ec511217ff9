package redact

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameLines is how many non-empty header lines GuessName looks at: the
// name is at the top or it is not in the header at all.
const maxNameLines = 5

// nameLabelRe matches an explicit "Name: Jane Doe" line.
var nameLabelRe = regexp.MustCompile(`(?i)^[ \t]*(?:full[ \t]+|candidate[ \t]+)?name[ \t]*[:\-–][ \t]*(.+?)[ \t]*$`)

// GuessName returns the candidate's name from the resume header, or "".
//
// It takes the value of a "Name:" line in the header or a contact section,
// else the first of the first few header lines (or the first field of a
// contact line, "Jane Doe | jane@example.com") that looks like a person's
// name: two to four capitalised words of letters, hyphens and apostrophes,
// none of them a section heading, a job-title word or a place. It prefers
// missing a name to inventing one, because every part of the guess is then
// removed from the whole resume.
func GuessName(text string) string {
	lay := newLayout(text)
	for pos := 0; pos < len(text); {
		line, next := lineAt(text, pos)
		if lay.inContact(pos) {
			if m := nameLabelRe.FindStringSubmatch(line); m != nil {
				if n := cleanName(m[1]); looksLikeName(n) {
					return n
				}
			}
		}
		pos = next
	}
	seen := 0
	for pos := 0; pos < lay.headerEnd && seen < maxNameLines; {
		line, next := lineAt(text, pos)
		pos = next
		if strings.TrimSpace(line) == "" {
			continue
		}
		seen++
		s, e := segmentBounds(line, 0)
		first := stripMarkup(line[s:e])
		if i := strings.IndexByte(first, ','); i >= 0 { // "Jane Doe, MBA"
			first = first[:i]
		}
		if n := cleanName(first); looksLikeName(n) {
			return n
		}
		// An all-capitals first line may run the name into a title when
		// columns were flattened: "DANIELA FERREIRA-COSTA ACCOUNT
		// EXECUTIVE". (In mixed case, "Angular React Developer" is a title.)
		if seen == 1 && first == strings.ToUpper(first) {
			if n := namePrefix(cleanName(first)); n != "" {
				return n
			}
		}
	}
	return ""
}

// stripMarkup removes Markdown around a header line: heading marks ("# "),
// emphasis ("**Jane Doe**") and quote marks.
func stripMarkup(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "#>")
	s = strings.Trim(strings.TrimSpace(s), "*_")
	return strings.TrimSpace(strings.TrimRight(s, "#"))
}

// namePrefix returns the leading name words of s when at least two come
// before a word that cannot be part of a name (a job title, a heading).
func namePrefix(s string) string {
	words := strings.Fields(s)
	k := 0
	for k < len(words) {
		w := words[k]
		if notNameWords[strings.ToLower(strings.Trim(w, ".,"))] || !(isNameWord(w) || (k > 0 && nameParticles[w])) {
			break
		}
		k++
	}
	if k < 2 || k == len(words) {
		return ""
	}
	if n := strings.Join(words[:k], " "); looksLikeName(n) {
		return n
	}
	return ""
}

// lineAt returns the line starting at pos (without its line break) and the
// offset of the next line.
func lineAt(text string, pos int) (string, int) {
	end := strings.IndexByte(text[pos:], '\n')
	if end < 0 {
		return text[pos:], len(text)
	}
	return text[pos : pos+end], pos + end + 1
}

// honorifics and postNominals are stripped from a name candidate: they are
// not part of what identifies the person and are common words elsewhere.
var (
	honorifics   = setOf("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "shri", "smt", "er")
	postNominals = setOf("phd", "mba", "md", "jr", "sr", "ii", "iii", "iv", "cpa", "pmp", "msc", "bsc", "ma", "ba", "cfa", "pe")
)

// cleanName trims a name candidate and drops honorifics and post-nominals.
func cleanName(s string) string {
	words := strings.Fields(s)
	for len(words) > 0 && honorifics[strings.ToLower(strings.Trim(words[0], "."))] {
		words = words[1:]
	}
	for len(words) > 0 && postNominals[strings.ToLower(strings.Trim(words[len(words)-1], ".,"))] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

// nameParticles may appear in lower case inside a name and are never
// redacted on their own ("van" and "de" are ordinary words).
var nameParticles = setOf("van", "von", "der", "den", "de", "da", "di", "del", "della", "dos", "das", "du", "la", "le", "bin", "binti", "al", "el", "ibn", "ter", "ten", "st")

// notNameWords are words that mark a header line as a heading, a job title,
// an organisation or a document title rather than a person.
var notNameWords = setOf(
	// headings and document titles
	"summary", "profile", "professional", "experience", "work", "employment", "history", "education",
	"skills", "technical", "core", "competencies", "projects", "project", "certifications", "awards",
	"publications", "languages", "interests", "hobbies", "references", "objective", "career", "about",
	"contact", "information", "details", "personal", "curriculum", "vitae", "resume", "résumé", "cv",
	"achievements", "volunteer", "training", "courses", "overview", "highlights", "qualifications",
	"expertise", "portfolio", "links", "tools", "technologies", "selected", "page", "confidential", "name",
	// job titles and fields
	"engineer", "engineering", "developer", "development", "manager", "management", "scientist", "science",
	"designer", "design", "analyst", "architect", "consultant", "lead", "senior", "junior", "principal",
	"staff", "head", "director", "intern", "officer", "specialist", "administrator", "product", "software",
	"data", "backend", "back-end", "frontend", "front-end", "full-stack", "fullstack", "stack", "devops",
	"sre", "qa", "tester", "researcher", "research", "student", "graduate", "associate", "vp", "president",
	"chief", "ceo", "cto", "cfo", "coo", "founder", "co-founder", "executive", "coordinator", "marketing",
	"sales", "operations", "program", "programme", "technician", "assistant", "representative", "teacher",
	"professor", "lecturer", "accountant", "writer", "editor", "recruiter", "mobile", "web", "cloud",
	"platform", "infrastructure", "security", "machine", "learning", "ai", "ml", "reliability", "systems",
	"network", "solutions", "support", "customer", "business", "growth", "technology", "quality",
	"assurance", "android", "ios", "ux", "ui", "user", "graphic", "content", "digital", "hr", "finance",
	"legal", "analytics", "embedded", "hardware", "firmware", "mechanical", "electrical", "civil",
	"account", "accounts", "talent", "people", "clinical", "nurse", "registered", "financial", "client",
	"territory", "regional", "global", "enterprise", "recruitment", "acquisition", "partner",
	// organisations
	"inc", "ltd", "llc", "llp", "pvt", "gmbh", "plc", "corp", "corporation", "company", "university",
	"college", "institute", "school", "labs", "group", "team", "services", "bank",
)

// placeWords are city and country words; a line made only of them ("New
// Delhi", "San Francisco") is a location, not a name. A single place word
// next to a given name ("Austin Lee") does not disqualify the line.
var placeWords = setOf(
	"new", "york", "san", "francisco", "jose", "diego", "los", "angeles", "las", "vegas", "london", "remote",
	"india", "usa", "uk", "united", "states", "kingdom", "bengaluru", "bangalore", "mumbai", "delhi",
	"hyderabad", "chennai", "pune", "kolkata", "noida", "gurgaon", "gurugram", "berlin", "munich", "paris",
	"amsterdam", "dublin", "toronto", "vancouver", "seattle", "austin", "boston", "chicago", "denver",
	"singapore", "dubai", "sydney", "melbourne", "hong", "kong", "city", "area", "bay", "greater", "north",
	"south", "east", "west", "texas", "california", "karnataka", "maharashtra", "england", "germany",
	"canada", "australia", "lagos", "nairobi", "washington", "atlanta", "dallas", "houston", "miami",
)

// countries are country and region words that end a written location
// ("Lisbon, Portugal"), beside placeWords.
var countries = setOf(
	"afghanistan", "argentina", "austria", "bangladesh", "belgium", "brazil", "bulgaria", "chile",
	"china", "colombia", "croatia", "cyprus", "czechia", "czech", "denmark", "egypt",
	"estonia", "ethiopia", "finland", "france", "ghana", "greece", "hungary", "iceland", "indonesia",
	"iran", "iraq", "ireland", "israel", "italy", "japan", "kenya", "korea", "kuwait",
	"latvia", "lebanon", "lithuania", "luxembourg", "malaysia", "malta", "mexico", "morocco", "nepal",
	"netherlands", "zealand", "nigeria", "norway", "oman", "pakistan", "peru", "philippines",
	"poland", "portugal", "qatar", "romania", "russia", "rwanda", "saudi", "arabia", "serbia",
	"slovakia", "slovenia", "africa", "spain", "lanka", "sri", "sweden", "switzerland", "taiwan",
	"tanzania", "thailand", "tunisia", "türkiye", "uganda", "ukraine", "emirates", "uae",
	"uruguay", "venezuela", "vietnam", "zambia", "zimbabwe", "scotland", "wales", "ontario",
	"quebec", "bavaria", "catalonia", "gujarat", "kerala",
	"rajasthan", "punjab", "haryana", "telangana", "bengal", "uttar", "pradesh",
	"florida", "york", "illinois", "massachusetts", "colorado", "ohio",
	"michigan", "oregon", "arizona", "carolina", "pennsylvania", "minnesota",
)

// looksLikeName reports whether s has the shape of a person's name.
func looksLikeName(s string) bool {
	if s == "" || len(s) > 60 || strings.ContainsAny(s, "@/:|#&()[]{}<>+=_*\"") || strings.ContainsFunc(s, unicode.IsDigit) {
		return false
	}
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 4 {
		return false
	}
	places, named := 0, 0
	for i, w := range words {
		lw := strings.ToLower(strings.Trim(w, ".,"))
		if notNameWords[lw] {
			return false
		}
		if placeWords[lw] {
			places++
		}
		if nameParticles[w] && i > 0 && i < len(words)-1 {
			continue
		}
		if !isNameWord(w) {
			return false
		}
		if letterCount(w) >= 2 {
			named++ // not an initial
		}
	}
	return places < len(words) && named >= 2
}

// isNameWord reports whether w is a capitalised word of letters, marks,
// hyphens and apostrophes ("O'Brien", "Jean-Luc", "José"), or an initial ("J.").
func isNameWord(w string) bool {
	first, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(first) {
		return false
	}
	if strings.HasSuffix(w, ".") && utf8.RuneCountInString(w) == 2 {
		return true // initial
	}
	prev := rune(0)
	for _, r := range w {
		switch {
		case unicode.IsLetter(r), unicode.IsMark(r):
		case r == '-' || r == '\'' || r == '’':
			if prev == '-' || prev == '\'' || prev == '’' {
				return false
			}
		default:
			return false
		}
		prev = r
	}
	return unicode.IsLetter(prev) || unicode.IsMark(prev)
}

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// commonWordNames are name parts that are also ordinary English or
// technical words. They are redacted only when capitalised ("Will", "WILL")
// so that "will", "young team" or "max latency" in a bullet survive for a
// candidate called Will Young or Max Park.
var commonWordNames = setOf(
	"will", "young", "mark", "may", "rose", "bill", "grant", "king", "long", "rich", "hunt", "page", "ward",
	"bishop", "baker", "cook", "park", "white", "black", "brown", "green", "reed", "wise", "strong", "hall",
	"lane", "hill", "wood", "woods", "stone", "field", "fields", "banks", "bell", "best", "bird", "bush",
	"case", "chase", "cross", "day", "dean", "drew", "early", "fair", "fisher", "ford", "fox", "frank",
	"gold", "good", "gray", "grey", "hope", "joy", "law", "little", "love", "major", "mason", "miles", "moon",
	"more", "moss", "new", "north", "penny", "price", "ray", "read", "rice", "sharp", "short", "small",
	"snow", "south", "swift", "west", "wolf", "worth", "art", "amber", "autumn", "august", "april", "june",
	"faith", "grace", "hunter", "sage", "porter", "spring", "winter", "star", "sun", "dawn", "rob", "pat",
	"sue", "jack", "jay", "ken", "max", "ram", "sunny", "lucky", "prince", "queen", "rust", "ruby", "julia",
	"crystal", "pearl", "summer", "head", "lead", "man", "bar", "don", "sam", "van", "carter", "gene",
	"guy", "job", "nick", "ray", "roy", "sky", "tim", "tom", "win", "chip", "dash", "flash", "hawk",
)

// nameMatcher finds the candidate's name and its parts in text. It is a
// hand-written scanner: a case-insensitive regular expression with one
// alternative per part cannot use Go's literal-prefix search and costs far
// more than comparing at each word start.
type nameMatcher struct {
	words   []string         // the words of the full name
	parts   []string         // parts of three or more letters, longest first
	common  map[string]bool  // lower-cased parts that are ordinary words, matched only when capitalised
	handles map[string]bool  // lower-cased token pieces that identify the candidate
	byLen   map[int][]string // handles grouped by byte length
	maxLen  int              // longest key of handles, in bytes
	firsts  []rune           // lower-cased first letters of words, parts and handles: a cheap prefilter
}

// mayStart reports whether a word starting with r can match anything.
func (m *nameMatcher) mayStart(r rune) bool {
	lr := unicode.ToLower(r)
	for _, f := range m.firsts {
		if f == lr {
			return true
		}
	}
	return false
}

// newNameMatcher prepares the matcher for name. It returns nil when there
// is nothing to match: a one-word name shorter than three letters. A name
// whose parts are all short ("Li Wu") is still matched whole.
func newNameMatcher(name string) *nameMatcher {
	m := &nameMatcher{words: strings.Fields(name), common: map[string]bool{}, handles: map[string]bool{}}
	seen := map[string]bool{}
	add := func(p string) {
		p = strings.Trim(p, ".'’-")
		lp := strings.ToLower(p)
		if letterCount(p) < 3 || nameParticles[lp] || seen[lp] {
			return
		}
		seen[lp] = true
		m.parts = append(m.parts, p)
	}
	for _, w := range m.words {
		add(w)
		for _, sub := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '\'' || r == '’' }) {
			add(sub)
		}
	}
	if len(m.parts) == 0 && len(m.words) < 2 {
		return nil
	}
	slices.SortFunc(m.parts, func(a, b string) int { return len(b) - len(a) })
	for _, p := range m.parts {
		lp := strings.ToLower(p)
		if commonWordNames[lp] {
			m.common[lp] = true
		} else if !strings.ContainsAny(lp, "-'’") {
			m.handles[lp] = true
		}
		for _, q := range m.parts {
			if lq := strings.ToLower(q); lq != lp && !strings.ContainsAny(lp+lq, "-'’") {
				m.handles[lp+lq] = true
				r, _ := utf8.DecodeRuneInString(lp)
				m.handles[string(r)+lq] = true
			}
		}
	}
	m.byLen = map[int][]string{}
	for h := range m.handles {
		m.maxLen = max(m.maxLen, len(h))
		m.byLen[len(h)] = append(m.byLen[len(h)], h)
		r, _ := utf8.DecodeRuneInString(h)
		m.firsts = append(m.firsts, r)
	}
	for _, w := range append(slices.Clone(m.parts), m.words...) {
		r, _ := utf8.DecodeRuneInString(w)
		m.firsts = append(m.firsts, unicode.ToLower(r))
	}
	return m
}

// redact replaces every standalone occurrence of the full name, then of
// each part, then user-name-like tokens built from the parts.
func (m *nameMatcher) redact(text string, counts map[Kind]int) string {
	text = replaceSpans(text, m.findWords(text), counts)
	return replaceSpans(text, m.findHandles(text), counts)
}

// wordStarts calls f at every position where a word starts; f returns the
// end of a match it made there (to continue after it) or 0.
func wordStarts(text string, f func(pos int) int) {
	prev := rune(0)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) && !isWordRune(prev) {
			if end := f(i); end > i {
				i, prev = end, runeBefore(text, end)
				continue
			}
		}
		i += size
		prev = r
	}
}

// findWords finds the whole name (with any white space between its
// words) and each part of it as a standalone word. A part that is an
// ordinary word is skipped when written in lower case, and the placeholders
// of earlier passes are never matched.
func (m *nameMatcher) findWords(text string) []span {
	var spans []span
	wordStarts(text, func(pos int) int {
		if !m.mayStart(runeAt(text, pos)) {
			return 0
		}
		if end := m.fullAt(text, pos); end > pos {
			spans = append(spans, span{pos, end, KindName})
			return end
		}
		for _, part := range m.parts {
			n := prefixFold(text[pos:], part)
			if n < 0 {
				continue
			}
			end := pos + n
			if isWordRune(runeAt(text, end)) {
				continue
			}
			if pos > 0 && end < len(text) && isPlaceholder(text[pos-1:end+1]) {
				continue
			}
			if w := text[pos:end]; m.common[strings.ToLower(w)] && w == strings.ToLower(w) {
				continue
			}
			spans = append(spans, span{pos, end, KindName})
			return end
		}
		return 0
	})
	return spans
}

// fullAt returns the end of the full name starting at pos, or 0.
func (m *nameMatcher) fullAt(text string, pos int) int {
	if len(m.words) < 2 {
		return 0
	}
	p := pos
	for k, w := range m.words {
		n := prefixFold(text[p:], w)
		if n < 0 {
			return 0
		}
		p += n
		if k < len(m.words)-1 {
			q := p
			for q < len(text) {
				r, size := utf8.DecodeRuneInString(text[q:])
				if !unicode.IsSpace(r) && !unicode.Is(unicode.Zs, r) {
					break
				}
				q += size
			}
			if q == p {
				return 0
			}
			p = q
		}
	}
	if isWordRune(runeAt(text, p)) {
		return 0
	}
	return p
}

// findHandles finds identifier tokens built from the name: one of their
// pieces between dots, underscores, hyphens and digits is a distinctive
// part ("okafor_pm"), two parts run together ("sofiamarquez") or an initial
// and a part ("dokafor"). Pieces are compared whole, so "handling" is not
// taken for the surname Ling.
func (m *nameMatcher) findHandles(text string) []span {
	var spans []span
	isTok := func(r rune) bool { return isWordRune(r) || r == '.' || r == '-' }
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isTok(r) {
			i += size
			continue
		}
		start, hit := i, false
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isTok(r) {
				break
			}
			if unicode.IsLetter(r) || unicode.IsMark(r) {
				ps := i
				for i < len(text) {
					r, size := utf8.DecodeRuneInString(text[i:])
					if !unicode.IsLetter(r) && !unicode.IsMark(r) {
						break
					}
					i += size
				}
				if piece := text[ps:i]; !hit && len(piece) >= 3 && m.mayStart(runeAt(piece, 0)) && m.isHandlePiece(piece) {
					hit = true
				}
				continue
			}
			i += size
		}
		end := i
		for end > start && (text[end-1] == '.' || text[end-1] == '-') {
			end-- // sentence punctuation
		}
		if hit && !(start > 0 && end < len(text) && isPlaceholder(text[start-1:end+1])) {
			spans = append(spans, span{start, end, KindName})
		}
	}
	return spans
}

// isHandlePiece reports whether piece, compared case-insensitively, is one
// of m.handles. Keys are grouped by length so that most pieces are rejected
// without lower-casing (and allocating) them.
func (m *nameMatcher) isHandlePiece(piece string) bool {
	if len(piece) > m.maxLen+8 {
		return false
	}
	for _, h := range m.byLen[len(piece)] {
		if strings.EqualFold(piece, h) {
			return true
		}
	}
	for i := 0; i < len(piece); i++ {
		if piece[i] >= utf8.RuneSelf {
			// Case mapping may change the byte length of non-ASCII letters.
			return m.handles[strings.ToLower(piece)]
		}
	}
	return false
}

// prefixFold returns how many bytes of s match pat case-insensitively at
// its start (straight and curly apostrophes are equal), or -1.
func prefixFold(s, pat string) int {
	i := 0
	for _, pr := range pat {
		if i >= len(s) {
			return -1
		}
		sr, size := utf8.DecodeRuneInString(s[i:])
		if sr != pr && !equalFoldRune(sr, pr) {
			return -1
		}
		i += size
	}
	return i
}

func equalFoldRune(a, b rune) bool {
	if (a == '\'' || a == '’') && (b == '\'' || b == '’') {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
