//! Evidence and its full-text search. Everything but the search is shared SQL; the search
//! is SQLite FTS5 (ranked by `bm25`) or PostgreSQL full-text search (ranked by `ts_rank`).

use leadup_core::evidence::{Evidence, EvidenceDraft};

use crate::rows::{self, EvidenceRow};
use crate::{BeginWrite, Pool, Store, StoreError, Tx, dispatch, on_tx};

/// The columns of `evidence e`, in the order of [`EvidenceRow`].
pub(crate) const COLUMNS: &str = "e.id, e.kind, e.summary, e.source, e.observed_on, e.customer, \
     e.customers_affected, e.revenue_at_stake, e.currency, e.recorded_by";
const INSERT: &str = "INSERT INTO evidence (kind, summary, source, observed_on, customer, customers_affected, \
     revenue_at_stake, currency, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
const UPDATE: &str = "UPDATE evidence SET kind = $1, summary = $2, source = $3, observed_on = $4, customer = $5, \
     customers_affected = $6, revenue_at_stake = $7, currency = $8, recorded_by = $9 WHERE id = $10 RETURNING id";

/// Binds a draft's fields as `$1` to `$9` of [`INSERT`] or [`UPDATE`] (a macro, so that it
/// serves both backends' query types).
macro_rules! bind_draft {
    ($query:expr, $draft:expr) => {
        $query
            .bind($draft.kind.as_str())
            .bind(&$draft.summary)
            .bind(&$draft.source)
            .bind($draft.date)
            .bind(&$draft.customer)
            .bind($draft.customers_affected)
            .bind($draft.revenue_at_stake)
            .bind($draft.currency.as_str())
            .bind(&$draft.recorded_by)
    };
}

/// Many pieces of evidence written in one transaction: [`add`](Self::add) each, then
/// [`commit`](Self::commit); dropping it instead (a strict import that met a bad row, a
/// file that could not be read to its end) writes nothing.
pub struct EvidenceImport {
    tx: Tx,
    written: u64,
}

impl EvidenceImport {
    /// Adds one piece of evidence and returns its id (final once committed).
    pub async fn add(&mut self, draft: &EvidenceDraft) -> Result<i64, StoreError> {
        let id: i64 =
            on_tx!(&mut self.tx, tx => bind_draft!(sqlx::query_scalar(INSERT), draft).fetch_one(&mut **tx).await?);
        self.written += 1;
        Ok(id)
    }

    /// Writes everything added and returns how many pieces that was.
    pub async fn commit(self) -> Result<u64, StoreError> {
        on_tx!(self.tx, tx => tx.commit().await?);
        Ok(self.written)
    }
}

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
            let id: i64 = bind_draft!(sqlx::query_scalar(INSERT), draft).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        self.evidence(id).await
    }

    /// Replaces evidence `id` with `draft` (build it by applying an
    /// [`EvidencePatch`](leadup_core::evidence::EvidencePatch) to the stored evidence's input);
    /// the search index follows on both backends.
    pub async fn update_evidence(&self, id: i64, draft: &EvidenceDraft) -> Result<Evidence, StoreError> {
        let updated: Option<i64> = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let updated: Option<i64> = bind_draft!(sqlx::query_scalar(UPDATE), draft)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            tx.commit().await?;
            updated
        });
        updated.ok_or(StoreError::not_found("evidence", id))?;
        self.evidence(id).await
    }

    /// Deletes evidence `id`; refused while it supports an initiative, a change request or a
    /// proposal (unlink it, or edit the proposal, first).
    pub async fn delete_evidence(&self, id: i64) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut uses = Vec::new();
            for (table, column, what) in [
                ("initiative_evidence", "initiative_id", "initiatives"),
                ("change_request_evidence", "change_request_id", "change requests"),
                ("proposal_evidence", "proposal_id", "proposals"),
            ] {
                let linked: Vec<i64> = sqlx::query_scalar(&format!(
                    "SELECT {column} FROM {table} WHERE evidence_id = $1 ORDER BY {column}"
                ))
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                if !linked.is_empty() {
                    let ids: Vec<String> = linked.iter().map(i64::to_string).collect();
                    uses.push(format!("{what} {}", ids.join(", ")));
                }
            }
            if !uses.is_empty() {
                return Err(StoreError::Conflict(format!(
                    "evidence {id} supports {}; unlink it first",
                    uses.join(" and ")
                )));
            }
            let deleted = sqlx::query("DELETE FROM evidence WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if deleted.rows_affected() == 0 {
                return Err(StoreError::not_found("evidence", id));
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Starts an import of many pieces of evidence in one transaction.
    pub async fn begin_evidence_import(&self) -> Result<EvidenceImport, StoreError> {
        let tx = match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_write().await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin_write().await?),
        };
        Ok(EvidenceImport { tx, written: 0 })
    }

    /// The evidence whose summary, customer or kind holds every word of `query`, best match
    /// first. The query is plain words (English stemming, any case); punctuation in it is
    /// never search syntax. A blank query is refused.
    pub async fn search_evidence(&self, query: &str) -> Result<Vec<Evidence>, StoreError> {
        if query.trim().is_empty() {
            return Err(StoreError::invalid("query", "must not be empty"));
        }
        if query.contains('\0') {
            return Err(StoreError::invalid("query", leadup_core::validation::NUL_MESSAGE));
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
