// Package rpc serves the accounts use cases over gRPC: it converts between
// protobuf and app types and maps app errors to status codes, never a
// blanket Internal for a user's mistake.
package rpc

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	prpc "github.com/moksho/platform/pkg/rpc"
	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
	"github.com/moksho/platform/services/accounts/internal/app"
	"github.com/moksho/platform/services/accounts/internal/policy"
)

// Server implements accountsv1.AccountsServiceServer.
type Server struct {
	accountsv1.UnimplementedAccountsServiceServer
	svc *app.Service
	log *slog.Logger
}

// NewServer returns a gRPC server over the use cases; log receives the
// causes of internal errors, which callers only see as codes.Internal.
func NewServer(svc *app.Service, log *slog.Logger) *Server { return &Server{svc: svc, log: log} }

// GetPolicy implements accountsv1.AccountsServiceServer.
func (s *Server) GetPolicy(context.Context, *accountsv1.GetPolicyRequest) (*accountsv1.GetPolicyResponse, error) {
	p := s.svc.CurrentPolicy()
	return &accountsv1.GetPolicyResponse{Policy: &accountsv1.Policy{
		Version: p.Version, Text: p.Text, Sha256: p.SHA256, EffectiveAt: timestamppb.New(p.EffectiveAt),
	}}, nil
}

// Register implements accountsv1.AccountsServiceServer.
func (s *Server) Register(ctx context.Context, req *accountsv1.RegisterRequest) (*accountsv1.RegisterResponse, error) {
	u, err := s.svc.Register(ctx, app.RegisterInput{
		Email: req.GetEmail(), Password: req.GetPassword(), Name: req.GetName(),
		Role: app.RoleFromProto(req.GetRole()), Organization: req.GetOrganization(),
		AcceptPolicyVersion: req.GetAcceptPolicyVersion(), FullTextShown: req.GetPolicyFullTextShown(),
	})
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &accountsv1.RegisterResponse{User: userToProto(u)}, nil
}

// Login implements accountsv1.AccountsServiceServer.
func (s *Server) Login(ctx context.Context, req *accountsv1.LoginRequest) (*accountsv1.LoginResponse, error) {
	token, sess, u, err := s.svc.Login(ctx, req.GetEmail(), req.GetPassword())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &accountsv1.LoginResponse{
		SessionToken:       token,
		User:               userToProto(u),
		ExpiresAt:          timestamppb.New(sess.ExpiresAt),
		IdleTimeoutSeconds: int64(s.svc.Sessions().IdleTimeout.Seconds()),
	}, nil
}

// Logout implements accountsv1.AccountsServiceServer.
func (s *Server) Logout(ctx context.Context, req *accountsv1.LogoutRequest) (*accountsv1.LogoutResponse, error) {
	if err := s.svc.Logout(ctx, req.GetSessionToken()); err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &accountsv1.LogoutResponse{}, nil
}

// Authenticate implements accountsv1.AccountsServiceServer.
func (s *Server) Authenticate(ctx context.Context, req *accountsv1.AuthenticateRequest) (*accountsv1.AuthenticateResponse, error) {
	p, err := s.svc.Authenticate(ctx, req.GetSessionToken())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return principalToProto(p), nil
}

// maxAuthenticateBatch bounds the tokens of one AuthenticateBatch call.
const maxAuthenticateBatch = 256

