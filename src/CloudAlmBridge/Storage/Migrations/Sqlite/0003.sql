-- Version 3: the outbox (deliveries and their attempts).
CREATE TABLE IF NOT EXISTS deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription    TEXT NOT NULL,
    situation_id    TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL,
    body_hash       TEXT NOT NULL,
    message         TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    accepted_at     TEXT NOT NULL,
    queued_at       TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT NULL,
    action          TEXT NULL,
    ticket_created  INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER NULL,
    last_error      TEXT NULL,
    completed_at    TEXT NULL
);
-- Dedupe by constraint, never check-then-insert: a duplicate insert fails and is answered like the original.
CREATE UNIQUE INDEX IF NOT EXISTS ux_deliveries_event ON deliveries (subscription, situation_id, event_type, dedupe_key);
CREATE UNIQUE INDEX IF NOT EXISTS ux_deliveries_body ON deliveries (subscription, body_hash);
CREATE INDEX IF NOT EXISTS ix_deliveries_pending ON deliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS ix_deliveries_situation ON deliveries (subscription, situation_id, id);
CREATE TABLE IF NOT EXISTS delivery_attempts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id     INTEGER NOT NULL REFERENCES deliveries (id),
    attempted_at    TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    status_code     INTEGER NULL,
    error           TEXT NULL,
    next_attempt_at TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
-- The deliveries are the event history now.
DROP TABLE IF EXISTS ticket_events;
