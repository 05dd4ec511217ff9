package testenv_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/moksho/platform/pkg/testenv"
)

// TestEverythingStarts exercises each piece of infrastructure a service
// test asks for, through its real protocol.
func TestEverythingStarts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	n := testenv.StartNATS(t)
	_, js := n.JetStream(t)
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "T", Subjects: []string{"t.>"}, Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, "t.x", []byte("hi")); err != nil {
		t.Fatal(err)
	}

	pool := testenv.Postgres(t)
	var one int
	if err := pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("postgres: %d %v", one, err)
	}

	s3 := testenv.S3(t)
	if err := s3.Put(ctx, "k", strings.NewReader("v"), 1, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := s3.Head(ctx, "k"); err != nil {
		t.Fatal(err)
	}
}
