// Package roles reads the role catalog from the interviews service, which
// owns it, keeping roles in memory for a few minutes: the catalog changes
// with a deployment, not per request.
package roles

import (
	"context"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	"github.com/moksho/platform/services/resumes/internal/app"
	"github.com/moksho/platform/services/resumes/internal/assess"
)

// TTL is how long a role is reused before it is asked for again.
const TTL = 5 * time.Minute

// Client implements app.RoleSource over gRPC.
type Client struct {
	api interviewsv1.InterviewsServiceClient
	now func() time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	role  assess.Role
	until time.Time
}

var _ app.RoleSource = (*Client)(nil)

// New returns a client of the interviews service's catalog.
func New(api interviewsv1.InterviewsServiceClient) *Client {
	return &Client{api: api, now: time.Now, cache: map[string]cached{}}
}

// Role implements app.RoleSource.
func (c *Client) Role(ctx context.Context, id string) (assess.Role, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.cache[id]
	c.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.role, nil
	}
	res, err := c.api.GetRole(ctx, &interviewsv1.GetRoleRequest{RoleId: id})
	if status.Code(err) == codes.NotFound {
		return assess.Role{}, app.ErrUnknownRole
	}
	if err != nil {
		return assess.Role{}, fmt.Errorf("get role %q: %w", id, err)
	}
	r := res.GetRole()
	role := assess.Role{
		ID: r.GetId(), Title: r.GetTitle(), TitleAliases: r.GetTitleAliases(),
		Required: r.GetRequiredSkills(), NiceToHave: r.GetNiceToHaveSkills(),
	}
	// Only a role's own ID is cached: other spellings ("Backend Engineer")
	// are resolved each time, so that the cache stays as small as the
	// catalog however callers write roles.
	if id == role.ID {
		c.mu.Lock()
		c.cache[id] = cached{role: role, until: now.Add(TTL)}
		c.mu.Unlock()
	}
	return role, nil
}
