-- The baseline a change request's impact was computed on (the one it was filed against until
-- a newer baseline is approved and the open request is recomputed against it), why the change
-- no longer applies to the current baseline when it does not, and the impacts it had before.
ALTER TABLE change_requests ADD COLUMN impact_version_id INTEGER REFERENCES plan_versions (id);
UPDATE change_requests SET impact_version_id = baseline_version_id;
ALTER TABLE change_requests ADD COLUMN no_longer_applies TEXT;
ALTER TABLE change_requests ADD COLUMN checked_version_id INTEGER REFERENCES plan_versions (id);

-- A change request's earlier impacts: each replaced when the open request was recomputed
-- against a newer baseline (recomputed_version_id), at recomputed_at (Unix seconds).
CREATE TABLE change_request_impacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    change_request_id INTEGER NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    baseline_version_id INTEGER NOT NULL REFERENCES plan_versions (id),
    recomputed_version_id INTEGER NOT NULL REFERENCES plan_versions (id),
    recomputed_at INTEGER NOT NULL,
    impact TEXT NOT NULL
);

CREATE INDEX change_request_impacts_request ON change_request_impacts (change_request_id);
