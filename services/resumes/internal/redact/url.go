package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tlds are the top-level domains a bare host may end in. It is a curated
// subset: the common generic ones, the ones developers use for personal
// sites (.dev, .io, .ai, .me), and country codes, minus those that collide
// with file names a resume may mention (.py, .rs, .md, .sh, .pl, .cc, .ml,
// .so, .tf, .zip, .mov) or with field names (.id, .name).
var tlds = setOf(
	"com", "org", "net", "edu", "gov", "mil", "int", "io", "dev", "app", "ai", "co", "me", "info", "biz",
	"xyz", "tech", "site", "online", "page", "blog", "design", "studio", "codes", "cloud", "website",
	"space", "pro", "ly", "tv", "fm", "gg", "to", "work", "life", "live", "world", "digital",
	"uk", "us", "in", "de", "fr", "nl", "es", "it", "ca", "au", "nz", "ie", "ch", "at", "be", "se",
	"no", "dk", "fi", "pt", "br", "mx", "ar", "cl", "jp", "cn", "kr", "sg", "hk", "tw", "za", "ng",
	"ke", "ae", "il", "ru", "ua", "cz", "sk", "hu", "ro", "gr", "tr", "ph", "my", "th", "vn", "pk",
	"bd", "lk", "np", "eu", "is", "lu", "ee", "lv", "lt", "si", "hr", "bg", "eg", "sa", "qa",
)

// knownHosts are bare host names that are technologies or well-known
// services, not a candidate's site. They only protect the bare name: with a
// path ("github.com/jane") the address is redacted.
var knownHosts = setOf(
	"asp.net", "ado.net", "vb.net", "dot.net", "socket.io", "draw.io", "fly.io", "cdnjs.com",
	"dev.to", "about.me", "scale.ai", "plot.ly", "bit.ly", "d3js.org", "nodejs.org", "python.org",
	"github.com", "gitlab.com", "bitbucket.org", "linkedin.com", "medium.com", "stackoverflow.com",
	"kaggle.com", "leetcode.com", "hackerrank.com", "npmjs.com", "pypi.org", "kubernetes.io", "go.dev",
	"amazon.com", "booking.com", "salesforce.com", "shopify.com", "monday.com",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// findURLs returns the spans of URLs and personal host names in text. It
// scans for the three shapes by hand: a scheme before "://", a "www."
// prefix, and a dot followed by a known TLD (then walks left over the host
// labels), which is far cheaper than a regular expression whose every
// letter may start a match.
func findURLs(text string, lay layout) []span {
	var spans []span
	last := 0
	for i := 0; i < len(text); i++ {
		var start, end int
		switch c := text[i]; {
		case c == ':' && strings.HasPrefix(text[i:], "://"):
			start = i
			for start > max(last, i-8) && isASCIILetter(text[start-1]) {
				start--
			}
			switch strings.ToLower(text[start:i]) {
			case "http", "https", "ftp":
			default:
				continue
			}
			end = scanURLRest(text, i+3)
			if end == i+3 {
				continue
			}
		case c|0x20 == 'w' && i >= last && hasPrefixFold(text[i:], "www.") && isLabelRune(runeAt(text, i+4)):
			start, end = i, scanURLRest(text, i+4)
		case c == '.':
			var ok bool
			if start, end, ok = bareHost(text, i, last); !ok {
				continue
			}
		default:
			continue
		}
		if r := runeBefore(text, start); isWordRune(r) || r == '.' || r == '-' || r == '@' || r == '/' {
			continue
		}
		end = trimURLEnd(text, start, end)
		u := text[start:end]
		if c := text[i]; c == '.' {
			if !isPersonalHost(u) {
				continue
			}
			if !strings.Contains(u, "/") && !lay.inContact(start) && unicode.IsUpper(runeAt(u, 0)) {
				// In the body a capitalised bare host is a brand ("Worked
				// at Booking.com"); personal sites are written in lower case.
				continue
			}
		}
		spans = append(spans, span{start, end, KindURL})
		last = end
		i = end - 1
	}
	return spans
}

// bareHost checks whether the dot at i starts the last label of a host
// name ending in a known TLD and, if so, returns the host with its port
// and path.
func bareHost(text string, i, floor int) (int, int, bool) {
	j := i + 1
	for j < len(text) && j-i <= 25 && 'a' <= text[j] && text[j] <= 'z' {
		j++
	}
	if !tlds[text[i+1:j]] || isLabelRune(runeAt(text, j)) || (j+1 < len(text) && text[j] == '.' && isLabelRune(runeAt(text, j+1))) {
		return 0, 0, false
	}
	start := i
	for start > floor {
		r, size := utf8.DecodeLastRuneInString(text[floor:start])
		if !isLabelRune(r) && r != '.' {
			break
		}
		start -= size
	}
	for start < i && (text[start] == '.' || text[start] == '-') {
		start++
	}
	if start == i {
		return 0, 0, false
	}
	end := j
	if end < len(text) && text[end] == ':' {
		p := end + 1
		for p < len(text) && p-end <= 5 && isDigit(text[p]) {
			p++
		}
		if p > end+1 {
			end = p
		}
	}
	if end < len(text) && text[end] == '/' {
		end = scanURLRest(text, end)
	}
	return start, end, true
}

// isLabelRune reports whether r may appear in a host name label.
func isLabelRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || r == '-'
}

// scanURLRest returns the end of the URL characters starting at i: up to
// white space, quotes, angle or square brackets, braces or a "|".
func scanURLRest(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) || strings.ContainsRune("<>\"'|[]{}", r) || (r == utf8.RuneError && size <= 1) {
			break
		}
		i += size
	}
	return i
}

// trimURLEnd drops sentence punctuation and an unbalanced closing bracket
// from the end of a URL match, as in "(see jane.dev)." .
func trimURLEnd(text string, start, end int) int {
	for end > start {
		c := text[end-1]
		switch {
		case strings.IndexByte(".,;:!?'\"", c) >= 0:
			end--
			continue
		case c == ')' && strings.Count(text[start:end], "(") < strings.Count(text[start:end], ")"):
			end--
			continue
		}
		break
	}
	return end
}

// isPersonalHost decides whether a bare "host[:port][/path]" without scheme
// is a web address worth redacting. The host must end in a real TLD written
// in lower case (so "systems.In" after a lost space is not a domain), must
// not be a known technology or service name unless it has a path, and a
// two-label host needs a first label of two or more characters (so "B.Tech"
// stays).
func isPersonalHost(u string) bool {
	host, path := u, ""
	if i := strings.IndexByte(u, '/'); i >= 0 {
		host, path = u[:i], u[i:]
	}
	if i := strings.IndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	dot := strings.LastIndexByte(host, '.')
	if dot < 0 {
		return false
	}
	tld := host[dot+1:]
	if !tlds[tld] { // also rejects upper-case TLDs: the set is lower case
		return false
	}
	labels := strings.Split(host, ".")
	for _, l := range labels[:len(labels)-1] {
		if !strings.ContainsFunc(l, unicode.IsLetter) && len(labels) == 2 {
			return false // "1.co" is a number, not a site
		}
	}
	if len(labels) == 2 && len([]rune(labels[0])) < 2 {
		return false
	}
	if len(path) > 1 {
		return true
	}
	return !knownHosts[strings.ToLower(host)]
}
