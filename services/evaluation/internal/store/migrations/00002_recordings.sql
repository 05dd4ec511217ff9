-- +goose Up
-- Recorded answers: where the recording is (object storage key, IDs only),
-- what it is, what the engine heard when the candidate corrected it, and
-- how it was spoken.
ALTER TABLE answers
    ADD COLUMN recorded             boolean NOT NULL DEFAULT false,
    ADD COLUMN content_type         text NOT NULL DEFAULT '',
    ADD COLUMN media_key            text NOT NULL DEFAULT '',
    ADD COLUMN media_bytes          bigint NOT NULL DEFAULT 0,
    ADD COLUMN machine_transcript   text NOT NULL DEFAULT '',
    ADD COLUMN transcript_corrected boolean NOT NULL DEFAULT false,
    ADD COLUMN delivery             jsonb,
    ADD COLUMN invitation_id        text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE answers
    DROP COLUMN recorded, DROP COLUMN content_type, DROP COLUMN media_key, DROP COLUMN media_bytes,
    DROP COLUMN machine_transcript, DROP COLUMN transcript_corrected, DROP COLUMN delivery, DROP COLUMN invitation_id;
