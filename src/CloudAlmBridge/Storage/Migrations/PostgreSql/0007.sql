-- Version 7: what the bridge knows of a situation besides its ticket, as SQLite's version 10 (issue "One ticket per
-- situation"): a create whose outcome is not known yet (doubt_kind 1: it may have made a ticket; 2: it made one without
-- a readable id; 3: it made one the mapping cannot address, for good; 4: an operator said none was made) and since
-- when; a situation held until an operator settles it, with why and which delivery held it.
ALTER TABLE ticket_links ADD COLUMN doubt_kind integer NULL;
ALTER TABLE ticket_links ADD COLUMN doubt_since timestamptz NULL;
ALTER TABLE ticket_links ADD COLUMN held_at timestamptz NULL;
ALTER TABLE ticket_links ADD COLUMN hold_note text NULL;
ALTER TABLE ticket_links ADD COLUMN hold_delivery_id bigint NULL;
CREATE INDEX ix_ticket_links_held ON ticket_links (subscription, situation_id) WHERE held_at IS NOT NULL;
-- A link without a ticket id, number or close was written by earlier versions for a create answered 2xx without a
-- readable id: the ticket exists (never created again), it just cannot be addressed.
UPDATE ticket_links SET doubt_kind = 3 WHERE ticket_id IS NULL AND ticket_number IS NULL AND NOT is_closed;
