package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	resumesv1 "github.com/moksho/platform/proto/moksho/resumes/v1"
)

// Resume upload limits. The file limit is the resumes service's; the body
// may exceed it by the form's other fields and multipart framing.
const (
	MaxResumeBytes    = 5 << 20
	maxResumeBody     = MaxResumeBytes + 256<<10
	maxRoleField      = 200
	maxJobDescription = 128 << 10 // bytes; the service counts characters
	uploadChunk       = 64 << 10
)

var probUnreadable = Problem{Type: ProblemBase + "unreadable-resume", Title: "The resume could not be read", Status: http.StatusUnprocessableEntity}

// AssessmentDoc is an assessment as the API shows it.
type AssessmentDoc struct {
	ID              string              `json:"id"`
	TargetRole      string              `json:"targetRole"`
	TargetRoleTitle string              `json:"targetRoleTitle"`
	FitScore        int32               `json:"fitScore"`
	FitExplanation  FitExplanationDoc   `json:"fitExplanation"`
	Skills          []string            `json:"skills"`
	MissingSkills   []string            `json:"missingSkills"`
	KeywordCoverage *KeywordCoverageDoc `json:"keywordCoverage,omitempty"`
	Recommendations []RecommendationDoc `json:"recommendations"`
	CreatedAt       time.Time           `json:"createdAt"`
	ExpiresAt       time.Time           `json:"expiresAt"`
}

// FitExplanationDoc says how the fit score was made.
type FitExplanationDoc struct {
	RequiredFound    []string       `json:"requiredFound"`
	RequiredMissing  []string       `json:"requiredMissing"`
	NiceFound        []string       `json:"niceToHaveFound"`
	NiceMissing      []string       `json:"niceToHaveMissing"`
	YearsExperience  float64        `json:"yearsExperience"`
	SenioritySignals []string       `json:"senioritySignals"`
	TitleMatch       bool           `json:"titleMatch"`
	Components       []ComponentDoc `json:"components"`
}

// ComponentDoc is one part of the fit score.
type ComponentDoc struct {
	Name      string  `json:"name"`
	Points    float64 `json:"points"`
	MaxPoints float64 `json:"maxPoints"`
	Detail    string  `json:"detail"`
}

// KeywordCoverageDoc is a job description's keyword coverage.
type KeywordCoverageDoc struct {
	Score   int32        `json:"score"`
	Found   []KeywordDoc `json:"found"`
	Missing []KeywordDoc `json:"missing"`
}

// KeywordDoc is one weighted keyword.
type KeywordDoc struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"`
	Skill  bool    `json:"skill"`
}

// RecommendationDoc is one improvement.
type RecommendationDoc struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Quote   string `json:"quote,omitempty"`
}

func assessmentDoc(a *resumesv1.Assessment) AssessmentDoc {
	ex := a.GetExplanation()
	d := AssessmentDoc{
		ID: a.GetId(), TargetRole: a.GetTargetRole(), TargetRoleTitle: a.GetTargetRoleTitle(), FitScore: a.GetFitScore(),
		FitExplanation: FitExplanationDoc{
			RequiredFound: nz(ex.GetRequiredFound()), RequiredMissing: nz(ex.GetRequiredMissing()),
			NiceFound: nz(ex.GetNiceFound()), NiceMissing: nz(ex.GetNiceMissing()),
			YearsExperience: ex.GetYearsExperience(), SenioritySignals: nz(ex.GetSenioritySignals()),
			TitleMatch: ex.GetTitleMatch(),
			Components: docs(ex.GetComponents(), func(c *resumesv1.ScoreComponent) ComponentDoc {
				return ComponentDoc{c.GetName(), c.GetPoints(), c.GetMaxPoints(), c.GetDetail()}
			}),
		},
		Skills: nz(a.GetSkills()), MissingSkills: nz(a.GetMissingSkills()),
		Recommendations: docs(a.GetRecommendations(), func(r *resumesv1.Recommendation) RecommendationDoc {
			return RecommendationDoc{r.GetKind(), r.GetMessage(), r.GetQuote()}
		}),
		CreatedAt: a.GetCreatedAt().AsTime(), ExpiresAt: a.GetExpiresAt().AsTime(),
	}
	if kc := a.GetKeywordCoverage(); kc != nil {
		d.KeywordCoverage = &KeywordCoverageDoc{Score: kc.GetScore(), Found: keywordDocs(kc.GetFound()), Missing: keywordDocs(kc.GetMissing())}
	}
	return d
}

func keywordDocs(ks []*resumesv1.Keyword) []KeywordDoc {
	return docs(ks, func(k *resumesv1.Keyword) KeywordDoc { return KeywordDoc{k.GetTerm(), k.GetWeight(), k.GetSkill()} })
}

// docs converts backend messages to their JSON documents; an empty list
// is [] in the JSON, never null.
func docs[M, D any](in []M, doc func(M) D) []D {
	out := make([]D, 0, len(in))
	for _, m := range in {
		out = append(out, doc(m))
	}
	return out
}

