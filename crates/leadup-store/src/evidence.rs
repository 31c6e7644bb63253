//! Evidence and its full-text search. Everything but the search is shared SQL; the search
//! is SQLite FTS5 (ranked by `bm25`) or PostgreSQL full-text search (ranked by `ts_rank`).
//!
//! A piece of evidence belongs to the user who recorded it (`recorder_id`). Every change to
//! evidence (created, updated, deleted, linked, unlinked) is written to the audit log in its
//! own transaction, and a change made by a user is refused (`Forbidden`) unless leadup-core's
//! `EvidenceStewards::allow` lets them: its owner, a manager of a team citing it, or an
//! administrator. `by: None` is the operator at the command line.

use leadup_core::access::EvidenceStewards;
use leadup_core::evidence::{Evidence, EvidenceDraft};
use serde_json::json;

use crate::accounts::system_or;
use crate::audit::append_audit;
use crate::rows::{self, EvidenceRow};
use crate::{BeginWrite, Pool, Store, StoreError, Tx, dispatch, on_tx};

/// The columns of `evidence e`, in the order of [`EvidenceRow`].
pub(crate) const COLUMNS: &str = "e.id, e.kind, e.summary, e.source, e.observed_on, e.customer, \
     e.customers_affected, e.revenue_at_stake, e.currency, e.recorded_by, e.recorder_id";
const INSERT: &str = "INSERT INTO evidence (kind, summary, source, observed_on, customer, customers_affected, \
     revenue_at_stake, currency, recorded_by, recorder_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
     RETURNING id";
/// The teams whose initiatives, proposals or change requests cite evidence `$1`.
pub(crate) const CITING_TEAMS: &str = "SELECT i.team_id FROM initiative_evidence l JOIN initiatives i ON i.id = l.initiative_id \
     WHERE l.evidence_id = $1 \
     UNION SELECT p.team_id FROM proposal_evidence l JOIN proposals p ON p.id = l.proposal_id WHERE l.evidence_id = $1 \
     UNION SELECT pl.team_id FROM change_request_evidence l JOIN change_requests c ON c.id = l.change_request_id \
     JOIN plans pl ON pl.id = c.plan_id WHERE l.evidence_id = $1 ORDER BY 1";
const UPDATE: &str = "UPDATE evidence SET kind = $1, summary = $2, source = $3, observed_on = $4, customer = $5, \
     customers_affected = $6, revenue_at_stake = $7, currency = $8, recorded_by = $9 WHERE id = $10";

/// Keeps evidence `$1` as it was (`$2`) for the presented or decided proposals citing it that
/// do not keep an earlier version already.
const KEEP_FOR_PROPOSALS: &str = "UPDATE proposal_evidence SET as_cited = $2 WHERE evidence_id = $1 \
     AND as_cited IS NULL AND proposal_id IN (SELECT id FROM proposals WHERE status <> 'draft')";
/// The same for the decided change requests citing it.
const KEEP_FOR_CHANGE_REQUESTS: &str = "UPDATE change_request_evidence SET as_cited = $2 WHERE evidence_id = $1 \
     AND as_cited IS NULL AND change_request_id IN (SELECT id FROM change_requests WHERE status <> 'open')";

/// Binds a draft's fields as `$1` to `$9` of [`INSERT`] (whose `$10` is the owner) or [`UPDATE`] (a macro, so that it
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

/// Evidence `$id` read on `$conn` (a pool, or `&mut *tx`), `None` if there is none.
macro_rules! read_evidence {
    ($conn:expr, $id:expr) => {{
        let found: Vec<EvidenceRow> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM evidence e WHERE e.id = $1"))
            .bind($id)
            .fetch_all($conn)
            .await?;
        rows::evidence(found)?.pop()
    }};
}

/// The stewards of evidence `$id` read on `$conn`, `None` if there is no such evidence.
macro_rules! read_stewards {
    ($conn:expr, $id:expr) => {{
        let id: i64 = $id;
        let recorder: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT recorder_id FROM evidence WHERE id = $1").bind(id).fetch_optional($conn).await?;
        match recorder {
            None => None,
            Some((recorder_id,)) => {
                let citing_teams: Vec<i64> =
                    sqlx::query_scalar($crate::evidence::CITING_TEAMS).bind(id).fetch_all($conn).await?;
                Some(leadup_core::access::EvidenceStewards { recorder_id, citing_teams })
            }
        }
    }};
}

