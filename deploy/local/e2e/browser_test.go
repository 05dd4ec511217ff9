//go:build e2e

package e2e

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The test material: a resume and a spoken answer from the project's
// fixtures, kept beside the test.
const (
	answerWAV = "testdata/slow-api-medium.wav"
	resumePDF = "testdata/backend-go.pdf"
)

// browser is a headless Chromium with a fake camera and a fake microphone
// that "speaks" a recorded answer, driven through the DevTools protocol.
type browser struct {
	t      *testing.T
	ctx    context.Context
	base   string
	shots  string
	step   int
	mu     sync.Mutex
	errors []string
}

func newBrowser(t *testing.T, base, wav string) *browser {
	t.Helper()
	exe := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		t.Fatal("no Chromium found: `make e2e` installs it (scripts/deps.sh e2e)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.WindowSize(1280, 1000),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-audio-capture", wav),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })

	shots := os.Getenv("MOKSHO_E2E_ARTIFACTS")
	if shots == "" {
		shots = "../../../artifacts/e2e"
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(shots, "*.png"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	b := &browser{t: t, ctx: ctx, base: base, shots: shots}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// Uncaught script errors, console errors and Content-Security-Policy
	// violations fail the test.
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			b.record("exception: " + msg)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.record("console error: " + strings.Join(parts, " "))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation:', e.violatedDirective, e.blockedURI))`,
		})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// axeSource is axe-core (MPL-2.0, from npm, unmodified), the accessibility
// rules engine the audits run in the page.
const axeSource = "testdata/axe-4.14.1.min.js"

// audit runs axe-core's WCAG 2.1 A and AA rules on the page as it is now
// and fails the test on any violation.
func (b *browser) audit(what string) {
	b.t.Helper()
	src, err := os.ReadFile(axeSource)
	if err != nil {
		b.t.Fatal(err)
	}
	b.run("load axe on "+what, chromedp.Evaluate[chromedp.Void](string(src)+";undefined"))
	violations := value(b, "audit "+what, chromedp.Evaluate[[]string](`axe.run(document, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
	}).then((r) => r.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
		v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`, awaitPromise))
	if len(violations) > 0 {
		b.shot("a11y-" + slug(what))
		b.t.Errorf("accessibility violations on %s:\n%s", what, strings.Join(violations, "\n"))
	}
}

func awaitPromise(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }

func (b *browser) record(msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errors = append(b.errors, msg)
}

// noScriptErrors fails the test if a page threw or logged an error.
func (b *browser) noScriptErrors() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		b.t.Fatalf("script errors in the pages:\n%s", strings.Join(b.errors, "\n"))
	}
}

// run performs actions with a deadline, failing the test with the step's
// name and a screenshot of what the page showed.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// value runs one action that returns a value.
func value[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(what, err)
	}
	return v
}

func (b *browser) fail(what string, err error) {
	b.t.Helper()
	b.shot("failed-" + slug(what))
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('main') ? document.querySelector('main').innerText : ''`))
	b.t.Fatalf("%s: %v\npage text:\n%s", what, err, text)
}

// shot saves a full-page screenshot as a test artefact.
func (b *browser) shot(name string) {
	b.step++
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.step, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

func slug(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(s))
}

// waitJS polls a JavaScript expression until it is true.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for {
			ok, err := chromedp.Evaluate[bool](expr)(ctx, t)
			if err != nil {
				return err
			}
			if ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w", expr, ctx.Err())
			case <-time.After(150 * time.Millisecond):
			}
		}
	})
}

// clearField empties an input as a user would, so that its input
// listeners run.
func clearField(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true})) })()`, id))
}

