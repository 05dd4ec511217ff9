package score_test

import (
	"strings"
	"testing"

	"github.com/moksho/platform/services/evaluation/internal/score"
)

// answer300 is a realistic 300-word answer: the strong test answer and the
// off-topic work story, so that every analysis runs on it.
var answer300 = strongLearn + " " + strings.Join(strings.Fields(offTopicWork)[:164], " ")

func BenchmarkScore300Words(b *testing.B) {
	a := score.Answer{Text: answer300}
	b.ReportAllocs()
	for b.Loop() {
		score.Score(qLearn, a)
	}
}

func BenchmarkScore300WordsSpoken(b *testing.B) {
	a := score.Answer{Text: withFillers(answer300), Spoken: true, Delivery: &score.Delivery{WordsPerMinute: 150, FillerRate: 3, LongPauses: 2, TalkSeconds: 120}}
	b.ReportAllocs()
	for b.Loop() {
		score.Score(qAPI, a)
	}
}
