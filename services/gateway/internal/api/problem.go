package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ProblemBase prefixes every problem type URI. Types are stable: clients
// branch on them, never on titles or details.
const ProblemBase = "https://moksho.com/problems/"

// Problem is an RFC 9457 problem details document.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	// RetryAfter is also sent as the Retry-After header (seconds).
	RetryAfter int `json:"retryAfter,omitempty"`
}

// FieldError says what is wrong with one request field.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Problem types. Each has one status.
var (
	probMalformed   = Problem{Type: ProblemBase + "malformed-request", Title: "The request body could not be read", Status: http.StatusBadRequest}
	probValidation  = Problem{Type: ProblemBase + "validation-failed", Title: "Some fields are not valid", Status: http.StatusUnprocessableEntity}
	probUnauth      = Problem{Type: ProblemBase + "unauthenticated", Title: "Sign in first", Status: http.StatusUnauthorized}
	probBadLogin    = Problem{Type: ProblemBase + "invalid-credentials", Title: "Invalid email or password", Status: http.StatusUnauthorized}
	probForbidden   = Problem{Type: ProblemBase + "forbidden", Title: "Not allowed", Status: http.StatusForbidden}
	probCrossSite   = Problem{Type: ProblemBase + "cross-site-request", Title: "Cross-site request refused", Status: http.StatusForbidden}
	probNotFound    = Problem{Type: ProblemBase + "not-found", Title: "Not found", Status: http.StatusNotFound}
	probNoMethod    = Problem{Type: ProblemBase + "method-not-allowed", Title: "Method not allowed", Status: http.StatusMethodNotAllowed}
	probConflict    = Problem{Type: ProblemBase + "conflict", Title: "Conflict", Status: http.StatusConflict}
	probEmailTaken  = Problem{Type: ProblemBase + "email-taken", Title: "An account with this email already exists", Status: http.StatusConflict}
	probTooLarge    = Problem{Type: ProblemBase + "payload-too-large", Title: "The request body is too large", Status: http.StatusRequestEntityTooLarge}
	probMediaType   = Problem{Type: ProblemBase + "unsupported-media-type", Title: "Unsupported content type", Status: http.StatusUnsupportedMediaType}
	probThrottled   = Problem{Type: ProblemBase + "too-many-requests", Title: "Too many attempts", Status: http.StatusTooManyRequests}
	probUnavailable = Problem{Type: ProblemBase + "service-unavailable", Title: "Temporarily unavailable, try again shortly", Status: http.StatusServiceUnavailable}
	probConsent     = Problem{Type: ProblemBase + "consent-required", Title: "Accept the current privacy policy first", Status: http.StatusForbidden}
	probInternal    = Problem{Type: ProblemBase + "internal-error", Title: "Something went wrong on our side", Status: http.StatusInternalServerError}
)

// with returns a copy of p with a detail.
func (p Problem) with(detail string) Problem {
	p.Detail = detail
	return p
}

// withField returns a copy of p naming one field in error.
func (p Problem) withField(field, code, msg string) Problem {
	p.Errors = append(p.Errors[:len(p.Errors):len(p.Errors)], FieldError{Field: field, Code: code, Message: msg})
	return p
}

func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	p.Instance = r.URL.Path
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", itoa(p.RetryAfter))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// grpcProblem turns an error from a backend service into a problem,
// logging the ones that are our fault.
func (s *Server) grpcProblem(w http.ResponseWriter, r *http.Request, err error) {
	st, _ := status.FromError(err)
	switch st.Code() {
	case codes.InvalidArgument:
		p := probValidation.with(st.Message())
		for _, d := range st.Details() {
			if br, ok := d.(*errdetails.BadRequest); ok {
				for _, v := range br.GetFieldViolations() {
					p.Errors = append(p.Errors, FieldError{Field: camel(v.GetField()), Code: v.GetReason(), Message: v.GetDescription()})
				}
			}
		}
		writeProblem(w, r, p)
	case codes.AlreadyExists:
		writeProblem(w, r, probConflict.with(st.Message()))
	case codes.NotFound:
		writeProblem(w, r, probNotFound.with(st.Message()))
	case codes.Unauthenticated:
		writeProblem(w, r, probUnauth.with(st.Message()))
	case codes.PermissionDenied:
		writeProblem(w, r, probForbidden.with(st.Message()))
	case codes.FailedPrecondition:
		writeProblem(w, r, probConflict.with(st.Message()))
	case codes.ResourceExhausted:
		writeProblem(w, r, probThrottled.with(st.Message()))
	case codes.Unavailable, codes.DeadlineExceeded:
		s.log.WarnContext(r.Context(), "backend unavailable", "err", err, "path", r.URL.Path)
		writeProblem(w, r, probUnavailable)
	case codes.Canceled:
		// The client went away; nothing useful to send.
		writeProblem(w, r, probUnavailable)
	default:
		s.log.ErrorContext(r.Context(), "backend error", "err", err, "path", r.URL.Path)
		writeProblem(w, r, probInternal)
	}
}

// camel turns a proto field name (accept_policy_version) into the API's
// (acceptPolicyVersion).
func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
