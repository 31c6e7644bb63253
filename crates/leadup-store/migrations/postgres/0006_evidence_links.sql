-- Evidence linked to the initiatives it supports, many to many. A link is part of its
-- initiative: deleting the initiative takes its links with it (the evidence stays). Evidence
-- that is linked cannot be deleted: the store refuses first, and the foreign key, having no
-- ON DELETE action, refuses too.
CREATE TABLE initiative_evidence (
    initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    evidence_id BIGINT NOT NULL REFERENCES evidence (id),
    PRIMARY KEY (initiative_id, evidence_id)
);

CREATE INDEX initiative_evidence_evidence ON initiative_evidence (evidence_id);
