-- The epic-tui schema for PostgreSQL, whole, as the migrations in
-- store/migrations/postgres build it: read it here, change it there. A test
-- (store/schema_test.go) proves this file and the migrations build the same
-- tables, columns, constraints, indexes and rows; the SQLite migrations are
-- its twin.

CREATE TABLE IF NOT EXISTS schema_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL CHECK (version > 0)
);

-- instance names this database, made at random when it is created; session
-- tokens carry it, so a token made for one database is refused by another
-- even when both share a signing secret.
CREATE TABLE IF NOT EXISTS instance (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    uid TEXT NOT NULL CHECK (length(uid) >= 16)
);

CREATE TABLE IF NOT EXISTS roles (
    name  TEXT PRIMARY KEY CHECK (name IN ('admin', 'management', 'sales', 'support')),
    label TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS permissions (
    id     INTEGER PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('user', 'client', 'contract', 'event')),
    action TEXT NOT NULL CHECK (action IN ('create', 'read', 'update', 'delete')),
    CONSTRAINT permissions_entity_action_key UNIQUE (entity, action)
);

CREATE TABLE IF NOT EXISTS role_permissions (
    role          TEXT    NOT NULL REFERENCES roles (name),
    permission_id INTEGER NOT NULL REFERENCES permissions (id),
    scope         TEXT    NOT NULL CHECK (scope IN ('all', 'own')),
    PRIMARY KEY (role, permission_id)
);

