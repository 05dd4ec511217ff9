package score_test

import (
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/moksho/platform/services/evaluation/internal/score"
)

var (
	qLearn = score.Question{Text: "Tell me about a time you had to learn a new technology quickly.", Kind: "behavioural", Competency: "learning agility"}
	qAPI   = score.Question{Text: "How would you reduce the latency of a slow API endpoint?", Kind: "technical", Competency: "performance engineering"}
	qConf  = score.Question{Text: "Describe a time you disagreed with a colleague about a decision. How did you resolve it?", Kind: "behavioural", Competency: "collaboration"}
	qNurse = score.Question{Text: "How would you prioritise care when three patients need you at the same time?", Kind: "situational", Competency: "clinical prioritisation"}
)

// strongLearn is a strong answer to qLearn, written for these tests.
const strongLearn = "Last spring our data team decided to move reporting from Excel to Python, and I had two weeks to learn pandas before the quarterly report was due. " +
	"I had only used Excel before. I set aside ninety minutes every morning for the official tutorial, then rebuilt last quarter's report in a notebook so I could compare my numbers with the known answers. " +
	"When my totals were off by 3 percent I found that I had dropped rows with missing dates, fixed the join, and asked a senior analyst to review my code. " +
	"I delivered the quarterly report on time, and it now runs in four minutes instead of a day of manual work. " +
	"Since then I always rebuild something I already know when I learn a new tool, because it gives me answers to check against."

// offTopic300 is about 300 words of fluent, well-structured, concrete talk
// about the candidate's private life: it answers none of the questions.
const offTopic300 = "I grew up in a small town near the coast, and my family still lives there. Every summer we went to my grandmother's house, " +
	"where I learned to cook fish curry and make rice the way she did. My father worked at the port for thirty years and my mother taught music " +
	"at the local school. On weekends I played cricket with my cousins on the beach, and in the evenings we watched old movies together. " +
	"When I was twelve I started keeping a diary, which I still write in most nights. Last year I travelled to the mountains with three friends, " +
	"and we hiked for six days, sleeping in small guest houses and eating whatever the owners cooked for us. It rained for two of those days, " +
	"so we sat by the fire, played cards and told stories about our childhoods. I enjoy travelling because every place has its own food, its own songs " +
	"and its own way of greeting strangers. At home I have a dog called Bruno who is nine years old and still loves chasing birds in the garden. " +
	"I go to the gym four mornings a week, and on Sundays I cook lunch for my parents, usually biryani or a vegetable stew with fresh bread from the bakery " +
	"at the corner. My favourite holiday was a trip to Goa with my cousins, where we rented scooters, swam every morning and ate prawns at a beach shack " +
	"run by an old fisherman and his wife. In the future I would like to visit Japan in spring, because I have always wanted to see the cherry blossoms " +
	"and try the street food in Osaka. My friends say I am the one who always plans the trips, books the tickets and remembers everyone's birthday. " +
	"I also like gardening; we grow tomatoes, chillies and mint on the balcony, and my mother uses them in almost everything she cooks for the family."

// offTopicWork is about 300 words of a concrete, relevant-sounding work
// story about something else entirely (closing a sale), given to a
// question about API latency.
const offTopicWork = "Last year I was the account manager for a mid-sized retailer that was about to leave us for a competitor. " +
	"Their buyer told me our annual price was twenty percent higher than the other offer, and the renewal was due in three weeks. " +
	"I first met their finance director to understand what they valued, and learned that they cared more about onboarding new stores quickly than about the price. " +
	"I built a proposal with a two-year contract, a small discount on the second year, and a dedicated trainer for their new store managers. " +
	"I also arranged a reference call with another retailer of the same size who had grown from ten to forty stores with us. " +
	"The buyer was sceptical at first, so I walked them through the numbers: the trainer would save each new store about a week of setup, which was worth more than the difference in price. " +
	"After two more meetings they signed the renewal for two years at ninety thousand dollars a year, and they opened eight new stores with us in the following six months. " +
	"My manager asked me to write up the approach for the rest of the sales team, and we used the same structure for four other renewals that quarter, three of which we won. " +
	"What I learned is that a customer who mentions price is often telling you about a different worry, and that asking what they value before offering a discount saves margin. " +
	"The finance director later introduced me to two other retailers in their network, and one of them became a customer in the spring after a short pilot in five of its stores. " +
	"Since then I always prepare a short value summary before any renewal meeting, with the customer's own numbers in it."

