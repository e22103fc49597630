-- Version 3: the ServiceNow sandbox's records, as SQLite's version 6 has them (the Development demo's stand-in
-- ServiceNow, kept beside the bridge's links to them so that a restart keeps both). Unused outside Development.
CREATE TABLE sandbox_records (
    table_name     text        NOT NULL,
    sys_id         text        NOT NULL,
    number         text        NOT NULL,
    correlation_id text        NULL,
    record         text        NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (table_name, sys_id)
);
CREATE UNIQUE INDEX ux_sandbox_records_number ON sandbox_records (table_name, number);
CREATE INDEX ix_sandbox_records_correlation ON sandbox_records (table_name, correlation_id);
-- The last number given per table; it only grows, so a deleted record's number is never given again.
CREATE TABLE sandbox_numbers (
    table_name  text   NOT NULL PRIMARY KEY,
    last_number bigint NOT NULL
);
