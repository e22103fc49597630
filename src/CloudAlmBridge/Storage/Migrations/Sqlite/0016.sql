-- Version 16: maintenance windows (issue 22 item 3).
-- - maintenance_windows: the windows an operator started over REST or in the console (origin 'AdHoc', named
--   adhoc-{id}), and the early ends of configured windows (origin 'Configuration': the occurrence from starts_at to
--   ends_at, ended at ended_at). Stored, not kept in memory, so every instance sharing the database sees them.
--   subscriptions and services are JSON arrays of names and Cloud ALM serviceIds; an empty array covers all.
--   at_end: 0 Deliver, 1 Drop.
-- - deliveries.held_by: the window that held the delivery back (kept after the window's end, as its history);
--   held_until: set while it waits for that window's end (the end its policy is applied at), cleared when it is applied.
CREATE TABLE maintenance_windows (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL,
    origin         TEXT    NOT NULL,
    starts_at      TEXT    NOT NULL,
    ends_at        TEXT    NOT NULL,
    subscriptions  TEXT    NOT NULL,
    services       TEXT    NOT NULL,
    at_end         INTEGER NOT NULL,
    reason         TEXT    NULL,
    started_by     TEXT    NULL,
    ended_at       TEXT    NULL,
    ended_by       TEXT    NULL
);
CREATE INDEX ix_maintenance_windows_ends ON maintenance_windows (ends_at);
ALTER TABLE deliveries ADD COLUMN held_by TEXT NULL;
ALTER TABLE deliveries ADD COLUMN held_until TEXT NULL;
-- "What did window X hold back": only deliveries a window held carry the column.
CREATE INDEX ix_deliveries_held_by ON deliveries (held_by) WHERE held_by IS NOT NULL;
