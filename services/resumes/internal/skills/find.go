package skills

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxWord bounds the words Find looks up; longer runs of letters (hashes,
// base64) cannot be the first word of a term.
const maxWord = 48

// Find returns the canonical skills mentioned in text, ordered by first
// mention. It reads the text once, word by word: each word that starts a
// term is looked up in a map and the candidate terms (longest first) are
// compared in place, so the cost grows with the text, not the taxonomy.
//
// A term matches only as whole words: "Java" is not found in "JavaScript"
// nor "C" in "C++". Words of multi-word terms may be separated by any
// spaces, line breaks or hyphens ("scikit learn", "user-research").
// Web addresses and e-mail addresses are skipped, so a contact line with
// github.com is not a claim to know GitHub.
func (t *Taxonomy) Find(text string) []Match {
	var (
		out  []Match
		buf  [maxWord]byte
		urls = addressSpans(text)
	)
	i := 0
	for i < len(text) {
		r, size := decode(text, i)
		if !isAlnum(r) {
			i += size
			continue
		}
		// A word starts at i; lower-case it into buf for the index lookup.
		j, n, fits := i, 0, true
		for j < len(text) {
			r, size := decode(text, j)
			if !isAlnum(r) {
				break
			}
			if fits {
				if r < utf8.RuneSelf {
					if 'A' <= r && r <= 'Z' {
						r += 'a' - 'A'
					}
					if n < len(buf) {
						buf[n] = byte(r)
						n++
					} else {
						fits = false
					}
				} else if n+utf8.UTFMax <= len(buf) {
					n += utf8.EncodeRune(buf[n:], unicode.ToLower(r))
				} else {
					fits = false
				}
			}
			j += size
		}
		for len(urls) > 0 && urls[0][1] <= i {
			urls = urls[1:]
		}
		if !fits || len(urls) > 0 && urls[0][0] <= i {
			i = j
			continue
		}
		next := j
		for _, tm := range t.index[string(buf[:n])] {
			start := i - tm.prefix
			if start < 0 || !strings.EqualFold(text[start:i], tm.key[:tm.prefix]) {
				continue
			}
			// A case-sensitive term in another case still counts as an
			// item of a list ("python, go, sql"): there it cannot be prose.
			end, ok := tm.matchAt(text, start, tm.caseSensitive)
			needList := tm.listOnly
			if !ok && tm.caseSensitive {
				end, ok = tm.matchAt(text, start, false)
				needList = true
			}
			if !ok || !tm.bounded(text, start, end) || needList && !listItem(text, start, end) {
				continue
			}
			if tm.skill >= 0 {
				out = t.record(out, tm.skill, start)
			}
			next = end
			break
		}
		i = next
	}
	return out
}

// record counts a mention of skill s at offset at.
func (t *Taxonomy) record(out []Match, s, at int) []Match {
	name := t.skills[s].Name
	for k := range out {
		if out[k].Skill == name {
			out[k].Count++
			return out
		}
	}
	return append(out, Match{Skill: name, Category: t.skills[s].Category, Count: 1, First: at})
}

// matchAt reports whether the term is spelt in text at start, in the
// same case when exact, and where it ends. A space in the term stands for
// one or more separators (isSep).
func (tm *term) matchAt(text string, start int, exact bool) (int, bool) {
	key := tm.key
	if exact {
		key = tm.cased
	}
	j := start
	for k := 0; k < len(key); {
		if key[k] == ' ' {
			n := 0
			for j < len(text) {
				r, size := decode(text, j)
				if !isSep(r) {
					break
				}
				j += size
				n++
			}
			if n == 0 {
				return 0, false
			}
			k++
			continue
		}
		if j >= len(text) {
			return 0, false
		}
		kr, ksize := decode(key, k)
		tr, tsize := decode(text, j)
		if !exact {
			if tr < utf8.RuneSelf {
				if 'A' <= tr && tr <= 'Z' {
					tr += 'a' - 'A'
				}
			} else {
				tr = unicode.ToLower(tr)
			}
		}
		if kr != tr {
			return 0, false
		}
		k += ksize
		j += tsize
	}
	return j, true
}

// bounded reports whether text[start:end] stands as a word of its own:
// not glued to a neighbouring word, a file name or an identifier.
func (tm *term) bounded(text string, start, end int) bool {
	if start > 0 {
		p, size := decodeLast(text, start)
		switch {
		case isAlnum(p), p == '_', p == '@':
			return false
		case p == '.' || p == '\'' || p == '’':
			// "file.Go", "ASP.NET" read from "NET", "rock'n'roll".
			if q, _ := decodeLast(text, start-size); start-size > 0 && isAlnum(q) {
				return false
			}
		case tm.short && (p == '-' || p == '&'):
			return false
		}
	}
	if end >= len(text) {
		return true
	}
	q, size := decode(text, end)
	after := func() rune {
		r, _ := decode(text, end+size)
		return r
	}
	if !tm.endsWord {
		// "C++17" is still C++; "C#x" or "C+++" is something else.
		return !(unicode.IsLetter(q) || q == '+' || q == '#' || q == '_')
	}
	switch {
	case isAlnum(q), q == '_', q == '+', q == '#', q == '@':
		return false
	case q == '.':
		// "Node.js" is not Node, "vue.config" is not Vue.
		return end+size >= len(text) || !isAlnum(after())
	case q == '\'' || q == '’':
		// A possessive ("Go's") is the word itself.
		if end+size < len(text) && isAlnum(after()) {
			r := after()
			rest := end + size + 1
			return (r == 's' || r == 'S') && (rest >= len(text) || !isAlnum(rune(text[rest])))
		}
	case tm.short && (q == '-' || q == '&'):
		return false
	}
	return true
}

// listItem reports whether text[start:end] is an item of a list (a skills
// line such as "Python, R, SQL" or "Languages: R") rather than a word of a
// sentence: it must be bounded on both sides by a list separator, the word
// "and"/"or", or the edge of its line.
func listItem(text string, start, end int) bool {
	// Left. A gap of two or more spaces is a column break in text
	// extracted from a multi-column layout, so it separates items too.
	k := start
	for k > 0 && (text[k-1] == ' ' || text[k-1] == '\t') {
		k--
	}
	left := k == 0 || start-k >= 2
	if !left {
		p, size := decodeLast(text, k)
		switch {
		case p == '\n' || p == '\r' || p == '\f' || strings.ContainsRune(",;|:(/[*&•·▪●◦‣–—-", p):
			left = true
		case unicode.IsLetter(p):
			w := k - size
			for w > 0 {
				r, s := decodeLast(text, w)
				if !unicode.IsLetter(r) {
					break
				}
				w -= s
			}
			word := text[w:k]
			left = strings.EqualFold(word, "and") || strings.EqualFold(word, "or")
		}
	}
	if !left {
		return false
	}
	// Right.
	k = end
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	if k == len(text) || k-end >= 2 {
		return true
	}
	q, size := decode(text, k)
	switch {
	case q == '\n' || q == '\r' || q == '\f' || strings.ContainsRune(",;|:()/]&•·–—", q):
		return true
	case q == '.' || q == '-':
		// End of a sentence or a " - " dash; not "R.Studio" or "R-squared".
		return k+size >= len(text) || isSep(rune(text[k+size]))
	case unicode.IsLetter(q):
		w := k
		for w < len(text) {
			r, s := decode(text, w)
			if !unicode.IsLetter(r) {
				break
			}
			w += s
		}
		word := text[k:w]
		return strings.EqualFold(word, "and") || strings.EqualFold(word, "or")
	}
	return false
}

// addressSpans returns the byte ranges of the whitespace-separated chunks
// of text that are web or e-mail addresses, in order.
func addressSpans(text string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(text); {
		for i < len(text) && isSpaceByte(text[i]) {
			i++
		}
		j := i
		for j < len(text) && !isSpaceByte(text[j]) {
			j++
		}
		if j > i && isAddress(text[i:j]) {
			spans = append(spans, [2]int{i, j})
		}
		i = j
	}
	return spans
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// topLevel are the domain endings that mark a chunk as a web address. Only
// lower-case endings count, so "ASP.NET" stays a skill; endings that are
// also skill suffixes (".js") are absent.
var topLevel = map[string]bool{
	"com": true, "org": true, "net": true, "edu": true, "gov": true, "io": true, "dev": true,
	"co": true, "ai": true, "me": true, "uk": true, "us": true, "app": true, "info": true, "biz": true,
}

// isAddress reports whether a chunk of text is an e-mail or web address.
func isAddress(c string) bool {
	if strings.Contains(c, "://") || len(c) > 4 && strings.EqualFold(c[:4], "www.") {
		return true
	}
	if at := strings.IndexByte(c, '@'); at > 0 && at < len(c)-1 && strings.IndexByte(c[at:], '.') > 0 {
		return true
	}
	for k := 1; k < len(c); k++ {
		if c[k] != '.' || !isAlnum(rune(c[k-1])) {
			continue
		}
		e := k + 1
		for e < len(c) && 'a' <= c[e] && c[e] <= 'z' {
			e++
		}
		if !topLevel[c[k+1:e]] {
			continue
		}
		// The ending must end the domain: "example.com", "example.com/x",
		// "example.co.uk", but not "x.common".
		if e == len(c) || c[e] == '.' || !isAlnum(rune(c[e])) {
			return true
		}
	}
	return false
}

// decode is utf8.DecodeRuneInString(s[i:]) with an ASCII fast path.
func decode(s string, i int) (rune, int) {
	if i >= len(s) {
		return utf8.RuneError, 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// decodeLast is utf8.DecodeLastRuneInString(s[:i]) with an ASCII fast path.
func decodeLast(s string, i int) (rune, int) {
	if i <= 0 {
		return utf8.RuneError, 0
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeLastRuneInString(s[:i])
}
