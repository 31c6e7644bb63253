-- Replayed past forecasts that calibrations pool, kept between runs so that a calibrated
-- forecast does not replay every team's history again (leadup_app::replays). One row per
-- history (a team, or a reference history shipped with leadup), question and replay settings:
-- the latest replay, as of its day, with the digest of the history it was replayed from.
-- Derived data: deleting a row only makes the next forecast replay it again.
CREATE TABLE forecast_replays (
    subject TEXT NOT NULL,
    question TEXT NOT NULL,
    history_days BIGINT NOT NULL,
    replay_step_days BIGINT NOT NULL,
    as_of DATE NOT NULL,
    history_digest TEXT NOT NULL,
    used_on DATE NOT NULL,
    replay BYTEA NOT NULL,
    PRIMARY KEY (subject, question, history_days, replay_step_days)
);
