package apitest

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The web client's pages, as served: security headers, no inline or
// third-party scripts, the sign-in gate and its way back.

var (
	inlineScript = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>`)
	srcAttr      = regexp.MustCompile(`(?i)\b(?:src|href)="([^"]*)"`)
	pagePaths    = []string{"/", "/signup", "/login", "/privacy"}
	appPaths     = []string{"/app", "/app/resumes/new", "/app/resumes/0199aaaa-0000-7000-8000-000000000000", "/app/interviews/new",
		"/app/interviews/0199aaaa-0000-7000-8000-000000000000", "/app/results"}
)

// noRedirects makes the client report redirects instead of following them.
func noRedirects(c *client) {
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
}

func checkPage(t *testing.T, r response) {
	t.Helper()
	expectStatus(t, r, 200)
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("%s: content type %q", r.Request.URL.Path, ct)
	}
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("%s: CSP %q", r.Request.URL.Path, csp)
	}
	body := string(r.body)
	for _, tag := range inlineScript.FindAllString(body, -1) {
		if !strings.Contains(tag, `src="/static/js/`) {
			t.Fatalf("%s: inline or foreign script %s", r.Request.URL.Path, tag)
		}
	}
	for _, m := range srcAttr.FindAllStringSubmatch(body, -1) {
		if u, err := url.Parse(m[1]); err != nil || u.Host != "" {
			t.Fatalf("%s: link off the site: %s", r.Request.URL.Path, m[1])
		}
	}
	for _, c := range r.Cookies() {
		t.Fatalf("%s: page set a cookie %s", r.Request.URL.Path, c.Name)
	}
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, `href="#main"`) {
		t.Fatalf("%s: no language or skip link", r.Request.URL.Path)
	}
}

func TestPagesArePublicAndLockedDown(t *testing.T) {
	c := newClient(t)
	for _, p := range pagePaths {
		checkPage(t, c.call("GET", p, nil))
	}
	// Sign-up shows the whole current policy with its version.
	r := c.call("GET", "/signup", nil)
	if v := currentPolicy(t); !strings.Contains(string(r.body), `data-policy-version="`+v+`"`) || !strings.Contains(string(r.body), "90 days") {
		t.Fatalf("sign-up page lacks the policy text or version %s", v)
	}
	r = c.call("GET", "/no-such-page", nil)
	expectStatus(t, r, 404)
	for _, js := range []string{"api.js", "nav.js", "signup.js", "login.js", "home.js", "resume.js", "interview-new.js", "room.js", "results.js"} {
		r := c.call("GET", "/static/js/"+js, nil)
		expectStatus(t, r, 200)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Fatalf("%s: content type %q", js, ct)
		}
	}
	// Recordings play back from the object store, and nothing else may.
	csp := c.call("GET", "/", nil).Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "media-src 'self' blob: "+platform.S3URL) {
		t.Fatalf("CSP media-src does not name the object store %s: %q", platform.S3URL, csp)
	}
}

func TestSignedInPagesNeedASession(t *testing.T) {
	anon := newClient(t)
	noRedirects(anon)
	for _, p := range appPaths {
		r := anon.call("GET", p, nil)
		expectStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/login?"+(url.Values{"next": {p}}).Encode() {
			t.Fatalf("%s: redirected to %q", p, loc)
		}
	}

	c, a := signedIn(t)
	for _, p := range appPaths {
		r := c.call("GET", p, nil)
		checkPage(t, r)
		if r.Header.Get("Cache-Control") != "no-store" || !strings.Contains(string(r.body), "Signed in as "+a.Name) {
			t.Fatalf("%s: cache %q or no user", p, r.Header.Get("Cache-Control"))
		}
	}

	// A session that ended (here by logging out elsewhere, keeping the
	// cookie) sends the visitor to log in with the reason and the way back.
	stale := sessionCookie(t, login(t, newClient(t), a.Email, goodPassword))
	other := newClient(t)
	other.http.Jar.SetCookies(mustURL(t), []*http.Cookie{stale})
	expectStatus(t, other.call("DELETE", "/api/v1/sessions/current", nil), 204)
	gone := newClient(t)
	noRedirects(gone)
	gone.hdr.Set("Cookie", "moksho_session="+stale.Value)
	r := gone.call("GET", "/app/results?x=1", nil)
	expectStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login?next=%2Fapp%2Fresults%3Fx%3D1&reason=expired" {
		t.Fatalf("expired session redirected to %q", loc)
	}
	page := string(newClient(t).call("GET", loc(r), nil).body)
	if !strings.Contains(page, "Your session has ended") || !strings.Contains(page, `data-next="/app/results?x=1"`) {
		t.Fatal("login page does not say why or where to return")
	}
}

func loc(r response) string { return r.Header.Get("Location") }

func TestLoginReturnsOnlyToThisSite(t *testing.T) {
	c := newClient(t)
	for next, want := range map[string]string{
		"/app/results":          "/app/results",
		"//evil.example/x":      "/app",
		"https://evil.example":  "/app",
		`/\evil.example`:        "/app",
		"/\t/evil.example":      "/app",
		"/\n/evil.example":      "/app",
		"/app/\\evil":           "/app",
		"/app/interviews/x?q=1": "/app/interviews/x?q=1",
		"":                      "/app",
	} {
		body := string(c.call("GET", "/login?"+url.Values{"next": {next}}.Encode(), nil).body)
		if !strings.Contains(body, `data-next="`+want+`"`) {
			t.Errorf("next=%q: page does not return to %q", next, want)
		}
	}
}
