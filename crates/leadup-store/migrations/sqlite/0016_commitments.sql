-- Commitments: what a team promised, to whom (a user), by when, with what stated confidence,
-- with an optional budget and a link to an initiative or to the plan item of an approved
-- baseline. Outcomes are events appended to commitment_events in order (seq); none is ever
-- updated or deleted, so the original due date and every renegotiation stay on record.
CREATE TABLE commitments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id INTEGER NOT NULL REFERENCES teams (id),
    to_user_id INTEGER NOT NULL REFERENCES users (id),
    statement TEXT NOT NULL,
    made TEXT NOT NULL,
    due TEXT NOT NULL,
    confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    budget_minor INTEGER CHECK (budget_minor >= 0),
    currency TEXT,
    initiative_id INTEGER REFERENCES initiatives (id),
    plan_id INTEGER REFERENCES plans (id),
    plan_version INTEGER,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    CHECK (made <= due),
    CHECK ((budget_minor IS NULL) = (currency IS NULL)),
    CHECK ((plan_id IS NULL) = (plan_version IS NULL))
);

CREATE INDEX commitments_team ON commitments (team_id, due);
CREATE INDEX commitments_initiative ON commitments (initiative_id);

CREATE TABLE commitment_events (
    commitment_id INTEGER NOT NULL REFERENCES commitments (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('met', 'missed', 'renegotiated', 'dropped')),
    on_date TEXT NOT NULL,
    spent_minor INTEGER CHECK (spent_minor >= 0),
    new_due TEXT,
    reason TEXT,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (commitment_id, seq),
    CHECK ((kind = 'renegotiated') = (new_due IS NOT NULL))
);
