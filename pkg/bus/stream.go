package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// MinDuplicates is the shortest duplicate window a stream gets: long enough
// for a relay that died after a publish to restart and publish again, and
// have the broker drop the repeat.
const MinDuplicates = 2 * time.Minute

// StreamSpec describes one stream: by convention one per owning service
// (ACCOUNTS holds moksho.accounts.>), plus DLQStream.
type StreamSpec struct {
	// Name of the stream, e.g. "ACCOUNTS".
	Name string
	// Subjects it stores, e.g. {"moksho.accounts.>"}.
	Subjects []string
	// MaxAge bounds how long events are kept; it must be set, and be no
	// longer than the shortest retention period of the data the events
	// concern.
	MaxAge time.Duration
	// Duplicates is the broker's dedupe window for Nats-Msg-Id; raised to
	// MinDuplicates when shorter.
	Duplicates time.Duration
	// Replicas is the number of copies in a cluster; default 1 (3 in
	// production).
	Replicas int
}

// DLQStream holds every service's dead-lettered messages, on
// moksho.dlq.<service>, for 30 days.
var DLQStream = StreamSpec{
	Name:     "DLQ",
	Subjects: []string{"moksho.dlq.>"},
	MaxAge:   30 * 24 * time.Hour,
}

// DLQSubject is the dead-letter subject of a consuming service:
// "moksho.dlq.<service>".
func DLQSubject(service string) string {
	return "moksho.dlq." + service
}

// EnsureStreams creates each stream, or updates it to the spec when it
// exists, so every replica of a service can call it at start. Streams use
// file storage; the duplicate window is at least MinDuplicates and replicas
// default to 1.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, specs ...StreamSpec) error {
	for _, s := range specs {
		cfg, err := s.config()
		if err != nil {
			return fmt.Errorf("ensure stream: %w", err)
		}
		if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("ensure stream %s: %w", s.Name, err)
		}
	}
	return nil
}

func (s StreamSpec) config() (jetstream.StreamConfig, error) {
	if !validToken(s.Name) {
		return jetstream.StreamConfig{}, fmt.Errorf("invalid stream name %q", s.Name)
	}
	if len(s.Subjects) == 0 {
		return jetstream.StreamConfig{}, fmt.Errorf("stream %s: no subjects", s.Name)
	}
	if s.MaxAge <= 0 {
		return jetstream.StreamConfig{}, fmt.Errorf("stream %s: MaxAge must be set: events must not outlive the data they concern", s.Name)
	}
	dup := max(s.Duplicates, MinDuplicates)
	if dup > s.MaxAge {
		return jetstream.StreamConfig{}, fmt.Errorf("stream %s: MaxAge %s is shorter than the duplicate window %s", s.Name, s.MaxAge, dup)
	}
	replicas := s.Replicas
	if replicas <= 0 {
		replicas = 1
	}
	return jetstream.StreamConfig{
		Name:       s.Name,
		Subjects:   s.Subjects,
		Storage:    jetstream.FileStorage,
		Retention:  jetstream.LimitsPolicy,
		Discard:    jetstream.DiscardOld,
		MaxAge:     s.MaxAge,
		Duplicates: dup,
		Replicas:   replicas,
	}, nil
}

// ensureStreamExists creates the stream from spec when it is missing, and
// leaves an existing one alone (its owner's settings, replicas say, win).
func ensureStreamExists(ctx context.Context, js jetstream.JetStream, spec StreamSpec) error {
	_, err := js.Stream(ctx, spec.Name)
	if err == nil {
		return nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("look up stream %s: %w", spec.Name, err)
	}
	return EnsureStreams(ctx, js, spec)
}
