-- Each team's dashboard per flow window as last computed by background work (leadup-app's
-- TeamDashboard as JSON), with the day it is as of and a digest of what it was computed from,
-- so that a dashboard page reads it instead of going through the team's whole history.
CREATE TABLE team_dashboards (
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    window_days BIGINT NOT NULL CHECK (window_days > 0),
    as_of DATE NOT NULL,
    inputs_digest TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (team_id, window_days)
);
