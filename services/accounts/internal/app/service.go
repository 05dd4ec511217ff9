package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/clock"
	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
	"github.com/moksho/platform/services/accounts/internal/password"
	"github.com/moksho/platform/services/accounts/internal/policy"
)

// Event subjects published by this service.
const (
	SubjectUserRegistered = "moksho.accounts.user.registered"
	SubjectUserUpdated    = "moksho.accounts.user.updated"
	SubjectConsentChanged = "moksho.accounts.consent.changed"
)

// SessionConfig bounds how long a session lives.
type SessionConfig struct {
	// IdleTimeout ends a session not used for this long.
	IdleTimeout time.Duration
	// AbsoluteTimeout ends a session this long after login, used or not.
	AbsoluteTimeout time.Duration
}

// Service implements the accounts use cases.
type Service struct {
	store    Store
	clock    clock.Clock
	sessions SessionConfig
	// dummyHash is verified against when an email is unknown, so that a
	// login attempt takes as long whether or not the account exists.
	dummyHash string
}

// NewService returns the use cases over store.
func NewService(store Store, clk clock.Clock, sessions SessionConfig) (*Service, error) {
	if sessions.IdleTimeout <= 0 || sessions.AbsoluteTimeout <= 0 {
		return nil, errors.New("session timeouts must be positive")
	}
	dummy, err := password.Hash("timing-equaliser-" + uuid.NewString())
	if err != nil {
		return nil, err
	}
	return &Service{store: store, clock: clk, sessions: sessions, dummyHash: dummy}, nil
}

// Sessions returns the session timeouts in force.
func (s *Service) Sessions() SessionConfig { return s.sessions }

// CurrentPolicy returns the policy version users must accept now.
func (s *Service) CurrentPolicy() policy.Policy { return policy.Current() }

// RegisterInput is what a new user submits.
type RegisterInput struct {
	Email               string
	Password            string
	Name                string
	Role                Role
	Organization        string
	AcceptPolicyVersion string
	FullTextShown       bool
}

// Register creates an account. Only candidates and recruiters register
// themselves; recruiters name their organisation, and each registration
// creates its own organisation so that nobody joins another's by typing
// its name.
func (s *Service) Register(ctx context.Context, in RegisterInput) (User, error) {
	email, err := normalizeEmail(in.Email, "email")
	if err != nil {
		return User{}, err
	}
	name, err := normalizeName(in.Name)
	if err != nil {
		return User{}, err
	}
	if in.Role != RoleCandidate && in.Role != RoleRecruiter {
		return User{}, invalid("role", "invalid_role", `role must be "candidate" or "recruiter"`)
	}
	org := strings.TrimSpace(in.Organization)
	if in.Role == RoleRecruiter {
		if org == "" {
			return User{}, invalid("organization", "required", "recruiters must name their organization")
		}
		if utf8.RuneCountInString(org) > 200 || hasControl(org) {
			return User{}, invalid("organization", "invalid", "organization must be at most 200 printable characters")
		}
	} else {
		org = ""
	}
	current := policy.Current()
	if in.AcceptPolicyVersion != current.Version {
		return User{}, invalid("accept_policy_version", "stale_policy_version",
			fmt.Sprintf("the current privacy policy is version %s: read it (GET /api/v1/policy) and accept that version", current.Version))
	}
	if err := checkPassword(in.Password, "password", email, name); err != nil {
		return User{}, err
	}
	return s.createUser(ctx, User{Email: email, Name: name, Role: in.Role, OrgName: org}, in.Password, in.FullTextShown)
}

// EnsureAdmin creates an operator account when no account has the email.
// Only the local deployment calls it, with a configured password.
func (s *Service) EnsureAdmin(ctx context.Context, email, pw, name string) (User, error) {
	email, err := normalizeEmail(email, "email")
	if err != nil {
		return User{}, err
	}
	if u, _, err := s.store.Credentials(ctx, email); err == nil {
		return u, nil
	} else if !errors.Is(err, ErrNotFound) {
		return User{}, err
	}
	u, err := s.createUser(ctx, User{Email: email, Name: name, Role: RoleAdmin}, pw, true)
	if errors.Is(err, ErrEmailTaken) { // created concurrently by another replica
		u, _, err = s.store.Credentials(ctx, email)
	}
	return u, err
}

