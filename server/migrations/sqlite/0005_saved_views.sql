-- Saved views of the customer list: a named filter and search, kept per user; a manager may
-- share one with their team (everyone with the same team sees it while the owner is enabled).
CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Normalised (one line, single spaces, trimmed); unique per owner, case-insensitively.
    name        TEXT    NOT NULL COLLATE NOCASE,
    -- The filter as a list query string (q, rep, vendor, tag, stage), written by SalesDesk.
    query       TEXT    NOT NULL,
    shared      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    UNIQUE (owner_id, name)
);
CREATE INDEX saved_views_owner ON saved_views (owner_id);
