-- Proposals (business cases) of a team. content is the proposal as entered (leadup-core's
-- ProposalInput as JSON) without its links, which live in columns and tables where the
-- database guards them: the delivering initiative (unset if that initiative is deleted), the
-- objectives served (an objective served by a proposal cannot be deleted) and the evidence its
-- claims cite (cited evidence cannot be deleted). A proposal is edited as a draft, presented,
-- then approved or declined by an executive of its team. Times are Unix seconds.
CREATE TABLE proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id INTEGER NOT NULL REFERENCES teams (id),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    initiative_id INTEGER REFERENCES initiatives (id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'presented', 'approved', 'declined')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at INTEGER,
    CHECK ((decided_by IS NULL) = (decided_at IS NULL)),
    CHECK ((status IN ('approved', 'declined')) = (decided_at IS NOT NULL))
);

CREATE INDEX proposals_team ON proposals (team_id);

CREATE TABLE proposal_objectives (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    objective_id INTEGER NOT NULL REFERENCES objectives (id),
    ord INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, objective_id)
);

CREATE INDEX proposal_objectives_objective ON proposal_objectives (objective_id);

CREATE TABLE proposal_evidence (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    evidence_id INTEGER NOT NULL REFERENCES evidence (id),
    PRIMARY KEY (proposal_id, evidence_id)
);

CREATE INDEX proposal_evidence_evidence ON proposal_evidence (evidence_id);
