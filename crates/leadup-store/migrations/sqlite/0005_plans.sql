-- Plans and their versions (draft → submitted → approved; superseded once a newer version is
-- approved), change requests against a plan's baseline with their evidence, and the
-- append-only, hash-chained audit log. A version's content is its items as canonical JSON
-- text, and content_hash the SHA-256 (hex) of that text. Times are Unix seconds.
CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id INTEGER NOT NULL REFERENCES teams (id),
    name TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    UNIQUE (team_id, name),
    CHECK (period_end >= period_start)
);

CREATE TABLE plan_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    number INTEGER NOT NULL CHECK (number >= 1),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'superseded')),
    origin TEXT NOT NULL CHECK (origin IN ('edit', 'change_request', 'replan')),
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    submitted_by INTEGER REFERENCES users (id),
    submitted_at INTEGER,
    approved_by INTEGER REFERENCES users (id),
    approved_at INTEGER,
    UNIQUE (plan_id, number),
    CHECK ((submitted_by IS NULL) = (submitted_at IS NULL)),
    CHECK ((approved_by IS NULL) = (approved_at IS NULL))
);

-- One baseline per plan, and at most one version in the making (draft or submitted).
CREATE UNIQUE INDEX plan_versions_one_baseline ON plan_versions (plan_id) WHERE status = 'approved';
CREATE UNIQUE INDEX plan_versions_one_open ON plan_versions (plan_id) WHERE status IN ('draft', 'submitted');

-- The decision is signed off twice, by a manager and by an executive of the plan's team:
-- the first sign-off records `decision`, the second (the same decision) completes it.
CREATE TABLE change_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    baseline_version_id INTEGER NOT NULL REFERENCES plan_versions (id),
    kind TEXT NOT NULL CHECK (kind IN ('add', 'remove', 'reprioritise', 'redate', 'rescope', 'rebudget')),
    change TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    urgency TEXT NOT NULL CHECK (urgency IN ('low', 'normal', 'high')),
    filed_by INTEGER NOT NULL REFERENCES users (id),
    filed_at INTEGER NOT NULL,
    impact TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected', 'deferred')),
    decision TEXT CHECK (decision IN ('accept', 'reject', 'defer')),
    manager_by INTEGER REFERENCES users (id),
    manager_at INTEGER,
    manager_rationale TEXT,
    executive_by INTEGER REFERENCES users (id),
    executive_at INTEGER,
    executive_rationale TEXT,
    decided_at INTEGER,
    resulting_version_id INTEGER REFERENCES plan_versions (id),
    CHECK ((status = 'open') = (decided_at IS NULL))
);

CREATE INDEX change_requests_plan ON change_requests (plan_id);

CREATE TABLE change_request_evidence (
    change_request_id INTEGER NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    evidence_id INTEGER NOT NULL REFERENCES evidence (id),
    ord INTEGER NOT NULL,
    PRIMARY KEY (change_request_id, evidence_id)
);

CREATE INDEX change_request_evidence_evidence ON change_request_evidence (evidence_id);

-- The audit log: hash = SHA-256 over prev_hash and the entry's fields (see leadup-core's
-- `audit`). details is JSON kept as text, byte for byte as hashed.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor INTEGER REFERENCES users (id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The end of the chain: the last seq and its hash. Appending updates this one row first,
-- which makes concurrent appenders wait for each other, and lets verification notice entries
-- missing from the end.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
