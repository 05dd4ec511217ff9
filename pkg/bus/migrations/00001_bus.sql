-- +goose Up

-- Events written in the same transaction as the state change they announce,
-- waiting for the relay to publish them. A row is deleted once JetStream has
-- acknowledged it, so the table holds only what is not yet published.
CREATE TABLE bus_outbox (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    subject     text        NOT NULL,
    event_type  text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    user_id     text        NOT NULL DEFAULT '',
    traceparent text        NOT NULL DEFAULT '',
    payload     bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per (durable consumer, event) whose effect has been committed,
-- written in the same transaction as the effect: a redelivered event finds
-- its row and is acknowledged without being applied twice.
CREATE TABLE bus_processed_events (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE INDEX bus_processed_events_processed_at_idx ON bus_processed_events (processed_at);

-- +goose Down
DROP TABLE bus_processed_events;
DROP TABLE bus_outbox;
