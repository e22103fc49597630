-- Version 10, as SQLite's version 13 (issue "Fewer, better tickets"): a flapping check reopens its ticket instead of
-- opening another. match_key: what the situation is about (by default its service and event; none on links of earlier
-- versions, which are never reopened); closed_at: when the bridge closed the ticket, where the reopen window starts;
-- reopened_from: the situation whose ticket this one reopened; reopened_by: the situation that reopened this ticket.
ALTER TABLE ticket_links ADD COLUMN match_key text NULL;
ALTER TABLE ticket_links ADD COLUMN closed_at timestamptz NULL;
ALTER TABLE ticket_links ADD COLUMN reopened_from text NULL;
ALTER TABLE ticket_links ADD COLUMN reopened_by text NULL;
CREATE INDEX ix_ticket_links_reopen ON ticket_links (subscription, match_key, closed_at)
    WHERE match_key IS NOT NULL AND closed_at IS NOT NULL AND reopened_by IS NULL;
