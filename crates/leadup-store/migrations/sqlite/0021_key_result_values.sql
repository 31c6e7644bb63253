-- Each value measured for a key result, kept as its history. A key result is named by its
-- objective and its position (`ord`, as in `key_results`); when an objective's key results are
-- replaced, the store moves each history to where its metric went (leadup-core's
-- `strategy::carry_history`) and drops the history of a removed one. Times are Unix seconds.
CREATE TABLE key_result_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    objective_id INTEGER NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    measured_on TEXT NOT NULL,
    value REAL NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    recorded_at INTEGER NOT NULL
);

CREATE INDEX key_result_values_key_result ON key_result_values (objective_id, ord, measured_on);
