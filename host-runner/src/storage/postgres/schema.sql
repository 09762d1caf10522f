-- The PostgreSQL store's schema, version 1 (host-runner/src/storage/postgres).
-- The same tables as the SQLite store's schema.sql, with PostgreSQL's types:
--
-- audit_events: one row per event, only ever inserted (and deleted by a
--   purge); body is the canonical JSON that was hashed. UNIQUE (tenant,
--   prev_hash) beside the primary key makes a fork (two rows continuing the
--   same row) a hard error, whatever a writer does.
-- audit_heads: each tenant's newest seq and hash; an append updates its
--   tenant's row (taking its lock), so writers of one tenant take turns and
--   writers of different tenants never wait on each other. Updated at every
--   append: half of each page is left free so that the new version of a row
--   goes on the same page (a HOT update, no index entry).
-- audit_settings: each tenant's settings document.
-- service_keys: the keys of `audit-host serve` (hashes only).
CREATE TABLE audit_events (
    tenant         text   NOT NULL,
    seq            bigint NOT NULL CHECK (seq > 0),
    id             text   NOT NULL,
    occurred_at_us bigint NOT NULL,
    prev_hash      text   NOT NULL,
    hash           text   NOT NULL,
    body           text   NOT NULL,
    PRIMARY KEY (tenant, seq),
    UNIQUE (tenant, id),
    UNIQUE (tenant, prev_hash)
);
CREATE INDEX audit_events_by_time_seq ON audit_events (tenant, occurred_at_us, seq);
CREATE TABLE audit_heads (
    tenant text   NOT NULL PRIMARY KEY,
    seq    bigint NOT NULL,
    hash   text   NOT NULL
) WITH (fillfactor = 50);
CREATE TABLE audit_settings (
    tenant   text NOT NULL PRIMARY KEY,
    settings text NOT NULL
);
CREATE TABLE service_keys (
    id         text NOT NULL PRIMARY KEY,
    key_hash   text NOT NULL UNIQUE,
    tenant     text NOT NULL,
    scope      text NOT NULL,
    name       text,
    created_at text NOT NULL,
    revoked_at text
);
