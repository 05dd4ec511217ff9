package score

import "strings"

// The word lists below are the scorer's whole vocabulary. They are general
// English and general interview language, grouped by what they signal; no
// list names a word because one graded answer used it. Each list is small
// on purpose: a word belongs only when it nearly always signals the same
// thing in an interview answer.

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// stopwords are function words: never key terms of a question.
var stopwords = set(
	"a", "an", "the", "and", "or", "but", "if", "then", "so", "of", "to", "in", "on", "at",
	"by", "for", "with", "from", "into", "onto", "about", "as", "is", "are", "was", "were",
	"be", "been", "being", "am", "do", "does", "did", "done", "doing", "have", "has", "had",
	"having", "it", "its", "it's", "this", "that", "these", "those", "there", "here", "i",
	"me", "my", "mine", "myself", "we", "us", "our", "ours", "you", "your", "yours",
	"yourself", "he", "him", "his", "she", "her", "they", "them", "their", "what", "which",
	"who", "whom", "whose", "when", "where", "why", "how", "would", "could", "should",
	"will", "shall", "can", "may", "might", "must", "not", "no", "yes", "very", "just",
	"also", "too", "than", "up", "down", "out", "over", "under", "again", "all", "any",
	"each", "every", "some", "such", "own", "same", "other", "more", "most", "much", "many",
	"few", "only", "both", "either", "neither", "nor", "one", "once", "because", "while",
	"until", "before", "after", "during", "through", "between", "against", "without",
	"within", "like", "get", "got", "go", "went", "gone", "make", "made", "take", "took",
	"thing", "things", "way", "lot", "really", "well", "even", "still", "ever", "never",
	"always", "often", "don't", "didn't", "i'm", "i've", "i'd", "you've", "you'd", "you're",
	"we're", "they're", "isn't", "wasn't", "can't", "won't", "whether", "whose", "ago",
)

// framing words are the scaffolding of interview questions ("tell me about
// a time", "walk me through"): they say what form the answer takes, not
// what it is about, so they are not key terms either.
var framing = set(
	"tell", "describe", "explain", "give", "example", "time", "times",
	"situation", "situations", "share", "walk", "talk", "discuss", "recall", "remember",
	"experience", "experiences", "particular", "specific", "instance", "occasion",
	"moment", "please", "think", "want", "kind", "sort", "type", "happened", "happen",
	"let", "know", "see", "say", "says", "said", "someone", "something", "anything",
	"approach", "handled", "did", "done", "typically", "usually", "ensure", "make",
)

// generic words are content words too common in any answer to show that it
// is on topic; as key terms they weigh less.
var generic = set(
	"new", "good", "bad", "big", "small", "work", "working", "worked", "job", "people",
	"person", "day", "days", "week", "weeks", "year", "years", "month", "first", "last",
	"next", "high", "low", "long", "short", "need", "needed", "use", "help", "keep",
	"start", "find", "try", "create", "problem", "issue", "result", "difficult", "hard",
	"easy", "important", "different", "number", "part", "level", "area", "case", "point",
	"set", "put", "run", "handle", "deal", "respond", "react", "team", "change", "someone",
	"receive", "received", "get", "given", "gave",
	"situation", "able", "best", "better", "great", "real", "whole",
)