func words(s string) int { return len(strings.Fields(s)) }

func TestOffTopicLongAnswerScoresLow(t *testing.T) {
	if n := words(offTopic300); n < 280 || n > 340 {
		t.Fatalf("offTopic300 has %d words, want about 300", n)
	}
	if n := words(offTopicWork); n < 280 || n > 340 {
		t.Fatalf("offTopicWork has %d words, want about 300", n)
	}
	tests := []struct {
		name string
		q    score.Question
		a    string
	}{
		{"personal life to a behavioural question", qLearn, offTopic300},
		{"personal life to a technical question", qAPI, offTopic300},
		{"personal life to a conflict question", qConf, offTopic300},
		{"personal life to a nursing question", qNurse, offTopic300},
		{"sales story to a latency question", qAPI, offTopicWork},
		{"sales story to a nursing question", qNurse, offTopicWork},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := score.Score(tc.q, score.Answer{Text: tc.a})
			if r.Score >= 3 {
				t.Errorf("off-topic answer scored %.1f (%s), want < 3", r.Score, r)
			}
			if !strings.Contains(r.Feedback, "off topic") {
				t.Errorf("feedback does not say the answer is off topic: %q", r.Feedback)
			}
		})
	}
}

func TestOneLineOnTopicAnswerScoresBelowFive(t *testing.T) {
	tests := []struct {
		q score.Question
		a string
	}{
		{qAPI, "I would add an index to the slow query and cache the responses in Redis."},
		{qAPI, "Profile the endpoint, find the slowest database query, add an index, and measure the p99 again."},
		{qLearn, "I learned Kubernetes in two weeks by reading the docs and migrating our staging cluster myself."},
		{qConf, "I disagreed with a colleague about the database choice, we compared benchmarks, and agreed on Postgres."},
		{qNurse, "I would triage by acuity: the patient with chest pain first, then the fall risk, then routine medication."},
	}
	for _, tc := range tests {
		t.Run(tc.a, func(t *testing.T) {
			r := score.Score(tc.q, score.Answer{Text: tc.a})
			if r.Score >= 5 {
				t.Errorf("one-line answer scored %.1f (%s), want < 5", r.Score, r)
			}
			rel := dim(t, r, score.DimRelevance)
			if rel.Score < 5 {
				t.Errorf("on-topic one-liner got relevance %.1f: the cap, not relevance, should hold it down", rel.Score)
			}
			if !strings.Contains(r.Feedback, "too short") {
				t.Errorf("feedback does not say it is too short: %q", r.Feedback)
			}
		})
	}
}