/// Refuses, inside transaction `$tx`, a change to evidence `$id` by user `$by` (an
/// `Option<i64>`, `None` being the operator) whom its stewards do not allow; an unknown
/// evidence is "not found".
macro_rules! check_may_change {
    ($tx:expr, $id:expr, $by:expr) => {{
        let (id, by): (i64, Option<i64>) = ($id, $by);
        let stewards =
            $crate::evidence::read_stewards!(&mut *$tx, id).ok_or($crate::StoreError::not_found("evidence", id))?;
        if let Some(user) = by {
            let found: Option<(bool,)> =
                sqlx::query_as("SELECT is_admin FROM users WHERE id = $1").bind(user).fetch_optional(&mut *$tx).await?;
            let (is_admin,) =
                found.ok_or_else(|| $crate::StoreError::invalid("user", format!("user {user} does not exist")))?;
            let roles: Vec<(i64, String)> =
                sqlx::query_as("SELECT team_id, role FROM memberships WHERE user_id = $1 ORDER BY team_id")
                    .bind(user)
                    .fetch_all(&mut *$tx)
                    .await?;
            let roles = roles
                .into_iter()
                .map(|(team_id, role)| {
                    Ok(leadup_core::access::TeamRole {
                        team_id,
                        role: role.parse().map_err($crate::StoreError::Corrupt)?,
                    })
                })
                .collect::<Result<_, $crate::StoreError>>()?;
            let principal = leadup_core::access::Principal {
                user_id: user,
                email: String::new(),
                name: String::new(),
                is_admin,
                roles,
            };
            if !stewards.allow(&principal) {
                return Err($crate::StoreError::Forbidden($crate::evidence::refusal(id)));
            }
        }
    }};
}
pub(crate) use {check_may_change, read_stewards};

/// Why a change to evidence `id` is refused (the store's and the web's words).
pub fn refusal(id: i64) -> String {
    format!(
        "Evidence {id} may be changed only by the person who recorded it, the managers of the teams \
         whose initiatives, proposals or change requests cite it, and administrators."
    )
}

/// The audit entry of a change to evidence `id` by `by` (`None`: the operator).
fn audit_event(by: Option<i64>, action: &str, id: i64, details: &serde_json::Value) -> leadup_core::audit::AuditEvent {
    system_or(by, action, format!("evidence:{id}"), details)
}

/// Many pieces of evidence written in one transaction: [`add`](Self::add) each, then
/// [`commit`](Self::commit); dropping it instead (a strict import that met a bad row, a
/// file that could not be read to its end) writes nothing.
pub struct EvidenceImport {
    tx: Tx,
    written: u64,
    by: Option<i64>,
}

impl EvidenceImport {
    /// Adds one piece of evidence, recorded by the importing user, and returns its id (final
    /// once committed); each piece gets its audit entry.
    pub async fn add(&mut self, draft: &EvidenceDraft) -> Result<i64, StoreError> {
        let by = self.by;
        let id: i64 = on_tx!(&mut self.tx, tx => {
            let id: i64 = bind_draft!(sqlx::query_scalar(INSERT), draft).bind(by).fetch_one(&mut **tx).await?;
            let created = read_evidence!(&mut **tx, id).ok_or(StoreError::not_found("evidence", id))?;
            append_audit!(*tx, audit_event(by, "evidence.created", id, &json!({"evidence": created, "import": true})));
            id
        });
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
        let found: Option<Evidence> = dispatch!(self, pool => read_evidence!(pool, id));
        found.ok_or(StoreError::not_found("evidence", id))
    }

    /// Who may change evidence `id` (ask [`EvidenceStewards::allow`] about a user).
    pub async fn evidence_stewards(&self, id: i64) -> Result<EvidenceStewards, StoreError> {
        let found: Option<EvidenceStewards> = dispatch!(self, pool => read_stewards!(pool, id));
        found.ok_or(StoreError::not_found("evidence", id))
    }