func nz(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// candidateWithConsent refuses users who are not candidates, or whose
// consent to processing is not current, before any resume byte is read.
func (s *Server) candidateWithConsent(w http.ResponseWriter, r *http.Request) bool {
	p := principal(r)
	if p.Role != "candidate" {
		writeProblem(w, r, probForbidden.with("only candidate accounts can do this"))
		return false
	}
	if !p.PolicyCurrent {
		writeProblem(w, r, probConsent.with("accept the current privacy policy (POST /api/v1/me/privacy/policy-acceptance) before we process your data"))
		return false
	}
	return true
}

// uploadResume streams a multipart upload (file, targetRole,
// jobDescription) to the resumes service as it arrives: the file goes
// from the socket into the gRPC stream in 64 KiB pieces, never to disk.
func (s *Server) uploadResume(w http.ResponseWriter, r *http.Request) {
	if !s.candidateWithConsent(w, r) {
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		writeProblem(w, r, probMediaType.with("send the resume as multipart/form-data with a file field, a targetRole field and optionally jobDescription"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxResumeBody)
	mr, err := r.MultipartReader()
	if err != nil {
		writeProblem(w, r, probMalformed.with("the multipart body could not be read"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()

	header := &resumesv1.AssessResumeHeader{UserId: principal(r).UserID}
	var stream interface {
		Send(*resumesv1.AssessResumeRequest) error
		CloseAndRecv() (*resumesv1.AssessResumeResponse, error)
	}
	open := func() error {
		if stream != nil {
			return nil
		}
		st, err := s.be.Resumes.AssessResume(ctx)
		if err != nil {
			return err
		}
		stream = st
		return nil
	}
	var haveFile, haveRole bool
	buf := make([]byte, uploadChunk)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.uploadReadProblem(w, r, err)
			return
		}
		switch part.FormName() {
		case "file":
			if haveFile {
				writeProblem(w, r, probValidation.with("send one file").withField("file", "duplicate", "send exactly one file"))
				return
			}
			haveFile = true
			header.Filename, header.ContentType = part.FileName(), part.Header.Get("Content-Type")
			if err := open(); err != nil {
				s.grpcProblem(w, r, err)
				return
			}
			total := 0
			for {
				n, rerr := io.ReadFull(part, buf)
				if n > 0 {
					total += n
					if total > MaxResumeBytes {
						writeProblem(w, r, probTooLarge.with(fmt.Sprintf("the file is larger than %d MB: upload a shorter resume (two pages are plenty)", MaxResumeBytes>>20)))
						return
					}
					if err := stream.Send(&resumesv1.AssessResumeRequest{Part: &resumesv1.AssessResumeRequest_Chunk{Chunk: buf[:n]}}); err != nil {
						// The service ended the stream early; its answer says why.
						if _, rerr := stream.CloseAndRecv(); rerr != nil {
							s.resumeProblem(w, r, rerr)
						} else {
							s.grpcProblem(w, r, err)
						}
						return
					}
				}
				if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
					break
				}
				if rerr != nil {
					s.uploadReadProblem(w, r, rerr)
					return
				}
			}
		case "targetRole":
			v, ok := s.readField(w, r, part, "targetRole", maxRoleField)
			if !ok {
				return
			}
			header.TargetRole, haveRole = strings.TrimSpace(v), true
		case "jobDescription":
			v, ok := s.readField(w, r, part, "jobDescription", maxJobDescription)
			if !ok {
				return
			}
			header.JobDescription = v
		default:
			writeProblem(w, r, probMalformed.with(fmt.Sprintf("unknown form field %q: send file, targetRole and optionally jobDescription", part.FormName())).
				withField(part.FormName(), "unknown_field", "unknown form field"))
			return
		}
	}
	var missing []FieldError
	if !haveFile {
		missing = append(missing, FieldError{Field: "file", Code: "required", Message: "attach the resume (PDF, DOCX, TXT or Markdown, up to 5 MB) as the file field"})
	}
	if !haveRole || header.TargetRole == "" {
		missing = append(missing, FieldError{Field: "targetRole", Code: "required", Message: "choose the role to assess against (GET /api/v1/roles)"})
	}
	if len(missing) > 0 {
		p := probValidation.with("fix the fields listed in errors")
		p.Errors = missing
		writeProblem(w, r, p)
		return
	}
	if err := stream.Send(&resumesv1.AssessResumeRequest{Part: &resumesv1.AssessResumeRequest_Header{Header: header}}); err != nil && !errors.Is(err, io.EOF) {
		s.grpcProblem(w, r, err)
		return
	}
	res, err := stream.CloseAndRecv()
	if err != nil {
		s.resumeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/resumes/"+res.GetAssessment().GetId())
	writeJSON(w, http.StatusCreated, assessmentDoc(res.GetAssessment()))
}

func (s *Server) readField(w http.ResponseWriter, r *http.Request, part io.Reader, name string, limit int64) (string, bool) {
	b, err := io.ReadAll(io.LimitReader(part, limit+1))
	if err != nil {
		s.uploadReadProblem(w, r, err)
		return "", false
	}
	if int64(len(b)) > limit {
		writeProblem(w, r, probValidation.with(name+" is too long").withField(name, "too_long", fmt.Sprintf("%s may be at most %d bytes", name, limit)))
		return "", false
	}
	if !utf8.Valid(b) {
		writeProblem(w, r, probValidation.with(name+" must be UTF-8 text").withField(name, "invalid", "must be UTF-8 text"))
		return "", false
	}
	return string(b), true
}

func (s *Server) uploadReadProblem(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeProblem(w, r, probTooLarge.with(fmt.Sprintf("the upload is larger than %d MB", MaxResumeBytes>>20)))
		return
	}
	writeProblem(w, r, probMalformed.with("the multipart body could not be read: it ended early or is malformed"))
}

// resumeProblem maps the resumes service's reasons to HTTP statuses: 413
// too large, 415 not a resume format (or not what it claims), 422 a
// resume we cannot read or an unknown role.
func (s *Server) resumeProblem(w http.ResponseWriter, r *http.Request, err error) {
	st, _ := status.FromError(err)
	if st.Code() == codes.InvalidArgument {
		for _, d := range st.Details() {
			info, ok := d.(*errdetails.ErrorInfo)
			if !ok {
				continue
			}
			switch info.GetReason() {
			case "RESUME_TOO_LARGE":
				writeProblem(w, r, probTooLarge.with(st.Message()))
				return
			case "RESUME_UNSUPPORTED_TYPE", "RESUME_TYPE_MISMATCH":
				writeProblem(w, r, probMediaType.with(st.Message()))
				return
			case "RESUME_EMPTY", "RESUME_NO_TEXT", "RESUME_ENCRYPTED", "RESUME_MALFORMED":
				p := probUnreadable.with(st.Message())
				p.Errors = []FieldError{{Field: "file", Code: strings.ToLower(strings.TrimPrefix(info.GetReason(), "RESUME_")), Message: st.Message()}}
				writeProblem(w, r, p)
				return
			}
		}
	}
	s.grpcProblem(w, r, err)
}

func (s *Server) listResumes(w http.ResponseWriter, r *http.Request) {
	if !s.candidateOnly(w, r) {
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Resumes.ListAssessments(ctx, &resumesv1.ListAssessmentsRequest{UserId: principal(r).UserID})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Assessments []AssessmentDoc `json:"assessments"`
	}{docs(res.GetAssessments(), assessmentDoc)})
}

func (s *Server) getResume(w http.ResponseWriter, r *http.Request) {
	if !s.candidateOnly(w, r) {
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Resumes.GetAssessment(ctx, &resumesv1.GetAssessmentRequest{UserId: principal(r).UserID, AssessmentId: r.PathValue("id")})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, assessmentDoc(res.GetAssessment()))
}

func (s *Server) candidateOnly(w http.ResponseWriter, r *http.Request) bool {
	if principal(r).Role != "candidate" {
		writeProblem(w, r, probForbidden.with("only candidate accounts have resume assessments"))
		return false
	}
	return true
}

// RoleDoc is a catalog role as the API shows it.
type RoleDoc struct {
	ID               string   `json:"id"`
	Title            string   `json:"title"`
	Summary          string   `json:"summary"`
	Family           string   `json:"family"`
	Skills           []string `json:"skills"`
	NiceToHaveSkills []string `json:"niceToHaveSkills"`
	Competencies     []string `json:"competencies"`
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Interviews.ListRoles(ctx, &interviewsv1.ListRolesRequest{})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	out := struct {
		Roles []RoleDoc `json:"roles"`
	}{Roles: make([]RoleDoc, 0, len(res.GetRoles()))}
	for _, ro := range res.GetRoles() {
		out.Roles = append(out.Roles, RoleDoc{
			ID: ro.GetId(), Title: ro.GetTitle(), Summary: ro.GetSummary(), Family: ro.GetFamily(),
			Skills: nz(ro.GetRequiredSkills()), NiceToHaveSkills: nz(ro.GetNiceToHaveSkills()), Competencies: nz(ro.GetCompetencies()),
		})
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSONKeepCache(w, http.StatusOK, out)
}

func (s *Server) listSkills(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Resumes.ListSkills(ctx, &resumesv1.ListSkillsRequest{})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	type skillDoc struct {
		Name     string `json:"name"`
		Category string `json:"category"`
	}
	out := struct {
		Skills []skillDoc `json:"skills"`
	}{Skills: make([]skillDoc, 0, len(res.GetSkills()))}
	for _, sk := range res.GetSkills() {
		out.Skills = append(out.Skills, skillDoc{sk.GetName(), sk.GetCategory()})
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSONKeepCache(w, http.StatusOK, out)
}
