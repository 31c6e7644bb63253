-- The delivery outbox: every message leadup sends (an e-mail or a chat webhook post) is stored
-- here first, with its attachments, and only then sent by the background worker, so nothing
-- acknowledged is lost. status is queued, sending (claimed by a worker until lease_until),
-- sent, retrying (an attempt failed; the next is at next_attempt_at) or failed (no more
-- attempts). Times are Unix seconds. recipient is an e-mail address or a webhook URL; the URL
-- is a secret and is shown only by its host. about_kind and about_id name what the message
-- delivers (e.g. a brief).
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    about_kind TEXT,
    about_id INTEGER,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER,
    lease_until INTEGER,
    sent_at INTEGER,
    last_error TEXT,
    CHECK ((about_kind IS NULL) = (about_id IS NULL))
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_about ON deliveries (about_kind, about_id);

-- A delivery's attachments, in order; part of their delivery.
CREATE TABLE delivery_attachments (
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (delivery_id, position)
);

-- Each attempt at sending a delivery: when it started and ended, and its error (secrets
-- redacted) when it failed. An attempt without finished_at was interrupted (its worker
-- stopped) or is running.
CREATE TABLE delivery_attempts (
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    number INTEGER NOT NULL CHECK (number > 0),
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    error TEXT,
    PRIMARY KEY (delivery_id, number)
);
