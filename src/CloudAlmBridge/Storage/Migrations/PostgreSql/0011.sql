-- Version 11, as SQLite's version 14 (issue 21, item 6): how often each delivery was claimed; a claim adds one and
-- nothing takes it back, so a delivery claimed once was never run before (the look-up before its create may be
-- skipped, Bridge:Lifecycle:LookupBeforeCreate Auto). The default is 1: a row from before may have been claimed and
-- nothing proves it was not, so it keeps the look-up; the accept writes 0. A constant default adds the column without
-- rewriting the table.
ALTER TABLE deliveries ADD COLUMN claims integer NOT NULL DEFAULT 1;
