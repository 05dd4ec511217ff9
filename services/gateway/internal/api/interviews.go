package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	evaluationv1 "github.com/moksho/platform/proto/moksho/evaluation/v1"
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
)

// maxTextAnswerBytes bounds a typed answer's body (the service counts
// 20,000 characters; four bytes each at most).
const maxTextAnswerBytes = 80 << 10

var (
	probPayment  = Problem{Type: ProblemBase + "payment-required", Title: "Your plan does not include this", Status: http.StatusPaymentRequired}
	probFinished = Problem{Type: ProblemBase + "interview-finished", Title: "The interview is finished", Status: http.StatusConflict}
)

// QuestionDoc is an interview question as the API shows it.
type QuestionDoc struct {
	ID       string `json:"id"`
	Position int32  `json:"position"`
	Text     string `json:"text"`
	Kind     string `json:"kind"`
	// Competency is what the question assesses: the behavioural
	// competency, or for technical and resume questions their skill; null
	// for situational dilemmas and for the candidate's own questions.
	Competency  *string  `json:"competency"`
	Skill       string   `json:"skill,omitempty"`
	AnswerID    *string  `json:"answerId"`
	AnswerScore *float64 `json:"answerScore"`
}

// InterviewDoc is an interview as the API shows it.
type InterviewDoc struct {
	ID           string        `json:"id"`
	RoleID       string        `json:"roleId"`
	AssessmentID string        `json:"assessmentId,omitempty"`
	InvitationID string        `json:"invitationId,omitempty"`
	Status       string        `json:"status"`
	Questions    []QuestionDoc `json:"questions"`
	Answers      []AnswerRef   `json:"answers"`
	OverallScore *float64      `json:"overallScore"`
	BestAnswerID *string       `json:"bestAnswerId"`
	CreatedAt    time.Time     `json:"createdAt"`
	CompletedAt  *time.Time    `json:"completedAt"`
	ScoredAt     *time.Time    `json:"scoredAt"`
	ExpiresAt    time.Time     `json:"expiresAt"`
}

// AnswerRef is a question's latest answer.
type AnswerRef struct {
	QuestionID string   `json:"questionId"`
	AnswerID   string   `json:"answerId"`
	Score      *float64 `json:"score"`
}

func interviewDoc(iv *interviewsv1.Interview) InterviewDoc {
	d := InterviewDoc{
		ID: iv.GetId(), RoleID: iv.GetRoleId(), AssessmentID: iv.GetAssessmentId(), InvitationID: iv.GetInvitationId(),
		Status: interviewStatus(iv.GetStatus()), Questions: []QuestionDoc{}, Answers: []AnswerRef{},
		OverallScore: iv.OverallScore, CreatedAt: iv.GetCreatedAt().AsTime(), ExpiresAt: iv.GetExpiresAt().AsTime(),
	}
	if iv.GetBestAnswerId() != "" {
		id := iv.GetBestAnswerId()
		d.BestAnswerID = &id
	}
	if iv.CompletedAt != nil {
		t := iv.GetCompletedAt().AsTime()
		d.CompletedAt = &t
	}
	if iv.ScoredAt != nil {
		t := iv.GetScoredAt().AsTime()
		d.ScoredAt = &t
	}
	for _, q := range iv.GetQuestions() {
		qd := QuestionDoc{ID: q.GetId(), Position: q.GetPosition(), Text: q.GetText(), Kind: q.GetKind(),
			Skill: q.GetSkill(), AnswerScore: q.AnswerScore}
		if c := cmp.Or(q.GetCompetency(), q.GetSkill()); c != "" {
			qd.Competency = &c
		}
		if q.GetAnswerId() != "" {
			id := q.GetAnswerId()
			qd.AnswerID = &id
			d.Answers = append(d.Answers, AnswerRef{QuestionID: q.GetId(), AnswerID: id, Score: q.AnswerScore})
		}
		d.Questions = append(d.Questions, qd)
	}
	return d
}

func interviewStatus(s interviewsv1.InterviewStatus) string {
	switch s {
	case interviewsv1.InterviewStatus_INTERVIEW_STATUS_IN_PROGRESS:
		return "in_progress"
	case interviewsv1.InterviewStatus_INTERVIEW_STATUS_COMPLETED:
		return "completed"
	case interviewsv1.InterviewStatus_INTERVIEW_STATUS_SCORED:
		return "scored"
	}
	return "unknown"
}

