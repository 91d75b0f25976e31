-- PostgreSQL twin of migrations/sqlite/0007_form_drafts.sql.
CREATE TABLE form_drafts (
    id           TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    form         TEXT   NOT NULL,
    fields_json  TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX form_drafts_created ON form_drafts (created_at);
