-- Version 1: situation-to-ticket links (and an event table that version 3 replaced by the deliveries).
CREATE TABLE IF NOT EXISTS ticket_links (
    subscription   TEXT NOT NULL,
    situation_id   TEXT NOT NULL,
    ticket_id      TEXT NULL,
    ticket_number  TEXT NULL,
    ticket_status  TEXT NULL,
    display_url    TEXT NULL,
    is_closed      INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (subscription, situation_id)
);
CREATE TABLE IF NOT EXISTS ticket_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription   TEXT NOT NULL,
    situation_id   TEXT NOT NULL,
    event_type     TEXT NOT NULL,
    received_at    TEXT NOT NULL,
    delivery_state TEXT NOT NULL,
    action         TEXT NULL,
    status_code    INTEGER NULL,
    error          TEXT NULL,
    ticket_id      TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_ticket_events_situation ON ticket_events (subscription, situation_id, id);
