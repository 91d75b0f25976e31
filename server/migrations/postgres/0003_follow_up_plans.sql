-- PostgreSQL twin of migrations/sqlite/0003_follow_up_plans.sql.
CREATE TABLE follow_up_plans (
    user_id       BIGINT NOT NULL,
    customer_key  TEXT   NOT NULL,
    customer_name TEXT,
    due_at        BIGINT NOT NULL,
    plan          TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    done_at       BIGINT,
    PRIMARY KEY (user_id, customer_key)
);
CREATE INDEX follow_up_plans_open ON follow_up_plans (done_at, due_at);

CREATE TABLE recent_views (
    user_id       BIGINT NOT NULL,
    customer_key  TEXT   NOT NULL,
    customer_name TEXT,
    viewed_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, customer_key)
);
CREATE INDEX recent_views_user ON recent_views (user_id, viewed_at);