// synonymGroups are close synonyms only: words that can replace a
// question's key term without changing what is asked. A question's key
// term is covered when the answer uses the term itself or, at
// synonymStrength, any word of a group that holds it. Related words
// (a "cache" for "latency") belong to topics, not here. Lists are stemmed
// when the package loads.
var synonymGroups = [][]string{
	{"learn", "learning", "study", "studied", "master", "mastered"},
	{"quick", "quickly", "fast", "rapid", "rapidly", "swiftly"},
	{"technology", "tool", "framework", "language", "library", "platform", "stack", "tech"},
	{"new", "unfamiliar", "novel"},
	{"reduce", "cut", "lower", "decrease", "shrink", "minimise", "minimize", "trim", "halve"},
	{"latency", "lag", "slowness", "p50", "p95", "p99", "percentile", "milliseconds"},
	{"slow", "slowly", "sluggish", "slowness", "laggy"},
	{"api", "endpoint", "endpoints", "route", "handler", "http", "grpc", "rpc"},
	{"performance", "efficiency", "throughput", "scalability"},
	{"feedback", "criticism", "critique", "advice", "comments", "suggestion", "appraisal", "review"},
	{"critical", "negative", "harsh", "tough", "blunt", "constructive", "criticism"},
	{"receive", "received", "got", "given", "heard", "told"},
	{"customer", "client", "buyer", "consumer", "caller"},
	{"angry", "upset", "frustrated", "furious", "annoyed", "irate", "shouting", "yelling", "unhappy", "rude"},
	{"deteriorate", "worsen", "worsening", "decline", "declining", "unstable"},
	{"condition", "symptoms", "vitals", "observations"},
	{"handle", "deal", "cope", "tackle"},
	{"competitor", "rival", "competition"},
	{"cheap", "cheaper", "inexpensive"},
	{"switch", "leave", "churn", "cancel", "defect"},
	{"respond", "response", "reply", "react"},
	{"drop", "dropped", "decline", "fell", "fall", "decrease", "dip", "plunge"},
	{"user", "visitor", "member", "subscriber", "dau", "mau"},
	{"active", "engaged", "engagement", "usage"},
	{"find", "investigate", "analyse", "analyze", "diagnose", "identify", "determine", "discover"},
	{"deadline", "due", "timeline"},
	{"miss", "missed", "late", "slip", "slipped", "overran", "overdue", "behind"},
	{"project", "initiative", "programme", "program", "rollout"},
	{"conflict", "disagreement", "disagree", "argument", "dispute", "tension", "clash"},
	{"colleague", "coworker", "co-worker", "teammate", "peer"},
	{"lead", "leader", "leadership"},
	{"mistake", "error", "failure", "fail", "failed", "wrong", "blunder"},
	{"pressure", "stress", "stressful", "crunch"},
	{"prioritise", "prioritize", "priority", "priorities", "triage"},
	{"decision", "decide", "choice", "choose"},
	{"communicate", "communication", "explain", "present", "presentation"},
	{"improve", "improvement", "enhance"},
	{"design", "architecture", "architect"},
	{"data", "dataset", "analytics", "metrics"},
	{"goal", "target", "objective", "quota", "kpi"},
	{"sale", "sales", "sell", "sold", "selling"},
	{"negotiate", "negotiation", "bargain"},
	{"empathy", "empathise", "empathize", "compassion"},
	{"judgement", "judgment", "assessment", "assess"},
	{"clinical", "medical", "clinician"},
	{"coachable", "coachability", "feedback", "advice", "coaching"},
	{"agility", "agile", "adapt", "adaptable", "flexible", "flexibility"},
	{"analytical", "analysis", "analyse", "analyze", "reasoning"},
	{"management", "manage", "managing", "organise", "organize"},
	{"engineering", "engineer", "development", "develop"},
	{"weakness", "weak", "shortcoming", "flaw"},
	{"strength", "strong", "strengths"},
	{"motivate", "motivation", "motivated", "drive", "passion"},
	{"change", "transition", "reorganisation", "reorganization", "restructure"},
	{"ambiguity", "ambiguous", "unclear", "uncertain", "uncertainty"},
	{"risk", "risky", "hazard", "danger"},
	{"security", "secure", "vulnerability", "breach"},
	{"test", "testing", "tests", "qa"},
	{"scale", "scaling", "scalability"},
	{"cost", "costs", "expense", "spend", "spending"},
	{"teach", "teaching", "taught", "instruct", "tutor"},
	{"student", "pupil", "learner"},
	{"persuade", "convince", "influence"},
	{"stakeholder", "sponsor", "executive"},
	{"team", "teammate", "squad"},
	{"care", "nursing", "caring"},
}

