// Package fakes3 is an S3-compatible HTTP server for tests and for the
// all-in-one local deployment, so that both exercise the same code path as
// production (the AWS SDK talking HTTP to S3) without an external service.
// It is not for production: it checks no signatures and has no access
// control.
package fakes3

import (
	"fmt"
	"net/http"
	"os"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/spf13/afero"
)

// NewHandler returns an S3 API handler. With dir == "" objects live in
// memory and vanish with the handler; otherwise they are files under dir
// (created if missing), so the local deployment keeps its media across
// restarts and two handlers on the same dir see the same objects. Serve it
// with path-style addressing (blob.Config.UsePathStyle). Buckets must be
// created before use, as in real S3 (blob.Store.EnsureBucket).
func NewHandler(dir string) (http.Handler, error) {
	var backend gofakes3.Backend
	if dir == "" {
		backend = s3mem.New()
	} else {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create fake s3 directory: %w", err)
		}
		b, err := s3afero.MultiBucket(afero.NewBasePathFs(afero.NewOsFs(), dir))
		if err != nil {
			return nil, fmt.Errorf("open fake s3 directory %s: %w", dir, err)
		}
		backend = b
	}
	return gofakes3.New(backend, gofakes3.WithoutVersioning()).Server(), nil
}
