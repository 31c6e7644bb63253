-- Rebuilds work_items with the same columns, ids and unique key, and one change: the
-- category check compares with each allowed value instead of using `IN (...)`.
--
-- SQLite evaluates `IN` with three or more constants inside a CHECK constraint by building
-- a temporary B-tree of the list for every row written (the list cannot be reused across
-- rows there), which made that check the costliest step of a work item import. Equality
-- tests allow exactly the same values. PostgreSQL has no such cost and keeps its table.
CREATE TABLE work_items_rebuilt (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams (id),
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category = 'to_do' OR category = 'in_progress' OR category = 'done'),
    created_at INTEGER,
    started_at INTEGER,
    done_at INTEGER,
    estimate REAL,
    parent TEXT,
    labels TEXT NOT NULL,
    milestone TEXT,
    UNIQUE (team_id, key)
);

INSERT INTO work_items_rebuilt (id, team_id, key, title, kind, status, category, created_at, started_at, done_at,
                                estimate, parent, labels, milestone)
SELECT id, team_id, key, title, kind, status, category, created_at, started_at, done_at, estimate, parent, labels,
       milestone
FROM work_items;

DROP TABLE work_items;

ALTER TABLE work_items_rebuilt RENAME TO work_items;
