-- Wins with credit: what a team achieved, when, what it serves and its impact, proposed by a
-- member and confirmed (or declined with a reason) by the manager. Times are Unix seconds.
CREATE TABLE wins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id INTEGER NOT NULL REFERENCES teams (id),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    achieved_on TEXT NOT NULL,
    initiative_id INTEGER REFERENCES initiatives (id) ON DELETE SET NULL,
    objective_id INTEGER REFERENCES objectives (id) ON DELETE SET NULL,
    key_result INTEGER CHECK (key_result IS NULL OR key_result >= 0),
    impact TEXT NOT NULL,
    impact_value REAL,
    impact_unit TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'declined')),
    proposed_by INTEGER NOT NULL REFERENCES users (id),
    proposed_at INTEGER NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at INTEGER,
    decline_reason TEXT,
    CHECK ((status = 'proposed') = (decided_at IS NULL)),
    CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
);

CREATE INDEX wins_team ON wins (team_id, achieved_on);

-- The people credited for a win, in the order given: a user, or a plain name (user_id NULL).
CREATE TABLE win_credits (
    win_id INTEGER NOT NULL REFERENCES wins (id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id),
    name TEXT NOT NULL,
    PRIMARY KEY (win_id, ord)
);

-- A team's process document, one row per saved version; a save never changes an earlier one.
CREATE TABLE process_versions (
    team_id INTEGER NOT NULL REFERENCES teams (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    priority_method TEXT NOT NULL CHECK (priority_method IN ('rice', 'value_effort')),
    weight_reach REAL NOT NULL,
    weight_impact REAL NOT NULL,
    weight_confidence REAL NOT NULL,
    weight_effort REAL NOT NULL,
    priorities TEXT NOT NULL,
    definition_of_done TEXT NOT NULL,
    cadence TEXT NOT NULL,
    change_requests TEXT NOT NULL,
    saved_by INTEGER NOT NULL REFERENCES users (id),
    saved_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, version)
);

-- Decisions made outside leadup, added to the team's decision log by hand. Decisions leadup
-- records itself (plans, change requests, proposals) are read from their own tables, never
-- copied here. options is a JSON array of strings.
CREATE TABLE team_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id INTEGER NOT NULL REFERENCES teams (id),
    decided_on TEXT NOT NULL,
    title TEXT NOT NULL,
    options TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    added_by INTEGER NOT NULL REFERENCES users (id),
    added_at INTEGER NOT NULL
);

CREATE INDEX team_decisions_team ON team_decisions (team_id);

CREATE TABLE team_decision_evidence (
    decision_id INTEGER NOT NULL REFERENCES team_decisions (id) ON DELETE CASCADE,
    evidence_id INTEGER NOT NULL REFERENCES evidence (id),
    ord INTEGER NOT NULL,
    PRIMARY KEY (decision_id, evidence_id)
);

-- A share link may show a team's process page (its process document and decision log) too.
-- SQLite cannot change a CHECK in place, so share_links is rebuilt with the same rows; no
-- table refers to it.
CREATE TABLE share_links_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('dashboard', 'plan', 'process')),
    target_id INTEGER NOT NULL,
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);

INSERT INTO share_links_new (id, token_hash, kind, target_id, team_id, created_by, created_at, expires_at, revoked_at)
SELECT id, token_hash, kind, target_id, team_id, created_by, created_at, expires_at, revoked_at FROM share_links;

DROP TABLE share_links;

ALTER TABLE share_links_new RENAME TO share_links;

CREATE INDEX share_links_team ON share_links (team_id);
