package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/testenv"
)

func TestEnsureStreamsIsIdempotentAndEnforcesTheDuplicateWindow(t *testing.T) {
	ctx := context.Background()
	n := testenv.StartNATS(t)
	_, js := n.JetStream(t)
	spec := bus.StreamSpec{Name: "ORDERS", Subjects: []string{"moksho.orders.>"}, MaxAge: 90 * 24 * time.Hour, Duplicates: 10 * time.Second}

	config := func(name string) jetstream.StreamConfig {
		t.Helper()
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.Config
	}
	for range 2 {
		if err := bus.EnsureStreams(ctx, js, spec, bus.DLQStream); err != nil {
			t.Fatal(err)
		}
	}
	got := config("ORDERS")
	if got.Duplicates != 2*time.Minute || got.Storage != jetstream.FileStorage || got.Replicas != 1 || got.MaxAge != spec.MaxAge {
		t.Errorf("ORDERS config: duplicates %s storage %v replicas %d max age %s", got.Duplicates, got.Storage, got.Replicas, got.MaxAge)
	}
	dlq := config("DLQ")
	if dlq.MaxAge != 30*24*time.Hour || len(dlq.Subjects) != 1 || dlq.Subjects[0] != "moksho.dlq.>" || dlq.Duplicates != 2*time.Minute {
		t.Errorf("DLQ config: %+v", dlq)
	}

	// A longer window is kept, and a changed spec updates the stream.
	spec.Duplicates = 5 * time.Minute
	spec.MaxAge = 60 * 24 * time.Hour
	if err := bus.EnsureStreams(ctx, js, spec); err != nil {
		t.Fatal(err)
	}
	if got := config("ORDERS"); got.Duplicates != 5*time.Minute || got.MaxAge != 60*24*time.Hour {
		t.Errorf("updated ORDERS: duplicates %s max age %s", got.Duplicates, got.MaxAge)
	}
}

func TestEnsureStreamsRejectsBadSpecs(t *testing.T) {
	n := testenv.StartNATS(t)
	_, js := n.JetStream(t)
	for name, s := range map[string]bus.StreamSpec{
		"no max age":          {Name: "A", Subjects: []string{"moksho.a.>"}},
		"max age under dedup": {Name: "A", Subjects: []string{"moksho.a.>"}, MaxAge: time.Minute},
		"no subjects":         {Name: "A", MaxAge: time.Hour},
		"bad name":            {Name: "A.B", Subjects: []string{"moksho.a.>"}, MaxAge: time.Hour},
	} {
		if err := bus.EnsureStreams(context.Background(), js, s); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
