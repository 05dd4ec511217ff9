package api

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/moksho/platform/pkg/batch"
	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
)

// BatchAuthenticate wraps an accounts client so that its Authenticate
// calls, when several requests need one at the same time, travel together
// in one AuthenticateBatch call (see package batch): every authenticated
// request asks, and one call per request was the gateway's largest cost
// after HTTP itself. Nothing is cached: each answer is read by accounts
// after its request arrived. Other methods pass through.
func BatchAuthenticate(c accountsv1.AccountsServiceClient) accountsv1.AccountsServiceClient {
	b := &batchingAccounts{AccountsServiceClient: c}
	b.loader = batch.New(b.fetch, batch.Options{Concurrency: 2, MaxBatch: 128, Timeout: 5 * time.Second})
	return b
}

type batchingAccounts struct {
	accountsv1.AccountsServiceClient
	loader *batch.Loader[string, *accountsv1.AuthenticateResponse]
}

// Authenticate answers as the RPC does: the principal, or Unauthenticated.
func (b *batchingAccounts) Authenticate(ctx context.Context, req *accountsv1.AuthenticateRequest, _ ...grpc.CallOption) (*accountsv1.AuthenticateResponse, error) {
	res, ok, err := b.loader.Load(ctx, req.GetSessionToken())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, status.Error(codes.Unauthenticated, "no live session")
	}
	return res, nil
}

func (b *batchingAccounts) fetch(ctx context.Context, tokens []string) (map[string]*accountsv1.AuthenticateResponse, error) {
	res, err := b.AccountsServiceClient.AuthenticateBatch(ctx, &accountsv1.AuthenticateBatchRequest{SessionTokens: tokens})
	if err != nil {
		return nil, err
	}
	if len(res.GetResults()) != len(tokens) {
		return nil, fmt.Errorf("authenticate batch: %d results for %d tokens", len(res.GetResults()), len(tokens))
	}
	found := make(map[string]*accountsv1.AuthenticateResponse, len(tokens))
	for i, r := range res.GetResults() {
		if p := r.GetPrincipal(); p != nil {
			found[tokens[i]] = p
		}
	}
	return found, nil
}
