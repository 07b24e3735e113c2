-- SSH public keys people register to sign in to `epic-tui serve` without a
-- password. Twin of ../postgres/00003_ssh_keys.sql.

-- +goose Up

CREATE TABLE IF NOT EXISTS ssh_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    fingerprint  TEXT        NOT NULL CHECK (fingerprint LIKE 'SHA256:%'),
    public_key   TEXT        NOT NULL CHECK (length(public_key) BETWEEN 1 AND 8192),
    name         TEXT        NOT NULL DEFAULT '' CHECK (length(name) <= 120),
    created_at   TIMESTAMP   NOT NULL,
    last_used_at TIMESTAMP,
    CONSTRAINT ssh_keys_fingerprint_key UNIQUE (fingerprint)
);
CREATE INDEX IF NOT EXISTS ssh_keys_user_idx ON ssh_keys (user_id, id);

-- +goose Down

DROP TABLE IF EXISTS ssh_keys;
