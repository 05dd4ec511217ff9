package redact

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// atHandleRe finds "@name" social handles. Emails are gone by the time it
// runs, so an "@" here is never the middle of an address.
var atHandleRe = regexp.MustCompile(`@[\p{L}_][\p{L}\p{N}_.]{1,38}`)

// handleServices are the services whose name, followed by a colon, labels
// a user name: "GitHub: meeraiyer-ds". Labelled handles are only looked
// for in contact zones: in the body "GitHub: Actions" is a skill.
var handleServices = setOf("github", "gitlab", "linkedin", "twitter", "instagram", "telegram", "skype", "kaggle",
	"leetcode", "bitbucket", "medium", "stackoverflow", "mastodon", "discord", "behance", "dribbble",
	"hackerrank", "codeforces", "codechef", "facebook", "youtube", "tiktok", "bluesky", "reddit", "wechat", "threads")

// handleNouns may sit between the service and the colon: "GitHub handle:".
var handleNouns = setOf("handle", "username", "user", "id", "profile")

// codeAnnotations are "@word" tokens that a developer's resume mentions as
// technology (Java and TypeScript annotations, CSS at-rules) rather than as
// a person's handle.
var codeAnnotations = setOf(
	"override", "component", "autowired", "transactional", "service", "repository", "controller",
	"restcontroller", "entity", "injectable", "input", "output", "ngmodule", "test", "deprecated",
	"springbootapplication", "bean", "configuration", "async", "media", "import", "keyframes",
	"supports", "font", "interface", "dataclass", "property", "staticmethod", "classmethod",
	"functional", "inject", "value", "param", "return", "returns", "throws", "mention", "mentions",
	"here", "channel", "everyone",
)

// findHandles returns the spans of social handles in text.
func findHandles(text string, lay layout) []span {
	var spans []span
	for _, m := range atHandleRe.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		if r := runeBefore(text, start); isWordRune(r) || r == '@' || r == '.' || r == '/' {
			continue
		}
		for end > start+1 && text[end-1] == '.' {
			end--
		}
		if runeAt(text, end) == '/' || end-start < 3 { // "@angular/core" is an npm scope
			continue
		}
		if codeAnnotations[strings.ToLower(text[start+1:end])] {
			continue
		}
		spans = append(spans, span{start, end, KindHandle})
	}
	for _, z := range lay.zones() {
		for i := z[0]; i < z[1]; i++ {
			if text[i] != ':' || !labelsHandle(text, i) {
				continue
			}
			start := skipBlanks(text, i+1)
			if start < z[1] && text[start] == '@' {
				start++
			}
			end := start
			for end < z[1] && end-start < 39 {
				r, size := utf8.DecodeRuneInString(text[end:])
				if !isWordRune(r) && (end == start || (r != '.' && r != '-')) {
					break
				}
				end += size
			}
			for end > start+1 && strings.IndexByte(".-", text[end-1]) >= 0 {
				end--
			}
			if end > start {
				spans = append(spans, span{start, end, KindHandle})
				i = end - 1
			}
		}
	}
	return mergeSpans(spans)
}

// mergeSpans sorts spans by start and drops any that overlap an earlier one.
func mergeSpans(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	sortSpans(spans)
	out := spans[:1]
	for _, s := range spans[1:] {
		if s.start >= out[len(out)-1].end {
			out = append(out, s)
		}
	}
	return out
}

// sortSpans sorts by start, longer first on ties.
func sortSpans(spans []span) {
	slices.SortFunc(spans, func(a, b span) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		return cmp.Compare(b.end, a.end)
	})
}

// labelsHandle reports whether the colon at i ends a service label:
// "GitHub:", "Twitter handle:", "Stack Overflow:".
func labelsHandle(text string, i int) bool {
	word := func(end int) (int, string) {
		end = max(0, end)
		for end > 0 && (text[end-1] == ' ' || text[end-1] == '\t') {
			end--
		}
		start := end
		for start > 0 && end-start < 16 && isASCIILetter(text[start-1]) {
			start--
		}
		if start > 0 && isWordRune(runeBefore(text, start)) {
			return start, ""
		}
		return start, strings.ToLower(text[start:end])
	}
	start, w := word(i)
	if handleNouns[w] {
		start, w = word(start)
	}
	if w == "overflow" {
		if _, prev := word(start); prev == "stack" {
			return true
		}
	}
	return handleServices[w]
}
