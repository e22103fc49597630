-- Version 2: retention. Finished deliveries (Delivered 2, Skipped 3) are found by completion time, oldest first.
CREATE INDEX ix_deliveries_finished ON deliveries (completed_at) WHERE state IN (2, 3);
