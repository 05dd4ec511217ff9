package skills

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultLoads(t *testing.T) {
	tax := Default()
	if tax.Len() < 600 {
		t.Errorf("Len() = %d, want at least 600 skills", tax.Len())
	}
	all := tax.All()
	if len(all) != tax.Len() {
		t.Fatalf("len(All()) = %d, Len() = %d", len(all), tax.Len())
	}
	for _, s := range all {
		if s.Name == "" || s.Category == "" {
			t.Errorf("skill %+v has an empty name or category", s)
		}
		// Every spelling resolves to its own skill: no alias is shadowed.
		for _, n := range append([]string{s.Name}, s.Aliases...) {
			if got, ok := tax.Lookup(n); !ok || got.Name != s.Name {
				t.Errorf("Lookup(%q) = %q, %v; want %q", n, got.Name, ok, s.Name)
			}
		}
	}
	all[0].Name = "changed"
	if tax.All()[0].Name == "changed" {
		t.Error("All exposes the taxonomy's own slice")
	}
}

func TestLookup(t *testing.T) {
	tax := Default()
	for _, tc := range []struct{ in, want string }{
		{"golang", "Go"}, {"Golang", "Go"}, {"go", "Go"},
		{"k8s", "Kubernetes"}, {"K8S", "Kubernetes"},
		{"Postgres", "PostgreSQL"}, {"psql", "PostgreSQL"}, {"postgresql", "PostgreSQL"},
		{"JS", "JavaScript"}, {"ES6", "JavaScript"},
		{"TS", "TypeScript"},
		{"ReactJS", "React"}, {"React.js", "React"}, {"react", "React"},
		{"node", "Node.js"}, {"NodeJS", "Node.js"}, {"Node JS", "Node.js"},
		{"sklearn", "scikit-learn"}, {"scikit learn", "scikit-learn"}, {"Scikit-Learn", "scikit-learn"},
		{"tf", "TensorFlow"},
		{"A/B tests", "A/B testing"}, {"split testing", "A/B testing"}, {"AB testing", "A/B testing"},
		{"REST", "REST APIs"}, {"RESTful APIs", "REST APIs"}, {"REST API", "REST APIs"},
		{"continuous integration", "CI/CD"}, {"CICD", "CI/CD"},
		{"GCP", "Google Cloud"}, {"Google Cloud Platform", "Google Cloud"},
		{"Amazon Web Services", "AWS"},
		{"ML", "Machine learning"}, {"machine-learning", "Machine learning"},
		{"user-research", "User research"}, {"customer interviews", "User research"},
		{"UI/UX", "UX design"}, {"roadmapping", "Product roadmapping"},
		{"prioritisation", "Prioritization"}, {"stakeholder engagement", "Stakeholder management"},
		{"a11y", "Accessibility"}, {"statistical analysis", "Statistics"},
		{"MS Excel", "Excel"}, {"FP&A", "FP&A"}, {"P&L", "P&L management"},
		{"EHR", "Electronic health records"}, {"med-surg", "Medical-surgical nursing"},
		{"talent acquisition", "Recruiting"}, {"CSAT", "Customer satisfaction"},
		{"  Kubernetes  ", "Kubernetes"},
	} {
		got, ok := tax.Lookup(tc.in)
		if !ok || got.Name != tc.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tc.in, got.Name, ok, tc.want)
		}
	}
	for _, in := range []string{"", "going", "Finlytics", "go-live", "excel at", "Java Script Ninja"} {
		if got, ok := tax.Lookup(in); ok {
			t.Errorf("Lookup(%q) = %q, want no skill", in, got.Name)
		}
	}
}

// names lists the canonical names of matches, in the order Find gave them.
func names(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Skill
	}
	return out
}

