-- The confidence the manager states, on submitting a plan version, of meeting each item's
-- target: a JSON array of {"initiative_id", "confidence"} in item order (NULL when none is
-- stated). Approving the version commits to each item with the stated confidence, or with the
-- forecast's chance at approval where none was stated.
ALTER TABLE plan_versions ADD COLUMN stated_confidence TEXT;
