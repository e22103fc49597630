-- Version 12 (issue "In production"):
-- - The console's overview counts the deliveries of the last hour and day by state: an index in acceptance order
--   (appended at its end, like the rows) that holds the state too, so the count reads the index alone and never every
--   delivery.
-- - Console sessions are recorded here, so that signing out ends a session on every instance, and a session needs a
--   secret the database does not hold: the cookie carries a random token, this table only its SHA-256 hash.
CREATE INDEX IF NOT EXISTS ix_deliveries_accepted ON deliveries (accepted_at, state);
CREATE TABLE console_sessions (
    token_hash   TEXT NOT NULL PRIMARY KEY,
    client       TEXT NOT NULL,
    signed_in_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX ix_console_sessions_expires ON console_sessions (expires_at);
