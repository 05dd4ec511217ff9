package apitest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPolicyIsVersionedAndFingerprinted(t *testing.T) {
	r := newClient(t).call("GET", "/api/v1/policy", nil)
	expectStatus(t, r, 200)
	var p struct{ Version, Text, SHA256 string }
	r.json(t, &p)
	sum := sha256.Sum256([]byte(p.Text))
	if p.Version == "" || len(p.Text) < 2000 || p.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("policy: version %q, %d chars, sha %q", p.Version, len(p.Text), p.SHA256)
	}
}

func TestRegisterAndSignIn(t *testing.T) {
	c := newClient(t)
	email := uniqueEmail("Asha.Rao")
	a := register(t, c, email)
	if a.ID == "" || a.Email != email || a.Name != "Test Candidate" || a.Role != "candidate" {
		t.Fatalf("registered %+v", a)
	}
	if got := c.http.Jar.Cookies(mustURL(t)); len(got) != 0 {
		t.Fatalf("registration set cookies %v; only sign-in does", got)
	}

	r := login(t, c, strings.ToUpper(email), goodPassword) // email is case-insensitive
	expectStatus(t, r, 200)
	cookie := sessionCookie(t, r)
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Fatalf("cookie attributes: %+v (Secure must be off over plain HTTP)", cookie)
	}
	if len(cookie.Value) < 43 {
		t.Fatalf("token %d chars: want >= 256 bits", len(cookie.Value))
	}

	me := c.call("GET", "/api/v1/me", nil)
	expectStatus(t, me, 200)
	var got account
	me.json(t, &got)
	if got.ID != a.ID || got.Email != email {
		t.Fatalf("me = %+v", got)
	}

	// A second sign-in gets a new token.
	again := newClient(t)
	r2 := login(t, again, email, goodPassword)
	expectStatus(t, r2, 200)
	if sessionCookie(t, r2).Value == cookie.Value {
		t.Fatal("sign-in reused a session token")
	}
}

func TestRecruiterNeedsOrganization(t *testing.T) {
	c := newClient(t)
	body := map[string]any{
		"email": uniqueEmail("rec"), "password": goodPassword, "name": "Rita Recruiter",
		"role": "recruiter", "acceptPolicyVersion": currentPolicy(t),
	}
	p := c.call("POST", "/api/v1/accounts", body).problem(t)
	if p.Status != 422 || !p.hasError("organization", "required") {
		t.Fatalf("recruiter without organization: %+v", p)
	}
	body["organization"] = "Acme Talent"
	r := c.call("POST", "/api/v1/accounts", body)
	expectStatus(t, r, 201)
	var prof struct{ Role, Organization, OrganizationID string }
	r.json(t, &prof)
	if prof.Role != "recruiter" || prof.Organization != "Acme Talent" || prof.OrganizationID == "" {
		t.Fatalf("recruiter profile %+v", prof)
	}
}

func TestRegistrationRefusesBadInputAndWritesNothing(t *testing.T) {
	version := currentPolicy(t)
	valid := func(email string) map[string]any {
		return map[string]any{"email": email, "password": goodPassword, "name": "N", "role": "candidate", "acceptPolicyVersion": version}
	}
	taken := uniqueEmail("taken")
	register(t, newClient(t), taken)

	cases := []struct {
		name        string
		contentType string
		body        string
		json        map[string]any
		status      int
		field, code string
	}{
		{name: "malformed JSON", body: `{"email": `, status: 400},
		{name: "not an object", body: `[1,2]`, status: 400},
		{name: "two objects", body: `{} {}`, status: 400},
		{name: "unknown field", json: with(valid(uniqueEmail("u")), "isAdmin", true), status: 400, field: "isAdmin", code: "unknown_field"},
		{name: "wrong type", json: with(valid(uniqueEmail("w")), "password", 12345678901), status: 400, field: "password", code: "wrong_type"},
		{name: "wrong content type", contentType: "text/plain", body: `{}`, status: 415},
		{name: "oversize body", body: `{"name":"` + strings.Repeat("x", 70<<10) + `"}`, status: 413},
		{name: "missing fields", body: `{}`, status: 422, field: "acceptPolicyVersion", code: "required"},
		{name: "invalid email", json: valid("not-an-email"), status: 422, field: "email", code: "invalid_email"},
		{name: "email with display name", json: valid("Asha <asha@example.org>"), status: 422, field: "email", code: "invalid_email"},
		{name: "short password", json: with(valid(uniqueEmail("s")), "password", "abc12345"), status: 422, field: "password", code: "weak_password"},
		{name: "common password", json: with(valid(uniqueEmail("c")), "password", "Password123!"), status: 422, field: "password", code: "weak_password"},
		{name: "unknown role", json: with(valid(uniqueEmail("r")), "role", "admin"), status: 422, field: "role", code: "invalid_role"},
		{name: "stale policy version", json: with(valid(uniqueEmail("p")), "acceptPolicyVersion", "1999-01-01"), status: 422, field: "acceptPolicyVersion", code: "stale_policy_version"},
		{name: "duplicate email, other case", json: valid(strings.ToUpper(taken)), status: 409},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t)
			var r response
			if tc.json != nil {
				r = c.call("POST", "/api/v1/accounts", tc.json)
			} else {
				ct := tc.contentType
				if ct == "" {
					ct = "application/json"
				}
				r = c.do("POST", "/api/v1/accounts", ct, []byte(tc.body))
			}
			expectStatus(t, r, tc.status)
			p := r.problem(t)
			if tc.field != "" && !p.hasError(tc.field, tc.code) {
				t.Fatalf("want error %s/%s*, got %+v", tc.field, tc.code, p.Errors)
			}
			// Nothing was half-written: the email cannot sign in.
			if tc.json != nil && tc.status != 409 {
				email, _ := tc.json["email"].(string)
				expectStatus(t, login(t, c, email, goodPassword), 401)
			}
		})
	}
	// The account holding the taken email is untouched.
	expectStatus(t, login(t, newClient(t), taken, goodPassword), 200)
}