// TestFind checks aliases, punctuation inside names, and the common words
// that must not be read as skills. want is the exact list, in order of
// first mention: a skill found that is not in it fails the test too.
func TestFind(t *testing.T) {
	tax := Default()
	for _, tc := range []struct {
		text string
		want []string
	}{
		// Go, the language, and go, the verb.
		{"Built payment services in Go and Python.", []string{"Go", "Python"}},
		{"Golang, golang and GoLang", []string{"Go"}},
		{"Migrated the ledger to Go.", []string{"Go"}},
		{"Go's concurrency model", []string{"Go", "Concurrency"}},
		{"We go to great lengths; going forward, let it go.", nil},
		{"Led go-live for the new billing system and the go/no-go review.", nil},
		{"Owned the go-to-market plan", []string{"Go-to-market strategy"}},
		{"SKILLS: GO, PYTHON", []string{"Go", "Python"}},
		// R only as the language.
		{"Skills: R, Python, SQL", []string{"R", "Python", "SQL"}},
		{"Analysed survey data in R programming and RStudio", []string{"R"}},
		{"Python and R", []string{"Python", "R"}},
		{"Led R&D budget planning", []string{"Budgeting"}},
		{"Plan B and option R were discussed", nil},
		// C, C++, C# and .NET.
		{"C/C++, C#, .NET, F#", []string{"C", "C++", "C#", ".NET", "F#"}},
		{"Modern C++17 and ASP.NET Core", []string{"C++", "ASP.NET"}},
		{"Presented to C-level executives", nil},
		{"Vitamin C and hepatitis C screening", nil},
		{"Objective-C and Swift", []string{"Objective-C", "Swift"}},
		// Dots, slashes and hyphens inside names.
		{"Node.js, Next.js, Vue.js and D3.js", []string{"Node.js", "Next.js", "Vue.js", "D3.js"}},
		{"Kubernetes nodes and node pools", []string{"Kubernetes"}},
		{"CI/CD with GitHub Actions", []string{"CI/CD", "GitHub Actions"}},
		{"Ran A/B tests; UI/UX research", []string{"A/B testing", "UX design"}},
		{"scikit learn, user-research, Scikit-Learn", []string{"scikit-learn", "User research"}},
		{"Designed REST API endpoints and RESTful APIs", []string{"REST APIs"}},
		{"JavaScript developer", []string{"JavaScript"}},
		{"Java (Spring Boot), Hibernate", []string{"Java", "Spring Boot", "Hibernate"}},
		{"Kafka\nStreams", []string{"Kafka"}},
		{"REST\nAPIs", []string{"REST APIs"}},
		// Common words.
		{"Skills: Java, Spring, Hibernate", []string{"Java", "Spring", "Hibernate"}},
		{"Graduated Spring 2020; spring semester abroad", nil},
		{"Known for swift delivery of projects", nil},
		{"Shipped iOS apps in Swift and SwiftUI", []string{"iOS", "Swift", "SwiftUI"}},
		{"I excel at teamwork", []string{"Teamwork"}},
		{"Advanced Excel (pivot tables, VLOOKUP)", []string{"Excel", "Pivot tables", "VLOOKUP"}},
		{"Removed rust from the hull", nil},
		{"Services written in Rust", []string{"Rust"}},
		{"Head Chef at a bistro; puppet theatre volunteer", nil},
		{"Chef, Puppet, Ansible", []string{"Chef", "Puppet", "Ansible"}},
		{"SAS, SPSS, Stata", []string{"SAS", "SPSS", "Stata"}},
		{"Rotated SAS tokens for the storage accounts", nil},
		{"An agile team player", []string{"Teamwork"}},
		{"Agile/Scrum, Kanban", []string{"Agile", "Scrum", "Kanban"}},
		{"Methods: agile, waterfall", []string{"Agile", "Waterfall"}},
		{"Presented to the leadership team; led weekly reviews", nil},
		{"Skills: Leadership, Communication", []string{"Leadership", "Communication"}},
		{"Mentored 3 engineers", nil},
		{"Mentoring junior engineers", []string{"Mentoring"}},
		{"React quickly to incidents", nil},
		{"Rebuilt the checkout in React", []string{"React"}},
		{"Bootstrapped the company", nil},
		{"Sparked interest in data; spark joy", nil},
		{"Spark and Hadoop", []string{"Spark", "Hadoop"}},
		{"Administered 500 mL IV fluids in a Level IV trauma centre", nil},
		{"Trained ML models", []string{"Machine learning"}},
		{"Skills: tf, keras", []string{"TensorFlow", "Keras"}},
		{"Active TS/SCI clearance", nil},
		{"Clearance: TS/SCI", nil},
		{"Triaged bugs and incidents", nil},
		{"Patient triage in a busy ED", []string{"Triage"}},
		{"Interviewed customers to prioritise the backlog", nil},
		{"Payments and reconciliation teams", nil},
		// Two-column layouts as pdftotext -layout lays them out.
		{"LANGUAGES        EXPERIENCE\nR                Led the data team\nGo               Built services", []string{"R", "Go"}},
		// Contact details are not skills.
		{"jane@python.org | github.com/jane | https://www.kafka.dev/x", nil},
		{"Portfolio: janedoe.github.io", nil},
		{"", nil},
	} {
		if got := names(tax.Find(tc.text)); !slices.Equal(got, tc.want) {
			t.Errorf("Find(%q)\n got %q\nwant %q", tc.text, got, tc.want)
		}
	}
}

