-- Version 10: what the bridge knows of a situation besides its ticket (issue "One ticket per situation").
-- - doubt_kind / doubt_since: a create was sent whose outcome is not known yet (1: it may have made a ticket: sent, or
--   its answer was lost or cut short; 2: it made one, but the answer carried no readable id; 3: it made one that the
--   mapping cannot address, for good; 4: an operator said no ticket was made, so the next create needs no look-up),
--   since when. The next event of the situation settles 1 and 2 with the ticket system's look-up before anything
--   else is sent.
-- - held_at / hold_note / hold_delivery_id: the look-up could not settle it, so the situation is held: none of its
--   deliveries is claimed until an operator settles it (the delivery that was holding it is named). After a discard,
--   hold_note keeps what the operator did.
ALTER TABLE ticket_links ADD COLUMN doubt_kind INTEGER NULL;
ALTER TABLE ticket_links ADD COLUMN doubt_since TEXT NULL;
ALTER TABLE ticket_links ADD COLUMN held_at TEXT NULL;
ALTER TABLE ticket_links ADD COLUMN hold_note TEXT NULL;
ALTER TABLE ticket_links ADD COLUMN hold_delivery_id INTEGER NULL;
-- Held situations are few: the claim asks this small index, never the links themselves.
CREATE INDEX ix_ticket_links_held ON ticket_links (subscription, situation_id) WHERE held_at IS NOT NULL;
-- A link without a ticket id, number or close was written by earlier versions for a create answered 2xx without a
-- readable id: the ticket exists (never created again), it just cannot be addressed.
UPDATE ticket_links SET doubt_kind = 3 WHERE ticket_id IS NULL AND ticket_number IS NULL AND is_closed = 0;
