-- Version 6: the ServiceNow sandbox's records (the Development demo's stand-in ServiceNow), kept beside the bridge's
-- links to them so that a restart keeps both: the look-up by correlation_id still finds the incident, and numbers go
-- on from the last one given. Unused outside Development. A record is the ServiceNow JSON object, stored whole;
-- sys_id, number and correlation_id are copied out of it for the look-ups. Numbers are fixed width per table
-- (INC0010001), so they sort as text in the order they were given.
CREATE TABLE sandbox_records (
    table_name     TEXT NOT NULL,
    sys_id         TEXT NOT NULL,
    number         TEXT NOT NULL,
    correlation_id TEXT NULL,
    record         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (table_name, sys_id)
);
CREATE UNIQUE INDEX ux_sandbox_records_number ON sandbox_records (table_name, number);
CREATE INDEX ix_sandbox_records_correlation ON sandbox_records (table_name, correlation_id);
-- The last number given per table; it only grows, so a deleted record's number is never given again.
CREATE TABLE sandbox_numbers (
    table_name  TEXT NOT NULL PRIMARY KEY,
    last_number INTEGER NOT NULL
);