func TestFindCountsAndOffsets(t *testing.T) {
	text := "Go and Kubernetes; golang again, then k8s and Go."
	got := Default().Find(text)
	want := []Match{
		{Skill: "Go", Category: "Programming languages", Count: 3, First: 0},
		{Skill: "Kubernetes", Category: "Containers and orchestration", Count: 2, First: strings.Index(text, "Kubernetes")},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Find(%q)\n got %+v\nwant %+v", text, got, want)
	}
}

// TestFindResumeSnippets runs Find over realistic resumes outside software,
// written for this test and labelled by hand with every skill a careful
// reader would list, and nothing else.
func TestFindResumeSnippets(t *testing.T) {
	tax := Default()
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{
			name: "registered nurse",
			text: `Priya Raman, RN
priya.raman@example.com | (312) 555-0199 | Chicago, IL

SUMMARY
Registered Nurse with 5 years of med-surg and telemetry experience in a 400-bed teaching hospital.

LICENSES & CERTIFICATIONS
Registered Nurse, Illinois | BLS, ACLS (American Heart Association)

CLINICAL SKILLS
Patient assessment, Medication administration, IV therapy, Wound care, Epic, Infection control, Patient education

EXPERIENCE
Staff Nurse, Medical-Surgical Unit - Northwestern Memorial (2020 - Present)
• Provided direct patient care for 5-6 patients per shift, including post-op care and pain management.
• Monitored vital signs and cardiac telemetry; escalated changes to the rapid response team.
• Documented assessments and care plans in Epic; precepted 4 new graduate nurses.
• Administered 500 mL IV fluid boluses per protocol.
`,
			want: []string{
				"Medical-surgical nursing", "BLS", "ACLS", "Patient assessment", "Medication administration",
				"IV therapy", "Wound care", "Epic", "Infection control", "Patient education", "Patient care",
				"Postoperative care", "Pain management", "Vital signs", "Cardiac monitoring", "Rapid response",
				"Care planning",
			},
		},
		{
			name: "financial analyst",
			text: `Tomás Herrera
FINANCIAL ANALYST
t.herrera@example.com | Madrid, Spain | linkedin.com/in/therrera

PROFILE
Financial analyst (CFA Level II candidate) with 4 years in FP&A at a consumer goods company.

SKILLS
Financial modeling, Forecasting, Budgeting, Variance analysis, Excel (pivot tables, VLOOKUP), SQL, Power BI, SAP

EXPERIENCE
Financial Analyst, Grupo Alimentia (2021 - Present)
- Built a three-statement model and DCF valuation for a EUR 40M acquisition.
- Owned the monthly rolling forecast and variance analysis for a EUR 300M P&L.
- Automated month-end close reporting in Power BI, saving 3 days per cycle.
- Performed account reconciliations and supported the external audit.
`,
			want: []string{
				"CFA", "FP&A", "Financial modeling", "Forecasting", "Budgeting", "Variance analysis", "Excel",
				"Pivot tables", "VLOOKUP", "SQL", "Power BI", "SAP", "Discounted cash flow", "Valuation",
				"P&L management", "Month-end close", "Account reconciliation", "Auditing",
			},
		},
		{
			name: "account executive",
			text: `Jordan Blake
Account Executive | jordan.blake@example.com | Denver, CO

SUMMARY
Enterprise SaaS account executive; 126% of quota in FY2024 selling to mid-market logistics companies.

CORE SKILLS
Prospecting | Cold calling | Discovery calls | Product demos | Negotiation | Closing | Salesforce | Gong | LinkedIn Sales Navigator | MEDDPICC

EXPERIENCE
Account Executive, RouteWise (2021 - Present)
- Built pipeline from scratch through outbound prospecting and social selling; sourced 60% of my own deals.
- Ran consultative selling cycles of 3-6 months with VP-level buyers; average deal size $85K.
- Managed a territory of 120 named accounts and kept forecast accuracy within 5% in Salesforce.

Sales Development Representative, Freightly (2019 - 2021)
- Booked 25 qualified meetings per month with cold emails and cold calls.
`,
			want: []string{
				"Prospecting", "Cold calling", "Discovery calls", "Product demonstrations", "Negotiation",
				"Deal closing", "Salesforce", "Gong", "LinkedIn Sales Navigator", "MEDDIC", "Outbound sales",
				"Social selling", "Consultative selling", "Cold emailing",
			},
		},
		{
			name: "customer support",
			text: `Aisha Bello
aisha.bello@example.com · Lagos, Nigeria

SUMMARY
Customer support specialist with 3 years helping SaaS customers by chat, email and phone.

SKILLS
Zendesk, Intercom, Jira, Troubleshooting, De-escalation, Knowledge base articles, Customer satisfaction (CSAT 96%)

EXPERIENCE
Customer Support Specialist, PayNest (2022 - Present)
- Resolved 60+ tickets a day across live chat and email support, meeting a 2-hour SLA.
- Wrote 45 help-center articles that cut repeat contacts by 18%.
- Handled escalations from frustrated merchants and reproduced bugs for engineers in Jira.
- Onboarded 30 new merchants a month through product walkthroughs.

Call Centre Agent, TeleServe (2020 - 2022)
- Answered 80 inbound calls per shift for a telecom provider; top NPS on the team.
`,
			want: []string{
				"Customer support", "Zendesk", "Intercom", "Jira", "Troubleshooting", "De-escalation",
				"Knowledge base management", "Customer satisfaction", "Live chat support", "Email support",
				"Service level agreements", "Call center operations", "Net Promoter Score",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := names(tax.Find(tc.text))
			missing, extra := diff(tc.want, got)
			if len(missing) > 0 || len(extra) > 0 {
				t.Errorf("missing %q; unexpected %q", missing, extra)
			}
		})
	}
}

