-- Writes to vendors (remarks, follow-up notes) are committed here first and delivered by a
-- background worker, so a rep's work survives vendor outages and restarts.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- One per user action; a resubmitted form with the same key is not queued twice.
    idempotency_key  TEXT    NOT NULL UNIQUE,
    kind             TEXT    NOT NULL CHECK (kind IN ('remark', 'note')),
    vendor           TEXT    NOT NULL,
    customer_key     TEXT    NOT NULL,
    target_json      TEXT    NOT NULL,
    payload_json     TEXT    NOT NULL,
    author           TEXT,
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'delivering', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- 1 when an earlier attempt may have reached the vendor (timeout, crash mid-send): the
    -- worker must check the vendor's data before sending again, so a note is never doubled.
    uncertain        INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    vendor_record_id TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_customer ON outbox (customer_key, created_at);
