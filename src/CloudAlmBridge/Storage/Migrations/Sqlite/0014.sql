-- Version 14 (issue 21, item 6, the look-up before a create only when it can matter): how often each delivery was
-- claimed. A claim adds one, nothing takes it back (not a retry, a release, a takeover or a replay), so a delivery
-- claimed once was never run before: with no link, no other claimed delivery of its situation and a situation that
-- started recently, that proves no create of the situation can have been sent, and the look-up may be skipped
-- (Bridge:Lifecycle:LookupBeforeCreate Auto).
-- The default is 1, not 0: a row from before (or written by anything but the accept, which writes 0) may have been
-- claimed, and nothing proves it was not, so its first claim here is counted as its second and keeps the look-up.
ALTER TABLE deliveries ADD COLUMN claims INTEGER NOT NULL DEFAULT 1;
