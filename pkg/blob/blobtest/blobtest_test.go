package blobtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/moksho/platform/pkg/blob"
	"github.com/moksho/platform/pkg/blob/blobtest"
)

func TestServersAreIsolated(t *testing.T) {
	ctx := context.Background()
	a := blobtest.NewServer(t)
	b, cfg := blobtest.NewServerWithConfig(t)
	if cfg.Bucket != blobtest.Bucket || cfg.Endpoint == "" || !cfg.UsePathStyle {
		t.Errorf("config = %+v, want the test bucket on a path-style local endpoint", cfg)
	}

	if err := a.Put(ctx, "k", strings.NewReader("v"), 1, "text/plain"); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if _, err := a.Head(ctx, "k"); err != nil {
		t.Errorf("Head on the same server: %v", err)
	}
	if _, err := b.Head(ctx, "k"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Head on another server = %v, want ErrNotFound", err)
	}

	// A Store built from the returned Config reaches the same server.
	c, err := blob.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Put(ctx, "shared", strings.NewReader("v"), 1, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Head(ctx, "shared"); err != nil {
		t.Errorf("Store from Config does not see the server's objects: %v", err)
	}
}
