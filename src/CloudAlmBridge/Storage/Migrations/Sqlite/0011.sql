-- Version 11: readiness writes here. A read says nothing of a full disk or a read-only database; a small write that
-- must reach the log does (one row per instance, its last probe).
CREATE TABLE readiness_probe (
    instance   TEXT NOT NULL PRIMARY KEY,
    checked_at TEXT NOT NULL
);