func (s *Service) createUser(ctx context.Context, u User, pw string, fullTextShown bool) (User, error) {
	hash, err := password.Hash(pw)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	now := s.clock.Now()
	u.ID = newID()
	u.CreatedAt, u.UpdatedAt = now, now
	if u.OrgName != "" {
		u.OrgID = newID()
	}
	current := policy.Current()
	consent := Consent{
		ID: newID(), UserID: u.ID, Kind: ConsentPrivacyPolicy, Granted: true,
		PolicyVersion: current.Version, PolicySHA256: current.SHA256,
		FullTextShown: fullTextShown, OccurredAt: now,
	}
	privacy := Privacy{AcceptedPolicyVersion: current.Version}
	registered, err := s.event(ctx, SubjectUserRegistered, u.ID, &accountsv1.UserRegistered{
		UserId: u.ID, Role: RoleToProto(u.Role), OrganizationId: u.OrgID,
	})
	if err != nil {
		return User{}, err
	}
	changed, err := s.consentEvent(ctx, consent, privacy)
	if err != nil {
		return User{}, err
	}
	if err := s.store.CreateUser(ctx, u, hash, privacy, []Consent{consent}, []bus.Event{registered, changed}); err != nil {
		return User{}, err
	}
	return u, nil
}

// Login checks credentials and starts a new session, returning its token.
// Unknown email and wrong password give the same error after the same work.
func (s *Service) Login(ctx context.Context, email, pw string) (string, Session, User, error) {
	email = strings.TrimSpace(email)
	u, hash, err := s.store.Credentials(ctx, email)
	if errors.Is(err, ErrNotFound) {
		_, _, _ = password.Verify(pw, s.dummyHash)
		return "", Session{}, User{}, ErrBadCredentials
	}
	if err != nil {
		return "", Session{}, User{}, err
	}
	ok, rehash, err := password.Verify(pw, hash)
	if err != nil {
		return "", Session{}, User{}, fmt.Errorf("verify password of %s: %w", u.ID, err)
	}
	if !ok {
		return "", Session{}, User{}, ErrBadCredentials
	}
	if rehash {
		if h, err := password.Hash(pw); err == nil {
			_ = s.store.UpdatePasswordHash(ctx, u.ID, h) // best effort: next login retries
		}
	}
	token, sess := s.newSession(u.ID)
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", Session{}, User{}, err
	}
	return token, sess, u, nil
}

// Logout ends the session behind token; ending an unknown one is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	h, ok := hashToken(token)
	if !ok {
		return nil
	}
	return s.store.DeleteSession(ctx, h)
}

// Authenticate resolves a token to its principal and records activity.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	h, ok := hashToken(token)
	if !ok {
		return Principal{}, ErrNoSession
	}
	now := s.clock.Now()
	sess, p, privacy, err := s.store.SessionByTokenHash(ctx, h)
	if err != nil {
		return Principal{}, err
	}
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.sessions.IdleTimeout {
		return Principal{}, ErrNoSession
	}
	// Writing on every request would make reads cost a write; touching when
	// a small part of the idle window has passed keeps the timeout accurate
	// to that part.
	if now.Sub(sess.LastSeenAt) >= s.touchEvery() {
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
			return Principal{}, err
		}
	}
	p.PolicyCurrent = privacy.PolicyCurrent(policy.Current().Version)
	return p, nil
}

func (s *Service) touchEvery() time.Duration {
	return min(time.Minute, s.sessions.IdleTimeout/10)
}

// User returns one user.
func (s *Service) User(ctx context.Context, id string) (User, error) {
	if !validID(id) {
		return User{}, ErrNotFound
	}
	return s.store.UserByID(ctx, id)
}

// Users returns the users that exist among ids (at most 1,000 per call).
func (s *Service) Users(ctx context.Context, ids []string) ([]User, error) {
	if len(ids) > 1000 {
		return nil, invalid("user_ids", "too_many", "ask for at most 1000 users per call")
	}
	valid := ids[:0:0]
	for _, id := range ids {
		if validID(id) {
			valid = append(valid, id)
		}
	}
	return s.store.UsersByIDs(ctx, valid)
}

// UpdateProfile corrects a user's name and/or email (nil leaves a field).
func (s *Service) UpdateProfile(ctx context.Context, userID string, name, email *string) (User, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return User{}, err
	}
	var changed []string
	if name != nil {
		n, err := normalizeName(*name)
		if err != nil {
			return User{}, err
		}
		if n != u.Name {
			u.Name = n
			changed = append(changed, "name")
		}
	}
	if email != nil {
		e, err := normalizeEmail(*email, "email")
		if err != nil {
			return User{}, err
		}
		if e != u.Email {
			u.Email = e
			changed = append(changed, "email")
		}
	}
	if len(changed) == 0 {
		return u, nil
	}
	u.UpdatedAt = s.clock.Now()
	evt, err := s.event(ctx, SubjectUserUpdated, u.ID, &accountsv1.UserUpdated{UserId: u.ID, ChangedFields: changed})
	if err != nil {
		return User{}, err
	}
	if err := s.store.UpdateProfile(ctx, u, []bus.Event{evt}); err != nil {
		return User{}, err
	}
	return u, nil
}

