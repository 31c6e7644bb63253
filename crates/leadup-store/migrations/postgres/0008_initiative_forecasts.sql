-- The stored forecast of each initiative, one row per initiative and day (a refresh on the same
-- day replaces that day's row), so the rows of an initiative are its forecast history. snapshot
-- is leadup-core's InitiativeForecast as JSON; the percentile dates and the probability are
-- repeated in columns for queries. A forecast is part of its initiative and goes with it.
CREATE TABLE initiative_forecasts (
    initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    as_of DATE NOT NULL,
    computed_at BIGINT NOT NULL,
    p50 DATE,
    p85 DATE,
    p95 DATE,
    probability_by_target DOUBLE PRECISION,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (initiative_id, as_of)
);
