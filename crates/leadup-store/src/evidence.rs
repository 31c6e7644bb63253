//! Evidence and its full-text search. Everything but the search is shared SQL; the search
//! is SQLite FTS5 (ranked by `bm25`) or PostgreSQL full-text search (ranked by `ts_rank`).

use leadup_core::evidence::{Evidence, EvidenceDraft};

use crate::rows::{self, EvidenceRow};
use crate::{BeginWrite, Pool, Store, StoreError, dispatch};

const COLUMNS: &str = "e.id, e.kind, e.summary, e.source, e.observed_on, e.customer, e.customers_affected, \
     e.revenue_at_stake, e.currency, e.recorded_by";

impl Store {
    /// Every piece of evidence, newest date first (undated last), then by id.
    pub async fn evidence_list(&self) -> Result<Vec<Evidence>, StoreError> {
        let found: Vec<EvidenceRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM evidence e ORDER BY e.observed_on DESC NULLS LAST, e.id"))
                .fetch_all(pool).await?
        });
        rows::evidence(found)
    }

    /// One piece of evidence.
    pub async fn evidence(&self, id: i64) -> Result<Evidence, StoreError> {
        let found: Vec<EvidenceRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM evidence e WHERE e.id = $1")).bind(id).fetch_all(pool).await?
        });
        rows::evidence(found)?.pop().ok_or(StoreError::not_found("evidence", id))
    }

    /// Stores a new piece of evidence and returns it with its id.
    pub async fn create_evidence(&self, draft: &EvidenceDraft) -> Result<Evidence, StoreError> {
        let id: i64 = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO evidence (kind, summary, source, observed_on, customer, customers_affected, \
                 revenue_at_stake, currency, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(draft.kind.as_str()).bind(&draft.summary).bind(&draft.source).bind(draft.date)
            .bind(&draft.customer).bind(draft.customers_affected).bind(draft.revenue_at_stake)
            .bind(draft.currency.as_str()).bind(&draft.recorded_by)
            .fetch_one(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        self.evidence(id).await
    }

    /// The evidence whose summary, customer or kind holds every word of `query`, best match
    /// first. The query is plain words (English stemming, any case); punctuation in it is
    /// never search syntax. A blank query is refused.
    pub async fn search_evidence(&self, query: &str) -> Result<Vec<Evidence>, StoreError> {
        if query.trim().is_empty() {
            return Err(StoreError::invalid("query", "must not be empty"));
        }
        let found: Vec<EvidenceRow> = match &self.pool {
            Pool::Sqlite(pool) => {
                let Some(fts_query) = fts5_query(query) else { return Ok(Vec::new()) };
                sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM evidence_fts JOIN evidence e ON e.id = evidence_fts.rowid \
                     WHERE evidence_fts MATCH $1 ORDER BY bm25(evidence_fts), e.id"
                ))
                .bind(fts_query)
                .fetch_all(pool)
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM evidence e, plainto_tsquery('english', $1) AS q \
                     WHERE e.search @@ q ORDER BY ts_rank(e.search, q) DESC, e.id"
                ))
                .bind(query)
                .fetch_all(pool)
                .await?
            }
        };
        rows::evidence(found)
    }
}

/// Plain words as an FTS5 query: each word quoted as an FTS5 string (so no character of it
/// is query syntax), all of them required. A one-letter tail after an apostrophe ("refund's",
/// "don't") is left out, as PostgreSQL's English stop words leave it out, so both backends
/// find the same; so are words without a letter or digit. `None` when nothing is left.
fn fts5_query(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split_whitespace()
        .flat_map(|word| {
            word.split(['\'', '\u{2019}']).enumerate().filter(|(i, part)| {
                let letters = part.chars().filter(|c| c.is_alphanumeric()).count();
                letters > usize::from(*i > 0)
            })
        })
        .map(|(_, word)| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::fts5_query;

    #[test]
    fn words_are_quoted_as_strings() {
        assert_eq!(fts5_query("refund delays").as_deref(), Some("\"refund\" \"delays\""));
        assert_eq!(fts5_query("refund's (delay)?").as_deref(), Some("\"refund\" \"(delay)?\""));
        assert_eq!(fts5_query("o'brien’s rock'n'roll").as_deref(), Some("\"o\" \"brien\" \"rock\" \"roll\""));
        assert_eq!(fts5_query("say \"NEAR\" OR -x").as_deref(), Some("\"say\" \"\"\"NEAR\"\"\" \"OR\" \"-x\""));
        assert_eq!(fts5_query(" ?! - "), None);
    }
}