// ChangePassword replaces the password, ends every session of the user and
// returns a token for a fresh one.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next string) (string, Session, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return "", Session{}, err
	}
	hash, err := s.store.PasswordHash(ctx, userID)
	if err != nil {
		return "", Session{}, err
	}
	ok, _, err := password.Verify(current, hash)
	if err != nil {
		return "", Session{}, fmt.Errorf("verify password of %s: %w", userID, err)
	}
	if !ok {
		return "", Session{}, invalid("current_password", "wrong_password", "the current password is not correct")
	}
	if next == current {
		return "", Session{}, invalid("new_password", "unchanged", "choose a password different from the current one")
	}
	if err := checkPassword(next, "new_password", u.Email, u.Name); err != nil {
		return "", Session{}, err
	}
	newHash, err := password.Hash(next)
	if err != nil {
		return "", Session{}, fmt.Errorf("hash password: %w", err)
	}
	evt, err := s.event(ctx, SubjectUserUpdated, userID, &accountsv1.UserUpdated{UserId: userID, ChangedFields: []string{"password"}})
	if err != nil {
		return "", Session{}, err
	}
	token, sess := s.newSession(userID)
	if err := s.store.ReplacePassword(ctx, userID, newHash, sess, []bus.Event{evt}); err != nil {
		return "", Session{}, err
	}
	return token, sess, nil
}

// Privacy returns the current consent state and its history.
func (s *Service) Privacy(ctx context.Context, userID string) (Privacy, []Consent, error) {
	if !validID(userID) {
		return Privacy{}, nil, ErrNotFound
	}
	return s.store.Privacy(ctx, userID)
}

// UpdatePrivacy changes recruiter visibility and the do-not-sell-or-share
// opt-out (nil leaves a setting); each change is a consent entry. As the
// policy promises, opting out of selling and sharing also turns recruiter
// visibility off and keeps it off while the opt-out stands.
func (s *Service) UpdatePrivacy(ctx context.Context, userID string, recruiterVisible, doNotSell *bool) (Privacy, []Consent, error) {
	p, _, err := s.Privacy(ctx, userID)
	if err != nil {
		return Privacy{}, nil, err
	}
	var changes []Consent
	if doNotSell != nil && *doNotSell != p.DoNotSellOrShare {
		p.DoNotSellOrShare = *doNotSell
		changes = append(changes, s.consent(userID, ConsentDoNotSellOrShare, *doNotSell, ""))
	}
	wantVisible := p.RecruiterVisible
	if recruiterVisible != nil {
		wantVisible = *recruiterVisible
	}
	if wantVisible && !p.RecruiterVisible {
		switch {
		case p.ConsentWithdrawn:
			return Privacy{}, nil, invalid("recruiter_visible", "consent_withdrawn",
				"you withdrew consent to processing: accept the privacy policy again before opting in to recruiter visibility")
		case p.DoNotSellOrShare:
			return Privacy{}, nil, invalid("recruiter_visible", "do_not_sell_or_share",
				"recruiter visibility shares your email and scores: turn off do-not-sell-or-share first")
		}
	}
	if p.DoNotSellOrShare {
		wantVisible = false
	}
	if wantVisible != p.RecruiterVisible {
		p.RecruiterVisible = wantVisible
		changes = append(changes, s.consent(userID, ConsentRecruiterVisibility, wantVisible, ""))
	}
	return s.record(ctx, userID, p, changes)
}

// AcceptPolicy records a signed-in user's acceptance of the current policy,
// which also ends an earlier withdrawal of consent.
func (s *Service) AcceptPolicy(ctx context.Context, userID, version string, fullTextShown bool) (Privacy, []Consent, error) {
	p, _, err := s.Privacy(ctx, userID)
	if err != nil {
		return Privacy{}, nil, err
	}
	current := policy.Current()
	if version != current.Version {
		return Privacy{}, nil, invalid("policy_version", "stale_policy_version",
			fmt.Sprintf("the current privacy policy is version %s", current.Version))
	}
	p.AcceptedPolicyVersion = current.Version
	p.ConsentWithdrawn = false
	c := s.consent(userID, ConsentPrivacyPolicy, true, current.Version)
	c.PolicySHA256, c.FullTextShown = current.SHA256, fullTextShown
	return s.record(ctx, userID, p, []Consent{c})
}

