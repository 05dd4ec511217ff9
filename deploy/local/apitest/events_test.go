package apitest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/moksho/platform/pkg/bus"
	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
)

// TestAccountEventsCarryIDsOnly registers and changes a consent, then reads
// the ACCOUNTS stream as a downstream service would: the events arrive with
// the documented headers and no personal data.
func TestAccountEventsCarryIDsOnly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nc, err := nats.Connect(platform.NATSURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}

	c := newClient(t)
	email := uniqueEmail("events")
	a := register(t, c, email)
	expectStatus(t, login(t, c, email, goodPassword), 200)
	expectStatus(t, c.call("PUT", "/api/v1/me/privacy", map[string]any{"recruiterVisible": true}), 200)

	cons, err := js.OrderedConsumer(ctx, "ACCOUNTS", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"moksho.accounts.user.registered": false,
		"moksho.accounts.consent.changed": false,
	}
	var visibility bool
	for !(want["moksho.accounts.user.registered"] && want["moksho.accounts.consent.changed"] && visibility) {
		msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			t.Fatalf("waiting for events (seen %v, visibility %v): %v", want, visibility, err)
		}
		if msg.Headers().Get("Moksho-User-Id") != a.ID {
			continue
		}
		raw := strings.ToLower(string(msg.Data()) + strings.Join(flatten(msg.Headers()), " "))
		if strings.Contains(raw, strings.ToLower(email)) || strings.Contains(raw, "test candidate") {
			t.Fatalf("event %s carries personal data", msg.Subject())
		}
		e, err := bus.FromMsg(msg)
		if err != nil {
			t.Fatalf("event %s: %v", msg.Subject(), err)
		}
		if e.ID == "" || msg.Headers().Get("Nats-Msg-Id") != e.ID || e.OccurredAt.IsZero() {
			t.Fatalf("headers: %v", msg.Headers())
		}
		want[msg.Subject()] = true
		if msg.Subject() == "moksho.accounts.consent.changed" {
			var cc accountsv1.ConsentChanged
			if err := e.Decode(&cc); err != nil {
				t.Fatal(err)
			}
			if cc.GetKind() == accountsv1.ConsentKind_CONSENT_KIND_RECRUITER_VISIBILITY && cc.GetGranted() && cc.GetSettings().GetSharedWithRecruiters() {
				visibility = true
			}
		}
	}
}

func flatten(h nats.Header) []string {
	var out []string
	for k, vs := range h {
		out = append(out, k)
		out = append(out, vs...)
	}
	return out
}
