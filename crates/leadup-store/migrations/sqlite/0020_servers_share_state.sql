-- State several `leadup serve` processes on one database share.

-- Failed sign-ins, so every server counts the same ones (the throttle's policy is in
-- leadup-core's sign_in module). key is a SHA-256 digest (of the account and the client, or of
-- the client), never an address; at is when the failure was counted and expires_at when it no
-- longer counts, as Unix seconds. Rows are pruned once expired, as failures are counted.
CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY,
    key BLOB NOT NULL CHECK (length(key) = 32),
    at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, at);
CREATE INDEX sign_in_failures_expiry ON sign_in_failures (expires_at);

-- One row, updated first by every transaction that counts a failure, so that concurrent
-- sign-ins on several servers count one after another and none gets past the limit.
CREATE TABLE sign_in_turn (id INTEGER PRIMARY KEY CHECK (id = 1));
INSERT INTO sign_in_turn (id) VALUES (1);

-- Leases on background jobs, so a job runs on one server at a time: holder names the process
-- holding it until expires_at (Unix seconds), renewed while it runs; once expired another
-- process may take it. completed is what the last finished run did (e.g. the day it ran for),
-- so another server does not run the same day's work again.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    completed TEXT
);