// topics are the vocabularies of the subjects that questions are about,
// finer than trades: "performance" rather than "software". A question
// belongs to the topics its key terms fall in; an answer dense in those
// topics' words is about the same subject even when it never repeats the
// question (a strong answer on latency talks of caches, indexes and p99,
// not of "latency"). Words that mean different things in different
// trades ("review", "request", "plan", "order") and generic workplace
// words (team, manager, meeting) are kept out.
var topics = map[string][]string{
	"performance":   {"latency", "slow", "fast", "faster", "speed", "p50", "p95", "p99", "percentile", "throughput", "cache", "caching", "cached", "index", "indexes", "query", "queries", "database", "tracing", "trace", "profile", "profiling", "profiler", "benchmark", "bottleneck", "timeout", "concurrency", "parallel", "async", "asynchronous", "batch", "batching", "payload", "compression", "pooling", "cpu", "memory", "optimise", "optimize", "milliseconds", "ms", "regression", "cdn", "replica", "redis", "memcached", "performance", "n+1", "hotspot", "flame"},
	"api":           {"api", "apis", "endpoint", "endpoints", "http", "rest", "json", "payload", "client", "server", "route", "handler", "grpc", "gateway", "microservice", "backend", "header", "headers", "webhook", "sdk"},
	"software":      {"software", "code", "coding", "programming", "framework", "library", "technology", "developer", "elasticsearch", "python", "java", "javascript", "typescript", "golang", "rust", "react", "kubernetes", "docker", "git", "github", "jenkins", "sql", "api", "cloud", "aws", "azure", "gcp", "repository", "pipeline", "pipelines", "sandbox", "prototype", "database", "index", "query", "search", "deploy", "deployment", "compiler", "terraform", "linux", "kafka", "postgres", "mysql", "mongodb", "graphql", "ci"},
	"databases":     {"database", "sql", "query", "queries", "index", "indexes", "schema", "join", "transaction", "postgres", "mysql", "migration", "replica", "shard", "orm", "explain"},
	"reliability":   {"incident", "outage", "downtime", "alert", "pager", "on-call", "postmortem", "rollback", "monitoring", "logs", "sla", "slo", "recovery", "failover", "errors", "bug", "bugs", "hotfix"},
	"testing":       {"test", "tests", "testing", "unit", "integration", "coverage", "qa", "automated", "flaky", "assertion", "regression"},
	"security":      {"security", "vulnerability", "breach", "authentication", "authorization", "encryption", "password", "token", "attack", "phishing", "patch", "compliance", "gdpr", "permissions"},
	"design":        {"design", "architecture", "component", "components", "interface", "module", "coupling", "diagram", "pattern", "monolith", "microservices", "queue", "events", "scalability", "tradeoff"},
	"learning":      {"learn", "learning", "learned", "study", "course", "documentation", "docs", "tutorial", "guide", "practice", "practise", "training", "trainer", "skill", "skills", "book", "books", "mentor", "pairing", "experiment", "read", "reading", "understand", "certification", "exercise", "workshop", "notes", "examples", "lesson", "video", "videos", "lecture"},
	"feedback":      {"feedback", "criticism", "critique", "advice", "comment", "comments", "suggestion", "suggestions", "appraisal", "told", "pointed", "improve", "improvement", "coach", "coaching", "mentor", "defensive", "accepted", "habit", "reflect", "reflection", "one-on-one", "blind", "weakness"},
	"conflict":      {"conflict", "disagree", "disagreed", "disagreement", "argument", "dispute", "tension", "compromise", "consensus", "perspective", "viewpoint", "concerns", "mediate", "resolve", "resolved", "agree", "agreed", "align", "aligned", "options", "evidence", "tradeoff"},
	"leadership":    {"delegate", "delegated", "mentor", "mentored", "coach", "motivate", "hire", "hired", "one-on-one", "goals", "vision", "ownership", "accountability", "morale", "reports", "led"},
	"project":       {"deadline", "deadlines", "timeline", "schedule", "milestone", "scope", "estimate", "estimates", "priority", "priorities", "prioritise", "prioritize", "overtime", "late", "delay", "delayed", "slipped", "risk", "risks", "stakeholder", "stakeholders", "requirements", "sprint", "roadmap", "deliver", "delivered", "launch", "migration", "dependencies", "plan", "planning"},
	"mistake":       {"mistake", "error", "failed", "failure", "wrong", "bug", "incident", "apologised", "apologized", "owned", "fixed", "lesson", "prevent", "postmortem", "checklist", "blame"},
	"support":       {"customer", "customers", "complaint", "refund", "angry", "upset", "frustrated", "ticket", "tickets", "escalate", "escalation", "resolution", "apology", "apologise", "apologize", "apologised", "sorry", "phone", "email", "chat", "billing", "charged", "tracking", "satisfaction", "csat", "nps", "agent", "queue", "cancel", "discount", "helpdesk", "empathy", "calm", "callback"},
	"sales":         {"sales", "sell", "sold", "customer", "client", "deal", "contract", "price", "pricing", "discount", "revenue", "quota", "prospect", "renewal", "churn", "competitor", "negotiate", "negotiation", "proposal", "value", "budget", "upsell", "retention", "demo", "pitch", "buyer", "purchase", "package", "annual", "subscription", "crm", "commission", "margin", "usage", "features", "objection", "roi"},
	"data":          {"data", "dataset", "sql", "query", "dashboard", "metric", "metrics", "analysis", "analyst", "analytics", "chart", "charts", "segment", "cohort", "funnel", "trend", "regression", "forecast", "excel", "spreadsheet", "tableau", "looker", "pandas", "python", "statistic", "statistics", "sample", "experiment", "a/b", "conversion", "churn", "retention", "kpi", "events", "tracking", "warehouse", "bigquery", "correlation", "hypothesis", "outlier", "average", "median", "percentile", "variance", "visualisation", "instrumentation", "seasonality", "anomaly", "logging", "user", "users", "active", "daily", "weekly", "monthly", "dau", "mau", "drop", "analytical", "segmentation"},
	"healthcare":    {"patient", "patients", "nurse", "nursing", "doctor", "physician", "ward", "clinical", "clinic", "medication", "medicine", "dose", "vital", "vitals", "observations", "oxygen", "blood", "pulse", "heart", "breathing", "respiratory", "sepsis", "infection", "surgery", "surgical", "hospital", "icu", "emergency", "triage", "symptom", "symptoms", "diagnosis", "treatment", "antibiotics", "iv", "discharge", "pain", "protocol", "deteriorating", "handover", "wound", "catheter", "acuity", "fall", "relatives"},
	"education":     {"student", "students", "teacher", "teach", "class", "lesson", "school", "grades", "grading", "curriculum", "parent", "parents", "exam", "exams", "classroom", "pupil", "pupils", "homework", "assessment", "semester", "tutor", "attendance"},
	"finance":       {"budget", "cost", "revenue", "forecast", "invoice", "audit", "spend", "margin", "profit", "expense", "variance", "ledger", "reconciliation", "cash", "tax", "payroll", "balance", "quarterly"},
	"people":        {"hire", "hiring", "interview", "onboarding", "retention", "promotion", "culture", "engagement", "training", "policy", "benefits", "recruit", "recruiting"},
	"marketing":     {"campaign", "brand", "audience", "channel", "conversion", "seo", "content", "social", "ads", "funnel", "leads", "engagement", "messaging", "launch"},
	"operations":    {"inventory", "supply", "shipment", "warehouse", "logistics", "vendor", "supplier", "process", "efficiency", "throughput", "quality", "defect", "defects"},
	"communication": {"presentation", "presentations", "slides", "audience", "explain", "explained", "message", "clarify", "summary", "diagram", "diagrams", "listen", "listened", "questions", "jargon"},
	"change":        {"change", "changed", "changes", "reorganisation", "reorganization", "adapt", "adapted", "transition", "uncertainty", "ambiguous", "flexible", "pivot", "restructure"},
	"ethics":        {"ethics", "ethical", "integrity", "honest", "honesty", "reported", "policy", "compliance", "transparent", "whistleblow"},
	"problem":       {"problem", "solve", "solved", "root", "cause", "investigate", "investigated", "hypothesis", "solution", "debug", "debugged", "diagnose", "diagnosed"},
}

