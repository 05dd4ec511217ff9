// Package blobtest gives a test its own S3: an in-memory fake served over
// real HTTP on loopback, so that code under test goes through the AWS SDK
// exactly as in production, with nothing to install or start.
package blobtest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/moksho/platform/pkg/blob"
	"github.com/moksho/platform/pkg/blob/fakes3"
)

// Bucket is the bucket of every Store that NewServer returns.
const Bucket = "test"

// NewServer starts an in-memory S3 for the test, creates Bucket in it and
// returns a Store on that bucket. The server stops when the test ends. Each
// call is a separate, empty S3, so tests may run in parallel.
func NewServer(t testing.TB) *blob.Store {
	t.Helper()
	store, _ := NewServerWithConfig(t)
	return store
}

// NewServerWithConfig is NewServer that also returns the Config it used,
// for tests of code that builds its own Store (a service's Run) from
// configuration.
func NewServerWithConfig(t testing.TB) (*blob.Store, blob.Config) {
	t.Helper()
	h, err := fakes3.NewHandler("")
	if err != nil {
		t.Fatalf("blobtest: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	cfg := blob.Config{
		Endpoint:        srv.URL,
		Region:          "us-east-1",
		AccessKeyID:     "blobtest",
		SecretAccessKey: "blobtest-secret",
		Bucket:          Bucket,
		UsePathStyle:    true,
	}
	ctx := context.Background()
	store, err := blob.New(ctx, cfg)
	if err != nil {
		t.Fatalf("blobtest: %v", err)
	}
	if err := store.EnsureBucket(ctx); err != nil {
		t.Fatalf("blobtest: %v", err)
	}
	return store, cfg
}