type createInterviewRequest struct {
	RoleID          string   `json:"roleId"`
	AssessmentID    string   `json:"assessmentId"`
	InvitationID    string   `json:"invitationId"`
	CustomQuestions []string `json:"customQuestions"`
}

func (s *Server) createInterview(w http.ResponseWriter, r *http.Request) {
	if !s.candidateWithConsent(w, r) {
		return
	}
	var req createInterviewRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.RoleID) == "" {
		writeProblem(w, r, probValidation.with("choose a role").withField("roleId", "required", "roleId is required: see GET /api/v1/roles"))
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Interviews.CreateInterview(ctx, &interviewsv1.CreateInterviewRequest{
		UserId: principal(r).UserID, RoleId: req.RoleID, AssessmentId: req.AssessmentID,
		InvitationId: req.InvitationID, CustomQuestions: req.CustomQuestions,
	})
	if err != nil {
		if hasReason(err, "ENTITLEMENT_REQUIRED") {
			writeProblem(w, r, probPayment.with(status.Convert(err).Message()))
			return
		}
		s.grpcProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/interviews/"+res.GetInterview().GetId())
	writeJSON(w, http.StatusCreated, interviewDoc(res.GetInterview()))
}

func (s *Server) listInterviews(w http.ResponseWriter, r *http.Request) {
	if !s.candidateOnly(w, r) {
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Interviews.ListInterviews(ctx, &interviewsv1.ListInterviewsRequest{UserId: principal(r).UserID})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Interviews []InterviewDoc `json:"interviews"`
	}{docs(res.GetInterviews(), interviewDoc)})
}

func (s *Server) getInterview(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Interviews.GetInterview(ctx, &interviewsv1.GetInterviewRequest{UserId: principal(r).UserID, InterviewId: r.PathValue("id")})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, interviewDoc(res.GetInterview()))
}

func (s *Server) completeInterview(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Interviews.CompleteInterview(ctx, &interviewsv1.CompleteInterviewRequest{UserId: principal(r).UserID, InterviewId: r.PathValue("id")})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, interviewDoc(res.GetInterview()))
}

// putAnswer takes a typed answer (text/plain) to one question of the
// caller's own interview; it is scored asynchronously (202). Until the
// interview is finished, a new answer replaces the previous one.
func (s *Server) putAnswer(w http.ResponseWriter, r *http.Request) {
	if !s.candidateWithConsent(w, r) {
		return
	}
	// Browsers send "video/webm;codecs=vp8,opus", whose unquoted comma
	// mime.ParseMediaType refuses: take the type before the parameters.
	base, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	mt := strings.ToLower(strings.TrimSpace(base))
	// A body sent with no type at all (as some HTTP libraries do) is taken
	// as a typed answer when it is UTF-8 text.
	untyped := mt == ""
	if untyped {
		mt = "text/plain"
	}
	if recordingTypes[mt] {
		s.putRecording(w, r)
		return
	}
	if mt != "text/plain" {
		writeProblem(w, r, probMediaType.with(fmt.Sprintf("%s is not an accepted answer: send text/plain, or a recording as video/webm, video/mp4, audio/webm, audio/ogg or audio/wav", mt)))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTextAnswerBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) && untyped { // most likely a recording sent with no type
			writeProblem(w, r, probMediaType.with("send the answer as text/plain, or a recording as video/webm, video/mp4, audio/webm, audio/ogg or audio/wav"))
			return
		}
		if errors.As(err, &tooBig) {
			writeProblem(w, r, probTooLarge.with("the answer is too long: keep it to what you would say in a few minutes (20,000 characters at most)"))
			return
		}
		writeProblem(w, r, probMalformed.with("the answer could not be read"))
		return
	}
	if !utf8.Valid(body) && untyped {
		writeProblem(w, r, probMediaType.with("send the answer as text/plain, or a recording as video/webm, video/mp4, audio/webm, audio/ogg or audio/wav"))
		return
	}
	if !utf8.Valid(body) {
		writeProblem(w, r, probValidation.with("the answer must be UTF-8 text").withField("body", "invalid", "the answer must be UTF-8 text"))
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	user := principal(r).UserID
	iv, q, ok := s.openQuestion(ctx, w, r)
	if !ok {
		return
	}
	res, err := s.be.Evaluation.SubmitAnswer(ctx, &evaluationv1.SubmitAnswerRequest{
		UserId: user, InterviewId: iv.GetId(), QuestionId: q.GetId(), RoleId: iv.GetRoleId(), InvitationId: iv.GetInvitationId(),
		QuestionCount: int32(len(iv.GetQuestions())), Text: string(body),
		Question: &evaluationv1.QuestionSnapshot{Text: q.GetText(), Kind: q.GetKind(), Competency: q.GetCompetency(),
			Skill: q.GetSkill(), TalkingPoints: q.GetTalkingPoints()},
	})
	if status.Code(err) == codes.FailedPrecondition {
		writeProblem(w, r, probFinished.with(status.Convert(err).Message()))
		return
	}
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	a := res.GetAnswer()
	w.Header().Set("Location", "/api/v1/answers/"+a.GetId())
	writeJSON(w, http.StatusAccepted, map[string]string{"answerId": a.GetId(), "status": answerStatus(a.GetStatus())})
}