func waitPath(prefix string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf("location.pathname.startsWith(%q) && document.readyState === 'complete'", prefix))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return value(b, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// wavSeconds is the length of a 16-bit PCM WAV file.
func wavSeconds(t *testing.T, path string) time.Duration {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 44 || string(data[:4]) != "RIFF" {
		t.Fatalf("%s is not a WAV file", path)
	}
	byteRate := binary.LittleEndian.Uint32(data[28:32])
	return time.Duration(float64(len(data)-44) / float64(byteRate) * float64(time.Second))
}

// typedAnswer is a reasonable spoken-style answer for any question.
const typedAnswer = `In my last role our checkout service started timing out during a sales peak, and I owned the fix.
The task was to bring p99 latency under 300 milliseconds within a week without a freeze on releases.
I profiled the service, found an N+1 query and a missing index, added the index, batched the queries and put a cache in front of the product lookups.
I also wrote a runbook and an alert so the team would see the problem earlier next time.
As a result p99 latency fell from 2.1 seconds to 180 milliseconds, checkout errors dropped by 95 percent, and we handled twice the traffic the next month.
I learned to measure before changing anything and to share what I found with the team.`

// TestBrowserCandidateJourney drives the web client in Chromium against
// the real `make run` binary: sign up (reading the policy to its end), log
// out and in, upload a resume and read its assessment, answer one question
// by voice through the browser's MediaRecorder and the rest by typing,
// correct a transcript, read scores and feedback, see results, change
// privacy settings, recover from an ended session, log out.
func TestBrowserCandidateJourney(t *testing.T) {
	bin, env := prepare(t)
	p := start(t, bin, env)
	defer p.interrupt(t)

	wav, err := filepath.Abs(answerWAV)
	if err != nil {
		t.Fatal(err)
	}
	resume, err := filepath.Abs(resumePDF)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, p.url, wav)
	email := "browser." + randHex(4) + "@example.org"
	password := "granite-orchard-kettle-42"

	// Landing.
	b.run("landing", chromedp.Navigate(p.url+"/"), chromedp.WaitVisible(chromedp.CSS("a[href='/signup']")))
	b.shot("landing")
	b.audit("landing")

	// Sign up: the accept box stays disabled until the policy has been
	// scrolled to its end.
	b.run("open sign-up", chromedp.Click(chromedp.CSS(".hero a[href='/signup']")), waitPath("/signup"),
		chromedp.WaitVisible(chromedp.ID("policy-box")))
	b.run("fill sign-up",
		chromedp.SendKeys(chromedp.ID("name"), "Bea Browser"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "short"))
	if s := b.text("#password-strength"); !strings.Contains(s, "weak") {
		t.Fatalf("strength for a short password: %q", s)
	}
	b.run("strong password", clearField("password"), chromedp.SendKeys(chromedp.ID("password"), password),
		waitJS(`document.querySelectorAll('#password-hints li.ok').length === 4`))
	if disabled := value(b, "accept disabled", chromedp.Evaluate[bool](`document.getElementById('accept').disabled`)); !disabled {
		t.Fatal("the policy could be accepted before it was read")
	}
	b.shot("signup-unread-policy")
	b.audit("sign-up")
	b.run("read policy",
		chromedp.ScrollIntoView(chromedp.ID("policy-box")),
		chromedp.Evaluate[chromedp.Void](`(() => { const b = document.getElementById('policy-box'); b.scrollTop = b.scrollHeight })()`),
		waitJS(`!document.getElementById('accept').disabled`),
		chromedp.Click(chromedp.ID("accept")))
	b.shot("signup-policy-read")
	b.run("create account", chromedp.Click(chromedp.ID("signup-submit")), waitPath("/app"),
		chromedp.WaitVisible(chromedp.ID("privacy-form")))
	b.shot("home-new-account")
	b.audit("home")

	// Log out and back in.
	b.run("log out", chromedp.Click(chromedp.ID("logout")), waitPath("/login"))
	if s := b.text("main .message"); !strings.Contains(s, "logged out") {
		t.Fatalf("after logout the login page says %q", s)
	}
	b.run("wrong password", chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), "not-the-password"),
		chromedp.Click(chromedp.CSS("#login-form button")), chromedp.WaitVisible(chromedp.ID("login-error")))
	b.run("log in", clearField("password"), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("#login-form button")), waitPath("/app"), chromedp.WaitVisible(chromedp.ID("resumes")))

	// Resume: a wrong file type is refused before upload; then the real one.
	bad := filepath.Join(t.TempDir(), "photo.png")
	if err := os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.run("open resume upload", chromedp.Click(chromedp.CSS("a[href='/app/resumes/new']")), waitPath("/app/resumes/new"),
		waitJS(`document.querySelectorAll('#targetRole option').length > 10`))
	b.run("choose a wrong file", chromedp.SetUploadFiles(chromedp.ID("file"), []string{bad}), chromedp.WaitVisible(chromedp.ID("file-error")))
	if s := b.text("#file-error"); !strings.Contains(s, "not a PDF") {
		t.Fatalf("wrong file type error: %q", s)
	}
	b.shot("resume-wrong-type")
	b.audit("resume upload")
	b.run("upload resume",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{resume}),
		waitJS(`document.getElementById('file-error').hidden`),
		chromedp.SetValue(chromedp.ID("targetRole"), "backend-engineer"),
		chromedp.SendKeys(chromedp.ID("jobDescription"), "We need a backend engineer with Go, PostgreSQL, Kubernetes and gRPC experience who owns services in production."),
		chromedp.Click(chromedp.ID("resume-submit")),
		waitJS(`/^\/app\/resumes\/[0-9a-f-]{36}$/.test(location.pathname)`), chromedp.WaitVisible(chromedp.ID("fit-score")))
	b.shot("resume-assessment")
	b.audit("assessment")
	page := b.text("#assessment")
	for _, want := range []string{"Skills found", "Go", "PostgreSQL", "Job description coverage", "Recommendations"} {
		if !strings.Contains(page, want) {
			t.Fatalf("assessment page lacks %q:\n%s", want, page)
		}
	}

	// An interview for the role, tailored to the resume.
	b.run("new interview", chromedp.Click(chromedp.CSS("#assessment a.button")), waitPath("/app/interviews/new"),
		waitJS(`document.getElementById('roleId').value === 'backend-engineer' && document.getElementById('assessmentId').value !== ''`))
	b.shot("interview-new")
	b.audit("new interview")
	b.run("start interview", chromedp.Click(chromedp.ID("interview-submit")), waitJS(`/^\/app\/interviews\/[0-9a-f-]{36}$/.test(location.pathname)`),
		chromedp.WaitVisible(chromedp.ID("question-text")))
	questions := value(b, "count questions", chromedp.Evaluate[int](`document.querySelectorAll('#question-nav li').length`))
	if questions < 2 {
		t.Fatalf("%d questions", questions)
	}

	// Question 1 by voice: device check with the level meter moving, record
	// the fake microphone, listen back, upload.
	b.run("device check", chromedp.Click(chromedp.ID("device-check")),
		waitJS(`!document.getElementById('record').disabled`),
		waitJS(`document.getElementById('level').value > 0.01`))
	b.shot("room-device-check")
	b.audit("interview room, recording")
	b.run("record", chromedp.Click(chromedp.ID("record")), chromedp.Sleep(wavSeconds(t, wav)+time.Second),
		chromedp.Click(chromedp.ID("stop")), chromedp.WaitVisible(chromedp.ID("playback-box")),
		waitJS(`document.getElementById('playback').readyState >= 1`))
	b.shot("room-listen-back")
	// Every status the page shows is recorded, to check that the candidate
	// saw the answer move, not only its end.
	b.run("watch statuses", chromedp.Evaluate[chromedp.Void](`(() => {
		window.seenStatuses = [];
		const node = document.getElementById('answer-status');
		new MutationObserver(() => {
			const s = node.dataset.status;
			if (s && window.seenStatuses.at(-1) !== s) window.seenStatuses.push(s);
		}).observe(node, {attributes: true, attributeFilter: ['data-status']});
	})()`))
	b.run("upload recording", chromedp.Click(chromedp.ID("upload")), chromedp.WaitVisible(chromedp.ID("answer-steps")))
	b.shot("room-voice-received")
	waitScored := waitJS(`['scored', 'failed'].includes(document.getElementById('answer-status').dataset.status)`)
	b.run("voice answer scored", waitScored)
	if st := b.text("#answer-status"); !strings.Contains(st, "Scored") {
		t.Fatalf("voice answer: %q: %s", st, b.text("#failure-reason"))
	}
	seen := value(b, "statuses seen", chromedp.Evaluate[[]string](`window.seenStatuses`))
	if len(seen) < 2 || seen[len(seen)-1] != "scored" || !slices.ContainsFunc(seen[:len(seen)-1], func(s string) bool {
		return s == "received" || s == "transcribing" || s == "scoring"
	}) {
		t.Fatalf("statuses shown for the recorded answer: %v", seen)
	}
	t.Logf("statuses shown for the recorded answer: %v", seen)
	if tr := b.text("#transcript"); len(strings.Fields(tr)) < 3 {
		t.Fatalf("transcript of the spoken answer: %q", tr)
	}
	b.shot("room-voice-scored")

	// Practice interview: the transcript can be corrected, and is scored again.
	b.run("correct transcript",
		chromedp.WaitVisible(chromedp.ID("correct-form")),
		chromedp.SetValue(chromedp.ID("correction"), "I would check the database queries and add indexes where needed. Caching with Redis can also help a lot."),
		chromedp.Click(chromedp.CSS("#correct-form button")),
		waitJS(`document.getElementById('transcript').textContent.includes('corrected by you')`),
		waitScored)
	if n := b.countRows("#dimensions tr"); n < 4 {
		t.Fatalf("%d dimensions", n)
	}
	b.shot("room-transcript-corrected")
	b.audit("interview room, scored answer")

	// The other questions by typing.
	for i := 2; i <= questions; i++ {
		b.run(fmt.Sprintf("type answer %d", i),
			chromedp.Click(chromedp.ID("next")),
			waitJS(fmt.Sprintf(`document.getElementById('question-meta').textContent.startsWith('Question %d ')`, i)),
			chromedp.Click(chromedp.ID("tab-type")),
			chromedp.SetValue(chromedp.ID("typed"), typedAnswer),
			chromedp.Click(chromedp.ID("submit-typed")),
			chromedp.WaitVisible(chromedp.ID("answer-steps")),
			waitScored)
		if st := b.text("#answer-status"); !strings.Contains(st, "Scored") {
			t.Fatalf("typed answer %d: %q", i, st)
		}
	}
	b.shot("room-typed-scored")
	if fb := b.text("#feedback"); fb == "" {
		t.Fatal("no feedback for a typed answer")
	}
	b.run("interview scored", waitJS(`document.getElementById('overall').textContent.includes('overall')`))
	b.shot("room-interview-scored")

	// Results with the chart and the deletion date.
	b.run("results", chromedp.Navigate(p.url+"/app/results"), chromedp.WaitVisible(chromedp.CSS("svg.chart")),
		chromedp.WaitVisible(chromedp.CSS("#results table")))
	if n := b.countRows("#results tbody tr"); n != 1 {
		t.Fatalf("%d result rows", n)
	}
	b.shot("results")
	b.audit("results")

	// The results on a phone-sized screen: nothing wider than the screen.
	b.run("phone width", chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("svg.chart")),
		waitJS(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`))
	b.shot("results-phone")
	b.run("desktop width", chromedp.EmulateViewport(1280, 1000))

	// Privacy settings.
	b.run("privacy settings", chromedp.Navigate(p.url+"/app"), chromedp.WaitVisible(chromedp.CSS("#consents table")),
		chromedp.Click(chromedp.ID("recruiterVisible")), chromedp.Click(chromedp.CSS("#privacy-form button[type=submit]")),
		waitJS(`document.getElementById('privacy-status').textContent.includes('saved')`),
		waitJS(`document.getElementById('consents').textContent.includes('Visible to recruiters')`))
	b.shot("privacy-saved")
	b.run("settings kept", chromedp.Reload(), waitJS(`document.getElementById('recruiterVisible').checked`))

	// The password is changed on another device, which ends every session:
	// the next page asks to log in again and comes back where the
	// candidate was.
	other := newClient(t, p.url)
	expect(t, other.post("/api/v1/sessions", map[string]any{"email": email, "password": password}), 200)
	password = "cobalt-harbour-violin-58"
	expect(t, other.send("PUT", "/api/v1/me/password", map[string]any{"currentPassword": "granite-orchard-kettle-42", "newPassword": password}), 204)
	b.run("session ended", chromedp.Navigate(p.url+"/app/results"), waitPath("/login"))
	if s := b.text("main .message"); !strings.Contains(s, "session has ended") {
		t.Fatalf("expired session message: %q", s)
	}
	b.shot("session-expired")
	b.audit("log in")
	b.run("log in again", chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("#login-form button")), waitPath("/app/results"), chromedp.WaitVisible(chromedp.CSS("svg.chart")))

	// Log out: the signed-in pages are closed again.
	b.run("final log out", chromedp.Click(chromedp.ID("logout")), waitPath("/login"),
		chromedp.Navigate(p.url+"/app"), waitPath("/login"))
	b.shot("logged-out")
	b.noScriptErrors()
}

func (b *browser) countRows(sel string) int {
	b.t.Helper()
	return len(value(b, "count "+sel, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0))))
}
