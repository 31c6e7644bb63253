-- Decisions on plan versions: an executive approves a submitted version or sends it back to
-- its manager as a draft, with an optional reason (NULL when none was given). The rows of a
-- plan are its decision history, oldest first by id. Times are Unix seconds.
CREATE TABLE plan_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    outcome TEXT NOT NULL CHECK (outcome IN ('approved', 'sent_back')),
    decided_by INTEGER NOT NULL REFERENCES users (id),
    decided_at INTEGER NOT NULL,
    reason TEXT CHECK (reason IS NULL OR length(trim(reason)) > 0)
);

CREATE INDEX plan_decisions_plan ON plan_decisions (plan_id);

-- Every status move of a proposal (presented, withdrawn, approved, declined), who made it and
-- when, with an optional reason: the proposal's decision history. A move is part of its
-- proposal and goes with it.
CREATE TABLE proposal_moves (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    moved_by INTEGER NOT NULL REFERENCES users (id),
    moved_at INTEGER NOT NULL,
    reason TEXT CHECK (reason IS NULL OR length(trim(reason)) > 0)
);

CREATE INDEX proposal_moves_proposal ON proposal_moves (proposal_id);

-- The forecast of a submitted plan version's queue (its items in its order with its targets),
-- computed by background work when the version is submitted and each day while it waits, so
-- that the executive sees which targets are unlikely before approving without a page request
-- computing a forecast. snapshot is a JSON array of leadup-core's InitiativeForecast, one per
-- item of the version in plan order; one row per version, replaced when recomputed.
CREATE TABLE plan_version_forecasts (
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    as_of TEXT NOT NULL,
    inputs_digest TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);
