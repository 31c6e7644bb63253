-- The stored forecast of each initiative, one row per initiative and day (a refresh on the same
-- day replaces that day's row), so the rows of an initiative are its forecast history. snapshot
-- is leadup-core's InitiativeForecast as JSON; the percentile dates and the probability are
-- repeated in columns for queries. A forecast is part of its initiative and goes with it.
CREATE TABLE initiative_forecasts (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    as_of TEXT NOT NULL,
    computed_at INTEGER NOT NULL,
    p50 TEXT,
    p85 TEXT,
    p95 TEXT,
    probability_by_target REAL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (initiative_id, as_of)
);
