package redact

import (
	"strings"
	"testing"
)

// inBody places s under a section heading, so that it is redacted with the
// strict body rules and no name is guessed from it.
func inBody(s string) string { return "Experience\n" + s }

// redactBody redacts s as body text and returns the redacted s.
func redactBody(t *testing.T, s string) Result {
	t.Helper()
	r := Redact(inBody(s))
	text, ok := strings.CutPrefix(r.Text, "Experience\n")
	if !ok {
		t.Fatalf("heading was damaged: %q", r.Text)
	}
	r.Text = text
	return r
}

type redactCase struct {
	name string
	in   string
	want string
}

// runBody checks each case with the body rules. The inputs are synthetic,
// so printing them on failure discloses nothing.
func runBody(t *testing.T, cases []redactCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := redactBody(t, tc.in).Text; got != tc.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// runHeader checks each case as the header of a resume (no section heading
// before it), where the contact-zone rules apply.
func runHeader(t *testing.T, cases []redactCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Redact(tc.in).Text; got != tc.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestEmails(t *testing.T) {
	runBody(t, []redactCase{
		{"plain", "Write to jane.doe@example.com today", "Write to [EMAIL] today"},
		{"plus addressing", "jane+jobs@example.com", "[EMAIL]"},
		{"subdomains", "ops@mail.eu.example.co.uk.", "[EMAIL]."},
		{"upper case", "JANE.DOE@EXAMPLE.COM", "[EMAIL]"},
		{"unicode local part", "josé.garcía@example.es", "[EMAIL]"},
		{"in angle brackets", "Jane <jane@example.com>", "Jane <[EMAIL]>"},
		{"mailto", "mailto:jane@example.com", "mailto:[EMAIL]"},
		{"bracketed at and dot", "jane [at] example [dot] com", "[EMAIL]"},
		{"parenthesised at", "jane(at)example.com", "[EMAIL]"},
		{"curly at", "jane{at}example{dot}org", "[EMAIL]"},
		{"spelled out", "jane at example dot com", "[EMAIL]"},
		{"spelled out with dotted local part", "jane dot doe at example dot com", "[EMAIL]"},
		{"at with real dot", "jane [at] example.com", "[EMAIL]"},
		{"real at with obfuscated dot", "jane@example[dot]com", "[EMAIL]"},
		{"two in a row", "a@example.com, b@example.org", "[EMAIL], [EMAIL]"},
		// Negatives.
		{"worked at a company domain", "Worked at Example.com on payments", "Worked at Example.com on payments"},
		{"at a company", "Engineer at Stripe. Built things", "Engineer at Stripe. Built things"},
		{"decorator", "Used @Override in Java", "Used @Override in Java"},
		{"bare at sign", "Engineer @ Stripe", "Engineer @ Stripe"},
	})
}

func TestPhones(t *testing.T) {
	runBody(t, []redactCase{
		{"E.164", "Call +919845077310 now", "Call [PHONE] now"},
		{"India spaced", "+91 98450 77310", "[PHONE]"},
		{"India mobile without country code", "98450 77310", "[PHONE]"},
		{"India mobile unspaced", "9845077310", "[PHONE]"},
		{"US parenthesised", "(415) 555-0142", "[PHONE]"},
		{"US dashed with country code", "+1-415-555-0142", "[PHONE]"},
		{"US dotted", "415.555.0142", "[PHONE]"},
		{"US spaced", "+1 512 555 0188", "[PHONE]"},
		{"UK international", "+44 20 7946 0321", "[PHONE]"},
		{"UK national", "020 7946 0321", "[PHONE]"},
		{"Germany with trunk zero", "+49 (0)30 1234567", "[PHONE]"},
		{"international 00 prefix", "0044 20 7946 0321", "[PHONE]"},
		{"plus and parenthesised country", "+(44) 20 7946 0321", "[PHONE]"},
		{"extension", "+1 415 555 0142 ext. 12, desk", "[PHONE], desk"},
		{"extension x", "415-555-0142x77", "[PHONE]"},
		{"extension does not swallow the next number", "+1 415 555 0142 x 2 415 555 0199", "[PHONE] x [PHONE]"},
		{"labelled short number", "Tel: 555-0142", "Tel: [PHONE]"},
		{"labelled colon glued", "Mobile:98450-77310", "Mobile:[PHONE]"},
		{"in parentheses", "(call 415-555-0142)", "(call [PHONE])"},
		{"followed by a year", "+91 98450 77310 2019", "[PHONE] 2019"},
		{"spaced trunk zero", "+44 (0) 20 7946 0321", "[PHONE]"},
		{"toll free", "1-800-555-0199", "[PHONE]"},
		{"labelled UK dashed", "Phone: 020-7946-0321", "Phone: [PHONE]"},
		{"two numbers", "+91 98450 77310 / +91 98860 12345", "[PHONE] / [PHONE]"},
		{"glued plus", "98450 77310+91 98860 12345", "[PHONE][PHONE]"},
		{"after a year range", "2016-2019 415-555-0142", "2016-2019 [PHONE]"},
		{"after a parenthesised year range", "Ledgerly (2016-2019) 415-555-0142 (mobile)", "Ledgerly (2016-2019) [PHONE] (mobile)"},
		// Negatives: the numbers a resume is made of.
		{"year range with spaces", "Product Manager (2019 - Present)", "Product Manager (2019 - Present)"},
		{"year range dashed", "2016-2019", "2016-2019"},
		{"year list", "2016 2017 2018 2019", "2016 2017 2018 2019"},
		{"month year range", "Mar 2021 - Feb 2023", "Mar 2021 - Feb 2023"},
		{"percent", "raising retention by 9%", "raising retention by 9%"},
		{"big percent", "grew 12 345 678 %", "grew 12 345 678 %"},
		{"money", "saved $1,200,000 and $2500000 and Rs 98450 77310", "saved $1,200,000 and $2500000 and Rs 98450 77310"},
		{"counts with comma", "used by 4,000 customers and 12,000,000 requests", "used by 4,000 customers and 12,000,000 requests"},
		{"small counts", "Ran 60 customer interviews", "Ran 60 customer interviews"},
		{"thousands with spaces", "served 1 200 000 users", "served 1 200 000 users"},
		{"thousands with dots", "served 12.500.000 users", "served 12.500.000 users"},
		{"go version", "Go 1.22 and Python 3.11.4", "Go 1.22 and Python 3.11.4"},
		{"spring boot version", "Spring Boot 3.2", "Spring Boot 3.2"},
		{"long version", "v1.22.333.4444", "v1.22.333.4444"},
		{"month slash year", "12/2021 - 03/2023", "12/2021 - 03/2023"},
		{"year dash month", "2021-03 to 2022-11", "2021-03 to 2022-11"},
		{"iso date", "2021-03-15", "2021-03-15"},
		{"iso date and time", "2021-03-15 10 30", "2021-03-15 10 30"},
		{"european date", "15.03.2021", "15.03.2021"},
		{"ip address", "10.120.130.140", "10.120.130.140"},
		{"latency", "p99 latency under 40 ms", "p99 latency under 40 ms"},
		{"seven digits in the body", "processed 1234567 events", "processed 1234567 events"},
		{"glued to a word", "ID123456789012", "ID123456789012"},
		{"time", "12:30", "12:30"},
	})
	runHeader(t, []redactCase{
		{"short number in the header", "Jane Doe | 555 0142", "[NAME] | [PHONE]"},
		{"eight digit number in the header", "Jane Doe\n9123 4567", "[NAME]\n[PHONE]"},
		{"header year range is kept", "Jane Doe\nClass of 2016-2019", "[NAME]\nClass of 2016-2019"},
	})
}

func TestURLs(t *testing.T) {
	runBody(t, []redactCase{
		{"https", "see https://example.com/jane?x=1.", "see [URL]."},
		{"http in parentheses", "(http://example.com/a_(b))", "([URL])"},
		{"www", "www.janedoe.com", "[URL]"},
		{"linkedin path", "linkedin.com/in/aarav-deshmukh-7731", "[URL]"},
		{"github path", "github.com/meeraiyer-ds", "[URL]"},
		{"github pages", "jane.github.io", "[URL]"},
		{"personal subdomain", "danielokafor.example.net", "[URL]"},
		{"personal dev domain", "Portfolio: sofiamarquez.dev.", "Portfolio: [URL]."},
		{"country code domain", "janedoe.co.uk/blog", "[URL]"},
		{"port", "localhost.dev:8080/x", "[URL]"},
		// Negatives.
		{"node", "Node.js, Next.js, Vue.js, D3.js", "Node.js, Next.js, Vue.js, D3.js"},
		{"dotnet", "ASP.NET, ADO.NET and .NET", "ASP.NET, ADO.NET and .NET"},
		{"socket io", "socket.io and Socket.IO", "socket.io and Socket.IO"},
		{"degree", "B.Tech, M.Tech, M.S., Ph.D.", "B.Tech, M.Tech, M.S., Ph.D."},
		{"file names", "main.go, setup.py, lib.rs, README.md, deploy.sh, main.tf, app.ts, index.html", "main.go, setup.py, lib.rs, README.md, deploy.sh, main.tf, app.ts, index.html"},
		{"missing space after sentence", "Built systems.In 2020 I moved", "Built systems.In 2020 I moved"},
		{"tech with path", "Node.js/Express", "Node.js/Express"},
		{"ci cd and a b", "CI/CD, A/B testing, TCP/IP", "CI/CD, A/B testing, TCP/IP"},
		{"bare service name", "Published on github.com and dev.to", "Published on github.com and dev.to"},
		{"abbreviations", "e.g. i.e. etc. U.S. U.K.", "e.g. i.e. etc. U.S. U.K."},
		{"decimal", "improved by 1.5x", "improved by 1.5x"},
	})
}

func TestHandles(t *testing.T) {
	runBody(t, []redactCase{
		{"at handle", "Follow @jane_doe for updates", "Follow [HANDLE] for updates"},
		{"at handle end of sentence", "Twitter @janedoe.", "Twitter [HANDLE]."},
		{"npm scope", "@angular/core and @types/node", "@angular/core and @types/node"},
		{"annotation", "@Transactional and @Injectable", "@Transactional and @Injectable"},
		{"labelled in the body is a skill", "GitHub: Actions", "GitHub: Actions"},
	})
	runHeader(t, []redactCase{
		{"labelled in the header", "Jane Doe\nGitHub: jdoe-42 | Twitter: @jd", "[NAME]\nGitHub: [HANDLE] | Twitter: [HANDLE]"},
		{"labelled in a contact section", "Summary\nBuilds things.\nContact\nSkype: jane.d", "Summary\nBuilds things.\nContact\nSkype: [HANDLE]"},
	})
}

func TestAddresses(t *testing.T) {
	runBody(t, []redactCase{
		{"india", "Lives at 14 Residency Road, Bengaluru 560025.", "Lives at [ADDRESS]."},
		{"us", "2200 Mission Street, San Francisco, CA 94110", "[ADDRESS]"},
		{"uk", "48 Clerkenwell Road, London EC1M 5PS", "[ADDRESS]"},
		{"us abbreviated with suite", "Suite 400, 120 Main St, Austin, TX 78701-1234", "[ADDRESS]"},
		{"flat", "Flat 3, 221B Baker Street, London NW1 6XE", "[ADDRESS]"},
		{"apartment after", "901 Congress Avenue, Apt 4B, Austin", "[ADDRESS]"},
		{"indian cross and main", "5th Cross, 12th Main, Indiranagar, Bengaluru", "[ADDRESS]"},
		{"marg", "22 Janpath Marg, New Delhi 110001", "[ADDRESS]"},
		{"german", "Hauptstraße 5, 10115 Berlin", "[ADDRESS]"},
		{"french", "12 Rue de Rivoli, 75001 Paris", "[ADDRESS]"},
		{"po box", "PO Box 1234, Nairobi", "[ADDRESS]"},
		{"po box dotted", "P.O. Box 77", "[ADDRESS]"},
		{"sector", "Sector 62, Noida 201301", "[ADDRESS]"},
		{"labelled", "Address: Kothrud, Pune", "Address: [ADDRESS]"},
		{"stops at prose", "Moved to 14 Residency Road, Bengaluru and built Go services", "Moved to [ADDRESS] and built Go services"},
		{"stops at a sentence", "Moved to 14 Residency Road, Bengaluru. Built Go services", "Moved to [ADDRESS]. Built Go services"},
		// Negatives.
		{"main branch", "Merged 3 PRs into the main branch", "Merged 3 PRs into the main branch"},
		{"main street without number", "Main Street Capital and Wall Street", "Main Street Capital and Wall Street"},
		{"cross functional", "Led 2 Cross-functional teams and the 2nd Cross-team review", "Led 2 Cross-functional teams and the 2nd Cross-team review"},
		{"product names", "Built 2 Google Drive integrations", "Built 2 Google Drive integrations"},
		{"place in a contest", "Won 1st Place at the hackathon", "Won 1st Place at the hackathon"},
		{"postcode-like number in the body", "Bengaluru 560025 users", "Bengaluru 560025 users"},
		{"ip address label", "IP address: 10.0.0.1", "IP address: 10.0.0.1"},
		{"city alone", "Based in London, UK", "Based in London, UK"},
	})
	runHeader(t, []redactCase{
		{"city and postcode in the header", "Jane Doe\nLondon EC1M 5PS | jane@example.com", "[NAME]\n[ADDRESS] | [EMAIL]"},
		{"us city state zip in the header", "Jane Doe | Austin, TX 78701", "[NAME] | [ADDRESS]"},
		{"wrapped over two lines", "Jane Doe\n+1 512 555 0188 | 901 Congress Avenue, Austin,\nTX 78701 | janedoe.dev", "[NAME]\n[PHONE] | [ADDRESS]\n | [URL]"},
		// Where the candidate lives is personal too, and the assessment has
		// no use for it: a place in the contact lines goes, with or
		// without a postcode. In the body ("Based in London, UK") it stays.
		{"city and country in the header", "Jane Doe\nBengaluru, India | jane@example.com", "[NAME]\n[ADDRESS] | [EMAIL]"},
		{"place after a pin", "# Priya Raghunathan\n📍 Pune, Maharashtra, India | 📞 +91 98765 43210", "# [NAME]\n📍 [ADDRESS] | 📞 [PHONE]"},
		{"city and state code", "Jane Doe\nDenver, CO • jane@example.com", "[NAME]\n[ADDRESS] • [EMAIL]"},
		{"skills list in the header stays", "Jane Doe\nGo, Kubernetes, AWS | jane@example.com", "[NAME]\nGo, Kubernetes, AWS | [EMAIL]"},
		{"frameworks ending in a place-like word stay", "Jane Doe\nJava, Spring, Jersey | jane@example.com", "[NAME]\nJava, Spring, Jersey | [EMAIL]"},
		{"languages stay", "Jane Doe\nEnglish, Hindi, Tamil | jane@example.com", "[NAME]\nEnglish, Hindi, Tamil | [EMAIL]"},
		{"a degree stays", "Jane Doe\nEconomics, MA | jane@example.com", "[NAME]\nEconomics, MA | [EMAIL]"},
		{"title and place words stay", "Jane Doe\nSenior Engineer, London | jane@example.com", "[NAME]\nSenior Engineer, London | [EMAIL]"},
	})
}

func TestNames(t *testing.T) {
	runHeader(t, []redactCase{
		{"header name and parts everywhere", "Daniel Okafor\nSummary\nDaniel's team trusted DANIEL. Okafor led it.",
			"[NAME]\nSummary\n[NAME]'s team trusted [NAME]. [NAME] led it."},
		{"name label", "Curriculum Vitae\nName: Meera Iyer\nSkills\nIyer-style Python", "Curriculum Vitae\nName: [NAME]\nSkills\n[NAME]-style Python"},
		{"diacritics", "José Núñez-García\nSkills\nnúñez and García", "[NAME]\nSkills\n[NAME] and [NAME]"},
		{"short part is kept", "Li Wei Chen\nSkills\nLi used WEI and Chen", "[NAME]\nSkills\nLi used [NAME] and [NAME]"},
		{"all parts short", "Li Wu\nSkills\nLi Wu wrote it; Li and Wu", "[NAME]\nSkills\n[NAME] wrote it; Li and Wu"},
		{"part inside a word is kept", "Grace Ling\nSkills\nhandling, scaling, Lingo", "[NAME]\nSkills\nhandling, scaling, Lingo"},
		{"common word part only capitalised", "Will Young\nSkills\nWill will mentor young engineers", "[NAME]\nSkills\n[NAME] will mentor young engineers"},
		{"user name built from the name", "Sofia Marquez\nSkype: sofiamarquez\nSkills\nsofia_m and marquez-dev",
			"[NAME]\nSkype: [HANDLE]\nSkills\n[NAME] and [NAME]-dev"},
		{"not a placeholder", "Email Url\nSkills\nwrite to a@example.com, Email", "[NAME]\nSkills\nwrite to [EMAIL], [NAME]"},
	})
}

func TestGuessName(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"first line", "Daniel Okafor\nd@example.net", "Daniel Okafor"},
		{"all caps", "DANIEL OKAFOR\nPRODUCT MANAGER", "DANIEL OKAFOR"},
		{"with contact fields", "Meera Iyer | meera@example.org | +1 415 555 0142", "Meera Iyer"},
		{"after a document title", "Curriculum Vitae\n\nAarav Deshmukh\n", "Aarav Deshmukh"},
		{"with honorific and post-nominal", "Dr. Jane van der Berg, PhD", "Jane van der Berg"},
		{"initial", "Jane Q. Public", "Jane Q. Public"},
		{"apostrophe and hyphen", "Siobhán O'Brien-Kelly", "Siobhán O'Brien-Kelly"},
		{"name label", "RESUME\nName: Sofia Marquez", "Sofia Marquez"},
		{"markdown heading", "# Priya Raghunathan\n**Junior Data Analyst**", "Priya Raghunathan"},
		{"markdown heading with post-nominals", "# Siobhan Ashworth, RN (Adult)\n", "Siobhan Ashworth"},
		{"bold", "**KEISHA MONTGOMERY**\nRecruiter", "KEISHA MONTGOMERY"},
		{"name run into a title", "DANIELA FERREIRA-COSTA ACCOUNT EXECUTIVE | MID-MARKET SaaS", "DANIELA FERREIRA-COSTA"},
		{"title after a name, second line", "Summary line here\nJane Doe Senior Engineer", ""},
		{"mixed-case title is not a name", "Angular React Developer\njane@example.com", ""},
		{"mixed-case title of known words", "Supply Chain Analyst\njane@example.com", ""},
		{"name label in a contact section", "Summary\nBuilds.\nPersonal details\nFull name: Meera Iyer", "Meera Iyer"},
		// Without a name.
		{"section heading first", "SUMMARY\nProduct manager.", ""},
		{"two-word heading", "WORK EXPERIENCE\nDaniel Okafor", ""},
		{"job title", "Senior Backend Engineer\njane@example.com", ""},
		{"place", "New Delhi, India\njane@example.com", ""},
		{"contact line only", "jane@example.com | +1 415 555 0142", ""},
		{"sentence", "Product manager who ships", ""},
		{"single word", "Daniel\nd@example.net", ""},
		{"initial and surname", "J. Okafor\nd@example.net", ""},
		{"windows line endings", "Daniel Okafor\r\nd@example.net\r\n", "Daniel Okafor"},
		{"too many words", "Jane Alice Mary Ann Doe", ""},
		{"empty", "", ""},
		{"name body line is not header", "Summary\nDaniel Okafor", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := GuessName(tc.in); got != tc.want {
				t.Errorf("GuessName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestScrub(t *testing.T) {
	r := Redact("Daniel Okafor\nd.okafor.pm@example.net | +44 20 7946 0321\nExperience\nShipped billing.")
	if r.Name == "" {
		t.Fatal("no name detected")
	}
	for _, tc := range []redactCase{
		{"first name in a quoted bullet", "Daniel owned the invoicing roadmap", "[NAME] owned the invoicing roadmap"},
		{"possessive surname", "as Okafor's team lead", "as [NAME]'s team lead"},
		{"lower case", "daniel okafor shipped", "[NAME] shipped"},
		{"generic patterns too", "ping d.okafor.pm@example.net or +44 20 7946 0321", "ping [EMAIL] or [PHONE]"},
		{"keyword untouched", "Stakeholder management", "Stakeholder management"},
		{"numbers untouched", "4,000 customers in 2019 - 2021", "4,000 customers in 2019 - 2021"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Scrub(tc.in); got != tc.want {
				t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	t.Run("hand-built result", func(t *testing.T) {
		if got := (Result{Name: "Daniel Okafor"}).Scrub("Daniel ran it"); got != "[NAME] ran it" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("zero result", func(t *testing.T) {
		if got := (Result{}).Scrub("Daniel ran it"); got != "Daniel ran it" {
			t.Errorf("got %q", got)
		}
	})
}

func TestCounts(t *testing.T) {
	r := Redact("Jane Doe\njane@example.com | +1 415 555 0142 | janedoe.dev | @jdoe\n12 Baker Street, London NW1 6XE\nSummary\nJane shipped.")
	want := map[Kind]int{KindName: 2, KindEmail: 1, KindPhone: 1, KindURL: 1, KindHandle: 1, KindAddress: 1}
	for k, n := range want {
		if r.Counts[k] != n {
			t.Errorf("Counts[%s] = %d, want %d", k, r.Counts[k], n)
		}
	}
	if len(r.Counts) != len(want) {
		t.Errorf("Counts has %d kinds, want %d", len(r.Counts), len(want))
	}
	if empty := Redact("Summary\nnothing here"); empty.Counts == nil || len(empty.Counts) != 0 {
		t.Errorf("Counts for clean text = %v, want empty non-nil map", empty.Counts)
	}
}

func TestLineStructureKept(t *testing.T) {
	in := "Jane Doe\n12 Baker Street,\nLondon NW1 6XE\nSummary\nx"
	out := Redact(in).Text
	if got, want := strings.Count(out, "\n"), strings.Count(in, "\n"); got != want {
		t.Errorf("line breaks: got %d, want %d (%q)", got, want, out)
	}
}