func with(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

func TestSameAnswerForUnknownEmailAndWrongPassword(t *testing.T) {
	_, a := signedIn(t)
	wrong := login(t, newClient(t), a.Email, "not-the-password-at-all")
	unknown := login(t, newClient(t), uniqueEmail("nobody"), "not-the-password-at-all")
	expectStatus(t, wrong, 401)
	expectStatus(t, unknown, 401)
	if string(wrong.body) != string(unknown.body) {
		t.Fatalf("answers differ:\n%s\n%s", wrong.body, unknown.body)
	}
}

func TestMissingAndForgedCookies(t *testing.T) {
	c := newClient(t)
	p := c.call("GET", "/api/v1/me", nil).problem(t)
	if p.Status != 401 {
		t.Fatalf("no cookie: %+v", p)
	}
	for _, forged := range []string{"abc", strings.Repeat("A", 43), "../../etc/passwd", strings.Repeat("x", 5000)} {
		c.hdr.Set("Cookie", "moksho_session="+forged)
		r := c.call("GET", "/api/v1/me", nil)
		expectStatus(t, r, 401)
		r.problem(t)
	}
}

func TestLogoutEndsTheSessionServerSide(t *testing.T) {
	c, _ := signedIn(t)
	token := c.http.Jar.Cookies(mustURL(t))[0].Value
	expectStatus(t, c.call("DELETE", "/api/v1/sessions/current", nil), 204)

	// Replaying the old token, as a stolen cookie would, no longer works.
	replay := newClient(t)
	replay.hdr.Set("Cookie", "moksho_session="+token)
	expectStatus(t, replay.call("GET", "/api/v1/me", nil), 401)
	expectStatus(t, c.call("GET", "/api/v1/me", nil), 401)
}

func TestProfileCorrection(t *testing.T) {
	c, a := signedIn(t)
	other := uniqueEmail("other")
	register(t, newClient(t), other)

	newEmail := uniqueEmail("corrected")
	r := c.call("PATCH", "/api/v1/me", map[string]any{"name": "  Asha   Rao ", "email": newEmail})
	expectStatus(t, r, 200)
	var got account
	r.json(t, &got)
	if got.Name != "Asha Rao" || got.Email != newEmail || got.ID != a.ID {
		t.Fatalf("corrected profile %+v", got)
	}
	expectStatus(t, login(t, newClient(t), newEmail, goodPassword), 200)
	expectStatus(t, login(t, newClient(t), a.Email, goodPassword), 401)

	if p := c.call("PATCH", "/api/v1/me", map[string]any{"email": other}).problem(t); p.Status != 409 {
		t.Fatalf("taken email: %+v", p)
	}
	if p := c.call("PATCH", "/api/v1/me", map[string]any{"email": "nope"}).problem(t); p.Status != 422 || !p.hasError("email", "invalid_email") {
		t.Fatalf("invalid email: %+v", p)
	}
	if p := c.call("PATCH", "/api/v1/me", map[string]any{}).problem(t); p.Status != 422 {
		t.Fatalf("empty patch: %+v", p)
	}
}

func TestPasswordChangeEndsEverySession(t *testing.T) {
	c, a := signedIn(t)
	second := newClient(t)
	expectStatus(t, login(t, second, a.Email, goodPassword), 200)

	p := c.call("PUT", "/api/v1/me/password", map[string]any{"currentPassword": "wrong-wrong-wrong", "newPassword": "amber-falcon-meadow-77"}).problem(t)
	if p.Status != 422 || !p.hasError("currentPassword", "wrong_password") {
		t.Fatalf("wrong current password: %+v", p)
	}
	r := c.call("PUT", "/api/v1/me/password", map[string]any{"currentPassword": goodPassword, "newPassword": "amber-falcon-meadow-77"})
	expectStatus(t, r, 204)
	sessionCookie(t, r)
	expectStatus(t, second.call("GET", "/api/v1/me", nil), 401)
	expectStatus(t, c.call("GET", "/api/v1/me", nil), 200) // the fresh cookie
	expectStatus(t, login(t, newClient(t), a.Email, goodPassword), 401)
	expectStatus(t, login(t, newClient(t), a.Email, "amber-falcon-meadow-77"), 200)
}

func TestCrossSiteStateChangesAreRefused(t *testing.T) {
	c, _ := signedIn(t)
	c.hdr.Set("Origin", "https://evil.example")
	c.hdr.Set("Sec-Fetch-Site", "cross-site")
	p := c.call("PUT", "/api/v1/me/privacy", map[string]any{"recruiterVisible": true}).problem(t)
	if p.Status != 403 || !strings.HasSuffix(p.Type, "/cross-site-request") {
		t.Fatalf("cross-site PUT: %+v", p)
	}
	p = c.call("DELETE", "/api/v1/sessions/current", nil).problem(t)
	if p.Status != 403 {
		t.Fatalf("cross-site logout: %+v", p)
	}
	// Reads are harmless and allowed; the setting did not change.
	r := c.call("GET", "/api/v1/me/privacy", nil)
	expectStatus(t, r, 200)
	var priv struct{ RecruiterVisible bool }
	r.json(t, &priv)
	if priv.RecruiterVisible {
		t.Fatal("a cross-site request changed a setting")
	}
	c.hdr.Set("Sec-Fetch-Site", "same-origin")
	c.hdr.Set("Origin", platform.URL)
	expectStatus(t, c.call("PUT", "/api/v1/me/privacy", map[string]any{"recruiterVisible": true}), 200)
}

func TestUnknownRoutesAndMethodsAreProblems(t *testing.T) {
	c := newClient(t)
	if p := c.call("GET", "/api/v1/nope", nil).problem(t); p.Status != 404 {
		t.Fatalf("unknown path: %+v", p)
	}
	r := c.call("DELETE", "/api/v1/policy", nil)
	if p := r.problem(t); p.Status != 405 || r.Header.Get("Allow") != "GET" {
		t.Fatalf("wrong method: %+v allow=%q", p, r.Header.Get("Allow"))
	}
}

func TestOpenAPIDocument(t *testing.T) {
	r := newClient(t).call("GET", "/api/v1/openapi.json", nil)
	expectStatus(t, r, 200)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	r.json(t, &doc)
	for path, method := range map[string]string{
		"/api/v1/accounts": "post", "/api/v1/sessions": "post", "/api/v1/sessions/current": "delete",
		"/api/v1/me": "patch", "/api/v1/me/privacy": "put", "/api/v1/policy": "get",
	} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("openapi lacks %s %s", method, path)
		}
	}
}

