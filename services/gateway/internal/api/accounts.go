package api

import (
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
)

// PolicyDoc is the privacy policy as the API shows it.
type PolicyDoc struct {
	Version     string    `json:"version"`
	Text        string    `json:"text"`
	SHA256      string    `json:"sha256"`
	EffectiveAt time.Time `json:"effectiveAt"`
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Accounts.GetPolicy(ctx, &accountsv1.GetPolicyRequest{})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	p := res.GetPolicy()
	w.Header().Set("ETag", `"`+p.GetSha256()+`"`)
	writeJSON(w, http.StatusOK, PolicyDoc{Version: p.GetVersion(), Text: p.GetText(), SHA256: p.GetSha256(), EffectiveAt: p.GetEffectiveAt().AsTime()})
}

// Profile is a user as the API shows it to its owner.
type Profile struct {
	ID               string    `json:"id"`
	Email            string    `json:"email"`
	Name             string    `json:"name"`
	Role             string    `json:"role"`
	OrganizationID   string    `json:"organizationId,omitempty"`
	OrganizationName string    `json:"organization,omitempty"`
	CreatedAt        time.Time `json:"createdAt"`
	UpdatedAt        time.Time `json:"updatedAt"`
}

func profile(u *accountsv1.User) Profile {
	return Profile{
		ID: u.GetId(), Email: u.GetEmail(), Name: u.GetName(), Role: RoleName(u.GetRole()),
		OrganizationID: u.GetOrganizationId(), OrganizationName: u.GetOrganizationName(),
		CreatedAt: u.GetCreatedAt().AsTime(), UpdatedAt: u.GetUpdatedAt().AsTime(),
	}
}

