-- Local accounts, server-side sessions and the audit log of writes.

-- Sales people who sign in. The WeCom user id at each vendor decides whose customers they see.
CREATE TABLE users (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Sign-in name, compared case-insensitively ("LiuFuLai" and "liufulai" are one account).
    username         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name     TEXT    NOT NULL,
    role             TEXT    NOT NULL CHECK (role IN ('rep', 'manager', 'admin')),
    -- Users with the same team form a team; a manager sees the whole team's customers.
    team             TEXT,
    tanma_user_id    TEXT,
    weiling_user_id  TEXT,
    juzi_user_id     TEXT,
    -- Argon2id PHC string; NULL for accounts that only sign in through the SSO proxy.
    password_hash    TEXT,
    disabled         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    last_login_at    INTEGER
);
CREATE INDEX users_team ON users (team);

-- One row per signed-in browser. Only the SHA-256 of the cookie's token is stored, so a copy
-- of the database does not let anyone resume a session.
CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    user_agent    TEXT,
    address       TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Every write a user makes through SalesDesk (remark, follow-up note, retry, user changes),
-- with the vendor's result once known. Rows are never deleted by the application.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    user_id       INTEGER,
    username      TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    customer_key  TEXT,
    vendor        TEXT,
    -- The outbox item this entry is about, when it is a vendor write.
    write_id      INTEGER,
    -- queued / delivered / failed / ok / refused; updated when delivery finishes.
    result        TEXT    NOT NULL,
    detail        TEXT,
    result_at     INTEGER
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_write ON audit_log (write_id);
