-- Bulk notes and remarks sent from the customer list. The job records who sent what to
-- which customers; every vendor write of it is an ordinary outbox row (committed in the same
-- transaction, before any vendor call), so delivery, retries and their states are the
-- outbox's, and the result page reads them through `bulk_job_items`.
CREATE TABLE bulk_jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The author and the form's token: a resubmitted form finds its job again.
    idempotency_key  TEXT    NOT NULL UNIQUE,
    author_id        INTEGER NOT NULL,
    author_name      TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('remark', 'note')),
    -- The outbox payload every write of the job carries (note text and time, or remark).
    payload_json     TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX bulk_jobs_author ON bulk_jobs (author_id, id);

-- Every selected customer, in selection order, with the name shown on the result page and,
-- when none of its vendors could take the write, why (a code).
CREATE TABLE bulk_job_customers (
    job_id        INTEGER NOT NULL REFERENCES bulk_jobs (id),
    position      INTEGER NOT NULL,
    customer_key  TEXT    NOT NULL,
    name          TEXT,
    skipped       TEXT,
    PRIMARY KEY (job_id, customer_key)
);

-- The job's writes: one outbox row per customer and vendor.
CREATE TABLE bulk_job_items (
    job_id     INTEGER NOT NULL REFERENCES bulk_jobs (id),
    outbox_id  INTEGER NOT NULL UNIQUE REFERENCES outbox (id),
    PRIMARY KEY (job_id, outbox_id)
);