// withFillers inserts spoken fillers after every few words, as a nervous
// speaker's transcript has them.
func withFillers(s string) string {
	fillers := []string{"um,", "like,", "you know,", "basically", "uh,", "actually"}
	var out []string
	for i, w := range strings.Fields(s) {
		if i%4 == 0 {
			out = append(out, fillers[(i/4)%len(fillers)])
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

func TestFillersLowerTheScoreAndSayWhy(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    score.Question
		a    string
	}{
		{"behavioural", qLearn, strongLearn},
		{"technical", qAPI, "I would measure first: add tracing to the endpoint and look at the p99, not the average. Usually the database is the culprit, so I would check the query plan and add the missing index. If the data can be slightly stale, I would add a cache with a clear expiry, but I would not cache per-user data. Then I would load test again to confirm the p99 improved, and add an alert so it does not regress."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clean := score.Score(tc.q, score.Answer{Text: tc.a})
			rambling := score.Score(tc.q, score.Answer{Text: withFillers(tc.a)})
			if rambling.Score >= clean.Score {
				t.Errorf("with fillers %.1f, without %.1f: fillers should cost points", rambling.Score, clean.Score)
			}
			if !strings.Contains(strings.ToLower(rambling.Feedback), "filler") {
				t.Errorf("overall feedback does not mention the fillers: %q", rambling.Feedback)
			}
			spec := dim(t, rambling, score.DimSpecificity)
			if !strings.Contains(spec.Feedback, "Filler words") || !strings.Contains(spec.Feedback, `"um"`) {
				t.Errorf("specificity feedback does not name the fillers: %q", spec.Feedback)
			}
			if strings.Contains(strings.ToLower(clean.Feedback), "filler") {
				t.Errorf("clean answer's feedback mentions fillers: %q", clean.Feedback)
			}
		})
	}
}

func TestWeInsteadOfILowersSpecificity(t *testing.T) {
	we := strings.NewReplacer("I had", "we had", "I set", "we set", "I could", "we could", "I found", "we found",
		"I had dropped", "we had dropped", "asked", "asked", "I delivered", "we delivered", "I always", "we always",
		"I learn", "we learn", " my ", " our ", "I ", "we ").Replace(strongLearn)
	if strings.Contains(we, " I ") {
		t.Fatalf("replacement left an I: %s", we)
	}
	i := dim(t, score.Score(qLearn, score.Answer{Text: strongLearn}), score.DimSpecificity)
	w := dim(t, score.Score(qLearn, score.Answer{Text: we}), score.DimSpecificity)
	if w.Score >= i.Score {
		t.Errorf("specificity with we %.1f, with I %.1f: \"we\" hides the candidate's part and should score lower", w.Score, i.Score)
	}
	if !strings.Contains(w.Feedback, `with "I"`) {
		t.Errorf("feedback does not ask for I: %q", w.Feedback)
	}
}

var quoted = regexp.MustCompile(`"([^"]+)"`)

// quotesAnswer reports whether feedback quotes at least three words of the
// answer verbatim.
func quotesAnswer(feedback, answer string) bool {
	for _, m := range quoted.FindAllStringSubmatch(feedback, -1) {
		s := strings.TrimSuffix(m[1], "…")
		if len(strings.Fields(s)) >= 3 && strings.Contains(answer, s) {
			return true
		}
	}
	return false
}

// qa is a question with one answer to it.
type qa struct {
	q score.Question
	a string
}

// allAnswers returns every answer in the test data with its question, and
// the answers written for these tests.
func allAnswers(t *testing.T) []qa {
	var out []qa
	for _, f := range []string{"graded-answers.json", "holdout.json"} {
		for _, gq := range loadSet(t, f).Questions {
			for _, a := range gq.Answers {
				out = append(out, qa{gq.question(), a.Text})
			}
		}
	}
	return append(out, qa{qLearn, strongLearn}, qa{qAPI, offTopic300}, qa{qNurse, offTopicWork}, qa{qConf, withFillers(strongLearn)})
}

func TestEveryDimensionHasFeedbackAndOneQuotesTheAnswer(t *testing.T) {
	for _, x := range allAnswers(t) {
		r := score.Score(x.q, score.Answer{Text: x.a})
		names := []string{}
		quotes := false
		for _, d := range r.Dimensions {
			names = append(names, d.Name)
			if strings.TrimSpace(d.Feedback) == "" {
				t.Errorf("%.40q: %s has no feedback", x.a, d.Name)
			}
			quotes = quotes || quotesAnswer(d.Feedback, x.a)
		}
		want := []string{score.DimRelevance, score.DimStructure, score.DimSpecificity, score.DimCompleteness}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("dimensions %v, want %v", names, want)
		}
		if !quotes {
			t.Errorf("%.40q: no dimension quotes the answer", x.a)
		}
		if n := strings.Count(r.Feedback, ". ") + 1; r.Feedback == "" || n < 2 || n > 3 {
			t.Errorf("overall feedback should be two or three sentences, got %d: %q", n, r.Feedback)
		}
		if r.RubricVersion != score.RubricVersion {
			t.Errorf("rubric version %q", r.RubricVersion)
		}
	}
}

func checkRange(t *testing.T, r score.Result) {
	t.Helper()
	check := func(name string, v float64) {
		if math.IsNaN(v) || v < 0 || v > 10 || math.Abs(v*10-math.Round(v*10)) > 1e-9 {
			t.Errorf("%s = %v: want 0-10 with one decimal", name, v)
		}
	}
	check("score", r.Score)
	for _, d := range r.Dimensions {
		check(d.Name, d.Score)
	}
}

func TestScoresAreInRangeWithOneDecimalAndDeterministic(t *testing.T) {
	for _, x := range allAnswers(t) {
		a := score.Answer{Text: x.a, Spoken: true, Delivery: &score.Delivery{WordsPerMinute: 173, FillerRate: 4.2, LongPauses: 3, TalkSeconds: 75}}
		r1 := score.Score(x.q, a)
		checkRange(t, r1)
		if r2 := score.Score(x.q, a); !reflect.DeepEqual(r1, r2) {
			t.Errorf("two runs differ:\n%+v\n%+v", r1, r2)
		}
	}
}

