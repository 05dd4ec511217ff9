package questions

import (
	"strings"
	"unicode/utf8"
)

// Custom wraps questions the user wrote, verbatim and in order, as
// KindCustom questions. Their talking points are the question's own key
// terms ("How would you design a rate limiter for a public API?" gives
// "rate limiter" and "public API"), so the scorer can check that an answer
// engages with what was asked; when a question has fewer than three key
// terms, points on the shape of a good answer fill the rest. Callers
// validate length and count; Custom changes nothing and drops nothing.
func Custom(texts []string) []Question {
	out := make([]Question, len(texts))
	for i, t := range texts {
		out[i] = Question{Text: t, Kind: KindCustom, TalkingPoints: talkingPointsOf(t)}
	}
	return out
}

// Phrases longer than this keep their last words, where English puts the
// head noun ("highly available distributed message queue" -> "available
// distributed message queue").
const maxPhraseWords = 4

// Tokens longer than this are not words (a URL, a pasted blob) and are
// skipped.
const maxTokenLen = 40

// stopWords end a key phrase and are never part of one: function words,
// pronouns and the stock words of interview questions.
var stopWords = set(
	"a", "an", "the", "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "that", "this",
	"these", "those", "there", "here", "what", "which", "who", "whom", "whose", "when", "where", "why",
	"how", "whether", "would", "could", "should", "will", "shall", "can", "may", "might", "must", "do",
	"does", "did", "done", "doing", "is", "are", "was", "were", "be", "been", "being", "am", "have",
	"has", "had", "having", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "yours",
	"yourself", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their", "to", "of",
	"for", "in", "on", "at", "by", "with", "without", "from", "into", "onto", "about", "over", "under",
	"between", "through", "during", "before", "after", "above", "below", "up", "down", "out", "off",
	"again", "once", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no",
	"not", "only", "own", "same", "too", "very", "just", "also", "as", "like", "e.g", "etc", "tell",
	"describe", "explain", "give", "walk", "example", "examples", "time", "times", "situation",
	"something", "someone", "anything", "thing", "things", "way", "ways", "lot", "lots", "kind", "sort",
	"please", "briefly", "ever", "recently", "typically", "usually",
)

// verbAfter are words after which a question's next word is usually its
// verb ("would you design", "how to handle"); that verb is not a key term.
var verbAfter = set("you", "we", "i", "they", "to", "would", "could", "should", "can", "will", "might", "must", "did", "does", "do")

// imperatives open a question as its verb ("Compare X and Y") and are
// not key terms there.
var imperatives = set(
	"compare", "contrast", "design", "define", "list", "name", "outline", "discuss", "summarise",
	"summarize", "write", "implement", "build", "sketch", "draw", "estimate", "propose", "recommend",
	"suggest", "evaluate", "choose", "imagine", "suppose", "consider", "share", "talk",
)

// generic words say nothing about the topic on their own.
var generic = set(
	"experience", "problem", "problems", "issue", "issues", "project", "projects", "team", "work", "job",
	"role", "approach", "process", "task", "tasks", "people", "company", "difference", "different",
	"important", "good", "best", "better", "new", "first", "last", "one", "two", "three", "many", "much",
)

// answerShape pads the talking points of questions with few key terms:
// behavioural prompts get the parts of a STAR answer, others the marks of
// a considered technical answer.
var (
	behaviouralCues = []string{"tell me about a time", "describe a time", "describe a situation", "give an example", "give me an example"}
	starPoints      = []string{"specific situation", "actions you took", "measurable result"}
	otherPoints     = []string{"trade-offs", "concrete example", "how you would verify it"}
)

// trimChars are stripped from the ends of a token; internal ones stay so
// "Node.js", "CI/CD" and "C#" survive.
const trimChars = "\"'`“”‘’«»()[]{}<>,.;:!?…"

// openChars start a quotation or an aside, which ends the phrase before.
const openChars = "\"'`“‘«([{<"

// talkingPointsOf extracts up to MaxTalkingPoints key phrases, in order:
// runs of words between stop words and punctuation, without a leading
// verb, and not a lone generic word.
func talkingPointsOf(text string) []string {
	var (
		points []string
		seen   = map[string]bool{}
		run    []string
		prev   string // the lower-cased word before the current run
	)
	flush := func() {
		phrase := run
		run = nil
		if len(phrase) > maxPhraseWords {
			phrase = phrase[len(phrase)-maxPhraseWords:]
		}
		// Keep the phrase's head (its last words) within the length a
		// talking point may have.
		for len(phrase) > 1 && utf8.RuneCountInString(strings.Join(phrase, " ")) > maxTalkingPointLen {
			phrase = phrase[1:]
		}
		if len(phrase) == 0 || (len(phrase) == 1 && generic[strings.ToLower(phrase[0])]) {
			return
		}
		p := strings.Join(phrase, " ")
		if key := strings.ToLower(p); !seen[key] && len(points) < MaxTalkingPoints {
			seen[key] = true
			points = append(points, p)
		}
	}
	for n, raw := range strings.Fields(text) {
		word := strings.Trim(raw, trimChars)
		word = strings.TrimSuffix(strings.TrimSuffix(word, "'s"), "’s")
		lower := strings.ToLower(word)
		opens := strings.TrimLeft(raw, openChars) != raw
		closes := raw != strings.TrimRight(raw, trimChars)
		if opens {
			flush()
		}
		switch {
		case word == "" || utf8.RuneCountInString(word) > maxTokenLen || !utf8.ValidString(word):
			flush()
		case stopWords[lower]:
			flush()
		case len(run) == 0 && (verbAfter[prev] || n == 0 && imperatives[lower]):
			// The question's verb: "would you design ...", "Compare ..." -
			// skip it.
		default:
			run = append(run, word)
		}
		prev = lower
		if closes {
			flush()
		}
	}
	flush()

	if len(points) < MinTalkingPoints {
		pad := otherPoints
		lower := strings.ToLower(text)
		for _, cue := range behaviouralCues {
			if strings.Contains(lower, cue) {
				pad = starPoints
				break
			}
		}
		for _, p := range pad {
			if len(points) >= MinTalkingPoints {
				break
			}
			if !seen[strings.ToLower(p)] {
				points = append(points, p)
			}
		}
	}
	return points
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
