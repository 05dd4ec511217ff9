package apitest

import (
	"testing"
)

type privacyDoc struct {
	RecruiterVisible      bool   `json:"recruiterVisible"`
	DoNotSellOrShare      bool   `json:"doNotSellOrShare"`
	SharedWithRecruiters  bool   `json:"sharedWithRecruiters"`
	ConsentWithdrawn      bool   `json:"consentWithdrawn"`
	AcceptedPolicyVersion string `json:"acceptedPolicyVersion"`
	PolicyCurrent         bool   `json:"policyCurrent"`
	Consents              []struct {
		Kind          string `json:"kind"`
		Granted       bool   `json:"granted"`
		PolicyVersion string `json:"policyVersion"`
		PolicySHA256  string `json:"policySha256"`
		FullTextShown bool   `json:"fullTextShown"`
	} `json:"consents"`
}

func getPrivacy(t *testing.T, c *client) privacyDoc {
	t.Helper()
	r := c.call("GET", "/api/v1/me/privacy", nil)
	expectStatus(t, r, 200)
	var p privacyDoc
	r.json(t, &p)
	return p
}

func TestPrivacySettingsAndConsentHistory(t *testing.T) {
	c, _ := signedIn(t)
	version := currentPolicy(t)

	p := getPrivacy(t, c)
	if p.RecruiterVisible || p.DoNotSellOrShare || p.SharedWithRecruiters || p.ConsentWithdrawn || !p.PolicyCurrent || p.AcceptedPolicyVersion != version {
		t.Fatalf("defaults: %+v", p)
	}
	if len(p.Consents) != 1 || p.Consents[0].Kind != "privacyPolicy" || !p.Consents[0].Granted ||
		p.Consents[0].PolicyVersion != version || len(p.Consents[0].PolicySHA256) != 64 || !p.Consents[0].FullTextShown {
		t.Fatalf("registration consent: %+v", p.Consents)
	}

	r := c.call("PUT", "/api/v1/me/privacy", map[string]any{"recruiterVisible": true})
	expectStatus(t, r, 200)
	r.json(t, &p)
	if !p.RecruiterVisible || !p.SharedWithRecruiters || len(p.Consents) != 2 {
		t.Fatalf("after opt-in: %+v", p)
	}
	// Do-not-sell-or-share turns recruiter visibility off and keeps it off.
	r = c.call("PUT", "/api/v1/me/privacy", map[string]any{"doNotSellOrShare": true})
	expectStatus(t, r, 200)
	r.json(t, &p)
	if p.RecruiterVisible || !p.DoNotSellOrShare || p.SharedWithRecruiters || len(p.Consents) != 4 {
		t.Fatalf("after do-not-sell: %+v", p)
	}
	if pr := c.call("PUT", "/api/v1/me/privacy", map[string]any{"recruiterVisible": true}).problem(t); pr.Status != 422 || !pr.hasError("recruiterVisible", "do_not_sell_or_share") {
		t.Fatalf("opt-in under do-not-sell: %+v", pr)
	}
	// Setting the same values again appends nothing.
	r = c.call("PUT", "/api/v1/me/privacy", map[string]any{"doNotSellOrShare": true, "recruiterVisible": false})
	expectStatus(t, r, 200)
	r.json(t, &p)
	if len(p.Consents) != 4 {
		t.Fatalf("no-op update appended history: %d entries", len(p.Consents))
	}
	// Both in one request: lift the opt-out and opt in again.
	r = c.call("PUT", "/api/v1/me/privacy", map[string]any{"doNotSellOrShare": false, "recruiterVisible": true})
	expectStatus(t, r, 200)
	r.json(t, &p)
	if !p.RecruiterVisible || p.DoNotSellOrShare || !p.SharedWithRecruiters || len(p.Consents) != 6 {
		t.Fatalf("after lifting the opt-out: %+v", p)
	}

	for _, bad := range []map[string]any{{}, {"recruiterVisible": "yes"}, {"shareEverything": true}} {
		pr := c.call("PUT", "/api/v1/me/privacy", bad).problem(t)
		if pr.Status != 422 && pr.Status != 400 {
			t.Fatalf("bad privacy body %v: %+v", bad, pr)
		}
	}

	// Withdrawal of consent ends recruiter visibility and is recorded.
	r = c.call("POST", "/api/v1/me/privacy/consent-withdrawal", nil)
	expectStatus(t, r, 200)
	r.json(t, &p)
	if !p.ConsentWithdrawn || p.RecruiterVisible || p.SharedWithRecruiters || p.PolicyCurrent {
		t.Fatalf("after withdrawal: %+v", p)
	}
	last := p.Consents[len(p.Consents)-1]
	if last.Kind != "privacyPolicy" || last.Granted {
		t.Fatalf("withdrawal entry: %+v", last)
	}
	if pr := c.call("PUT", "/api/v1/me/privacy", map[string]any{"recruiterVisible": true}).problem(t); pr.Status != 422 {
		t.Fatalf("opt-in while withdrawn: %+v", pr)
	}

	// Giving consent again needs the current version.
	if pr := c.call("POST", "/api/v1/me/privacy/policy-acceptance", map[string]any{"version": "2000-01-01"}).problem(t); pr.Status != 422 {
		t.Fatalf("stale acceptance: %+v", pr)
	}
	r = c.call("POST", "/api/v1/me/privacy/policy-acceptance", map[string]any{"version": version, "policyTextShown": true})
	expectStatus(t, r, 200)
	r.json(t, &p)
	if p.ConsentWithdrawn || !p.PolicyCurrent || p.AcceptedPolicyVersion != version {
		t.Fatalf("after re-acceptance: %+v", p)
	}
}