type registerRequest struct {
	Email               *string `json:"email"`
	Password            *string `json:"password"`
	Name                *string `json:"name"`
	Role                *string `json:"role"`
	Organization        *string `json:"organization"`
	AcceptPolicyVersion *string `json:"acceptPolicyVersion"`
	// PolicyTextShown is sent by clients that displayed the whole policy
	// text before acceptance (the web client does, after it was scrolled
	// through); the acceptance records it.
	PolicyTextShown bool `json:"policyTextShown"`
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var req registerRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	var errs []FieldError
	require := func(field string, v *string) {
		if v == nil || strings.TrimSpace(*v) == "" {
			errs = append(errs, FieldError{Field: field, Code: "required", Message: field + " is required"})
		}
	}
	require("email", req.Email)
	require("password", req.Password)
	require("name", req.Name)
	require("role", req.Role)
	require("acceptPolicyVersion", req.AcceptPolicyVersion)
	if req.Role != nil && *req.Role != "" && roleFromName(*req.Role) == accountsv1.Role_ROLE_UNSPECIFIED {
		errs = append(errs, FieldError{Field: "role", Code: "invalid_role", Message: `role must be "candidate" or "recruiter"`})
	}
	if len(errs) > 0 {
		p := probValidation.with("fix the fields listed in errors")
		p.Errors = errs
		writeProblem(w, r, p)
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Accounts.Register(ctx, &accountsv1.RegisterRequest{
		Email: *req.Email, Password: *req.Password, Name: *req.Name, Role: roleFromName(*req.Role),
		Organization: deref(req.Organization), AcceptPolicyVersion: *req.AcceptPolicyVersion,
		PolicyFullTextShown: req.PolicyTextShown,
	})
	if status.Code(err) == codes.AlreadyExists {
		writeProblem(w, r, probEmailTaken.with("sign in instead, or use another email"))
		return
	}
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/me")
	writeJSON(w, http.StatusCreated, profile(res.GetUser()))
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Session is what a successful login returns beside the cookie.
type Session struct {
	Profile
	ExpiresAt          time.Time `json:"expiresAt"`
	IdleTimeoutSeconds int64     `json:"idleTimeoutSeconds"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	now := s.now()
	ip := s.clientIP(r)
	account := "acct:" + strings.ToLower(strings.TrimSpace(req.Email))
	if d := max(s.ipLimit.wait(ip, now), s.accLimit.wait(account, now)); d > 0 {
		p := probThrottled.with("too many failed sign-in attempts: wait before trying again")
		p.RetryAfter = retryAfter(d)
		writeProblem(w, r, p)
		return
	}
	if req.Email == "" || req.Password == "" {
		s.ipLimit.spend(ip, now)
		writeProblem(w, r, probBadLogin.with("check your email and password"))
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Accounts.Login(ctx, &accountsv1.LoginRequest{Email: req.Email, Password: req.Password})
	if status.Code(err) == codes.Unauthenticated {
		s.ipLimit.spend(ip, now)
		s.accLimit.spend(account, now)
		writeProblem(w, r, probBadLogin.with("check your email and password"))
		return
	}
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	expires := res.GetExpiresAt().AsTime()
	s.setSessionCookie(w, r, res.GetSessionToken(), expires)
	writeJSON(w, http.StatusOK, Session{Profile: profile(res.GetUser()), ExpiresAt: expires, IdleTimeoutSeconds: res.GetIdleTimeoutSeconds()})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	if _, err := s.be.Accounts.Logout(ctx, &accountsv1.LogoutRequest{SessionToken: principal(r).token}); err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	s.clearCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
}

// getMe answers from the profile Authenticate returned with the session:
// one backend call, and as fresh as the session check itself.
func (s *Server) getMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, profile(principal(r).User))
}

type patchMeRequest struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
}

func (s *Server) patchMe(w http.ResponseWriter, r *http.Request) {
	var req patchMeRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if req.Name == nil && req.Email == nil {
		p := probValidation.with("send name and/or email to correct")
		p.Errors = []FieldError{{Field: "name", Code: "required", Message: "send at least one of name, email"}}
		writeProblem(w, r, p)
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Accounts.UpdateProfile(ctx, &accountsv1.UpdateProfileRequest{UserId: principal(r).UserID, Name: req.Name, Email: req.Email})
	if status.Code(err) == codes.AlreadyExists {
		writeProblem(w, r, probEmailTaken.with("another account uses this email"))
		return
	}
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, profile(res.GetUser()))
}

type changePasswordRequest struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	var req changePasswordRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Accounts.ChangePassword(ctx, &accountsv1.ChangePasswordRequest{
		UserId: principal(r).UserID, CurrentPassword: req.CurrentPassword, NewPassword: req.NewPassword,
	})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	// Every earlier session, this one included, has ended; carry on in
	// the fresh one.
	s.setSessionCookie(w, r, res.GetSessionToken(), res.GetExpiresAt().AsTime())
	w.WriteHeader(http.StatusNoContent)
}

// PrivacyDoc is the privacy settings page's data: current state and the
// consent history, oldest first.
type PrivacyDoc struct {
	RecruiterVisible      bool         `json:"recruiterVisible"`
	DoNotSellOrShare      bool         `json:"doNotSellOrShare"`
	SharedWithRecruiters  bool         `json:"sharedWithRecruiters"`
	ConsentWithdrawn      bool         `json:"consentWithdrawn"`
	AcceptedPolicyVersion string       `json:"acceptedPolicyVersion"`
	PolicyCurrent         bool         `json:"policyCurrent"`
	Consents              []ConsentDoc `json:"consents"`
}

// ConsentDoc is one consent history entry.
type ConsentDoc struct {
	ID            string    `json:"id"`
	Kind          string    `json:"kind"`
	Granted       bool      `json:"granted"`
	PolicyVersion string    `json:"policyVersion,omitempty"`
	PolicySHA256  string    `json:"policySha256,omitempty"`
	FullTextShown bool      `json:"fullTextShown"`
	OccurredAt    time.Time `json:"occurredAt"`
}

func privacyDoc(p *accountsv1.PrivacySettings, history []*accountsv1.Consent) PrivacyDoc {
	d := PrivacyDoc{
		RecruiterVisible: p.GetRecruiterVisible(), DoNotSellOrShare: p.GetDoNotSellOrShare(),
		SharedWithRecruiters: p.GetSharedWithRecruiters(), ConsentWithdrawn: p.GetConsentWithdrawn(),
		AcceptedPolicyVersion: p.GetAcceptedPolicyVersion(), PolicyCurrent: p.GetPolicyCurrent(),
		Consents: make([]ConsentDoc, 0, len(history)),
	}
	for _, c := range history {
		d.Consents = append(d.Consents, ConsentDoc{
			ID: c.GetId(), Kind: consentKindName(c.GetKind()), Granted: c.GetGranted(),
			PolicyVersion: c.GetPolicyVersion(), PolicySHA256: c.GetPolicySha256(),
			FullTextShown: c.GetFullTextShown(), OccurredAt: c.GetOccurredAt().AsTime(),
		})
	}
	return d
}

func consentKindName(k accountsv1.ConsentKind) string {
	switch k {
	case accountsv1.ConsentKind_CONSENT_KIND_PRIVACY_POLICY:
		return "privacyPolicy"
	case accountsv1.ConsentKind_CONSENT_KIND_RECRUITER_VISIBILITY:
		return "recruiterVisibility"
	case accountsv1.ConsentKind_CONSENT_KIND_DO_NOT_SELL_OR_SHARE:
		return "doNotSellOrShare"
	}
	return "unknown"
}

func (s *Server) getPrivacy(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Accounts.GetPrivacySettings(ctx, &accountsv1.GetPrivacySettingsRequest{UserId: principal(r).UserID})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, privacyDoc(res.GetSettings(), res.GetHistory()))
}

type putPrivacyRequest struct {
	RecruiterVisible *bool `json:"recruiterVisible"`
	DoNotSellOrShare *bool `json:"doNotSellOrShare"`
}

func (s *Server) putPrivacy(w http.ResponseWriter, r *http.Request) {
	var req putPrivacyRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if req.RecruiterVisible == nil && req.DoNotSellOrShare == nil {
		p := probValidation.with("send recruiterVisible and/or doNotSellOrShare")
		p.Errors = []FieldError{{Field: "recruiterVisible", Code: "required", Message: "send at least one of recruiterVisible, doNotSellOrShare"}}
		writeProblem(w, r, p)
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Accounts.UpdatePrivacySettings(ctx, &accountsv1.UpdatePrivacySettingsRequest{
		UserId: principal(r).UserID, RecruiterVisible: req.RecruiterVisible, DoNotSellOrShare: req.DoNotSellOrShare,
	})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, privacyDoc(res.GetSettings(), res.GetHistory()))
}

type acceptPolicyRequest struct {
	Version         string `json:"version"`
	PolicyTextShown bool   `json:"policyTextShown"`
}

func (s *Server) acceptPolicy(w http.ResponseWriter, r *http.Request) {
	var req acceptPolicyRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Accounts.AcceptPolicy(ctx, &accountsv1.AcceptPolicyRequest{
		UserId: principal(r).UserID, PolicyVersion: req.Version, FullTextShown: req.PolicyTextShown,
	})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, privacyDoc(res.GetSettings(), res.GetHistory()))
}

func (s *Server) withdrawConsent(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Accounts.WithdrawConsent(ctx, &accountsv1.WithdrawConsentRequest{UserId: principal(r).UserID})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, privacyDoc(res.GetSettings(), res.GetHistory()))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
