-- The reference host's SQLite store, read by host-runner
-- (src/storage/sqlite.rs) and by the Python host (examples/python): one
-- schema, so that either host reads the other's file.
--
-- audit_events: one row per event; body is the canonical JSON that was
--   hashed, the other columns repeat what the chain and the indexes need.
-- audit_heads: each tenant's newest seq and hash (what an append continues).
-- audit_settings: each tenant's settings document.
--
-- Every statement is idempotent, so an older store is brought up to date on
-- open, in one transaction that also sets PRAGMA user_version. Version 2
-- added audit_settings; version 3 put seq into the time index, so that a
-- time range's sequence numbers are read from the index alone.
-- schema-version: 3
CREATE TABLE IF NOT EXISTS audit_events (
    tenant         TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    id             TEXT    NOT NULL,
    occurred_at_us INTEGER NOT NULL,
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    PRIMARY KEY (tenant, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_events_by_id ON audit_events (tenant, id);
DROP INDEX IF EXISTS audit_events_by_time;
CREATE INDEX IF NOT EXISTS audit_events_by_time_seq ON audit_events (tenant, occurred_at_us, seq);
CREATE TABLE IF NOT EXISTS audit_heads (
    tenant TEXT    NOT NULL PRIMARY KEY,
    seq    INTEGER NOT NULL,
    hash   TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_settings (
    tenant   TEXT NOT NULL PRIMARY KEY,
    settings TEXT NOT NULL
);
