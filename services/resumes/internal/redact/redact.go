// Package redact removes personal data (name, email, phone, address, profile
// URLs and handles) from resume text.
//
// Moksho promises candidates that nothing personal from a resume is stored
// and that personal data never leaves the process: Redact runs before any
// analysis that may call out (an optional LLM) and before anything derived
// from the resume is persisted. Result.Scrub covers strings cut out of the
// original text (a quoted bullet, a keyword), so that a caller cannot store
// the candidate's first name by accident.
//
// The rules are heuristic and deterministic: hand-written scanners anchored
// on cheap signals ("@", "://", a dot before a known TLD, a street word, a
// digit run, a word start), with precompiled RE2 expressions only inside
// small windows around those anchors. There are no models and no I/O, every
// pass is linear in the input, and a two-page resume takes a fraction of a
// millisecond. The rules remove more in the header and in contact sections,
// where personal data lives, and keep numbers and technology names in the
// body, where the assessable content lives:
//
//   - email: plain, plus-addressed, any subdomain; "[at]", "(at)", "[dot]"
//     and spelled-out "at ... dot" forms.
//   - URL: anything with http(s)/ftp scheme or "www."; a bare host ending in
//     a curated TLD list, lower-case TLD, not a technology name ("Node.js",
//     "ASP.NET", "socket.io"), not a capitalised brand in the body
//     ("Booking.com").
//   - handle: "@name" (not npm scopes or code annotations); "GitHub: name"
//     in contact zones.
//   - address: house number + capitalised words + street word, Romance,
//     German and Indian shapes, PO boxes; with the city, postcode and state
//     that follow, continued over a PDF line wrap after a comma. In contact
//     zones, the whole contact-line segment, a city with a specific
//     postcode ("London EC1M 5PS", "Austin, TX 78701"), and a place written
//     as comma-separated parts ending in a country, region or state code
//     ("Pune, Maharashtra, India", "Denver, CO").
//   - phone: 7 to 15 digits in groups joined by single spaces, dashes, dots
//     or parentheses; strong with "+", "00" or a "Tel:" label; otherwise 9+
//     digits in the body or 7+ in contact zones; never years, year ranges,
//     dates, IP addresses, thousands, money or percentages.
//   - name: the first header line shaped like a person's name (Markdown
//     marks stripped; on the first line, the name words before a job title
//     run into it), or a "Name:" line; then the full name, each part of three or more letters
//     as a standalone word (case-insensitive, possessives included) and
//     user-name tokens built from the parts, anywhere in the text.
//
// Results are safe to use from several goroutines.
package redact

import (
	"strings"
)

// Kind names a category of personal data. It is used as the key of
// Result.Counts so metrics can say what was removed without saying what it was.
type Kind string

// The kinds of personal data Redact recognises.
const (
	// KindName is the candidate's name, or any part of it of three or more letters.
	KindName Kind = "name"
	// KindEmail is an email address, including obfuscated forms like "x [at] y [dot] com".
	KindEmail Kind = "email"
	// KindPhone is a telephone number in any common national or international format.
	KindPhone Kind = "phone"
	// KindURL is a web address: a URL with a scheme, a www. host, or a bare personal domain.
	KindURL Kind = "url"
	// KindHandle is a social-media or code-hosting user name, such as "@jdoe" or "GitHub: jdoe".
	KindHandle Kind = "handle"
	// KindAddress is a postal address: street, PO box, or (in the header and
	// contact sections) a city with a postcode or a written place ("Pune,
	// Maharashtra, India").
	KindAddress Kind = "address"
)

// placeholder returns the text that replaces an item of kind k. Placeholders
// are upper-case words in brackets so that downstream prompts and humans can
// see that something was removed, and so that no later pass can mistake them
// for personal data (they contain no digits, dots or @).
func placeholder(k Kind) string {
	switch k {
	case KindName:
		return "[NAME]"
	case KindEmail:
		return "[EMAIL]"
	case KindPhone:
		return "[PHONE]"
	case KindURL:
		return "[URL]"
	case KindHandle:
		return "[HANDLE]"
	case KindAddress:
		return "[ADDRESS]"
	}
	return "[REDACTED]"
}

