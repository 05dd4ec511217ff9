package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the contract of this API (OpenAPI 3.1), kept beside the
// handlers; a test fails when a route is missing from it or it names a
// route that does not exist.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDoc)
}
