-- Several instances on one database (see migrations/sqlite/0006_cluster.sql for the meaning).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;
CREATE INDEX outbox_leases ON outbox (state, lease_until);

CREATE TABLE leases (
    name         TEXT   PRIMARY KEY,
    holder       TEXT   NOT NULL,
    lease_until  BIGINT NOT NULL,
    taken_at     BIGINT NOT NULL
);

CREATE TABLE list_snapshots (
    name         TEXT   PRIMARY KEY,
    taken_at     BIGINT NOT NULL,
    taken_by     TEXT   NOT NULL,
    records      BIGINT NOT NULL,
    data         BYTEA  NOT NULL
);
