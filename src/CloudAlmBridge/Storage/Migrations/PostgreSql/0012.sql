-- Version 12, as SQLite's version 15 (issue "Fewer, better tickets", grouping): a storm of situations becomes one
-- ticket. ticket_groups: one row per group of one subscription and grouping key, whose ticket is the link of
-- opened_by; opened_at starts its window; closed_at is set when the bridge closed its ticket with the last member.
-- ticket_links.group_id: the situation's group; grouped_with: the opener whose ticket a member shares; rating: the
-- rating last noted on the group's ticket.
CREATE TABLE ticket_groups (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription  text        NOT NULL,
    group_key     text        NOT NULL,
    opened_by     text        NOT NULL,
    opened_at     timestamptz NOT NULL,
    closed_at     timestamptz NULL
);
CREATE INDEX ix_ticket_groups_open ON ticket_groups (subscription, group_key, opened_at) WHERE closed_at IS NULL;
ALTER TABLE ticket_links ADD COLUMN group_id bigint NULL;
ALTER TABLE ticket_links ADD COLUMN grouped_with text NULL;
ALTER TABLE ticket_links ADD COLUMN rating text NULL;
CREATE INDEX ix_ticket_links_group ON ticket_links (group_id) WHERE group_id IS NOT NULL;
