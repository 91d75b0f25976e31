-- 今日待办: each rep's next follow-up per customer, and the customers each user opened lately.
-- Times are Unix ms. No foreign keys to users: rows outlive nothing (users are disabled, never
-- deleted), and a view recorded for a user the database does not hold must not fail a page.

-- One next follow-up per (rep, customer). Marking it done keeps the row with done_at set;
-- setting a new one replaces it. due_at has minute precision (typed in Beijing time).
CREATE TABLE follow_up_plans (
    user_id       INTEGER NOT NULL,
    customer_key  TEXT    NOT NULL,
    customer_name TEXT,
    due_at        INTEGER NOT NULL,
    plan          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    done_at       INTEGER,
    PRIMARY KEY (user_id, customer_key)
);
CREATE INDEX follow_up_plans_open ON follow_up_plans (done_at, due_at);

-- The customers a user opened lately (the last 20 are kept per user).
CREATE TABLE recent_views (
    user_id       INTEGER NOT NULL,
    customer_key  TEXT    NOT NULL,
    customer_name TEXT,
    viewed_at     INTEGER NOT NULL,
    PRIMARY KEY (user_id, customer_key)
);
CREATE INDEX recent_views_user ON recent_views (user_id, viewed_at);
