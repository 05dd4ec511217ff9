// Package web serves the browser client from embedded assets: server-side
// rendered pages with a few small JavaScript modules that call the public
// API, no third-party scripts, fonts or trackers, under a
// Content-Security-Policy that forbids inline scripts.
//
// A page is one line in the pages table, one template in templates/ and,
// when it needs behaviour, one module in static/js/.
package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
	"github.com/moksho/platform/services/gateway/internal/api"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// page is one page of the client.
type page struct {
	pattern string
	name    string // templates/<name>.html
	title   string
	// signedIn pages send visitors without a live session to /login,
	// which brings them back afterwards.
	signedIn bool
	// scripts are the page's modules under static/js/.
	scripts []string
	// data loads what the server renders into the page.
	data func(h *Handler, r *http.Request) (any, error)
}

var pages = []page{
	{pattern: "GET /{$}", name: "landing", title: "Practise interviews, privately"},
	{pattern: "GET /privacy", name: "privacy", title: "Privacy policy", data: (*Handler).policy},
	{pattern: "GET /signup", name: "signup", title: "Create your account", scripts: []string{"signup.js"}, data: (*Handler).policy},
	{pattern: "GET /login", name: "login", title: "Log in", scripts: []string{"login.js"}, data: loginData},
	{pattern: "GET /app", name: "home", title: "Your home", signedIn: true, scripts: []string{"home.js"}},
	{pattern: "GET /app/resumes/new", name: "resume-new", title: "Assess a resume", signedIn: true, scripts: []string{"resume.js"}},
	{pattern: "GET /app/resumes/{id}", name: "resume", title: "Resume assessment", signedIn: true, scripts: []string{"resume.js"}},
	{pattern: "GET /app/interviews/new", name: "interview-new", title: "Start a practice interview", signedIn: true, scripts: []string{"interview-new.js"}},
	{pattern: "GET /app/interviews/{id}", name: "room", title: "Interview room", signedIn: true, scripts: []string{"room.js"}},
	{pattern: "GET /app/results", name: "results", title: "Your results", signedIn: true, scripts: []string{"results.js"}},
}

// Options tune the pages.
type Options struct {
	// MediaOrigins may serve recordings for playback (the object store's
	// presigned URLs), added to the policy's media-src.
	MediaOrigins []string
}

// Handler serves the pages.
type Handler struct {
	log      *slog.Logger
	accounts accountsv1.AccountsServiceClient
	csp      string
	tmpl     map[string]*template.Template
	mux      *http.ServeMux
}

// New parses the templates and returns the page handler.
func New(accounts accountsv1.AccountsServiceClient, log *slog.Logger, opts Options) (*Handler, error) {
	for _, o := range opts.MediaOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			return nil, fmt.Errorf("media origin %q: want scheme://host[:port]", o)
		}
	}
	h := &Handler{log: log, accounts: accounts, csp: CSP(opts.MediaOrigins), tmpl: map[string]*template.Template{}, mux: http.NewServeMux()}
	for _, name := range append(pageNames(), "notfound") {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		h.tmpl[name] = t
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	files := http.FileServerFS(static)
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Embedded files carry no modification time: have browsers
		// revalidate rather than run an old script after an upgrade.
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})))
	for _, p := range pages {
		h.mux.HandleFunc(p.pattern, h.serve(p))
	}
	h.mux.HandleFunc("/", h.notFound)
	return h, nil
}

func pageNames() []string {
	names := make([]string, len(pages))
	for i, p := range pages {
		names[i] = p.name
	}
	return names
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.Format("2 January 2006") },
}

// CSP is the Content-Security-Policy of every page: our own origin only
// (plus the media origins for playback), no inline scripts, no framing.
func CSP(mediaOrigins []string) string {
	media := strings.Join(append([]string{"'self'", "blob:"}, mediaOrigins...), " ")
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src " + media +
		"; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
}

// ServeHTTP implements http.Handler, adding the page security headers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", h.csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(self), microphone=(self), geolocation=(), payment=()")
	h.mux.ServeHTTP(w, r)
}

