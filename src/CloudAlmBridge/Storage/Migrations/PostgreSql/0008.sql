-- Version 8: readiness writes here, as SQLite's version 11: a read says nothing of a full disk or a read-only
-- database; a small write does (one row per instance, its last probe).
CREATE TABLE readiness_probe (
    instance   text        NOT NULL PRIMARY KEY,
    checked_at timestamptz NOT NULL
);
