-- +goose Up
CREATE TABLE interviews (
    id             uuid PRIMARY KEY,
    user_id        uuid NOT NULL,
    role_id        text NOT NULL,
    assessment_id  uuid,
    invitation_id  text NOT NULL DEFAULT '',
    status         text NOT NULL CHECK (status IN ('in_progress', 'completed', 'scored')),
    overall_score  numeric(4, 2),
    best_answer_id uuid,
    created_at     timestamptz NOT NULL,
    completed_at   timestamptz,
    scored_at      timestamptz,
    expires_at     timestamptz NOT NULL
);
CREATE INDEX interviews_user_idx ON interviews (user_id, created_at DESC);
CREATE INDEX interviews_expires_idx ON interviews (expires_at);

CREATE TABLE questions (
    id             uuid PRIMARY KEY,
    interview_id   uuid NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    position       int NOT NULL,
    bank_id        text NOT NULL DEFAULT '',
    text           text NOT NULL,
    kind           text NOT NULL,
    competency     text NOT NULL DEFAULT '',
    skill          text NOT NULL DEFAULT '',
    difficulty     int NOT NULL DEFAULT 0,
    talking_points text[] NOT NULL DEFAULT '{}',
    answer_id      uuid,
    answer_score   numeric(4, 2),
    UNIQUE (interview_id, position)
);

-- Bank questions a candidate was asked, so they do not repeat until the
-- bank is exhausted.
CREATE TABLE asked_questions (
    user_id  uuid NOT NULL,
    bank_id  text NOT NULL,
    asked_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, bank_id)
);

-- Projection of resume.assessed events: canonical skills only.
CREATE TABLE resume_skills (
    assessment_id uuid PRIMARY KEY,
    user_id       uuid NOT NULL,
    role_id       text NOT NULL,
    skills        text[] NOT NULL,
    missing       text[] NOT NULL,
    assessed_at   timestamptz NOT NULL
);
CREATE INDEX resume_skills_user_idx ON resume_skills (user_id);

-- +goose Down
DROP TABLE resume_skills;
DROP TABLE asked_questions;
DROP TABLE questions;
DROP TABLE interviews;