// recordingTypes are the media types a recorded answer may have.
var recordingTypes = map[string]bool{
	"video/webm": true, "audio/webm": true, "video/mp4": true, "audio/mp4": true,
	"audio/ogg": true, "audio/wav": true, "audio/x-wav": true, "audio/wave": true,
}

// openQuestion reads the caller's interview and the question the path
// names, answering 404 or 409 itself when it cannot be answered.
func (s *Server) openQuestion(ctx context.Context, w http.ResponseWriter, r *http.Request) (*interviewsv1.Interview, *interviewsv1.Question, bool) {
	ivRes, err := s.be.Interviews.GetInterview(ctx, &interviewsv1.GetInterviewRequest{UserId: principal(r).UserID, InterviewId: r.PathValue("id")})
	if err != nil {
		s.grpcProblem(w, r, err)
		return nil, nil, false
	}
	iv := ivRes.GetInterview()
	for _, q := range iv.GetQuestions() {
		if q.GetId() != r.PathValue("qid") {
			continue
		}
		if iv.GetStatus() != interviewsv1.InterviewStatus_INTERVIEW_STATUS_IN_PROGRESS {
			writeProblem(w, r, probFinished.with("the interview is finished: its answers can no longer change"))
			return nil, nil, false
		}
		return iv, q, true
	}
	writeProblem(w, r, probNotFound.with("this interview has no such question"))
	return nil, nil, false
}

// putRecording streams a recorded answer to the evaluation service as it
// arrives (64 KiB at a time, never buffered whole), which stores it in
// object storage; a body cut off mid-way leaves nothing behind.
func (s *Server) putRecording(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.MediaTimeout)
	defer cancel()
	iv, q, ok := s.openQuestion(ctx, w, r)
	if !ok {
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxMediaBytes)
	stream, err := s.be.Evaluation.SubmitRecording(ctx)
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	err = stream.Send(&evaluationv1.SubmitRecordingRequest{Part: &evaluationv1.SubmitRecordingRequest_Header{Header: &evaluationv1.RecordingHeader{
		UserId: principal(r).UserID, InterviewId: iv.GetId(), QuestionId: q.GetId(), RoleId: iv.GetRoleId(),
		InvitationId: iv.GetInvitationId(), QuestionCount: int32(len(iv.GetQuestions())), ContentType: r.Header.Get("Content-Type"),
		Question: &evaluationv1.QuestionSnapshot{Text: q.GetText(), Kind: q.GetKind(), Competency: q.GetCompetency(),
			Skill: q.GetSkill(), TalkingPoints: q.GetTalkingPoints()},
	}}})
	buf := make([]byte, uploadChunk)
	for err == nil {
		n, rerr := body.Read(buf)
		if n > 0 {
			err = stream.Send(&evaluationv1.SubmitRecordingRequest{Part: &evaluationv1.SubmitRecordingRequest_Chunk{Chunk: buf[:n]}})
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			// Cut off, or over the limit: end the stream so the service
			// keeps nothing.
			cancel()
			var tooBig *http.MaxBytesError
			if errors.As(rerr, &tooBig) {
				writeProblem(w, r, probTooLarge.with(fmt.Sprintf("the recording is larger than %d MB: keep answers to a few minutes", s.cfg.MaxMediaBytes>>20)))
				return
			}
			writeProblem(w, r, probMalformed.with("the recording could not be read to the end: upload it again"))
			return
		}
	}
	res, err := stream.CloseAndRecv()
	if err != nil {
		s.recordingProblem(w, r, err)
		return
	}
	a := res.GetAnswer()
	w.Header().Set("Location", "/api/v1/answers/"+a.GetId())
	writeJSON(w, http.StatusAccepted, map[string]string{"answerId": a.GetId(), "status": answerStatus(a.GetStatus())})
}

