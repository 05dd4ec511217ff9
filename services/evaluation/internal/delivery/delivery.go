// Package delivery measures how an answer was spoken, from the timed words
// of its transcript: pace, filler words and long pauses. These are what an
// interview coach would point at ("you spoke at 190 words a minute", "you
// said 'um' twelve times", "you paused for five seconds twice") and they
// can be checked against the recording.
//
// It deliberately infers nothing about emotion, confidence, honesty or
// personality: such inferences from voice are unreliable, unfair across
// accents and speech differences, and not something a candidate can act
// on. The signals are also only as good as the transcript: an engine that
// drops disfluencies (Whisper usually omits "um") under-counts fillers, and
// one that mishears (Pocketsphinx on accented or synthetic speech) can
// invent them. Callers should present them as observations, not grades.
package delivery

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/moksho/platform/services/evaluation/internal/transcribe"
)

// DefaultLongPause is the gap between words above which a pause counts as
// long: about the point where a listener wonders whether the speaker has
// finished, well above the half second or so of a breath between
// sentences.
const DefaultLongPause = 3 * time.Second

// minTalk is the shortest speaking time over which a pace is reported; a
// rate from one or two words in under a second says nothing.
const minTalk = time.Second

// Signals are the observable delivery measurements of one answer.
type Signals struct {
	// WordsPerMinute is the number of timed words over the speaking time
	// (first word start to last word end), so long pauses lower it. It is
	// 0 without timings or when the speaking time is under a second.
	// Conversational English is roughly 120-160.
	WordsPerMinute float64
	// FillerRate is fillers per 100 words (Fillers / Words * 100).
	FillerRate float64
	// Fillers counts filler words and phrases, a phrase counting once; see
	// Analyzer.Analyze for what counts.
	Fillers int
	// LongPauses counts gaps between consecutive words longer than the
	// threshold (DefaultLongPause unless configured).
	LongPauses int
	// TalkSeconds is the speaking time: first word start to last word end.
	TalkSeconds float64
	// Words is the number of words in the text (or, with no text, the
	// number of timed words): the base of FillerRate.
	Words int
}

// Analyzer computes Signals with a configurable pause threshold.
type Analyzer struct {
	// LongPause is the gap above which a pause is long; zero means
	// DefaultLongPause.
	LongPause time.Duration
}

// Analyze computes Signals with the default settings.
func Analyze(words []transcribe.Word, text string) Signals {
	return Analyzer{}.Analyze(words, text)
}

// Analyze computes Signals. Pace and pauses come from words; fillers come
// from text when it is not empty, since punctuation there (Whisper
// punctuates) tells a filler "like" from a verb, and from the words
// otherwise.
//
// Fillers are counted conservatively, preferring to miss one than to
// accuse a candidate of one they did not say:
//
//   - always: um, umm, uh, uhh, uhm, erm, er, ah, ahh, hmm, hm, and the
//     discourse markers basically, actually, literally;
//   - "like" only between punctuation (", like,", or at the start or end of
//     a sentence with a comma on the other side) or repeated ("like like"
//     counts once: the first may be the verb);
//   - "you know" and "i mean" unless part of a question or clause ("do you
//     know", "what I mean") or followed, without a comma, by what they
//     would govern ("you know the answer", "I mean it");
//   - "kind of" and "sort of" unless after a determiner ("a kind of
//     index", "what sort of cache").
func (a Analyzer) Analyze(words []transcribe.Word, text string) Signals {
	var s Signals
	threshold := a.LongPause
	if threshold <= 0 {
		threshold = DefaultLongPause
	}

	if len(words) > 0 {
		timed := slices.Clone(words)
		slices.SortStableFunc(timed, func(x, y transcribe.Word) int {
			return cmp.Compare(x.Start, y.Start)
		})
		start, end := timed[0].Start, timed[0].End
		for _, w := range timed[1:] {
			// Overlapping words (a segment spread evenly, an engine's
			// rounding) leave no gap; compare with the latest end so far.
			if w.Start-end > threshold {
				s.LongPauses++
			}
			end = max(end, w.End)
		}
		talk := end - start
		s.TalkSeconds = talk.Seconds()
		if talk >= minTalk {
			s.WordsPerMinute = float64(len(timed)) / talk.Minutes()
		}
	}

	if strings.TrimSpace(text) == "" {
		parts := make([]string, len(words))
		for i, w := range words {
			parts[i] = w.Text
		}
		text = strings.Join(parts, " ")
	}
	toks := tokenize(text)
	s.Words = len(toks)
	s.Fillers = countFillers(toks)
	if s.Words > 0 {
		s.FillerRate = float64(s.Fillers) * 100 / float64(s.Words)
	}
	return s
}