// diff returns the names in want but not got, and in got but not want.
func diff(want, got []string) (missing, extra []string) {
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	return missing, extra
}

// TestLoadOptions checks the per-term options on a small taxonomy, so the
// behaviour is pinned down independently of the shipped data.
func TestLoadOptions(t *testing.T) {
	tax, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(`
groups:
  - category: Tools
    skills:
      - {name: Widget, caseSensitive: true}
      - {name: Gizmo, listOnly: true, aliases: [gizmo framework]}
      - {name: Sprocket API, plural: true}
ignore: [widget factory]
`)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Built with Widget", []string{"Widget"}},
		{"built a widget", nil},
		{"the Widget Factory", nil},
		{"Tools: Gizmo, Widget", []string{"Gizmo", "Widget"}},
		{"a Gizmo appeared", nil},
		{"the gizmo framework", []string{"Gizmo"}},
		{"Sprocket APIs and sprocket-api", []string{"Sprocket API"}},
	} {
		if got := names(tax.Find(tc.text)); !slices.Equal(got, tc.want) {
			t.Errorf("Find(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	if s, ok := tax.Lookup("sprocket apis"); !ok || s.Name != "Sprocket API" {
		t.Errorf(`Lookup("sprocket apis") = %q, %v`, s.Name, ok)
	}
}

func TestLoadValidates(t *testing.T) {
	const ok = "groups:\n  - category: Tools\n    skills:\n      - {name: Widget}\n"
	for _, tc := range []struct {
		name, data, wantErr string
	}{
		{"valid", ok, ""},
		{"empty name", "groups:\n  - category: Tools\n    skills:\n      - {name: ''}\n", "empty name"},
		{"no category", "groups:\n  - skills:\n      - {name: Widget}\n", "no category"},
		{"duplicate across skills", ok + "      - {name: Gadget, aliases: [WIDGET]}\n", `already belongs to skill "Widget"`},
		{"duplicate by spacing", ok + "      - {name: Widget Pro, aliases: [widget-pro]}\n      - {name: WidgetPro Two, aliases: [widget pro]}\n", `already belongs to skill "Widget Pro"`},
		{"duplicate in skill", "groups:\n  - category: Tools\n    skills:\n      - {name: Widget, aliases: [Widget]}\n", "duplicate term"},
		{"alias without letters", "groups:\n  - category: Tools\n    skills:\n      - {name: Widget, aliases: ['++']}\n", "no letter or digit"},
		{"empty alias", "groups:\n  - category: Tools\n    skills:\n      - {name: Widget, aliases: ['']}\n", "empty alias"},
		{"unknown option", "groups:\n  - category: Tools\n    skills:\n      - {name: Widget, caseSensitiv: true}\n", "caseSensitiv"},
		{"unknown alias option", "groups:\n  - category: Tools\n    skills:\n      - {name: Widget, aliases: [{text: w, listonly: true}]}\n", "listonly"},
		{"ignore shadows a skill", ok + "ignore: [widget]\n", `ignore phrase "widget" is a term of skill "Widget"`},
		{"not yaml", "groups: [", "parse a.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tax, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(tc.data)}})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case tc.wantErr == "" && tax.Len() != 1:
				t.Fatalf("Len() = %d, want 1", tax.Len())
			case tc.wantErr != "" && err == nil:
				t.Fatalf("Load accepted the data, want error containing %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("Load error %q, want it to contain %q", err, tc.wantErr)
			}
		})
	}
	if _, err := Load(fstest.MapFS{}); err == nil {
		t.Error("Load of an empty file system succeeded")
	}
}

