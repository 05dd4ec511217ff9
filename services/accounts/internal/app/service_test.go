package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"

	"github.com/moksho/platform/pkg/clock"
	"github.com/moksho/platform/pkg/pg/pgtest"
	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
	"github.com/moksho/platform/services/accounts/internal/app"
	"github.com/moksho/platform/services/accounts/internal/policy"
	"github.com/moksho/platform/services/accounts/internal/store"
)

const pw = "violet-harbour-lantern-42"

type fixture struct {
	svc   *app.Service
	pool  *pgxpool.Pool
	clock *clock.Fake
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	pool := pgtest.NewPool(t, store.Migrations()...)
	clk := clock.NewFake(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	svc, err := app.NewService(store.New(pool), clk, app.SessionConfig{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{svc: svc, pool: pool, clock: clk}
}

func (f fixture) register(t *testing.T, email string) app.User {
	t.Helper()
	u, err := f.svc.Register(context.Background(), app.RegisterInput{
		Email: email, Password: pw, Name: "Asha Rao", Role: app.RoleCandidate,
		AcceptPolicyVersion: policy.Current().Version, FullTextShown: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSessionIdleTimeout(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.register(t, "asha@example.org")
	token, _, _, err := f.svc.Login(ctx, "asha@example.org", pw)
	if err != nil {
		t.Fatal(err)
	}
	// Used every 20 minutes, the session lives on past the idle timeout.
	for range 4 {
		f.clock.Advance(20 * time.Minute)
		if _, err := f.svc.Authenticate(ctx, token); err != nil {
			t.Fatalf("active session ended: %v", err)
		}
	}
	// Left alone for 31 minutes, it is dead.
	f.clock.Advance(31 * time.Minute)
	if _, err := f.svc.Authenticate(ctx, token); !errors.Is(err, app.ErrNoSession) {
		t.Fatalf("idle session: err = %v", err)
	}
}

func TestSessionAbsoluteLifetime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.register(t, "asha@example.org")
	token, sess, _, err := f.svc.Login(ctx, "asha@example.org", pw)
	if err != nil {
		t.Fatal(err)
	}
	if got := sess.ExpiresAt.Sub(f.clock.Now()); got != 12*time.Hour {
		t.Fatalf("absolute lifetime %s", got)
	}
	for range 11*4 + 3 { // busy every 15 minutes for 11h45m
		f.clock.Advance(15 * time.Minute)
		if _, err := f.svc.Authenticate(ctx, token); err != nil {
			t.Fatalf("session ended early at %s: %v", f.clock.Now(), err)
		}
	}
	f.clock.Advance(16 * time.Minute)
	if _, err := f.svc.Authenticate(ctx, token); !errors.Is(err, app.ErrNoSession) {
		t.Fatalf("session past 12h: err = %v", err)
	}
	n, err := f.svc.CleanupSessions(ctx)
	if err != nil || n != 1 {
		t.Fatalf("cleanup removed %d (err %v), want 1", n, err)
	}
}

func TestOnlyTheTokenHashIsStored(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.register(t, "asha@example.org")
	token, _, _, err := f.svc.Login(ctx, "asha@example.org", pw)
	if err != nil {
		t.Fatal(err)
	}
	var stored []byte
	if err := f.pool.QueryRow(ctx, `SELECT token_hash FROM sessions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 32 || strings.Contains(string(stored), token) {
		t.Fatalf("stored %d bytes", len(stored))
	}
	var hits int
	_ = f.pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'`, token).Scan(&hits)
	if hits != 0 {
		t.Fatal("token stored in clear")
	}
}

func TestRegistrationWritesStateAndEventsTogether(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "Asha.Rao@Example.org")

	rows, err := f.pool.Query(ctx, `SELECT subject, payload FROM bus_outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var subjects []string
	for rows.Next() {
		var subject string
		var payload []byte
		if err := rows.Scan(&subject, &payload); err != nil {
			t.Fatal(err)
		}
		subjects = append(subjects, subject)
		if strings.Contains(strings.ToLower(string(payload)), "asha") {
			t.Errorf("event %s carries personal data: %q", subject, payload)
		}
		if subject == app.SubjectUserRegistered {
			var e accountsv1.UserRegistered
			if err := proto.Unmarshal(payload, &e); err != nil || e.GetUserId() != u.ID || e.GetRole() != accountsv1.Role_ROLE_CANDIDATE {
				t.Errorf("registered event %v (err %v)", &e, err)
			}
		}
	}
	if strings.Join(subjects, ",") != app.SubjectUserRegistered+","+app.SubjectConsentChanged {
		t.Fatalf("outbox subjects %v", subjects)
	}

	// A refused registration leaves neither a user nor an event.
	_, err = f.svc.Register(ctx, app.RegisterInput{
		Email: "asha.rao@example.org", Password: pw, Name: "Other", Role: app.RoleCandidate,
		AcceptPolicyVersion: policy.Current().Version,
	})
	if !errors.Is(err, app.ErrEmailTaken) {
		t.Fatalf("duplicate: err = %v", err)
	}
	var users, events int
	_ = f.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM bus_outbox)`).Scan(&users, &events)
	if users != 1 || events != 2 {
		t.Fatalf("after a refused registration: %d users, %d events", users, events)
	}
}

func TestConcurrentRegistrationsOfOneEmail(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.svc.Register(ctx, app.RegisterInput{
				Email: "race@example.org", Password: pw, Name: "Racer", Role: app.RoleCandidate,
				AcceptPolicyVersion: policy.Current().Version,
			})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, app.ErrEmailTaken):
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d registrations succeeded, want exactly 1", ok)
	}
}

func TestConsentHistoryIsAppendOnly(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "asha@example.org")
	if _, err := f.pool.Exec(ctx, `UPDATE consents SET granted = false WHERE user_id = $1`, u.ID); err == nil {
		t.Fatal("a consent row was rewritten")
	}
	f.clock.Advance(time.Minute)
	yes, no := true, false
	if _, _, err := f.svc.UpdatePrivacy(ctx, u.ID, &yes, nil); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	p, history, err := f.svc.UpdatePrivacy(ctx, u.ID, &no, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.RecruiterVisible || len(history) != 3 {
		t.Fatalf("state %+v, %d entries", p, len(history))
	}
	kinds := []app.ConsentKind{app.ConsentPrivacyPolicy, app.ConsentRecruiterVisibility, app.ConsentRecruiterVisibility}
	granted := []bool{true, true, false}
	for i, c := range history {
		if c.Kind != kinds[i] || c.Granted != granted[i] {
			t.Errorf("entry %d = %+v", i, c)
		}
	}
	if history[0].PolicySHA256 != policy.Current().SHA256 || !history[0].FullTextShown {
		t.Errorf("acceptance lacks the policy fingerprint: %+v", history[0])
	}
}

func TestAuthenticateReportsPolicyState(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "asha@example.org")
	token, _, _, _ := f.svc.Login(ctx, "asha@example.org", pw)
	p, err := f.svc.Authenticate(ctx, token)
	if err != nil || !p.PolicyCurrent || p.UserID != u.ID || p.Role != app.RoleCandidate {
		t.Fatalf("principal %+v, err %v", p, err)
	}
	if _, _, err := f.svc.WithdrawConsent(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if p, _ = f.svc.Authenticate(ctx, token); p.PolicyCurrent {
		t.Fatal("withdrawn consent still reported current")
	}
}

// TestConcurrentAuthenticationKeepsSessionsApart authenticates many
// sessions of many users at once, so that lookups share queries, and checks
// every answer belongs to the token asked about; a session logged out in the
// middle fails on every lookup that starts after the logout returned.
func TestConcurrentAuthenticationKeepsSessionsApart(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	type login struct {
		token, userID, email, sessionID string
	}
	var logins []login
	for i := range 6 {
		email := fmt.Sprintf("user%d@example.org", i)
		u := f.register(t, email)
		for range 2 {
			token, sess, _, err := f.svc.Login(ctx, email, pw)
			if err != nil {
				t.Fatal(err)
			}
			logins = append(logins, login{token, u.ID, email, sess.ID})
		}
	}
	gone := logins[3]
	var loggedOut atomic.Bool
	var wg sync.WaitGroup
	for g := range 24 {
		wg.Go(func() {
			for i := range 60 {
				l := logins[(g+i)%len(logins)]
				after := loggedOut.Load()
				p, err := f.svc.Authenticate(ctx, l.token)
				switch {
				case l == gone && after:
					if !errors.Is(err, app.ErrNoSession) {
						t.Errorf("logged-out session: principal %+v, err %v", p, err)
						return
					}
				case l == gone && errors.Is(err, app.ErrNoSession):
					// raced with the logout: either answer is right
				case err != nil:
					t.Errorf("Authenticate: %v", err)
					return
				case p.UserID != l.userID || p.User.ID != l.userID || p.SessionID != l.sessionID || p.User.Email != l.email:
					t.Errorf("token of %s (session %s) answered with user %s, session %s, email %s",
						l.userID, l.sessionID, p.UserID, p.SessionID, p.User.Email)
					return
				}
			}
		})
	}
	time.Sleep(5 * time.Millisecond)
	if err := f.svc.Logout(ctx, gone.token); err != nil {
		t.Fatal(err)
	}
	loggedOut.Store(true)
	wg.Wait()
}

func TestEnsureAdminIsIdempotent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, err := f.svc.EnsureAdmin(ctx, "admin@moksho.local", "moksho-admin-local", "Operator")
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.svc.EnsureAdmin(ctx, "admin@moksho.local", "moksho-admin-local", "Operator")
	if err != nil || a.ID != b.ID || b.Role != app.RoleAdmin {
		t.Fatalf("second call: %+v, %v", b, err)
	}
	if _, _, _, err := f.svc.Login(ctx, "admin@moksho.local", "moksho-admin-local"); err != nil {
		t.Fatal(err)
	}
}

func TestUsersBatchSkipsUnknownAndInvalidIDs(t *testing.T) {
	f := newFixture(t)
	a := f.register(t, "a@example.org")
	b := f.register(t, "b@example.org")
	users, err := f.svc.Users(context.Background(), []string{a.ID, "not-a-uuid", "00000000-0000-7000-8000-000000000000", b.ID})
	if err != nil || len(users) != 2 {
		t.Fatalf("users %v, err %v", users, err)
	}
}