    /// Stores a new piece of evidence recorded by user `by` (its owner; `None`: the operator,
    /// leaving it without one) and returns it with its id.
    pub async fn create_evidence(&self, draft: &EvidenceDraft, by: Option<i64>) -> Result<Evidence, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = bind_draft!(sqlx::query_scalar(INSERT), draft).bind(by).fetch_one(&mut *tx).await?;
            let created = read_evidence!(&mut *tx, id).ok_or(StoreError::not_found("evidence", id))?;
            append_audit!(tx, audit_event(by, "evidence.created", id, &json!({"evidence": created})));
            tx.commit().await?;
            Ok(created)
        })
    }

    /// Replaces evidence `id` with `draft` (build it by applying an
    /// [`EvidencePatch`](leadup_core::evidence::EvidencePatch) to the stored evidence's input),
    /// as user `by` (refused unless they may change it; `None`: the operator); the search index
    /// follows on both backends, and the audit entry keeps what it said before and after.
    pub async fn update_evidence(
        &self,
        id: i64,
        draft: &EvidenceDraft,
        by: Option<i64>,
    ) -> Result<Evidence, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            check_may_change!(tx, id, by);
            let before = read_evidence!(&mut *tx, id).ok_or(StoreError::not_found("evidence", id))?;
            let as_cited = serde_json::to_string(&before).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            for keep in [KEEP_FOR_PROPOSALS, KEEP_FOR_CHANGE_REQUESTS] {
                sqlx::query(keep).bind(id).bind(&as_cited).execute(&mut *tx).await?;
            }
            bind_draft!(sqlx::query(UPDATE), draft).bind(id).execute(&mut *tx).await?;
            let after = read_evidence!(&mut *tx, id).ok_or(StoreError::not_found("evidence", id))?;
            append_audit!(tx, audit_event(by, "evidence.updated", id, &json!({"before": before, "after": after})));
            tx.commit().await?;
            Ok(after)
        })
    }

    /// Deletes evidence `id` as user `by` (refused unless they may change it; `None`: the
    /// operator); refused while it supports an initiative, a change request or a proposal
    /// (unlink it, or edit the proposal, first).
    pub async fn delete_evidence(&self, id: i64, by: Option<i64>) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            check_may_change!(tx, id, by);
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
            let deleted = read_evidence!(&mut *tx, id).ok_or(StoreError::not_found("evidence", id))?;
            sqlx::query("DELETE FROM evidence WHERE id = $1").bind(id).execute(&mut *tx).await?;
            append_audit!(tx, audit_event(by, "evidence.deleted", id, &json!({"evidence": deleted})));
            tx.commit().await?;
            Ok(())
        })
    }

    /// The evidence proposal `proposal_id` cites that has changed since it was presented, as
    /// it was then (the rest it cites is as [`Store::evidence`] reads it).
    pub async fn evidence_as_cited_by_proposal(&self, proposal_id: i64) -> Result<Vec<Evidence>, StoreError> {
        let kept: Vec<String> = dispatch!(self, pool => {
            sqlx::query_scalar("SELECT as_cited FROM proposal_evidence WHERE proposal_id = $1 AND as_cited IS NOT NULL")
                .bind(proposal_id).fetch_all(pool).await?
        });
        rows::evidence(kept.iter().map(|json| rows::cited_evidence(json)).collect::<Result<_, _>>()?)
    }

    /// The evidence change request `request_id` cites that has changed since it was decided,
    /// as it was then.
    pub async fn evidence_as_cited_by_change_request(&self, request_id: i64) -> Result<Vec<Evidence>, StoreError> {
        let kept: Vec<String> = dispatch!(self, pool => {
            sqlx::query_scalar(
                "SELECT as_cited FROM change_request_evidence WHERE change_request_id = $1 AND as_cited IS NOT NULL",
            )
            .bind(request_id).fetch_all(pool).await?
        });
        rows::evidence(kept.iter().map(|json| rows::cited_evidence(json)).collect::<Result<_, _>>()?)
    }

    /// Starts an import of many pieces of evidence in one transaction, recorded by user `by`
    /// (`None`: the operator).
    pub async fn begin_evidence_import(&self, by: Option<i64>) -> Result<EvidenceImport, StoreError> {
        let tx = match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_write().await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin_write().await?),
        };
        Ok(EvidenceImport { tx, written: 0, by })
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
