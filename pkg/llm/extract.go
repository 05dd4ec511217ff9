package llm

import (
	"encoding/json"
	"errors"
	"strings"
)

// Reasons extractJSONObject gives; they go into ErrInvalidOutput errors, so
// they describe the reply without quoting it.
var (
	errNoObject         = errors.New("no JSON object in reply")
	errIncompleteObject = errors.New("JSON object in reply is not closed")
	errBrokenObject     = errors.New("no valid JSON object in reply")
)

// extractJSONObject finds the JSON object in a model's reply, which may be
// bare, fenced in ```json ... ```, surrounded by prose, or preceded by a
// <think>...</think> block.
//
// It takes the outermost {...} that is valid JSON, scanning each candidate
// once: a brace-balanced span that is not valid JSON is skipped whole rather
// than searched for smaller objects inside it, and a span that never closes
// ends the search. Both rules avoid handing back a fragment of a broken or
// cut-off answer, such as one element of a half-written list, which would
// decode without error into the wrong result. They also keep the work linear
// in the reply's length.
func extractJSONObject(s string) (string, error) {
	if t := strings.TrimLeft(s, " \t\r\n"); strings.HasPrefix(t, "<think>") {
		if _, after, ok := strings.Cut(t, "</think>"); ok {
			s = after
		}
	}
	reason := errNoObject
	for i := 0; i < len(s); {
		k := strings.IndexByte(s[i:], '{')
		if k < 0 {
			break
		}
		start := i + k
		end := matchingBrace(s, start)
		if end < 0 {
			return "", errIncompleteObject
		}
		if cand := s[start : end+1]; json.Valid([]byte(cand)) {
			return cand, nil
		}
		reason = errBrokenObject
		i = end + 1
	}
	return "", reason
}

// matchingBrace returns the index of the '}' closing the '{' at s[start],
// skipping braces inside JSON strings, or -1 if it is never closed.
func matchingBrace(s string, start int) int {
	depth := 0
	inString, escaped := false, false
	for j := start; j < len(s); j++ {
		c := s[j]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}
