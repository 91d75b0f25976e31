-- Several instances sharing one database (PostgreSQL; with SQLite there is one instance, and
-- these tables serve its restarts the same way).

-- An outbox row being delivered is claimed by one instance until lease_until (Unix ms); when
-- the instance dies, another takes the row after the lease ends, as uncertain (it checks the
-- vendor before sending again).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
CREATE INDEX outbox_leases ON outbox (state, lease_until);

-- Work one instance of the cluster does at a time (the vendor list crawl): held by `holder`
-- until lease_until, renewed while it works, taken over by another once it has lapsed.
CREATE TABLE leases (
    name         TEXT    PRIMARY KEY,
    holder       TEXT    NOT NULL,
    lease_until  INTEGER NOT NULL,
    taken_at     INTEGER NOT NULL
);

-- The merged customer and clue lists as last crawled (compressed): other instances and
-- restarts load them instead of crawling the vendors again.
CREATE TABLE list_snapshots (
    name         TEXT    PRIMARY KEY,
    taken_at     INTEGER NOT NULL,
    taken_by     TEXT    NOT NULL,
    records      INTEGER NOT NULL,
    data         BLOB    NOT NULL
);
