// Package bus carries domain events between services over NATS JetStream:
// the event envelope, stream setup, a transactional outbox with its relay, and
// idempotent consumers with a dead-letter subject.
//
// # Why an outbox
//
// A service that changes its database and then publishes an event can crash,
// or lose NATS, between the two: the state changed and nobody heard, or (the
// other way round) everybody heard of a change that was rolled back. So a
// service never publishes directly. It writes the event with [Enqueue] into
// the bus_outbox table of its own database, in the same transaction as the
// state change; both commit or neither does. A [Relay] then publishes the
// committed rows to JetStream and deletes each row only after the broker has
// acknowledged it (PubAck).
//
// # Ordering and the no-skip guarantee
//
// Outbox row IDs come from a sequence, so they are handed out in insert
// order, but transactions commit in any order: row 7 may become visible
// after row 8 was published. A relay that remembered "everything up to 8 is
// done" would skip 7 forever. This relay keeps no high-water mark: every
// batch selects the unpublished rows that exist, lowest ID first, and removes
// exactly the rows it published. A row is therefore published once it is
// committed, whatever the commit order. Only one relay per database
// publishes at a time (a transaction-scoped advisory lock), so several
// replicas may run a Relay safely, and among the rows committed when a batch
// starts, events leave in row-ID order.
//
// # Delivery and effects
//
// Publishing is at least once: a relay that dies after the PubAck but before
// deleting the row publishes it again. The Nats-Msg-Id header (the event ID)
// lets JetStream drop such a repeat within the stream's duplicate window
// (at least two minutes, see [EnsureStreams]). Delivery to consumers is at
// least once too: a consumer that dies after committing but before acking
// gets the message again. A [Consumer] makes the effect exactly once by
// recording the event ID in bus_processed_events in the same transaction as
// the handler's writes; a redelivered event finds its row, the handler is not
// called again, and the message is acknowledged.
//
// Result: at-least-once delivery, exactly-once effect, as long as every
// effect of a handler is a write through the transaction it is given.
// Side effects outside the database (an e-mail, an HTTP call) must be
// idempotent on their own, keyed by the event ID.
//
// # Failures
//
// A handler error rolls the transaction back and the message is redelivered
// after a backoff. After MaxDeliver attempts, or at once for a [Permanent]
// error or a message that is not a well-formed event, the message is
// published to the dead-letter subject moksho.dlq.<service> (stream DLQ)
// with the reason in its headers, and terminated.
//
// # Tables
//
// Services add [Migrations] to their own migration sets; it creates
// bus_outbox and bus_processed_events in the service's database, tracked in
// the goose_bus version table.
package bus