func TestSpokenAnswersGetDeliveryFeedback(t *testing.T) {
	tests := []struct {
		name     string
		d        *score.Delivery
		want     []string
		minScore float64
		maxScore float64
	}{
		{"too fast", &score.Delivery{WordsPerMinute: 190, FillerRate: 1, TalkSeconds: 90}, []string{"about 190 words per minute", "slow down"}, 0, 9},
		{"too slow", &score.Delivery{WordsPerMinute: 90, FillerRate: 1, TalkSeconds: 90}, []string{"about 90 words per minute", "speak up", "faster"}, 0, 9},
		{"good pace", &score.Delivery{WordsPerMinute: 140, FillerRate: 1, TalkSeconds: 90}, []string{"Good pace"}, 9.5, 10},
		{"fillers", &score.Delivery{WordsPerMinute: 140, FillerRate: 9, TalkSeconds: 90}, []string{"filler words per 100"}, 0, 8},
		{"pauses", &score.Delivery{WordsPerMinute: 140, FillerRate: 1, LongPauses: 5, TalkSeconds: 90}, []string{"5 pauses longer than 3 seconds"}, 0, 9.5},
		{"too short", &score.Delivery{WordsPerMinute: 140, FillerRate: 1, TalkSeconds: 25}, []string{"25 seconds", "one to three minutes"}, 0, 9.5},
		{"too long", &score.Delivery{WordsPerMinute: 140, FillerRate: 1, TalkSeconds: 300}, []string{"5.0 minutes", "under three"}, 0, 9.5},
		{"not measured", nil, []string{"not measured"}, 0, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := score.Score(qLearn, score.Answer{Text: strongLearn, Spoken: true, Delivery: tc.d})
			d := dim(t, r, score.DimDelivery)
			for _, w := range tc.want {
				if !strings.Contains(d.Feedback, w) {
					t.Errorf("delivery feedback %q lacks %q", d.Feedback, w)
				}
			}
			if d.Score < tc.minScore || d.Score > tc.maxScore {
				t.Errorf("delivery %.1f, want %.1f-%.1f", d.Score, tc.minScore, tc.maxScore)
			}
		})
	}
	typed := score.Score(qLearn, score.Answer{Text: strongLearn, Delivery: &score.Delivery{WordsPerMinute: 300}})
	for _, d := range typed.Dimensions {
		if d.Name == score.DimDelivery {
			t.Errorf("a typed answer got a delivery dimension")
		}
	}
	fast := score.Score(qLearn, score.Answer{Text: strongLearn, Spoken: true, Delivery: &score.Delivery{WordsPerMinute: 230, FillerRate: 1, TalkSeconds: 90}})
	good := score.Score(qLearn, score.Answer{Text: strongLearn, Spoken: true, Delivery: &score.Delivery{WordsPerMinute: 140, FillerRate: 1, TalkSeconds: 90}})
	if fast.Score >= good.Score {
		t.Errorf("230 wpm scored %.1f, 140 wpm %.1f: pace should count", fast.Score, good.Score)
	}
}

func TestEmptyAndDegenerateAnswersScoreZero(t *testing.T) {
	for _, a := range []string{"", "   ", "...", "\n\n?!"} {
		r := score.Score(qAPI, score.Answer{Text: a})
		if r.Score != 0 {
			t.Errorf("%q scored %.1f, want 0", a, r.Score)
		}
		for _, d := range r.Dimensions {
			if d.Feedback == "" {
				t.Errorf("%q: %s has no feedback", a, d.Name)
			}
		}
	}
}

// TestBehaviouralAnswerInTheConditional checks that "I would" in answer to
// a question about the past is called out: the question asks what the
// candidate did.
func TestBehaviouralAnswerInTheConditional(t *testing.T) {
	a := "I would first read the official documentation and follow the tutorial, then I would build a small project with the new technology to practise. " +
		"I would ask an experienced colleague to review my code and I would keep notes of what I learn so that I could share them with the team later on."
	r := score.Score(qLearn, score.Answer{Text: a})
	st := dim(t, r, score.DimStructure)
	if !strings.Contains(st.Feedback, "real past experience") {
		t.Errorf("structure feedback %q does not ask for a real experience", st.Feedback)
	}
	if strong := score.Score(qLearn, score.Answer{Text: strongLearn}); r.Score >= strong.Score-2 {
		t.Errorf("hypothetical %.1f vs real story %.1f: the story should be well ahead", r.Score, strong.Score)
	}
}

