-- A share link may show a team's track record (its credibility report) too. SQLite cannot
-- change a CHECK in place, so share_links is rebuilt with the same rows; no table refers to it.
CREATE TABLE share_links_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('dashboard', 'plan', 'process', 'credibility')),
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