// token is one spoken word with whether punctuation separates it from its
// neighbours, which is the best cue in a transcript for a word said as an
// aside.
type token struct {
	word        string
	breakBefore bool // text start, or punctuation before the word
	breakAfter  bool // text end, or punctuation after the word
}

// tokenize splits text into lower-case words, stripping punctuation but
// remembering where it was. Apostrophes stay inside words ("don't"); a
// token of punctuation only ("—") is no word but marks a break.
func tokenize(text string) []token {
	var toks []token
	pendingBreak := true // the start of the text is a break
	for _, raw := range strings.Fields(strings.ToLower(text)) {
		raw = strings.ReplaceAll(raw, "’", "'")
		core := strings.TrimFunc(raw, func(r rune) bool { return !isWordRune(r) })
		if core == "" {
			pendingBreak = true
			if len(toks) > 0 {
				toks[len(toks)-1].breakAfter = true
			}
			continue
		}
		lead := strings.Index(raw, core)
		toks = append(toks, token{
			word:        core,
			breakBefore: pendingBreak || lead > 0,
			breakAfter:  lead+len(core) < len(raw),
		})
		if lead > 0 && len(toks) > 1 {
			toks[len(toks)-2].breakAfter = true
		}
		pendingBreak = toks[len(toks)-1].breakAfter
	}
	if len(toks) > 0 {
		toks[len(toks)-1].breakAfter = true
	}
	return toks
}

// isWordRune reports letters, digits and apostrophes: what stays in a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''
}

// Words that are fillers wherever they occur.
var alwaysFiller = set("um", "umm", "uh", "uhh", "uhm", "erm", "er", "ah", "ahh", "hmm", "hm",
	"basically", "actually", "literally")

// Before "you know" or "i mean", these make the phrase part of a clause or
// a question ("do you know", "as you know", "what i mean").
var clauseBefore = set("do", "did", "does", "don't", "dont", "didn't", "didnt", "doesn't", "doesnt",
	"if", "as", "what", "whether", "that", "when", "how", "because", "would", "will", "can",
	"could", "might", "should", "may", "must", "you", "i", "we", "they", "what's", "whats", "is")

// After "you know" or "i mean" with no comma, these are what the verb
// governs ("you know the answer", "i mean it").
var governedAfter = set("what", "how", "that", "why", "where", "who", "whom", "which", "whether",
	"when", "if", "the", "a", "an", "it", "it's", "its", "him", "her", "them", "this", "these",
	"those", "about", "me", "us", "my", "your", "his", "their", "our", "someone", "somebody",
	"something", "anything", "everything", "everyone", "anyone", "more", "better", "to", "i",
	"we", "you", "they", "he", "she", "by", "so", "too", "well")

// Before "kind of" or "sort of", these make it a noun phrase ("a kind of
// index", "what sort of cache").
var determiners = set("a", "an", "the", "this", "that", "these", "those", "what", "which", "any",
	"some", "every", "each", "no", "same", "one", "another", "other", "different", "my", "your",
	"his", "her", "our", "their", "its", "whatever", "certain", "particular", "right", "wrong",
	"new", "first", "last", "only", "similar", "that's", "thats")

// countFillers counts fillers in tokens, a two-word phrase once.
func countFillers(toks []token) int {
	n := 0
	word := func(i int) string {
		if i < 0 || i >= len(toks) {
			return ""
		}
		return toks[i].word
	}
	for i := 0; i < len(toks); i++ {
		w, next := toks[i].word, word(i+1)
		switch {
		case alwaysFiller[w]:
			n++
		case (w == "you" && next == "know") || (w == "i" && next == "mean"):
			if isAsidePhrase(toks, i) {
				n++
				i++
			}
		case (w == "kind" || w == "sort") && next == "of":
			if !determiners[word(i-1)] || toks[i].breakBefore {
				n++
				i++
			}
		case w == "like":
			if next == "like" {
				n++ // one of a repeated pair; the last of a run may be the verb
			} else if toks[i].breakBefore && toks[i].breakAfter && (i > 0 || i+1 < len(toks)) {
				n++
			}
		}
	}
	return n
}

// isAsidePhrase decides whether "you know" or "i mean" at toks[i] is said
// as a filler rather than as a verb with an object.
func isAsidePhrase(toks []token, i int) bool {
	if i > 0 && !toks[i].breakBefore && clauseBefore[toks[i-1].word] {
		return false
	}
	if toks[i+1].breakAfter {
		return true // "..., you know, ..." or "you know." at the end
	}
	return !governedAfter[toks[i+2].word]
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
