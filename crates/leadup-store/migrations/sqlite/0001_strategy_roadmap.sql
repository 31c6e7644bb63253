-- The workspace, its objectives and key results, teams, and initiatives.
CREATE TABLE workspace (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    mission TEXT NOT NULL
);

CREATE TABLE objectives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner TEXT NOT NULL
);

CREATE TABLE key_results (
    objective_id INTEGER NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    metric TEXT NOT NULL,
    unit TEXT NOT NULL,
    baseline REAL NOT NULL,
    target REAL NOT NULL,
    current_value REAL NOT NULL,
    due TEXT NOT NULL,
    PRIMARY KEY (objective_id, ord)
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    manager TEXT NOT NULL
);

CREATE TABLE team_people (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('member', 'executive')),
    ord INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (team_id, role, ord)
);

CREATE TABLE initiatives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id INTEGER NOT NULL REFERENCES teams (id),
    title TEXT NOT NULL,
    outcome TEXT NOT NULL,
    horizon TEXT CHECK (horizon IN ('now', 'next', 'later')),
    target_start TEXT,
    target_end TEXT,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'planned', 'in_progress', 'done', 'dropped')),
    budget_planned INTEGER NOT NULL CHECK (budget_planned >= 0),
    budget_actual INTEGER NOT NULL CHECK (budget_actual >= 0),
    currency TEXT NOT NULL,
    CHECK ((target_start IS NULL) = (target_end IS NULL)),
    CHECK (target_end >= target_start)
);

CREATE INDEX initiatives_team ON initiatives (team_id);

CREATE TABLE initiative_objectives (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    objective_id INTEGER NOT NULL REFERENCES objectives (id),
    ord INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, objective_id)
);

CREATE INDEX initiative_objectives_objective ON initiative_objectives (objective_id);
