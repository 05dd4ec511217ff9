-- +goose Up
-- Recruiters belong to an organisation; each registration creates its own.
CREATE TABLE organizations (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL
);

-- The only table of the platform holding names and emails. The privacy
-- columns are the current consent state (the history is in consents).
CREATE TABLE users (
    id                      uuid PRIMARY KEY,
    email                   text NOT NULL,
    name                    text NOT NULL,
    password_hash           text NOT NULL,
    role                    text NOT NULL CHECK (role IN ('candidate', 'recruiter', 'admin')),
    organization_id         uuid REFERENCES organizations (id),
    recruiter_visible       boolean NOT NULL DEFAULT false,
    do_not_sell_or_share    boolean NOT NULL DEFAULT false,
    accepted_policy_version text NOT NULL DEFAULT '',
    consent_withdrawn       boolean NOT NULL DEFAULT false,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    CONSTRAINT users_recruiter_has_org CHECK (role <> 'recruiter' OR organization_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Sessions: only the SHA-256 of the cookie token is stored.
CREATE TABLE sessions (
    id           uuid PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Consents: append-only history. Rows leave only with their user (erasure).
CREATE TABLE consents (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('privacy_policy', 'recruiter_visibility', 'do_not_sell_or_share')),
    granted         boolean NOT NULL,
    policy_version  text NOT NULL DEFAULT '',
    policy_sha256   text NOT NULL DEFAULT '',
    full_text_shown boolean NOT NULL DEFAULT false,
    occurred_at     timestamptz NOT NULL
);
CREATE INDEX consents_user_id_idx ON consents (user_id, occurred_at, id);

-- +goose StatementBegin
CREATE FUNCTION consents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consents are append-only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
    FOR EACH ROW EXECUTE FUNCTION consents_append_only();

-- +goose Down
DROP TABLE consents;
DROP FUNCTION consents_append_only;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organizations;