// WithdrawConsent records that the user withdraws consent to processing.
// Recruiter visibility ends with it; other services stop processing the
// user's data for new work until consent is given again, and the user may
// still read, export or delete what is held.
func (s *Service) WithdrawConsent(ctx context.Context, userID string) (Privacy, []Consent, error) {
	p, _, err := s.Privacy(ctx, userID)
	if err != nil {
		return Privacy{}, nil, err
	}
	if p.ConsentWithdrawn {
		return s.Privacy(ctx, userID)
	}
	var changes []Consent
	if p.RecruiterVisible {
		p.RecruiterVisible = false
		changes = append(changes, s.consent(userID, ConsentRecruiterVisibility, false, ""))
	}
	changes = append(changes, s.consent(userID, ConsentPrivacyPolicy, false, p.AcceptedPolicyVersion))
	p.ConsentWithdrawn = true
	p.AcceptedPolicyVersion = ""
	return s.record(ctx, userID, p, changes)
}

// CleanupSessions deletes dead sessions; Run calls it periodically.
func (s *Service) CleanupSessions(ctx context.Context) (int64, error) {
	return s.store.DeleteDeadSessions(ctx, s.clock.Now(), s.sessions.IdleTimeout)
}

func (s *Service) record(ctx context.Context, userID string, p Privacy, changes []Consent) (Privacy, []Consent, error) {
	if len(changes) == 0 {
		return s.Privacy(ctx, userID)
	}
	events := make([]bus.Event, 0, len(changes))
	for _, c := range changes {
		evt, err := s.consentEvent(ctx, c, p)
		if err != nil {
			return Privacy{}, nil, err
		}
		events = append(events, evt)
	}
	if err := s.store.RecordConsents(ctx, userID, p, changes, events); err != nil {
		return Privacy{}, nil, err
	}
	return s.Privacy(ctx, userID)
}

func (s *Service) consent(userID string, kind ConsentKind, granted bool, version string) Consent {
	return Consent{ID: newID(), UserID: userID, Kind: kind, Granted: granted, PolicyVersion: version, OccurredAt: s.clock.Now()}
}

func (s *Service) consentEvent(ctx context.Context, c Consent, p Privacy) (bus.Event, error) {
	return s.event(ctx, SubjectConsentChanged, c.UserID, &accountsv1.ConsentChanged{
		UserId:        c.UserID,
		Kind:          ConsentKindToProto(c.Kind),
		Granted:       c.Granted,
		PolicyVersion: c.PolicyVersion,
		Settings:      PrivacyToProto(p, policy.Current().Version),
	})
}

func (s *Service) event(ctx context.Context, subject, userID string, msg proto.Message) (bus.Event, error) {
	e, err := bus.NewEvent(ctx, subject, userID, msg)
	if err != nil {
		return bus.Event{}, fmt.Errorf("build %s event: %w", subject, err)
	}
	e.OccurredAt = s.clock.Now()
	return e, nil
}

func (s *Service) newSession(userID string) (string, Session) {
	raw := make([]byte, 32) // 256 bits
	_, _ = rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	h, _ := hashToken(token)
	now := s.clock.Now()
	return token, Session{
		ID: newID(), UserID: userID, TokenHash: h,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.sessions.AbsoluteTimeout),
	}
}

// tokenLen is the length of a base64url-encoded 32-byte token.
const tokenLen = 43

// hashToken returns the stored form of a token, or false when it cannot be
// one of ours (which saves a database round trip for forged cookies).
func hashToken(token string) ([]byte, bool) {
	if len(token) != tokenLen {
		return nil, false
	}
	if _, err := base64.RawURLEncoding.DecodeString(token); err != nil {
		return nil, false
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:], true
}

func checkPassword(pw, field, email, name string) error {
	if err := password.Check(pw, email, name); err != nil {
		var pe *password.PolicyError
		if errors.As(err, &pe) {
			return invalid(field, "weak_password_"+pe.Code, pe.Reason)
		}
		return err
	}
	return nil
}

// normalizeEmail trims an email and checks it is a plain deliverable-looking
// address (no display name, a dotted domain, sane lengths).
func normalizeEmail(raw, field string) (string, error) {
	e := strings.TrimSpace(raw)
	bad := invalid(field, "invalid_email", "enter an email address like name@example.com")
	if e == "" {
		return "", invalid(field, "required", "email is required")
	}
	if len(e) > 254 || strings.ContainsAny(e, " \t\r\n<>\"(),;:\\[]") {
		return "", bad
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Name != "" || addr.Address != e {
		return "", bad
	}
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || len(local) > 64 || !strings.Contains(domain, ".") {
		return "", bad
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "", bad
		}
		for _, r := range label {
			if !(r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return "", bad
			}
		}
	}
	return e, nil
}

func normalizeName(raw string) (string, error) {
	n := strings.Join(strings.Fields(raw), " ")
	if n == "" {
		return "", invalid("name", "required", "name is required")
	}
	if utf8.RuneCountInString(n) > 100 || hasControl(n) {
		return "", invalid("name", "invalid", "name must be at most 100 printable characters")
	}
	return n, nil
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func validID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil && len(id) == 36
}