// FuzzFind feeds Find arbitrary text, as uploaded resumes are: it must not
// panic, and what it reports must point into the text.
func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"Go, C++, C#, .NET, Node.js", "R&D C-level", "a/b testing\nREST\nAPIs", "x@y.com github.com/z",
		"\xff\xfe Gö ☃ C", ".", "C++++", "Skills: R", "’s Go’s", "Epic Games",
	} {
		f.Add(s)
	}
	tax := Default()
	f.Fuzz(func(t *testing.T, text string) {
		last := -1
		for _, m := range tax.Find(text) {
			if m.First <= last || m.First >= len(text) || m.Count < 1 {
				t.Fatalf("bad match %+v in %q", m, text)
			}
			if _, ok := tax.Lookup(m.Skill); !ok {
				t.Fatalf("match %q is not a skill", m.Skill)
			}
			last = m.First
		}
	})
}

// TestReadmeExampleLoads keeps the format documentation honest: the YAML
// example in README.md must load and behave as its comments say.
func TestReadmeExampleLoads(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README.md has no yaml example")
	}
	tax, err := Load(fstest.MapFS{"example.yaml": {Data: []byte(example)}})
	if err != nil {
		t.Fatalf("README example: %v", err)
	}
	text := "Let's go! Built it in golang; Languages: R, Kubernetes; go-live in RStudio"
	if got, want := names(tax.Find(text)), []string{"Go", "R", "Kubernetes"}; !slices.Equal(got, want) {
		t.Errorf("Find(%q) with the README example = %q, want %q", text, got, want)
	}
}
