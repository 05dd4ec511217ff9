-- +goose Up
-- What evaluation knows of an interview: enough to tell when it is fully
-- scored, and the result once it is.
CREATE TABLE interviews (
    id             uuid PRIMARY KEY,
    user_id        uuid NOT NULL,
    role_id        text NOT NULL,
    invitation_id  text NOT NULL DEFAULT '',
    question_count int NOT NULL,
    completed      boolean NOT NULL DEFAULT false,
    overall_score  numeric(4, 2),
    best_answer_id uuid,
    answered       int NOT NULL DEFAULT 0,
    scored_at      timestamptz,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL
);
CREATE INDEX interviews_user_idx ON interviews (user_id, scored_at DESC);
CREATE INDEX interviews_expires_idx ON interviews (expires_at);

-- Answers: the typed text or the transcript, the question as asked, and
-- the score with its dimensions. A new answer to the same question
-- supersedes the earlier one.
CREATE TABLE answers (
    id             uuid PRIMARY KEY,
    interview_id   uuid NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    question_id    uuid NOT NULL,
    user_id        uuid NOT NULL,
    question       jsonb NOT NULL,
    status         text NOT NULL CHECK (status IN ('received', 'transcribing', 'scoring', 'scored', 'failed')),
    transcript     text NOT NULL DEFAULT '',
    score          numeric(4, 2),
    dimensions     jsonb NOT NULL DEFAULT '[]',
    feedback       text NOT NULL DEFAULT '',
    rubric_version text NOT NULL DEFAULT '',
    failure_reason text NOT NULL DEFAULT '',
    superseded     boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    scored_at      timestamptz,
    expires_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX answers_current_idx ON answers (interview_id, question_id) WHERE NOT superseded;
CREATE INDEX answers_user_idx ON answers (user_id);
CREATE INDEX answers_expires_idx ON answers (expires_at);

-- +goose Down
DROP TABLE answers;
DROP TABLE interviews;