// AuthenticateBatch implements accountsv1.AccountsServiceServer. The
// tokens are resolved concurrently, so that the store reads them in as few
// queries as it can; a token with no live session gets an empty result.
func (s *Server) AuthenticateBatch(ctx context.Context, req *accountsv1.AuthenticateBatchRequest) (*accountsv1.AuthenticateBatchResponse, error) {
	tokens := req.GetSessionTokens()
	if len(tokens) > maxAuthenticateBatch {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d tokens per call", maxAuthenticateBatch)
	}
	results := make([]*accountsv1.AuthenticateResult, len(tokens))
	errs := make([]error, len(tokens))
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Go(func() {
			p, err := s.svc.Authenticate(ctx, tok)
			switch {
			case errors.Is(err, app.ErrNoSession):
				results[i] = &accountsv1.AuthenticateResult{}
			case err != nil:
				errs[i] = err
			default:
				results[i] = &accountsv1.AuthenticateResult{Principal: principalToProto(p)}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &accountsv1.AuthenticateBatchResponse{Results: results}, nil
}

func principalToProto(p app.Principal) *accountsv1.AuthenticateResponse {
	return &accountsv1.AuthenticateResponse{
		UserId: p.UserID, Role: app.RoleToProto(p.Role), OrganizationId: p.OrgID,
		SessionId: p.SessionID, PolicyCurrent: p.PolicyCurrent, User: userToProto(p.User),
	}
}

// GetUser implements accountsv1.AccountsServiceServer.
func (s *Server) GetUser(ctx context.Context, req *accountsv1.GetUserRequest) (*accountsv1.GetUserResponse, error) {
	u, err := s.svc.User(ctx, req.GetUserId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &accountsv1.GetUserResponse{User: userToProto(u)}, nil
}

// GetUsers implements accountsv1.AccountsServiceServer.
func (s *Server) GetUsers(ctx context.Context, req *accountsv1.GetUsersRequest) (*accountsv1.GetUsersResponse, error) {
	users, err := s.svc.Users(ctx, req.GetUserIds())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	out := &accountsv1.GetUsersResponse{Users: make([]*accountsv1.User, 0, len(users))}
	for _, u := range users {
		out.Users = append(out.Users, userToProto(u))
	}
	return out, nil
}

// UpdateProfile implements accountsv1.AccountsServiceServer.
func (s *Server) UpdateProfile(ctx context.Context, req *accountsv1.UpdateProfileRequest) (*accountsv1.UpdateProfileResponse, error) {
	u, err := s.svc.UpdateProfile(ctx, req.GetUserId(), req.Name, req.Email)
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &accountsv1.UpdateProfileResponse{User: userToProto(u)}, nil
}

// ChangePassword implements accountsv1.AccountsServiceServer.
func (s *Server) ChangePassword(ctx context.Context, req *accountsv1.ChangePasswordRequest) (*accountsv1.ChangePasswordResponse, error) {
	token, sess, err := s.svc.ChangePassword(ctx, req.GetUserId(), req.GetCurrentPassword(), req.GetNewPassword())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &accountsv1.ChangePasswordResponse{SessionToken: token, ExpiresAt: timestamppb.New(sess.ExpiresAt)}, nil
}

// GetPrivacySettings implements accountsv1.AccountsServiceServer.
func (s *Server) GetPrivacySettings(ctx context.Context, req *accountsv1.GetPrivacySettingsRequest) (*accountsv1.GetPrivacySettingsResponse, error) {
	p, h, err := s.svc.Privacy(ctx, req.GetUserId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	settings, history := privacyToProto(p, h)
	return &accountsv1.GetPrivacySettingsResponse{Settings: settings, History: history}, nil
}

// UpdatePrivacySettings implements accountsv1.AccountsServiceServer.
func (s *Server) UpdatePrivacySettings(ctx context.Context, req *accountsv1.UpdatePrivacySettingsRequest) (*accountsv1.UpdatePrivacySettingsResponse, error) {
	p, h, err := s.svc.UpdatePrivacy(ctx, req.GetUserId(), req.RecruiterVisible, req.DoNotSellOrShare)
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	settings, history := privacyToProto(p, h)
	return &accountsv1.UpdatePrivacySettingsResponse{Settings: settings, History: history}, nil
}

// AcceptPolicy implements accountsv1.AccountsServiceServer.
func (s *Server) AcceptPolicy(ctx context.Context, req *accountsv1.AcceptPolicyRequest) (*accountsv1.AcceptPolicyResponse, error) {
	p, h, err := s.svc.AcceptPolicy(ctx, req.GetUserId(), req.GetPolicyVersion(), req.GetFullTextShown())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	settings, history := privacyToProto(p, h)
	return &accountsv1.AcceptPolicyResponse{Settings: settings, History: history}, nil
}

// WithdrawConsent implements accountsv1.AccountsServiceServer.
func (s *Server) WithdrawConsent(ctx context.Context, req *accountsv1.WithdrawConsentRequest) (*accountsv1.WithdrawConsentResponse, error) {
	p, h, err := s.svc.WithdrawConsent(ctx, req.GetUserId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	settings, history := privacyToProto(p, h)
	return &accountsv1.WithdrawConsentResponse{Settings: settings, History: history}, nil
}

func userToProto(u app.User) *accountsv1.User {
	return &accountsv1.User{
		Id: u.ID, Email: u.Email, Name: u.Name, Role: app.RoleToProto(u.Role),
		OrganizationId: u.OrgID, OrganizationName: u.OrgName,
		CreatedAt: timestamppb.New(u.CreatedAt), UpdatedAt: timestamppb.New(u.UpdatedAt),
	}
}

func privacyToProto(p app.Privacy, history []app.Consent) (*accountsv1.PrivacySettings, []*accountsv1.Consent) {
	out := make([]*accountsv1.Consent, 0, len(history))
	for _, c := range history {
		out = append(out, &accountsv1.Consent{
			Id: c.ID, Kind: app.ConsentKindToProto(c.Kind), Granted: c.Granted,
			PolicyVersion: c.PolicyVersion, PolicySha256: c.PolicySHA256,
			FullTextShown: c.FullTextShown, OccurredAt: timestamppb.New(c.OccurredAt),
		})
	}
	return app.PrivacyToProto(p, policy.Current().Version), out
}

// toStatus maps app errors to gRPC status codes. Validation errors carry a
// BadRequest detail naming the field, with a stable code as the violation's
// Reason, so the gateway can build problem documents without parsing text.
func (s *Server) toStatus(ctx context.Context, err error) error {
	var ve *app.ValidationError
	switch {
	case errors.As(err, &ve):
		return prpc.FieldError(ve.Field, ve.Code, ve.Message)
	case errors.Is(err, app.ErrNotFound):
		return status.Error(codes.NotFound, "user not found")
	case errors.Is(err, app.ErrEmailTaken):
		return status.Error(codes.AlreadyExists, "an account with this email already exists")
	case errors.Is(err, app.ErrBadCredentials):
		return status.Error(codes.Unauthenticated, "invalid email or password")
	case errors.Is(err, app.ErrNoSession):
		return status.Error(codes.Unauthenticated, "no valid session")
	}
	if st, ok := prpc.ContextError(err); ok {
		return st
	}
	s.log.ErrorContext(ctx, "accounts request failed", "err", err)
	return status.Error(codes.Internal, "internal error")
}