// competencyTopics are the vocabularies of the behavioural competencies
// the interviews service asks about (its catalog's fixed list). A
// behavioural question names its competency, and a good story about it
// uses these words even when it never repeats the question's own ("four
// groups wanted different things" for stakeholder management). They count
// as topic words for questions on that competency only, and are not a
// field's vocabulary for specificity. Words shared by most competencies
// (team, manager, project) are left out.
var competencyTopics = map[string][]string{
	"teamwork":               {"teammate", "teammates", "colleague", "colleagues", "together", "collaborate", "collaborated", "collaboration", "pair", "paired", "pairing", "shared", "share", "helped", "support", "supported", "cover", "covered", "handover", "split", "divided", "joint", "jointly", "trust", "workload"},
	"conflict-resolution":    {"conflict", "disagree", "disagreed", "disagreement", "argument", "dispute", "tension", "clash", "compromise", "consensus", "perspective", "viewpoint", "concerns", "mediate", "mediated", "resolve", "resolved", "agree", "agreed", "common", "ground", "heated", "frustrated", "listened", "middle", "calm", "private", "privately"},
	"ownership":              {"ownership", "owned", "responsibility", "responsible", "accountable", "accountability", "initiative", "volunteered", "stepped", "nobody", "drove", "followed", "committed", "myself", "unasked"},
	"learning-from-failure":  {"mistake", "mistakes", "failed", "failure", "wrong", "error", "errors", "lesson", "lessons", "learned", "learnt", "apologised", "apologized", "owned", "admitted", "postmortem", "retrospective", "checklist", "prevent", "differently", "since", "regret", "blame"},
	"leadership":             {"led", "lead", "leader", "leading", "delegate", "delegated", "mentor", "mentored", "coach", "coached", "motivate", "motivated", "morale", "vision", "direction", "hire", "hired", "reports", "empowered", "decided", "rallied", "goals"},
	"communication":          {"explain", "explained", "presentation", "presented", "slides", "audience", "message", "clarify", "clarified", "summary", "summarised", "summarized", "diagram", "jargon", "plain", "listened", "questions", "email", "wrote", "written", "update", "updates", "understood", "misunderstanding"},
	"customer-focus":         {"needs", "need", "asked", "request", "customer", "customers", "client", "clients", "user", "users", "requested", "feedback", "interview", "interviews", "interviewed", "observed", "shadowed", "survey", "complaint", "complaints", "support", "tickets", "satisfaction", "nps", "churn", "pain", "workflow", "usage", "problem"},
	"prioritisation":         {"prioritise", "prioritize", "prioritised", "prioritized", "priority", "priorities", "urgent", "important", "deadline", "deadlines", "triage", "impact", "effort", "tradeoff", "backlog", "postpone", "postponed", "deferred", "ranked", "focus", "workload", "juggled"},
	"adaptability":           {"new", "role", "different", "change", "changed", "changes", "adapt", "adapted", "adjust", "adjusted", "reorganisation", "reorganization", "reorg", "restructure", "restructuring", "uncertainty", "uncertain", "unclear", "ambiguous", "pivot", "pivoted", "transition", "layoffs", "merger", "acquisition", "flexible", "unexpected", "shifted", "rumours", "rumors"},
	"attention-to-detail":    {"detail", "details", "checked", "checklist", "review", "reviewed", "error", "errors", "mistake", "caught", "noticed", "spotted", "discrepancy", "inconsistency", "accuracy", "accurate", "precise", "verify", "verified", "reconcile", "typo", "careful", "thorough"},
	"ethics":                 {"ethics", "ethical", "integrity", "honest", "honesty", "truthful", "transparent", "transparency", "misleading", "mislead", "misrepresent", "accurate", "caveat", "caveats", "context", "disclose", "disclosed", "uncomfortable", "pressure", "pressured", "refused", "compliance", "policy", "report", "reported", "whistleblow", "fair", "cherry", "picked", "trust"},
	"stakeholder-management": {"stakeholder", "stakeholders", "sponsor", "sponsors", "executive", "executives", "department", "departments", "groups", "heads", "leadership", "sales", "finance", "legal", "marketing", "product", "support", "security", "operations", "procurement", "vendor", "vendors", "board", "interests", "competing", "conflicting", "expectations", "aligned", "alignment", "escalated", "negotiated", "updates"},
	"problem-solving":        {"solve", "solved", "root", "cause", "investigate", "investigated", "hypothesis", "hypotheses", "diagnose", "diagnosed", "debug", "debugged", "analysed", "analyzed", "narrowed", "reproduce", "reproduced", "experiment", "tested", "options", "workaround", "solution", "fixed"},
	"empathy":                {"empathy", "empathise", "empathize", "feelings", "felt", "listened", "listen", "understand", "understood", "perspective", "upset", "stressed", "struggling", "support", "supported", "checked", "patient", "compassion", "acknowledged", "reassured", "comfortable", "worried", "anxious"},
	"resilience":             {"setback", "setbacks", "pressure", "stress", "stressful", "rejected", "rejection", "difficult", "tough", "kept", "persisted", "persevered", "recovered", "bounce", "bounced", "calm", "composure", "overwhelmed", "burnout", "coped", "cope", "motivated", "perspective", "failure"},
	"creativity":             {"idea", "ideas", "creative", "creativity", "novel", "innovative", "innovation", "invented", "unconventional", "experiment", "experimented", "prototype", "prototyped", "brainstorm", "brainstormed", "reframed", "alternative", "original", "hack", "inspired", "constraint", "constraints"},
}

