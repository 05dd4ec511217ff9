package apitest

import (
	"strconv"
	"testing"
)

func TestLoginThrottlingPerAccount(t *testing.T) {
	_, a := signedIn(t)
	for i := range 5 {
		// Each attempt from a different address: the account's own budget
		// is what runs out.
		expectStatus(t, login(t, newClient(t), a.Email, "wrong-password-"+strconv.Itoa(i)), 401)
	}
	r := login(t, newClient(t), a.Email, goodPassword)
	p := r.problem(t)
	if p.Status != 429 {
		t.Fatalf("6th attempt: %+v", p)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 120 {
		t.Fatalf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
}

func TestLoginThrottlingPerIP(t *testing.T) {
	c := newClient(t) // one address trying many accounts
	for range 20 {
		expectStatus(t, login(t, c, uniqueEmail("spray"), "wrong-password-123"), 401)
	}
	r := login(t, c, uniqueEmail("spray"), "wrong-password-123")
	if p := r.problem(t); p.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("21st attempt from one IP: %+v", p)
	}
	// Another address is not affected.
	_, a := signedIn(t)
	expectStatus(t, login(t, newClient(t), a.Email, goodPassword), 200)
}
