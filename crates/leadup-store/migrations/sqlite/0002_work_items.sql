-- Work items imported from trackers, and the rules that attach them to initiatives.
-- Timestamps are Unix seconds (UTC, whole seconds); labels are joined by newlines.
CREATE TABLE work_items (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams (id),
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('to_do', 'in_progress', 'done')),
    created_at INTEGER,
    started_at INTEGER,
    done_at INTEGER,
    estimate REAL,
    parent TEXT,
    labels TEXT NOT NULL,
    milestone TEXT,
    UNIQUE (team_id, key)
);

CREATE TABLE initiative_rules (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('parent', 'label', 'milestone', 'key')),
    value TEXT NOT NULL,
    PRIMARY KEY (initiative_id, kind, value)
);