// personal words mark talk about private life (family, hobbies, home):
// the commonest way an interview answer goes off topic.
var personal = set(
	"family", "hobby", "hobbies", "weekend", "weekends", "sunday", "sundays", "saturday",
	"saturdays", "cricket", "football", "movies", "movie", "travelling", "traveling",
	"holiday", "holidays", "vacation", "favourite", "favorite", "cooking", "hiking",
	"friends", "pets", "dog", "cat", "married", "wife", "husband", "hometown", "born",
	"commute", "gym", "enjoy", "cousins", "grandmother", "grandfather", "birthday",
)

// numberWords count as numbers: amounts in words are evidence too.
var numberWords = set(
	"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
	"twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred",
	"hundreds", "thousand", "thousands", "million", "millions", "billion", "half",
	"double", "twice", "percent", "dozen", "quarter",
)

// timeUnits after "a" or "an" make a quantity ("within a month").
var timeUnits = set("minute", "hour", "day", "week", "fortnight", "month", "quarter", "year")

// roles are people's roles: naming who was involved is concrete evidence.
var roles = set(
	"manager", "engineer", "engineers", "consultant", "client", "clients", "customer",
	"customers", "colleague", "colleagues", "director", "lead", "developer", "developers",
	"designer", "analyst", "doctor", "nurse", "teacher", "teachers", "administrator",
	"administrators", "head", "cto", "ceo", "vp", "stakeholder", "stakeholders",
	"intern", "recruiter", "supervisor", "patient", "student", "students", "parent",
	"parents", "vendor", "auditor", "architect", "tester", "executive", "founder",
	"mentor", "peer", "reviewers", "reviewer", "finance", "engineering", "product",
	"owner", "physician", "pharmacist", "team",
)

