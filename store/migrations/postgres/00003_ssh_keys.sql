-- SSH public keys people register to sign in to `epic-tui serve` without a
-- password. Twin of ../sqlite/00003_ssh_keys.sql. A key belongs to one user
-- and goes with them; its fingerprint (SHA256:…, as ssh-keygen -l prints
-- it) finds it at each connection, so one key opens one account only.

-- +goose Up

CREATE TABLE IF NOT EXISTS ssh_keys (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    fingerprint  TEXT        NOT NULL CHECK (fingerprint LIKE 'SHA256:%'),
    public_key   TEXT        NOT NULL CHECK (length(public_key) BETWEEN 1 AND 8192),
    name         TEXT        NOT NULL DEFAULT '' CHECK (length(name) <= 120),
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    CONSTRAINT ssh_keys_fingerprint_key UNIQUE (fingerprint)
);
CREATE INDEX IF NOT EXISTS ssh_keys_user_idx ON ssh_keys (user_id, id);

-- +goose Down

DROP TABLE IF EXISTS ssh_keys;
