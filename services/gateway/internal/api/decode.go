package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// decodeJSON reads a JSON object into dst strictly: the content type must be
// JSON, the body no larger than the limit, every field known, every type
// right, and nothing after the object. On failure it writes the problem and
// returns false.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, dst any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			writeProblem(w, r, probMediaType.with("send the body as application/json"))
			return false
		}
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxJSONBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		writeProblem(w, r, decodeProblem(err, s.cfg.MaxJSONBody))
		return false
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(w, r, decodeProblem(err, s.cfg.MaxJSONBody))
			return false
		}
		writeProblem(w, r, probMalformed.with("the body must hold exactly one JSON object"))
		return false
	}
	return true
}

func decodeProblem(err error, limit int64) Problem {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		tooBig   *http.MaxBytesError
		fieldErr = "json: unknown field "
	)
	switch {
	case errors.As(err, &tooBig):
		return probTooLarge.with(fmt.Sprintf("the body must be at most %d bytes", limit))
	case errors.As(err, &syntax):
		return probMalformed.with(fmt.Sprintf("malformed JSON at byte %d", syntax.Offset))
	case errors.Is(err, io.EOF):
		return probMalformed.with("the body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return probMalformed.with("the JSON body ends too early")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return probMalformed.with("the body must be a JSON object")
		}
		p := probMalformed.with(fmt.Sprintf("field %q must be %s", field, jsonKind(typeErr.Type.Kind().String())))
		p.Errors = []FieldError{{Field: field, Code: "wrong_type", Message: p.Detail}}
		return p
	case strings.HasPrefix(err.Error(), fieldErr):
		name := strings.Trim(strings.TrimPrefix(err.Error(), fieldErr), `"`)
		p := probMalformed.with(fmt.Sprintf("unknown field %q", name))
		p.Errors = []FieldError{{Field: name, Code: "unknown_field", Message: p.Detail}}
		return p
	}
	return probMalformed.with("the body is not valid JSON")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "a number"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSONKeepCache(w, status, v)
}

// writeJSONKeepCache writes v leaving Cache-Control as the handler set it
// (public data such as the role catalog).
func writeJSONKeepCache(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func itoa(n int) string { return fmt.Sprint(n) }
