// Package natsserver runs an embedded NATS server with JetStream, for the
// local all-in-one deployment and for tests. Production uses a NATS cluster;
// services only ever see a URL.
package natsserver

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options configure an embedded server.
type Options struct {
	// StoreDir is where JetStream keeps streams on disk.
	StoreDir string
	// Host and Port to listen on; Port -1 picks a free port.
	Host string
	Port int
}

// Start runs a server and waits until it accepts connections.
func Start(o Options) (*server.Server, error) {
	if o.StoreDir == "" {
		return nil, errors.New("natsserver: a JetStream store dir is required")
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	srv, err := server.NewServer(&server.Options{
		ServerName: "moksho-embedded",
		Host:       o.Host,
		Port:       o.Port,
		JetStream:  true,
		StoreDir:   o.StoreDir,
		NoSigs:     true,
		NoLog:      true,
		// Allow large media-free payloads; events are small protobufs.
		MaxPayload: 8 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("new nats server: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("nats server not ready within 10s")
	}
	return srv, nil
}
