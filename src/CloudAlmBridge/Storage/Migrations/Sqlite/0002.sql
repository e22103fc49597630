-- Version 2: mappings put over the management API.
CREATE TABLE IF NOT EXISTS mappings (
    name        TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    document    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);
