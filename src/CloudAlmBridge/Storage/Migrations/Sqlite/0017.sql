-- Version 17 (issue 21, item 1): accept writes once, in append order.
-- - inbox: the accepted messages, a table that only grows at its end (retention takes old rows from its start). The
--   message as its UTF-8 bytes, times as integer milliseconds since 1970 (UTC), and no AUTOINCREMENT: the rowid is the
--   delivery's id. No index but the rowid: a duplicate is found in the process's memory (the one writer of the file,
--   which the {file}.lock makes the only process), so nothing at a random place is written on accept.
-- - dedupe: the 16-byte key a repeat of the message has (the first half of the SHA-256 of subscription, situation id,
--   event type and dedupe key, separated by line feeds). Rows moved here from deliveries hold that text itself (SQLite
--   has no SHA-256); the bridge hashes a key that is not 16 bytes long when it reads them.
-- - deliveries: only what a delivery's state needs (attempts, owner and lease, next attempt, outcome). Its row is
--   written when the dispatcher first takes the message up (in its claim's transaction, many at once, in inbox order),
--   not by the accept. inbox_cursor says how far that has come: an inbox row after it is a delivery that is Queued
--   and was never claimed.
CREATE TABLE inbox (
    id            INTEGER PRIMARY KEY,
    subscription  TEXT    NOT NULL,
    situation_id  TEXT    NOT NULL,
    event_type    TEXT    NOT NULL,
    dedupe        BLOB    NOT NULL,
    message       BLOB    NOT NULL,
    accepted_at   INTEGER NOT NULL,
    trace_parent  TEXT    NULL
);
INSERT INTO inbox (id, subscription, situation_id, event_type, dedupe, message, accepted_at, trace_parent)
SELECT id, subscription, situation_id, event_type,
       CAST(subscription || char(10) || situation_id || char(10) || event_type || char(10) || dedupe_key AS BLOB),
       CAST(message AS BLOB),
       CAST(ROUND((julianday(accepted_at) - 2440587.5) * 86400000.0) AS INTEGER),
       trace_parent
FROM deliveries ORDER BY id;
CREATE TABLE inbox_cursor (
    id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    staged_through INTEGER NOT NULL
);
-- Every delivery of before has its state row already.
INSERT INTO inbox_cursor (id, staged_through) VALUES (1, COALESCE((SELECT MAX(id) FROM inbox), 0));
-- The dedupe index goes (the inbox's key replaces it); a situation's deliveries are found through a plain index on the
-- state rows, which are small and written off the accept's path.
DROP INDEX IF EXISTS ux_deliveries_event;
ALTER TABLE deliveries DROP COLUMN dedupe_key;
ALTER TABLE deliveries DROP COLUMN body_hash;
ALTER TABLE deliveries DROP COLUMN message;
ALTER TABLE deliveries DROP COLUMN trace_parent;
CREATE INDEX ix_deliveries_situation ON deliveries (subscription, situation_id, id);