// actionVerbs are verbs of doing. An action sentence is one whose subject
// is the candidate ("I") and whose verb is one of these in the past tense;
// in a technical answer each distinct verb is a step.
var actionVerbs = stemAll(
	"measure", "add", "check", "look", "remove", "use", "test", "monitor", "profile",
	"compare", "segment", "call", "ask", "offer", "write", "review", "run", "split",
	"move", "reduce", "batch", "confirm", "deploy", "fix", "investigate", "talk", "pull",
	"set", "build", "create", "design", "implement", "migrate", "configure", "automate",
	"document", "analyse", "analyze", "identify", "prioritize", "schedule", "plan",
	"escalate", "contact", "email", "meet", "explain", "present", "propose", "negotiate",
	"agree", "apologize", "refund", "replace", "rewrite", "refactor", "optimize", "cache",
	"index", "trace", "alert", "benchmark", "debug", "reproduce", "rollback", "release",
	"ship", "launch", "train", "teach", "coach", "mentor", "pair", "delegate", "hire",
	"interview", "organize", "coordinate", "track", "estimate", "survey", "research",
	"read", "study", "practise", "practice", "prototype", "convert", "rebuild", "repeat",
	"start", "stop", "give", "take", "tell", "send", "raise", "report", "collect",
	"gather", "clean", "map", "import", "export", "verify", "validate", "audit", "assess",
	"observe", "record", "administer", "inform", "discuss", "listen", "clarify",
	"summarize", "share", "update", "follow", "change", "introduce", "restructure",
	"simplify", "install", "upgrade", "switch", "scale", "parallelize", "queue", "decide",
	"learn", "fix", "find", "lead", "spend", "cut", "let", "suggest", "apply",
	"pick", "draft", "sketch", "load", "drop", "push", "persuade", "convince", "invite",
	"hold", "organise", "prepare", "improve", "assign", "notice", "rebuild", "walk",
	"message", "support", "increase", "decrease",
)

