-- What happens on the day a stakeholder's next brief falls due by their cadence: 'draft'
-- (a draft for the team's manager to review and send; the default), 'send' (generated and
-- sent without review) or 'off' (briefs are made by hand).
ALTER TABLE stakeholder_profiles
    ADD COLUMN schedule TEXT NOT NULL DEFAULT 'draft' CHECK (schedule IN ('off', 'draft', 'send'));

-- The drafts waiting for review, by team (the manager's inbox reads them).
CREATE INDEX briefs_drafts ON briefs (team_id, stakeholder_id) WHERE sent_at IS NULL;
