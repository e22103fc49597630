-- Version 9: two indexes fewer on deliveries. Each held one entry per delivery at a random place, so every accept wrote
-- a page of each to the log; neither answered anything another index does not:
-- - ux_deliveries_body: an identical body has the same subscription, situation, event type and dedupe key, so
--   ux_deliveries_event refuses it already;
-- - ix_deliveries_situation: a situation's deliveries are found through ux_deliveries_event, which begins with
--   (subscription, situation_id).
DROP INDEX IF EXISTS ux_deliveries_body;
DROP INDEX IF EXISTS ix_deliveries_situation;