// TestConcurrentRequestsSeeTheirOwnUser sends GET /me for many users at
// once, so that the gateway's session lookups travel together in batches,
// and checks that every answer is its own user's; a session logged out
// meanwhile fails on every request sent after the logout returned.
func TestConcurrentRequestsSeeTheirOwnUser(t *testing.T) {
	const users = 8
	type who struct {
		cookies []*http.Cookie
		email   string
	}
	var all []who
	var gone *client
	for i := range users {
		c, a := signedIn(t)
		all = append(all, who{c.http.Jar.Cookies(mustURL(t)), a.Email})
		if i == 0 {
			gone = c
		}
	}
	var loggedOut atomic.Bool
	errs := make(chan error, users*40)
	var wg sync.WaitGroup
	for g := range 4 * users {
		wg.Go(func() {
			hc := &http.Client{Timeout: 30 * time.Second}
			for i := range 10 {
				w := all[(g+i)%users]
				after := loggedOut.Load()
				req, _ := http.NewRequest("GET", platform.URL+"/api/v1/me", nil)
				for _, ck := range w.cookies {
					req.AddCookie(ck)
				}
				res, err := hc.Do(req)
				if err != nil {
					errs <- err
					return
				}
				var me struct{ Email string }
				_ = json.NewDecoder(res.Body).Decode(&me)
				res.Body.Close()
				first := w.email == all[0].email
				switch {
				case first && after:
					if res.StatusCode != 401 {
						errs <- fmt.Errorf("logged-out session answered %d", res.StatusCode)
					}
				case first && res.StatusCode == 401:
					// raced with the logout
				case res.StatusCode != 200:
					errs <- fmt.Errorf("GET /me: %d", res.StatusCode)
				case !strings.EqualFold(me.Email, w.email):
					errs <- fmt.Errorf("a request of %s was answered with another user's profile", w.email)
				}
			}
		})
	}
	time.Sleep(5 * time.Millisecond)
	expectStatus(t, gone.call("DELETE", "/api/v1/sessions/current", nil), 204)
	loggedOut.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