func TestTalkingPointsWeighInRelevance(t *testing.T) {
	q := qAPI
	q.TalkingPoints = []string{"measure with tracing and percentiles", "database indexes and query plans", "caching with invalidation"}
	covers := "I would measure first with tracing and look at the p99 percentile. Then I would check the query plans and add the missing database indexes. " +
		"If the data is read-heavy I would add caching with a clear invalidation rule, and finally load test to confirm the improvement."
	misses := "I would upgrade the servers to bigger machines and add more replicas behind the load balancer. Then I would move the service to a faster region " +
		"closer to the users, and finally switch the endpoint to HTTP/2 so requests share connections."
	rc := dim(t, score.Score(q, score.Answer{Text: covers}), score.DimRelevance)
	rm := dim(t, score.Score(q, score.Answer{Text: misses}), score.DimRelevance)
	if rc.Score <= rm.Score+2 {
		t.Errorf("covering the talking points gave relevance %.1f, missing them %.1f", rc.Score, rm.Score)
	}
	if !strings.Contains(rm.Feedback, "measure with tracing") && !strings.Contains(rm.Feedback, "database indexes") && !strings.Contains(rm.Feedback, "caching") {
		t.Errorf("feedback does not name a missed talking point: %q", rm.Feedback)
	}
}

func dim(t *testing.T, r score.Result, name string) score.Dimension {
	t.Helper()
	for _, d := range r.Dimensions {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no %s dimension in %+v", name, r)
	return score.Dimension{}
}

// TestExplanationAnswersAConceptQuestion: "how do X and Y differ" asks for
// an explanation, not a plan; a good one earns the structure marks, and a
// plan-shaped answer is not needed.
func TestExplanationAnswersAConceptQuestion(t *testing.T) {
	q := score.Question{Text: "What is the difference between a process and a thread, and when would you use each?", Kind: "technical"}
	good := "A process is a running program with its own memory space, while a thread is a path of execution inside a process that shares that memory with the other threads. " +
		"Unlike processes, threads are cheap to start and can talk through shared memory, but a bug in one thread can corrupt data for all of them. " +
		"For example, a web server like nginx uses a few worker processes for isolation, and a Java service typically uses a thread pool to handle requests. " +
		"I would choose processes when isolation matters, because one crash should not take the others down, and threads when tasks share a lot of data and need to be fast."
	thin := "A process is a program and a thread is part of it. They are different."
	dim := func(r score.Result, name string) score.Dimension {
		for _, d := range r.Dimensions {
			if d.Name == name {
				return d
			}
		}
		t.Fatalf("no %s dimension", name)
		return score.Dimension{}
	}
	g := dim(score.Score(q, score.Answer{Text: good}), score.DimStructure)
	if g.Score < 8 || !strings.Contains(g.Feedback, "explanation") {
		t.Errorf("good explanation: structure %.1f, feedback %q", g.Score, g.Feedback)
	}
	if th := dim(score.Score(q, score.Answer{Text: thin}), score.DimStructure); th.Score >= g.Score-3 {
		t.Errorf("two-line explanation scored %.1f on structure against the full one's %.1f", th.Score, g.Score)
	}
}

// TestDefinitionsDoNotAnswerAWhatDoYouDoQuestion: "What do you do?" asks
// for a plan; an answer that only defines the terms gets no structure marks
// for being an explanation.
func TestDefinitionsDoNotAnswerAWhatDoYouDoQuestion(t *testing.T) {
	q := score.Question{Text: "You are on call and the API's error rate jumps to 20% right after a deploy. What do you do?", Kind: "situational"}
	a := "An error rate is the share of requests that fail. A deploy is when new code goes out to production. " +
		"But errors can happen for many reasons, for example a bad config. When traffic is high it is common to see some errors, " +
		"because systems are complex. That is why error rates matter."
	for _, d := range score.Score(q, score.Answer{Text: a}).Dimensions {
		if d.Name == score.DimStructure && (d.Score >= 5 || strings.Contains(d.Feedback, "explanation")) {
			t.Errorf("definitions scored %.1f on structure as a plan: %q", d.Score, d.Feedback)
		}
	}
}
