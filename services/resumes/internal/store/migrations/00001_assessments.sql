-- +goose Up
-- Assessments hold derived data only: no file, no text, no name or contact
-- detail. Quotes inside recommendations were scrubbed before they got here.
CREATE TABLE assessments (
    id             uuid PRIMARY KEY,
    user_id        uuid NOT NULL,
    role_id        text NOT NULL,
    role_title     text NOT NULL,
    fit_score      smallint NOT NULL CHECK (fit_score BETWEEN 0 AND 100),
    skills         text[] NOT NULL,
    missing_skills text[] NOT NULL,
    -- explanation, keyword coverage and recommendations, as JSON
    detail         jsonb NOT NULL,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL
);
CREATE INDEX assessments_user_idx ON assessments (user_id, created_at DESC);
CREATE INDEX assessments_expires_idx ON assessments (expires_at);

-- +goose Down
DROP TABLE assessments;
