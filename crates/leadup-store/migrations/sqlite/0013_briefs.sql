-- Briefs: a status update generated for one stakeholder (a user) about one team over a period,
-- kept as it was generated or sent (content is leadup-app's Brief as JSON; the store does not
-- look inside), so the next brief to the same stakeholder can say what changed since. asks is
-- a JSON array of the manager's asks. A draft has no sent_at; a sent brief has one.
CREATE TABLE briefs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    stakeholder_id INTEGER NOT NULL REFERENCES users (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    content TEXT NOT NULL,
    note TEXT NOT NULL,
    asks TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    status TEXT NOT NULL CHECK (status IN ('draft', 'sent')),
    CHECK (period_start <= period_end),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE INDEX briefs_stakeholder ON briefs (stakeholder_id, team_id, sent_at);
CREATE INDEX briefs_team ON briefs (team_id);
