package api

import (
	"context"
	"errors"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
)

// fakeAccounts answers AuthenticateBatch from a table of live tokens; any
// other method panics (the embedded nil interface).
type fakeAccounts struct {
	accountsv1.AccountsServiceClient
	live  map[string]string // token -> user ID
	mu    sync.Mutex
	calls int
	err   error
	short bool // answer one result too few
}

func (f *fakeAccounts) AuthenticateBatch(_ context.Context, req *accountsv1.AuthenticateBatchRequest, _ ...grpc.CallOption) (*accountsv1.AuthenticateBatchResponse, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	res := &accountsv1.AuthenticateBatchResponse{}
	for _, tok := range req.GetSessionTokens() {
		r := &accountsv1.AuthenticateResult{}
		if id, ok := f.live[tok]; ok {
			r.Principal = &accountsv1.AuthenticateResponse{UserId: id}
		}
		res.Results = append(res.Results, r)
	}
	if f.short {
		res.Results = res.Results[1:]
	}
	return res, nil
}

func TestBatchAuthenticateAnswersEachToken(t *testing.T) {
	f := &fakeAccounts{live: map[string]string{}}
	for i := range 50 {
		f.live[string(rune('A'+i))] = "user-" + string(rune('A'+i))
	}
	c := BatchAuthenticate(f)
	var wg sync.WaitGroup
	for i := range 60 { // 50 live tokens and 10 unknown ones
		wg.Go(func() {
			tok := string(rune('A' + i))
			res, err := c.Authenticate(context.Background(), &accountsv1.AuthenticateRequest{SessionToken: tok})
			if i >= 50 {
				if status.Code(err) != codes.Unauthenticated {
					t.Errorf("unknown token %q: %v, %v", tok, res, err)
				}
				return
			}
			if err != nil || res.GetUserId() != "user-"+tok {
				t.Errorf("token %q answered %v, %v", tok, res.GetUserId(), err)
			}
		})
	}
	wg.Wait()
	if f.calls >= 60 {
		t.Logf("%d calls for 60 lookups (no batching happened this run)", f.calls)
	}
}

func TestBatchAuthenticateErrors(t *testing.T) {
	boom := status.Error(codes.Unavailable, "accounts down")
	c := BatchAuthenticate(&fakeAccounts{err: boom})
	if _, err := c.Authenticate(context.Background(), &accountsv1.AuthenticateRequest{SessionToken: "x"}); status.Code(err) != codes.Unavailable {
		t.Fatalf("err = %v, want Unavailable passed through", err)
	}
	c = BatchAuthenticate(&fakeAccounts{live: map[string]string{"x": "u"}, short: true})
	if _, err := c.Authenticate(context.Background(), &accountsv1.AuthenticateRequest{SessionToken: "x"}); err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("a reply with the wrong number of results was accepted: %v", err)
	}
}
