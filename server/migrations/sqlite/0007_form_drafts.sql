-- What a rep typed into a refused plain (JavaScript-off) form post, for the page the redirect
-- leads back to — which, behind a load balancer, another instance may serve. Kept 10 minutes;
-- found only by the user who typed it (`id` is 128 random bits).
CREATE TABLE form_drafts (
    id           TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL,
    form         TEXT    NOT NULL,
    fields_json  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX form_drafts_created ON form_drafts (created_at);
