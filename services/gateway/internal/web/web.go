// Package web serves the browser client from embedded assets: server-side
// rendered pages with no third-party scripts, fonts or trackers, under a
// Content-Security-Policy that forbids inline scripts.
package web

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/yuin/goldmark"

	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// CSP is the Content-Security-Policy of every page: our own origin only,
// no inline scripts, no framing.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Handler serves the pages.
type Handler struct {
	log      *slog.Logger
	accounts accountsv1.AccountsServiceClient
	pages    map[string]*template.Template
	mux      *http.ServeMux
}

// New parses the templates and returns the page handler.
func New(accounts accountsv1.AccountsServiceClient, log *slog.Logger) (*Handler, error) {
	h := &Handler{log: log, accounts: accounts, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	for _, page := range []string{"landing", "privacy", "notfound"} {
		t, err := template.ParseFS(templateFS, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, err
		}
		h.pages[page] = t
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	h.mux.HandleFunc("GET /{$}", h.landing)
	h.mux.HandleFunc("GET /privacy", h.privacy)
	h.mux.HandleFunc("/", h.notFound)
	return h, nil
}

// ServeHTTP implements http.Handler, adding the page security headers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", CSP)
	h.mux.ServeHTTP(w, r)
}

type pageData struct {
	Title string
	Body  any
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page, title string, body any) {
	var buf bytes.Buffer
	if err := h.pages[page].ExecuteTemplate(&buf, "layout", pageData{Title: title, Body: body}); err != nil {
		h.log.ErrorContext(r.Context(), "render page", "page", page, "err", err)
		http.Error(w, "page unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (h *Handler) landing(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "landing", "Practise interviews, privately", nil)
}

type policyPage struct {
	Version     string
	SHA256      string
	EffectiveAt time.Time
	HTML        template.HTML
}

func (h *Handler) privacy(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	res, err := h.accounts.GetPolicy(ctx, &accountsv1.GetPolicyRequest{})
	if err != nil {
		h.log.WarnContext(r.Context(), "policy unavailable", "err", err)
		http.Error(w, "The privacy policy is temporarily unavailable; please try again shortly.", http.StatusServiceUnavailable)
		return
	}
	p := res.GetPolicy()
	var buf bytes.Buffer
	// goldmark escapes raw HTML by default, so the text cannot inject markup.
	if err := goldmark.Convert([]byte(p.GetText()), &buf); err != nil {
		h.log.ErrorContext(r.Context(), "render policy", "err", err)
		http.Error(w, "page unavailable", http.StatusInternalServerError)
		return
	}
	h.render(w, r, http.StatusOK, "privacy", "Privacy policy", policyPage{
		Version: p.GetVersion(), SHA256: p.GetSha256(), EffectiveAt: p.GetEffectiveAt().AsTime(),
		HTML: template.HTML(buf.String()), //nolint:gosec // goldmark output with raw HTML disabled
	})
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusNotFound, "notfound", "Page not found", nil)
}