// isPlaceholder reports whether s is exactly one of the placeholders, so that
// the name pass does not rewrite "[EMAIL]" for a candidate called "Email".
func isPlaceholder(s string) bool {
	switch s {
	case "[NAME]", "[EMAIL]", "[PHONE]", "[URL]", "[HANDLE]", "[ADDRESS]":
		return true
	}
	return false
}

// Result is the outcome of Redact: the safe text plus what callers need to
// keep derived strings safe and to report metrics.
type Result struct {
	// Text is the input with every personal item replaced by a placeholder
	// such as "[NAME]", "[EMAIL]", "[PHONE]", "[URL]", "[HANDLE]" or
	// "[ADDRESS]". Line breaks are preserved, so section detection still
	// works on it.
	Text string
	// Counts says how many items of each kind were replaced. It never holds
	// the values, so it is safe to log and export as metrics. It is never nil.
	Counts map[Kind]int
	// Name is the candidate name detected in the header ("" if none). It is
	// personal data: keep it in memory only, to scrub strings derived from
	// the same resume (see Scrub); never log or store it.
	Name string

	names *nameMatcher // compiled from Name; nil when Name is "" or the Result was built by hand
}

// Redact removes personal data from resume text.
//
// The passes run in a fixed order because later patterns would otherwise
// match inside earlier ones: emails, then URLs and handles (a URL may contain
// digits and the name), then addresses (a postcode is not a phone), then
// phones, then the candidate's name and its parts everywhere in the text.
func Redact(text string) Result {
	r := Result{Counts: make(map[Kind]int), Name: GuessName(text)}
	if r.Name != "" {
		r.names = newNameMatcher(r.Name)
	}
	r.Text = r.run(text, true, r.Counts)
	return r
}

// Scrub removes the personal data of one resume from another string derived
// from it (a quoted bullet, a keyword): the candidate's name and its parts as
// found by Redact, plus the generic email, URL, handle, address and phone
// patterns. The string is treated as body text, so short numbers are kept.
//
// Scrub also works on a Result built by hand from a stored-in-memory name,
// e.g. Result{Name: n}.Scrub(s).
func (r Result) Scrub(s string) string {
	if r.names == nil && r.Name != "" {
		r.names = newNameMatcher(r.Name)
	}
	return r.run(s, false, nil)
}

// run applies every pass to text. withLayout enables the header and contact
// section rules (labelled handles, city plus postcode, short phone numbers),
// which only make sense for a whole resume. counts may be nil.
func (r Result) run(text string, withLayout bool, counts map[Kind]int) string {
	if counts == nil {
		counts = make(map[Kind]int)
	}
	// The layout is recomputed after each pass because the offsets move;
	// the line structure does not.
	lay := func() layout {
		if withLayout {
			return newLayout(text)
		}
		return layout{}
	}
	text = replaceSpans(text, findEmails(text), counts)
	text = replaceSpans(text, findURLs(text, lay()), counts)
	text = replaceSpans(text, findHandles(text, lay()), counts)
	text = replaceSpans(text, findAddresses(text, lay()), counts)
	text = replaceSpans(text, findPhones(text, lay()), counts)
	if r.names != nil {
		text = r.names.redact(text, counts)
	}
	return text
}

// span is a half-open byte range of the current text to be replaced.
type span struct {
	start, end int
	kind       Kind
}

// replaceSpans returns text with each span replaced by its placeholder and
// counts the replacements. Spans must be sorted and may not overlap (an
// overlapping span is dropped). Line breaks inside a span are kept after the
// placeholder so that line-based consumers see the same structure.
func replaceSpans(text string, spans []span, counts map[Kind]int) string {
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, s := range spans {
		if s.start < last || s.end <= s.start || s.end > len(text) {
			continue
		}
		b.WriteString(text[last:s.start])
		b.WriteString(placeholder(s.kind))
		for range strings.Count(text[s.start:s.end], "\n") {
			b.WriteByte('\n')
		}
		counts[s.kind]++
		last = s.end
	}
	b.WriteString(text[last:])
	return b.String()
}
