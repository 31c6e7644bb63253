-- Roles are the one source of who is a team's manager, member or executive.
--
-- Until now a team also kept its people as typed names (teams.manager, team_people), which
-- could differ from the roles users hold (memberships), the only thing access checks read.
-- Each typed name is matched to a user by name, compared without case and extra white
-- space, and only when exactly one user has that name. Case is folded by lower().
-- A matched name gives that user the role unless they already hold one in the team (the
-- role held stands: it is what access was decided by); a user named for several roles of a
-- team gets the highest (manager, executive, member). A name no user (or several) matches is
-- kept as a pending person: shown as "no account yet" until a user of that name is created
-- or given a role in the team, which the store does (and audits) from then on. The
-- placeholder manager "Unassigned" of teams an import created names nobody. Roles given
-- here are not in the audit log: they restate what the team already listed.
CREATE TABLE pending_people (
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('manager', 'member', 'executive')),
    name TEXT NOT NULL,
    PRIMARY KEY (team_id, role, name)
);

CREATE TABLE typed_people (team_id BIGINT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, rank BIGINT NOT NULL);

INSERT INTO typed_people (team_id, role, name, name_key, rank)
SELECT id, 'manager', manager, lower(btrim(regexp_replace(manager, '\s+', ' ', 'g'))), 0 FROM teams WHERE manager <> 'Unassigned';

INSERT INTO typed_people (team_id, role, name, name_key, rank)
SELECT team_id, role, name, lower(btrim(regexp_replace(name, '\s+', ' ', 'g'))), CASE role WHEN 'executive' THEN 1 ELSE 2 END FROM team_people;

CREATE TABLE user_keys (user_id BIGINT NOT NULL, name_key TEXT NOT NULL);

INSERT INTO user_keys (user_id, name_key) SELECT id, lower(btrim(regexp_replace(name, '\s+', ' ', 'g'))) FROM users;

INSERT INTO memberships (team_id, user_id, role)
SELECT matched.team_id, matched.user_id, matched.role FROM (
    SELECT t.team_id, u.user_id, t.role,
           row_number() OVER (PARTITION BY t.team_id, u.user_id ORDER BY t.rank) AS n
    FROM typed_people t JOIN user_keys u ON u.name_key = t.name_key
    WHERE (SELECT COUNT(*) FROM user_keys v WHERE v.name_key = t.name_key) = 1
) AS matched
WHERE matched.n = 1
  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.team_id = matched.team_id AND m.user_id = matched.user_id);

INSERT INTO pending_people (team_id, role, name)
SELECT DISTINCT t.team_id, t.role, t.name FROM typed_people t
WHERE (SELECT COUNT(*) FROM user_keys u WHERE u.name_key = t.name_key) <> 1;

DROP TABLE typed_people;
DROP TABLE user_keys;
DROP TABLE team_people;
ALTER TABLE teams DROP COLUMN manager;

-- Stakeholder profiles: one per user (an executive of at least one team), kept by the
-- managers of their teams. A webhook address is a secret: stored to deliver briefs, shown
-- nowhere but as its host.
CREATE TABLE stakeholder_profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    topics TEXT NOT NULL,
    cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'fortnightly', 'monthly')),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    webhook_url TEXT,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((channel = 'webhook') = (webhook_url IS NOT NULL))
);

-- The objectives a stakeholder cares about and the initiatives they sponsor are parts of
-- the profile: deleting the objective or initiative takes them out of it.
CREATE TABLE stakeholder_objectives (
    user_id BIGINT NOT NULL REFERENCES stakeholder_profiles (user_id) ON DELETE CASCADE,
    objective_id BIGINT NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    ord BIGINT NOT NULL,
    PRIMARY KEY (user_id, objective_id)
);

CREATE INDEX stakeholder_objectives_objective ON stakeholder_objectives (objective_id);

CREATE TABLE stakeholder_initiatives (
    user_id BIGINT NOT NULL REFERENCES stakeholder_profiles (user_id) ON DELETE CASCADE,
    initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    ord BIGINT NOT NULL,
    PRIMARY KEY (user_id, initiative_id)
);

CREATE INDEX stakeholder_initiatives_initiative ON stakeholder_initiatives (initiative_id);