// pageData is what every template sees.
type pageData struct {
	Title   string
	Page    string
	User    *accountsv1.User
	Role    string
	Scripts []string
	// ID is the {id} of the path, for pages about one thing.
	ID   string
	Body any
}

func (h *Handler) serve(p page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d := pageData{Title: p.title, Page: p.name, Scripts: p.scripts, ID: r.PathValue("id")}
		if p.signedIn {
			auth, ok := h.session(w, r)
			if !ok {
				return
			}
			d.User, d.Role = auth.GetUser(), api.RoleName(auth.GetRole())
			w.Header().Set("Cache-Control", "no-store")
		}
		if p.data != nil {
			body, err := p.data(h, r)
			if err != nil {
				h.log.WarnContext(r.Context(), "page data unavailable", "page", p.name, "err", err)
				http.Error(w, "This page is temporarily unavailable; please try again shortly.", http.StatusServiceUnavailable)
				return
			}
			d.Body = body
		}
		h.render(w, r, http.StatusOK, p.name, d)
	}
}

// session resolves the session cookie; without a live session it sends
// the browser to /login with the page to come back to, and says why.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) (*accountsv1.AuthenticateResponse, bool) {
	c, err := r.Cookie(api.CookieName)
	q := url.Values{"next": {r.URL.RequestURI()}}
	if err == nil && c.Value != "" {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		res, err := h.accounts.Authenticate(ctx, &accountsv1.AuthenticateRequest{SessionToken: c.Value})
		cancel()
		if err == nil {
			return res, true
		}
		if status.Code(err) != codes.Unauthenticated {
			h.log.WarnContext(r.Context(), "session check failed", "err", err)
			http.Error(w, "Signing in is temporarily unavailable; please try again shortly.", http.StatusServiceUnavailable)
			return nil, false
		}
		q.Set("reason", "expired")
	}
	http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
	return nil, false
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, code int, name string, d pageData) {
	var buf bytes.Buffer
	if err := h.tmpl[name].ExecuteTemplate(&buf, "layout", d); err != nil {
		h.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		http.Error(w, "page unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusNotFound, "notfound", pageData{Title: "Page not found", Page: "notfound"})
}

type policyPage struct {
	Version     string
	SHA256      string
	EffectiveAt time.Time
	HTML        template.HTML
}

// policy renders the current privacy policy's Markdown.
func (h *Handler) policy(r *http.Request) (any, error) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	res, err := h.accounts.GetPolicy(ctx, &accountsv1.GetPolicyRequest{})
	if err != nil {
		return nil, err
	}
	p := res.GetPolicy()
	var buf bytes.Buffer
	// goldmark escapes raw HTML by default, so the text cannot inject markup.
	if err := goldmark.Convert([]byte(p.GetText()), &buf); err != nil {
		return nil, err
	}
	return policyPage{
		Version: p.GetVersion(), SHA256: p.GetSha256(), EffectiveAt: p.GetEffectiveAt().AsTime(),
		HTML: template.HTML(buf.String()), //nolint:gosec // goldmark output with raw HTML disabled
	}, nil
}

type loginPage struct {
	Next    string
	Message string
}

// loginData carries where to go after signing in (a path on this site
// only) and why the visitor is here.
func loginData(_ *Handler, r *http.Request) (any, error) {
	q := r.URL.Query()
	d := loginPage{Next: "/app"}
	if next := q.Get("next"); localPath(next) {
		d.Next = next
	}
	switch q.Get("reason") {
	case "expired":
		d.Message = "Your session has ended. Log in again to carry on where you left off."
	case "logged-out":
		d.Message = "You are logged out."
	case "registered":
		d.Message = "Your account is ready. Log in to start."
	}
	return d, nil
}

// localPath reports whether next is a path on this site and nothing a
// browser could read as another origin ("//host", "/\\host", or a slash
// followed by characters browsers strip, such as a tab).
func localPath(next string) bool {
	if !strings.HasPrefix(next, "/") || strings.ContainsAny(next, "\\") {
		return false
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	u, err := url.Parse(next)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.HasPrefix(next, "//")
}