// recordingProblem maps the evaluation service's reasons to HTTP statuses.
func (s *Server) recordingProblem(w http.ResponseWriter, r *http.Request, err error) {
	msg := status.Convert(err).Message()
	switch {
	case hasReason(err, "MEDIA_EMPTY"):
		writeProblem(w, r, probValidation.with(msg).withField("body", "empty", msg))
	case hasReason(err, "MEDIA_UNSUPPORTED_TYPE"), hasReason(err, "MEDIA_TYPE_MISMATCH"):
		writeProblem(w, r, probMediaType.with(msg))
	case hasReason(err, "MEDIA_TOO_LARGE"):
		writeProblem(w, r, probTooLarge.with(msg))
	case hasReason(err, "STORAGE_UNAVAILABLE"):
		writeProblem(w, r, probUnavailable.with(msg))
	case status.Code(err) == codes.FailedPrecondition:
		writeProblem(w, r, probFinished.with(msg))
	default:
		s.grpcProblem(w, r, err)
	}
}

type correctTranscriptRequest struct {
	Text string `json:"text"`
}

// putTranscript stores the candidate's correction of a recording's
// transcript (practice interviews) and has the answer scored again.
func (s *Server) putTranscript(w http.ResponseWriter, r *http.Request) {
	var req correctTranscriptRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Evaluation.CorrectTranscript(ctx, &evaluationv1.CorrectTranscriptRequest{UserId: principal(r).UserID, AnswerId: r.PathValue("id"), Text: req.Text})
	if status.Code(err) == codes.FailedPrecondition {
		writeProblem(w, r, probConflict.with(status.Convert(err).Message()))
		return
	}
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, s.answerDoc(res.GetAnswer()))
}

// retryAnswer queues a failed recording for transcription again.
func (s *Server) retryAnswer(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Evaluation.RetryAnswer(ctx, &evaluationv1.RetryAnswerRequest{UserId: principal(r).UserID, AnswerId: r.PathValue("id")})
	if status.Code(err) == codes.FailedPrecondition {
		writeProblem(w, r, probConflict.with(status.Convert(err).Message()))
		return
	}
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, s.answerDoc(res.GetAnswer()))
}

// AnswerDoc is an answer as the API shows it.
type AnswerDoc struct {
	ID            string         `json:"id"`
	InterviewID   string         `json:"interviewId"`
	QuestionID    string         `json:"questionId"`
	Question      string         `json:"question"`
	Status        string         `json:"status"`
	Transcript    string         `json:"transcript"`
	Score         *float64       `json:"score"`
	Dimensions    []DimensionDoc `json:"dimensions"`
	Feedback      string         `json:"feedback"`
	RubricVersion string         `json:"rubricVersion,omitempty"`
	FailureReason string         `json:"failureReason,omitempty"`
	CreatedAt     time.Time      `json:"createdAt"`
	ScoredAt      *time.Time     `json:"scoredAt"`
	ExpiresAt     time.Time      `json:"expiresAt"`
	// Recorded answers only.
	Recorded              bool         `json:"recorded"`
	ContentType           string       `json:"contentType,omitempty"`
	MediaURL              string       `json:"mediaUrl,omitempty"`
	MachineTranscript     string       `json:"machineTranscript,omitempty"`
	TranscriptCorrected   bool         `json:"transcriptCorrected,omitempty"`
	TranscriptCorrectable bool         `json:"transcriptCorrectable"`
	Delivery              *DeliveryDoc `json:"delivery,omitempty"`
}

// DeliveryDoc is how a recorded answer was spoken.
type DeliveryDoc struct {
	WordsPerMinute float64 `json:"wordsPerMinute"`
	FillerRate     float64 `json:"fillerRate"`
	LongPauses     int32   `json:"longPauses"`
	TalkSeconds    float64 `json:"talkSeconds"`
}

// DimensionDoc is one scored aspect of an answer.
type DimensionDoc struct {
	Name     string  `json:"name"`
	Score    float64 `json:"score"`
	Feedback string  `json:"feedback,omitempty"`
}

