-- Version 15: a storm of situations becomes one ticket (issue "Fewer, better tickets", grouping).
-- - ticket_groups: one row per group of one subscription and grouping key; its ticket is the link of opened_by (the
--   situation that created or reopened it); opened_at starts its window; closed_at is set when the bridge closed its
--   ticket with the last member (Grouping:Close LastMember).
-- - ticket_links.group_id: the group the situation belongs to (opener or member); grouped_with: the opener whose ticket
--   a member shares (null for the opener); rating: the rating last noted on the group's ticket (a member's UPDATED
--   adds a note only when it rises).
CREATE TABLE ticket_groups (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription  TEXT    NOT NULL,
    group_key     TEXT    NOT NULL,
    opened_by     TEXT    NOT NULL,
    opened_at     TEXT    NOT NULL,
    closed_at     TEXT    NULL
);
-- "The open group of this key, if opened within the window".
CREATE INDEX ix_ticket_groups_open ON ticket_groups (subscription, group_key, opened_at) WHERE closed_at IS NULL;
ALTER TABLE ticket_links ADD COLUMN group_id INTEGER NULL;
ALTER TABLE ticket_links ADD COLUMN grouped_with TEXT NULL;
ALTER TABLE ticket_links ADD COLUMN rating TEXT NULL;
CREATE INDEX ix_ticket_links_group ON ticket_links (group_id) WHERE group_id IS NOT NULL;