// pastIrregular are irregular past-tense forms (regular ones end in -ed).
var pastIrregular = set(
	"took", "gave", "told", "sent", "wrote", "ran", "met", "sat", "built", "spoke", "began",
	"brought", "made", "found", "led", "chose", "drew", "kept", "went", "got", "caught",
	"dealt", "held", "paid", "sold", "taught", "won", "knew", "thought", "bought", "felt",
	"left", "lost", "heard", "saw", "said", "did", "had", "was", "were", "rose", "fell",
	"grew", "spent", "let", "put", "set", "cut", "read", "became", "came", "stood", "understood",
)

// notPast are words ending in -ed that are not past tenses.
var notPast = set("need", "speed", "indeed", "red", "bed", "feed", "seed", "shed", "proceed", "exceed", "succeed", "hundred", "bleed", "breed", "greed", "weed", "embed")

// Cue phrases for the parts of a STAR answer and of a technical approach.
var (
	situationCues = phrases("at my", "in my", "when i", "when we", "last year", "last month",
		"last week", "last quarter", "previous", "previously", "once", "during", "while", "one day",
		"there was", "we had", "i was", "our team", "my team", "a client", "a customer",
		"a colleague", "my manager", "at the time", "years ago", "months ago", "weeks before",
		"days before", "in my first", "on a", "at a", "in a")
	taskCues = phrases("had to", "needed to", "need to", "was asked", "were asked", "my job",
		"my role", "my task", "responsible", "in charge", "the goal", "our goal", "my goal",
		"the problem", "the challenge", "the issue", "had never", "deadline", "was tasked",
		"it was my", "i was the", "wanted to", "decided to", "the aim", "i was supposed to",
		"the task", "the risk", "at stake", "was due", "were due")
	resultCues = phrases("as a result", "result", "outcome", "in the end", "eventually",
		"by the end", "afterwards", "after that", "which cut", "which reduced", "reduced",
		"increased", "improved", "cut", "saved", "grew", "doubled", "halved", "dropped", "fell",
		"rose", "won", "launched", "shipped", "delivered", "passed", "recovered",
		"resolved", "fixed", "solved", "completed", "achieved", "exceeded", "went well",
		"worked", "succeeded", "promoted", "praised", "thanked",
		"back under", "on time", "so that", "which meant", "meant that",
		"led to", "finished", "approved", "accepted", "renewed", "returned")
	comparativeCues = set("easier", "faster", "better", "happier", "fewer", "less", "lower",
		"higher", "quicker", "smoother", "clearer", "safer", "cheaper", "shorter")
	reflectionCues = phrases("learned", "learnt", "lesson", "since then", "now i", "i now",
		"next time", "in hindsight", "looking back", "taught me", "would do differently",
		"realised", "realized", "from then on", "ever since", "i keep", "i still", "takeaway",
		"i always make sure", "these days i")
	orderingCues = phrases("first", "firstly", "to start", "start by", "begin by", "then",
		"next", "after that", "afterwards", "finally", "lastly", "second", "secondly",
		"third", "before", "once", "step")
	tradeoffCues = phrases("but", "however", "trade-off", "tradeoff", "trade off", "instead",
		"rather than", "if", "unless", "depends", "depending", "downside", "cost of",
		"on the other hand", "whereas", "risk", "alternatively", "although", "at the expense")
	measureCues = phrases("measure", "measured", "benchmark", "profile", "profiling",
		"monitor", "monitoring", "metric", "metrics", "test", "tests", "testing", "verify",
		"confirm", "compare", "p50", "p95", "p99", "percentile", "dashboard", "alert",
		"tracing", "trace", "baseline", "before and after", "a/b", "experiment", "evidence",
		"follow up", "next step", "check in", "check back", "success", "so that", "to make sure")
	// An explanation (the answer to "what is", "how does", "how do X and Y
	// differ") has its own parts: what the thing is, how it compares or
	// differs, where it is used, and when or why to choose it.
	conceptAsk = phrases("what is", "what are", "what does", "what makes",
		"how does", "difference between", "differ", "explain", "why does",
		"when would you use", "when would you choose", "which models", "what happens when")
	defineCues = phrases("is a", "is an", "are a", "means", "refers to", "is the", "is when",
		"is used", "works by", "is about", "stands for", "defined as", "in other words",
		"basically", "the idea is", "the point is", "it lets", "it makes", "it turns", "it tells")
	contrastCues = phrases("whereas", "while", "unlike", "on the other hand", "in contrast",
		"the difference", "differs", "compared", "instead", "rather than", "but", "however",
		"both", "the other", "versus", "vs")
	exampleCues = phrases("for example", "for instance", "such as", "e.g.", "used for",
		"used in", "use it", "we use", "we used", "i use", "i used", "i've used", "in practice",
		"like when", "in my", "at my", "we had", "typical", "typically")
	reasonCues = phrases("because", "so that", "which is why", "that's why", "otherwise",
		"when", "if", "unless", "depends", "trade-off", "tradeoff", "downside", "the catch",
		"the risk", "slower", "faster", "cheaper", "safer", "the reason")
	conclusionCues = phrases("finally", "overall", "in summary", "in short", "to sum up",
		"that way", "so that", "in the end", "as a result", "which means", "the result")
	hypotheticalCues = phrases("i would", "i'd", "i will", "i'll", "i could", "i might",
		"i should", "we would", "we could")
)

