package bus

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"

	"github.com/moksho/platform/pkg/pg"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migrations creates the bus tables in a service's own database:
// bus_outbox (events waiting for the relay) and bus_processed_events (what
// each durable consumer has applied). Include it in the service's
// pg.Migrate call; its version table is goose_bus, so its numbers never
// collide with the service's own.
var Migrations = pg.Migrations{FS: mustSub(migrationFS, "migrations"), Table: "goose_bus"}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// notifyChannel is the LISTEN/NOTIFY channel that wakes the relay.
const notifyChannel = "bus_outbox"

// Enqueue writes events to the outbox in the caller's transaction, so they
// are published if and only if the transaction commits. It also NOTIFYs
// the relay, which PostgreSQL delivers at commit. Events keep the order
// given. An event ID already in the outbox is an error (unique violation):
// a retried use case must make new events, not re-enqueue old ones.
func Enqueue(ctx context.Context, tx pgx.Tx, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	for _, e := range events {
		if err := e.validate(); err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
	}
	b := &pgx.Batch{}
	for _, e := range events {
		payload := e.Payload
		if payload == nil {
			payload = []byte{}
		}
		b.Queue(`INSERT INTO bus_outbox (event_id, subject, event_type, occurred_at, user_id, traceparent, payload)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			e.ID, e.Subject, e.Type, e.OccurredAt, e.UserID, e.TraceParent, payload)
	}
	b.Queue(`SELECT pg_notify($1, '')`, notifyChannel)
	res := tx.SendBatch(ctx, b)
	for i, e := range events {
		if _, err := res.Exec(); err != nil {
			_ = res.Close()
			return fmt.Errorf("enqueue event %d of %d (%s on %s): %w", i+1, len(events), e.ID, e.Subject, err)
		}
	}
	if _, err := res.Exec(); err != nil {
		_ = res.Close()
		return fmt.Errorf("enqueue: notify relay: %w", err)
	}
	if err := res.Close(); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}
