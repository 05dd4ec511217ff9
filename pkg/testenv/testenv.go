// Package testenv starts the real infrastructure a test needs, in-process:
// an embedded NATS server with JetStream on a temporary directory, a fresh
// PostgreSQL database (see pgtest) and an in-process S3. Everything is torn
// down when the test ends.
package testenv

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/moksho/platform/pkg/blob"
	"github.com/moksho/platform/pkg/blob/blobtest"
	"github.com/moksho/platform/pkg/natsserver"
	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/pkg/pg/pgtest"
)

// NATS is an embedded JetStream server for one test.
type NATS struct {
	Server *server.Server
	URL    string
}

// StartNATS starts an embedded NATS server with JetStream on a temp dir.
func StartNATS(t testing.TB) *NATS {
	t.Helper()
	srv, err := natsserver.Start(natsserver.Options{StoreDir: t.TempDir(), Port: -1})
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	return &NATS{Server: srv, URL: srv.ClientURL()}
}

// Connect opens a client connection closed at the end of the test.
func (n *NATS) Connect(t testing.TB) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(n.URL, nats.MaxReconnects(-1))
	if err != nil {
		t.Fatalf("testenv: connect nats: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// JetStream opens a client connection and returns its JetStream handle.
func (n *NATS) JetStream(t testing.TB) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc := n.Connect(t)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("testenv: jetstream: %v", err)
	}
	return nc, js
}

// Postgres returns a pool on a fresh database with the migrations applied
// (see pgtest.NewPool), dropped when the test ends.
func Postgres(t testing.TB, sets ...pg.Migrations) *pgxpool.Pool {
	t.Helper()
	return pgtest.NewPool(t, sets...)
}

// S3 returns a blob store on an in-process S3 server (gofakes3) with its
// bucket created (see blobtest.NewServer).
func S3(t testing.TB) *blob.Store {
	t.Helper()
	return blobtest.NewServer(t)
}
