package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/moksho/platform/pkg/logging"
)

// TestOpenAPIMatchesRoutes keeps the published contract and the handlers
// in step: every route is documented, and every documented operation exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	s := New(Config{}, Backends{}, logging.Discard(), prometheus.NewRegistry())
	routes := map[string]bool{}
	for _, r := range s.routes() {
		key := strings.ToLower(r.method) + " " + r.pattern
		routes[key] = true
		if _, ok := doc.Paths[r.pattern][strings.ToLower(r.method)]; !ok {
			t.Errorf("route %s %s is not in openapi.json", r.method, r.pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			if !routes[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which no route serves", method, path)
			}
		}
	}
}

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{
		"accept_policy_version": "acceptPolicyVersion", "email": "email", "recruiter_visible": "recruiterVisible",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
}
