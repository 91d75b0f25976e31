-- A stored list in parts of about a megabyte instead of one blob: writing a 60 MB blob made
-- the driver and the database each hold their own copy at once, which set the crawling
-- instance's peak memory. `list_snapshots.data` stays for lists stored before (parts = 0).
ALTER TABLE list_snapshots ADD COLUMN parts BIGINT NOT NULL DEFAULT 0;

CREATE TABLE list_snapshot_parts (
    name  TEXT    NOT NULL,
    part  BIGINT  NOT NULL,
    data  BYTEA   NOT NULL,
    PRIMARY KEY (name, part)
);
