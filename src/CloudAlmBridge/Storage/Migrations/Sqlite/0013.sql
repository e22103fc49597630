-- Version 13: a flapping check reopens its ticket instead of opening another (issue "Fewer, better tickets").
-- - match_key: what the situation is about (by default its service and event), kept with its link; links of earlier
--   versions have none, and are never reopened.
-- - closed_at: when the bridge closed the ticket; the reopen window counts from here (updated_at moves with a PING).
-- - reopened_from: this situation reopened the ticket of that situation, instead of getting one of its own.
-- - reopened_by: this closed ticket was reopened for that situation, which links it now: it is no longer a candidate.
ALTER TABLE ticket_links ADD COLUMN match_key TEXT NULL;
ALTER TABLE ticket_links ADD COLUMN closed_at TEXT NULL;
ALTER TABLE ticket_links ADD COLUMN reopened_from TEXT NULL;
ALTER TABLE ticket_links ADD COLUMN reopened_by TEXT NULL;
-- "The ticket of this key the bridge closed last, if within the window": only closed, not yet reopened tickets with a key.
CREATE INDEX ix_ticket_links_reopen ON ticket_links (subscription, match_key, closed_at)
    WHERE match_key IS NOT NULL AND closed_at IS NOT NULL AND reopened_by IS NULL;
