package apitest

import (
	"net/http"
	"net/url"
	"testing"
)

func mustURL(t *testing.T) *url.URL {
	t.Helper()
	u, err := url.Parse(platform.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func sessionCookie(t *testing.T, r response) *http.Cookie {
	t.Helper()
	for _, c := range r.Cookies() {
		if c.Name == "moksho_session" && c.Value != "" {
			return c
		}
	}
	t.Fatalf("no moksho_session cookie in %v", r.Header["Set-Cookie"])
	return nil
}
