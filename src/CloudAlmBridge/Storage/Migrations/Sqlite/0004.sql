-- Version 4: several instances. Delivery states as numbers (the DeliveryState enum: 0 Queued, 1 Retrying,
-- 2 Delivered, 3 Skipped, 4 DeadLettered); a claim carries its owner and a lease id that fences every later write;
-- partial indexes over pending deliveries only; mapping names keyed case-insensitively with a global revision, so an
-- ETag never repeats for a name.
CREATE TABLE deliveries_v4 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription    TEXT NOT NULL,
    situation_id    TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL,
    body_hash       TEXT NOT NULL,
    message         TEXT NOT NULL,
    state           INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    accepted_at     TEXT NOT NULL,
    queued_at       TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    owner           TEXT NULL,
    lease_id        TEXT NULL,
    lease_until     TEXT NULL,
    action          TEXT NULL,
    ticket_created  INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER NULL,
    last_error      TEXT NULL,
    completed_at    TEXT NULL
);
INSERT INTO deliveries_v4 (id, subscription, situation_id, event_type, dedupe_key, body_hash, message, state, attempts,
    accepted_at, queued_at, next_attempt_at, action, ticket_created, last_status, last_error, completed_at)
SELECT id, subscription, situation_id, event_type, dedupe_key, body_hash, message,
    CASE state WHEN 'Queued' THEN 0 WHEN 'Retrying' THEN 1 WHEN 'Delivered' THEN 2 WHEN 'Skipped' THEN 3 ELSE 4 END,
    attempts, accepted_at, queued_at, next_attempt_at, action, ticket_created, last_status, last_error, completed_at
FROM deliveries;
-- The attempts are rebuilt too: SQLite enforces foreign keys here, so the old deliveries can be dropped only once no
-- table refers to them. The new attempts refer to deliveries_v4, which the rename below makes "deliveries".
CREATE TABLE delivery_attempts_v4 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id     INTEGER NOT NULL REFERENCES deliveries_v4 (id),
    attempted_at    TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    status_code     INTEGER NULL,
    error           TEXT NULL,
    next_attempt_at TEXT NULL
);
INSERT INTO delivery_attempts_v4 (id, delivery_id, attempted_at, outcome, status_code, error, next_attempt_at)
SELECT id, delivery_id, attempted_at, outcome, status_code, error, next_attempt_at FROM delivery_attempts;
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
ALTER TABLE deliveries_v4 RENAME TO deliveries;
ALTER TABLE delivery_attempts_v4 RENAME TO delivery_attempts;
CREATE INDEX ix_delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
CREATE UNIQUE INDEX ux_deliveries_event ON deliveries (subscription, situation_id, event_type, dedupe_key);
CREATE UNIQUE INDEX ux_deliveries_body ON deliveries (subscription, body_hash);
CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE state IN (0, 1);
CREATE INDEX ix_deliveries_situation_pending ON deliveries (subscription, situation_id, id) WHERE state IN (0, 1);
CREATE INDEX ix_deliveries_state ON deliveries (state, id);
CREATE INDEX ix_deliveries_situation ON deliveries (subscription, situation_id, id);

CREATE TABLE mappings_v4 (
    name_key    TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    document    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);
-- Mapping names are ASCII (letters, digits, '.', '_', '-'), so SQLite's lower() is the bridge's ToLowerInvariant().
INSERT INTO mappings_v4 (name_key, name, document, version, revision, updated_at)
SELECT lower(name), name, document, version, rowid, updated_at FROM mappings;
DROP TABLE mappings;
ALTER TABLE mappings_v4 RENAME TO mappings;
CREATE TABLE mapping_revision (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO mapping_revision (id, revision) VALUES (1, COALESCE((SELECT MAX(revision) FROM mappings), 0));
