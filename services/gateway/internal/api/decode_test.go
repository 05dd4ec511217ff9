package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/moksho/platform/pkg/logging"
)

func testServer() *Server {
	return New(Config{MaxJSONBody: 1 << 10}, Backends{}, logging.Discard(), prometheus.NewRegistry())
}

// FuzzDecodeJSON feeds arbitrary bodies to the strict decoder: it either
// accepts a well-formed object or answers with a problem document of one
// of the documented statuses; it never panics or accepts junk.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"email":"a@b.co","password":"x","name":"n","role":"candidate","acceptPolicyVersion":"v"}`,
		`{"email": 1}`, `{"unknown": true}`, `[]`, `{} {}`, ``, `{"name":"` + strings.Repeat("x", 2000) + `"}`,
		"{\"email\":\"\xff\"}", `{"policyTextShown": "yes"}`, `null`,
	} {
		f.Add(seed, "application/json")
	}
	f.Add(`{}`, "text/plain")
	f.Add(`{}`, "application/merge-patch+json; charset=utf-8")
	s := testServer()
	f.Fuzz(func(t *testing.T, body, contentType string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/accounts", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		var dst registerRequest
		ok := s.decodeJSON(rec, req, &dst)
		if ok {
			if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
				t.Fatalf("accepted but wrote %d %q", rec.Code, rec.Body)
			}
			if !json.Valid([]byte(body)) {
				t.Fatalf("accepted invalid JSON %q", body)
			}
			return
		}
		switch rec.Code {
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		default:
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		var p Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code || !strings.HasPrefix(p.Type, ProblemBase) {
			t.Fatalf("bad problem %q (%v)", rec.Body, err)
		}
	})
}
