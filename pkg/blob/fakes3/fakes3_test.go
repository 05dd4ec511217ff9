package fakes3_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/moksho/platform/pkg/blob/fakes3"
)

func TestNewHandler(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dir     string
		wantErr bool
	}{
		{name: "in memory", dir: ""},
		{name: "new directory", dir: filepath.Join(t.TempDir(), "a", "b")},
		{name: "path is a file", dir: file, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := fakes3.NewHandler(tt.dir)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewHandler(%q) error = %v, want error %v", tt.dir, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			// A bucket can be created and then listed, as S3 would.
			for _, step := range []struct {
				method string
				path   string
				want   int
			}{
				{http.MethodGet, "/media", http.StatusNotFound},
				{http.MethodPut, "/media", http.StatusOK},
				{http.MethodGet, "/media", http.StatusOK},
			} {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(step.method, step.path, nil))
				if rec.Code != step.want {
					t.Errorf("%s %s = %d, want %d: %s", step.method, step.path, rec.Code, step.want, rec.Body)
				}
			}
			if tt.dir != "" {
				if _, err := os.Stat(filepath.Join(tt.dir, "buckets", "media")); err != nil {
					t.Errorf("bucket not created on disk: %v", err)
				}
			}
		})
	}
}