// Vague generalities: claims with no evidence. Each is quoted back to the
// candidate with what to say instead.
var vagueCues = phrases("fast learner", "quick learner", "hard worker", "hard-working",
	"hardworking", "team player", "people person", "passionate", "perfectionist",
	"detail-oriented", "detail oriented", "above and beyond", "outside the box",
	"it is important", "it's important", "is very important", "is important", "are important",
	"all the time", "every day", "do my best", "try my best", "best of my ability",
	"i love", "love learning", "stuff", "and so on", "etc", "more efficient",
	"make the code faster", "i always", "always try", "i am a", "i am very",
	"i'm a", "i'm very", "a gift", "helps me grow", "great team", "results-driven",
	"self-motivated", "go-getter", "whatever it takes", "think positive", "various")

// hedges weaken a claim without adding information.
var hedgeCues = phrases("maybe", "perhaps", "i think", "i guess", "probably", "i suppose", "hopefully", "i believe")

// fillerWords are spoken fillers, counted in transcripts and in typed text
// alike. "like", "kind of" and "sort of" are fillers only in filler
// positions (see countFillers).
var fillerWords = set("um", "umm", "uh", "uhh", "erm", "er", "ah", "hmm", "basically", "actually", "literally")

var fillerPhrases = phrases("you know", "i mean", "sort of", "kind of", "you see")

// determiners before "kind of"/"sort of" make them ordinary words ("what
// kind of data"), not fillers.
var determiners = set("what", "which", "this", "that", "the", "a", "any", "every", "some", "each", "same", "different", "other", "these", "those", "one", "no", "all")

func stemAll(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[stem(strings.ToLower(w))] = true
	}
	return m
}
