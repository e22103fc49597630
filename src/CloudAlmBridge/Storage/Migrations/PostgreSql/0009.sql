-- Version 9, as SQLite's version 12 (issue "In production"): the overview's count by acceptance time reads an index
-- that holds the state; console sessions are recorded by the SHA-256 hash of the token their cookie carries.
-- Building the index holds writes to deliveries for as long as it takes (seconds per million rows): on a large table,
-- build it beforehand without that, and this migration finds it:
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_deliveries_accepted ON deliveries (accepted_at, state);
CREATE INDEX IF NOT EXISTS ix_deliveries_accepted ON deliveries (accepted_at, state);
CREATE TABLE console_sessions (
    token_hash   text        NOT NULL PRIMARY KEY,
    client       text        NOT NULL,
    signed_in_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX ix_console_sessions_expires ON console_sessions (expires_at);