func answerStatus(s evaluationv1.AnswerStatus) string {
	switch s {
	case evaluationv1.AnswerStatus_ANSWER_STATUS_RECEIVED:
		return "received"
	case evaluationv1.AnswerStatus_ANSWER_STATUS_TRANSCRIBING:
		return "transcribing"
	case evaluationv1.AnswerStatus_ANSWER_STATUS_SCORING:
		return "scoring"
	case evaluationv1.AnswerStatus_ANSWER_STATUS_SCORED:
		return "scored"
	case evaluationv1.AnswerStatus_ANSWER_STATUS_FAILED:
		return "failed"
	}
	return "unknown"
}

func dimensionDocs(ds []*evaluationv1.Dimension) []DimensionDoc {
	return docs(ds, func(d *evaluationv1.Dimension) DimensionDoc {
		return DimensionDoc{Name: d.GetName(), Score: d.GetScore(), Feedback: d.GetFeedback()}
	})
}

func (s *Server) getAnswer(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Evaluation.GetAnswer(ctx, &evaluationv1.GetAnswerRequest{UserId: principal(r).UserID, AnswerId: r.PathValue("id")})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.answerDoc(res.GetAnswer()))
}

func (s *Server) answerDoc(a *evaluationv1.Answer) AnswerDoc {
	d := AnswerDoc{
		ID: a.GetId(), InterviewID: a.GetInterviewId(), QuestionID: a.GetQuestionId(), Question: a.GetQuestionText(),
		Status: answerStatus(a.GetStatus()), Transcript: a.GetTranscript(), Score: a.Score,
		Dimensions: dimensionDocs(a.GetDimensions()), Feedback: a.GetFeedback(), RubricVersion: a.GetRubricVersion(),
		FailureReason: a.GetFailureReason(), CreatedAt: a.GetCreatedAt().AsTime(), ExpiresAt: a.GetExpiresAt().AsTime(),
	}
	if a.ScoredAt != nil {
		t := a.GetScoredAt().AsTime()
		d.ScoredAt = &t
	}
	if a.GetRecorded() {
		d.Recorded, d.ContentType, d.MediaURL = true, a.GetContentType(), a.GetMediaUrl()
		d.MachineTranscript, d.TranscriptCorrected, d.TranscriptCorrectable = a.GetMachineTranscript(), a.GetTranscriptCorrected(), a.GetTranscriptCorrectable()
		if dl := a.GetDelivery(); dl != nil {
			d.Delivery = &DeliveryDoc{dl.GetWordsPerMinute(), dl.GetFillerRate(), dl.GetLongPauses(), dl.GetTalkSeconds()}
		}
	}
	return d
}

// ResultDoc is one scored interview.
type ResultDoc struct {
	InterviewID   string         `json:"interviewId"`
	RoleID        string         `json:"roleId"`
	OverallScore  float64        `json:"overallScore"`
	BestAnswerID  string         `json:"bestAnswerId,omitempty"`
	Answered      int32          `json:"answered"`
	QuestionCount int32          `json:"questionCount"`
	Dimensions    []DimensionDoc `json:"dimensions"`
	ScoredAt      time.Time      `json:"scoredAt"`
	ExpiresAt     time.Time      `json:"expiresAt"`
}

func (s *Server) listResults(w http.ResponseWriter, r *http.Request) {
	if !s.candidateOnly(w, r) {
		return
	}
	ctx, cancel := s.backendCtx(r)
	defer cancel()
	res, err := s.be.Evaluation.ListResults(ctx, &evaluationv1.ListResultsRequest{UserId: principal(r).UserID})
	if err != nil {
		s.grpcProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Results []ResultDoc `json:"results"`
	}{docs(res.GetResults(), resultDoc)})
}

func resultDoc(x *evaluationv1.Result) ResultDoc {
	return ResultDoc{
		InterviewID: x.GetInterviewId(), RoleID: x.GetRoleId(), OverallScore: x.GetOverallScore(),
		BestAnswerID: x.GetBestAnswerId(), Answered: x.GetAnswered(), QuestionCount: x.GetQuestionCount(),
		Dimensions: dimensionDocs(x.GetDimensions()), ScoredAt: x.GetScoredAt().AsTime(), ExpiresAt: x.GetExpiresAt().AsTime(),
	}
}

// hasReason reports whether a gRPC error carries an ErrorInfo reason.
func hasReason(err error, reason string) bool {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() == reason {
			return true
		}
	}
	return false
}
