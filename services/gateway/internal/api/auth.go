package api

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/moksho/platform/pkg/logging"
	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
)

// CookieName is the session cookie, the only cookie Moksho sets.
const CookieName = "moksho_session"

// Principal is the signed-in user of a request.
type Principal struct {
	UserID        string
	Role          string
	OrgID         string
	PolicyCurrent bool
	// User is the profile read with the session.
	User  *accountsv1.User
	token string
}

type principalKey struct{}

// principal returns the request's signed-in user; only valid behind
// authenticated.
func principal(r *http.Request) Principal {
	p, _ := r.Context().Value(principalKey{}).(Principal)
	return p
}

// authenticated resolves the session cookie through the accounts service
// on every request (no cache: a logged-out session must stop working at
// once) and refuses the request with 401 when there is no live session.
func (s *Server) authenticated(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(CookieName)
		if err != nil || c.Value == "" {
			writeProblem(w, r, probUnauth.with("no session: sign in with POST /api/v1/sessions"))
			return
		}
		ctx, cancel := s.backendCtx(r)
		res, err := s.be.Accounts.Authenticate(ctx, &accountsv1.AuthenticateRequest{SessionToken: c.Value})
		cancel()
		if err != nil {
			if status.Code(err) == codes.Unauthenticated {
				s.clearCookie(w, r)
				writeProblem(w, r, probUnauth.with("the session has expired or ended: sign in again"))
				return
			}
			s.grpcProblem(w, r, err)
			return
		}
		p := Principal{
			UserID: res.GetUserId(), Role: RoleName(res.GetRole()), OrgID: res.GetOrganizationId(),
			PolicyCurrent: res.GetPolicyCurrent(), User: res.GetUser(), token: c.Value,
		}
		ctx = context.WithValue(r.Context(), principalKey{}, p)
		ctx = logging.WithUserID(ctx, p.UserID)
		next(w, r.WithContext(ctx))
	}
}

func (s *Server) secure(r *http.Request) bool {
	if s.cfg.CookieSecure || r.TLS != nil {
		return true
	}
	return s.cfg.TrustProxyHeaders && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    token,
		Path:     "/",
		Expires:  expires,
		MaxAge:   int(time.Until(expires).Seconds()),
		HttpOnly: true,
		Secure:   s.secure(r),
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// clientIP is the address login throttling counts by.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxyHeaders {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// RoleName is the API name of an account role.
func RoleName(r accountsv1.Role) string {
	switch r {
	case accountsv1.Role_ROLE_CANDIDATE:
		return "candidate"
	case accountsv1.Role_ROLE_RECRUITER:
		return "recruiter"
	case accountsv1.Role_ROLE_ADMIN:
		return "admin"
	}
	return ""
}

func roleFromName(s string) accountsv1.Role {
	switch s {
	case "candidate":
		return accountsv1.Role_ROLE_CANDIDATE
	case "recruiter":
		return accountsv1.Role_ROLE_RECRUITER
	}
	return accountsv1.Role_ROLE_UNSPECIFIED
}
