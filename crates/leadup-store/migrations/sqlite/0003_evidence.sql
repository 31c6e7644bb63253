-- Evidence (interviews, tickets, sales requests, ...) and its full-text index.
-- The index is a plain FTS5 table holding a copy of the searched columns, kept in step by
-- triggers; its rowid is the evidence id. The kind is indexed as words ("support ticket").
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('customer_interview', 'support_ticket', 'sales_request', 'survey_result',
        'usage_metric', 'market_research', 'competitor_move', 'experiment_result')),
    summary TEXT NOT NULL,
    source TEXT,
    observed_on TEXT,
    customer TEXT,
    customers_affected INTEGER CHECK (customers_affected >= 0),
    revenue_at_stake INTEGER CHECK (revenue_at_stake >= 0),
    currency TEXT NOT NULL,
    recorded_by TEXT
);

CREATE INDEX evidence_observed_on ON evidence (observed_on);

-- porter: English stemming, as PostgreSQL's 'english' configuration does ("delays" finds "delay").
CREATE VIRTUAL TABLE evidence_fts USING fts5 (
    summary, customer, kind,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER evidence_fts_insert AFTER INSERT ON evidence BEGIN
    INSERT INTO evidence_fts (rowid, summary, customer, kind)
    VALUES (new.id, new.summary, coalesce(new.customer, ''), replace(new.kind, '_', ' '));
END;

CREATE TRIGGER evidence_fts_update AFTER UPDATE ON evidence BEGIN
    DELETE FROM evidence_fts WHERE rowid = old.id;
    INSERT INTO evidence_fts (rowid, summary, customer, kind)
    VALUES (new.id, new.summary, coalesce(new.customer, ''), replace(new.kind, '_', ' '));
END;

CREATE TRIGGER evidence_fts_delete AFTER DELETE ON evidence BEGIN
    DELETE FROM evidence_fts WHERE rowid = old.id;
END;
