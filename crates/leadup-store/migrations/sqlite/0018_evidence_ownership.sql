-- Who owns a piece of evidence: the user who recorded it. Evidence recorded before owners were
-- kept, or by the operator from the command line, has none; it may then be changed by the
-- managers of the teams citing it and by administrators (leadup-core's `EvidenceStewards`).
-- `recorded_by` stays the free-text name the recorder gave.
ALTER TABLE evidence ADD COLUMN recorder_id INTEGER REFERENCES users (id) ON DELETE SET NULL;

CREATE INDEX evidence_recorder ON evidence (recorder_id);