CREATE TABLE IF NOT EXISTS users (
    id                 BIGSERIAL PRIMARY KEY,
    employee_number    TEXT        NOT NULL CHECK (length(employee_number) BETWEEN 1 AND 32),
    full_name          TEXT        NOT NULL CHECK (length(full_name) BETWEEN 1 AND 120),
    username           TEXT        NOT NULL CHECK (length(username) BETWEEN 3 AND 32),
    email              TEXT        NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    role               TEXT        NOT NULL REFERENCES roles (name),
    active             BOOLEAN     NOT NULL DEFAULT TRUE,
    password_hash      TEXT        NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    tokens_valid_after TIMESTAMPTZ NOT NULL,
    failed_logins      INTEGER     NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until       TIMESTAMPTZ,
    search_text        TEXT        NOT NULL DEFAULT '',
    sort_name          TEXT        NOT NULL DEFAULT '', -- full_name folded: lists sort by it
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    version            INTEGER     NOT NULL DEFAULT 1 CHECK (version > 0),
    CONSTRAINT users_employee_number_key UNIQUE (employee_number),
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE INDEX IF NOT EXISTS users_role_idx ON users (role, id);
CREATE INDEX IF NOT EXISTS users_sort_name_idx ON users (sort_name, id);

CREATE TABLE IF NOT EXISTS clients (
    id               BIGSERIAL PRIMARY KEY,
    full_name        TEXT        NOT NULL CHECK (length(full_name) BETWEEN 1 AND 120),
    email            TEXT        NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    phone            TEXT        NOT NULL CHECK (phone LIKE '+%' AND length(phone) BETWEEN 8 AND 16),
    company_name     TEXT        NOT NULL CHECK (length(company_name) <= 120),
    sales_contact_id BIGINT      NOT NULL REFERENCES users (id),
    search_text      TEXT        NOT NULL DEFAULT '',
    search_all       TEXT        NOT NULL DEFAULT '',
    sort_name        TEXT        NOT NULL DEFAULT '', -- full_name folded: lists sort by it
    sort_company     TEXT        NOT NULL DEFAULT '', -- company_name folded
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          INTEGER     NOT NULL DEFAULT 1 CHECK (version > 0),
    CONSTRAINT clients_email_key UNIQUE (email)
);
CREATE INDEX IF NOT EXISTS clients_sales_contact_idx ON clients (sales_contact_id, id);
CREATE INDEX IF NOT EXISTS clients_sort_name_idx ON clients (sort_name, id);
CREATE INDEX IF NOT EXISTS clients_sort_company_idx ON clients (sort_company, id);
CREATE INDEX IF NOT EXISTS clients_updated_at_idx ON clients (updated_at, id);

CREATE TABLE IF NOT EXISTS contracts (
    id           BIGSERIAL PRIMARY KEY,
    client_id    BIGINT      NOT NULL REFERENCES clients (id),
    total_amount BIGINT      NOT NULL CHECK (total_amount > 0),
    amount_due   BIGINT      NOT NULL CHECK (amount_due >= 0 AND amount_due <= total_amount),
    signed       BOOLEAN     NOT NULL DEFAULT FALSE,
    signed_at    TIMESTAMPTZ,
    search_text  TEXT        NOT NULL DEFAULT '',
    search_all   TEXT        NOT NULL DEFAULT '',
    sort_client  TEXT        NOT NULL DEFAULT '', -- the client's sort_name: lists sort by it
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    version      INTEGER     NOT NULL DEFAULT 1 CHECK (version > 0),
    CONSTRAINT contracts_signed_at_check CHECK ((signed AND signed_at IS NOT NULL) OR (NOT signed AND signed_at IS NULL))
);
CREATE INDEX IF NOT EXISTS contracts_client_idx ON contracts (client_id, id);
CREATE INDEX IF NOT EXISTS contracts_sort_client_idx ON contracts (sort_client, id);
CREATE INDEX IF NOT EXISTS contracts_total_idx ON contracts (total_amount, id);
CREATE INDEX IF NOT EXISTS contracts_due_idx ON contracts (amount_due, id);
CREATE INDEX IF NOT EXISTS contracts_created_at_idx ON contracts (created_at, id);

CREATE TABLE IF NOT EXISTS events (
    id                 BIGSERIAL PRIMARY KEY,
    name               TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    contract_id        BIGINT      NOT NULL REFERENCES contracts (id),
    support_contact_id BIGINT      REFERENCES users (id),
    start_at           TIMESTAMPTZ NOT NULL,
    end_at             TIMESTAMPTZ NOT NULL,
    location           TEXT        NOT NULL CHECK (length(location) BETWEEN 1 AND 200),
    attendees          INTEGER     NOT NULL CHECK (attendees >= 0),
    notes              TEXT        NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    search_text        TEXT        NOT NULL DEFAULT '',
    search_all         TEXT        NOT NULL DEFAULT '',
    sort_name          TEXT        NOT NULL DEFAULT '', -- name folded: lists sort by it
    sort_location      TEXT        NOT NULL DEFAULT '', -- location folded
    sort_client        TEXT        NOT NULL DEFAULT '', -- the client's sort_name
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    version            INTEGER     NOT NULL DEFAULT 1 CHECK (version > 0),
    CONSTRAINT events_dates_check CHECK (end_at > start_at)
);
CREATE INDEX IF NOT EXISTS events_contract_idx ON events (contract_id, id);
CREATE INDEX IF NOT EXISTS events_support_idx ON events (support_contact_id, id);
CREATE INDEX IF NOT EXISTS events_start_idx ON events (start_at, id);
CREATE INDEX IF NOT EXISTS events_sort_name_idx ON events (sort_name, id);
CREATE INDEX IF NOT EXISTS events_sort_client_idx ON events (sort_client, id);

-- Search. search_text is a row's own folded text; search_all adds the text of
-- the rows it shows (a client's sales contact; a contract's client and sales
-- contact; an event's client and support contact). The store writes both and
-- refreshes search_all in the same transaction when a related row's text
-- changes. Every search term must be a substring of search_all: trigram
-- indexes answer search_all LIKE '%term%' without reading every row. Their
-- SQLite twins are the FTS5 tables <table>_fts of the SQLite migrations.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS clients_search_idx ON clients USING gin (search_all gin_trgm_ops);
CREATE INDEX IF NOT EXISTS contracts_search_idx ON contracts USING gin (search_all gin_trgm_ops);
CREATE INDEX IF NOT EXISTS events_search_idx ON events USING gin (search_all gin_trgm_ops);

-- Terms of one or two characters are too short for trigrams: they match the
-- beginning of a word (a run of letters and digits), found through the GIN
-- indexes of every word's first one and two characters. Their SQLite twins
-- are the FTS5 tables <table>_words (prefix = '1 2').
CREATE OR REPLACE FUNCTION word_prefixes(text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT string_to_array(regexp_replace($1, '[^[:alnum:]]*([[:alnum:]])([[:alnum:]]?)[[:alnum:]]*', '\1 \1\2 ', 'g'), ' ')
$$;
CREATE INDEX IF NOT EXISTS clients_words_idx ON clients USING gin (word_prefixes(search_all));
CREATE INDEX IF NOT EXISTS contracts_words_idx ON contracts USING gin (word_prefixes(search_all));
CREATE INDEX IF NOT EXISTS events_words_idx ON events USING gin (word_prefixes(search_all));

-- Failed logins that named no account, throttled exactly like an account's
-- so that the answers never tell whether an account exists. The login is
-- kept only as a hash: it may be a password typed in the wrong field.
CREATE TABLE IF NOT EXISTS unknown_logins (
    login_hash    TEXT    NOT NULL PRIMARY KEY,
    failed_logins INTEGER NOT NULL CHECK (failed_logins > 0),
    locked_until  TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_log (
    id        BIGSERIAL PRIMARY KEY,
    actor_id  BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    actor     TEXT        NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    entity    TEXT        NOT NULL CHECK (entity IN ('user', 'client', 'contract', 'event')),
    entity_id BIGINT      NOT NULL,
    action    TEXT        NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    changes   TEXT        NOT NULL DEFAULT '{}',
    -- The key a client sent with a create: a retry of that create finds the
    -- record it made here instead of making a second one.
    request_key TEXT      CHECK (length(request_key) BETWEEN 1 AND 64)
);
CREATE INDEX IF NOT EXISTS audit_log_entity_idx ON audit_log (entity, entity_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS audit_log_request_key_idx ON audit_log (request_key);

-- SSH public keys people register to sign in to `epic-tui serve` without a
-- password. A key belongs to one user and goes with them; its fingerprint
-- (SHA256:…, as ssh-keygen -l prints it) finds it at each connection, so
-- one key opens one account only.
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

INSERT INTO roles (name, label) VALUES
    ('admin', 'Administrator'),
    ('management', 'Management'),
    ('sales', 'Sales'),
    ('support', 'Support')
ON CONFLICT DO NOTHING;

INSERT INTO permissions (id, entity, action) VALUES
    (1, 'user', 'create'), (2, 'user', 'read'), (3, 'user', 'update'), (4, 'user', 'delete'),
    (5, 'client', 'create'), (6, 'client', 'read'), (7, 'client', 'update'), (8, 'client', 'delete'),
    (9, 'contract', 'create'), (10, 'contract', 'read'), (11, 'contract', 'update'), (12, 'contract', 'delete'),
    (13, 'event', 'create'), (14, 'event', 'read'), (15, 'event', 'update'), (16, 'event', 'delete')
ON CONFLICT DO NOTHING;

-- The permission table, as the README shows it (Roles and permissions).
INSERT INTO role_permissions (role, permission_id, scope) VALUES
    ('admin', 1, 'all'), ('admin', 2, 'all'), ('admin', 3, 'all'), ('admin', 4, 'all'),
    ('admin', 5, 'all'), ('admin', 6, 'all'), ('admin', 7, 'all'), ('admin', 8, 'all'),
    ('admin', 9, 'all'), ('admin', 10, 'all'), ('admin', 11, 'all'), ('admin', 12, 'all'),
    ('admin', 13, 'all'), ('admin', 14, 'all'), ('admin', 15, 'all'), ('admin', 16, 'all'),
    ('management', 1, 'all'), ('management', 2, 'all'), ('management', 3, 'all'), ('management', 4, 'all'),
    ('management', 6, 'all'),
    ('management', 9, 'all'), ('management', 10, 'all'), ('management', 11, 'all'),
    ('management', 14, 'all'), ('management', 15, 'all'),
    ('sales', 2, 'all'),
    ('sales', 5, 'all'), ('sales', 6, 'all'), ('sales', 7, 'own'),
    ('sales', 10, 'all'),
    ('sales', 13, 'own'), ('sales', 14, 'all'),
    ('support', 2, 'all'), ('support', 6, 'all'), ('support', 10, 'all'),
    ('support', 14, 'all'), ('support', 15, 'own')
ON CONFLICT DO NOTHING;

INSERT INTO schema_version (id, version) VALUES (1, 3) ON CONFLICT DO NOTHING;

INSERT INTO instance (id, uid) VALUES (1, gen_random_uuid()::text) ON CONFLICT DO NOTHING;
