//! Evidence linked to initiatives, many to many. A link is part of its initiative (deleting
//! the initiative removes it); evidence that is linked cannot be deleted.

use leadup_core::ValidationErrors;
use leadup_core::evidence::Evidence;
use leadup_core::initiative::Initiative;

use serde_json::json;

use crate::accounts::system_or;
use crate::audit::append_audit;
use crate::evidence::{COLUMNS, check_may_change};
use crate::initiatives::{SELECT_INITIATIVES, SELECT_LINKS};
use crate::rows::{self, EvidenceRow, InitiativeRow, LinkRow};
use crate::{BeginWrite, Store, StoreError, dispatch};

const LINK: &str =
    "INSERT INTO initiative_evidence (initiative_id, evidence_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const UNLINK: &str = "DELETE FROM initiative_evidence WHERE initiative_id = $1 AND evidence_id = $2";

impl Store {
    /// Links evidence `evidence_id` to initiative `initiative_id` as user `by` (refused
    /// unless they may change the evidence; `None`: the operator); `false` when they were
    /// linked already. An unknown evidence or initiative is named, and nothing is written.
    pub async fn link_evidence(
        &self,
        evidence_id: i64,
        initiative_id: i64,
        by: Option<i64>,
    ) -> Result<bool, StoreError> {
        self.change_link(LINK, evidence_id, initiative_id, by).await
    }

    /// Removes the link between evidence `evidence_id` and initiative `initiative_id` as user
    /// `by` (refused unless they may change the evidence; `None`: the operator); `false` when
    /// they were not linked. An unknown evidence or initiative is named.
    pub async fn unlink_evidence(
        &self,
        evidence_id: i64,
        initiative_id: i64,
        by: Option<i64>,
    ) -> Result<bool, StoreError> {
        self.change_link(UNLINK, evidence_id, initiative_id, by).await
    }

    /// Links or unlinks (`statement`), writing an audit entry when something changed.
    async fn change_link(
        &self,
        statement: &str,
        evidence_id: i64,
        initiative_id: i64,
        by: Option<i64>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let evidence: Option<i64> = sqlx::query_scalar("SELECT id FROM evidence WHERE id = $1")
                .bind(evidence_id).fetch_optional(&mut *tx).await?;
            let initiative: Option<i64> = sqlx::query_scalar("SELECT id FROM initiatives WHERE id = $1")
                .bind(initiative_id).fetch_optional(&mut *tx).await?;
            let mut errors = ValidationErrors::default();
            if evidence.is_none() {
                errors.add("evidence_id", format!("unknown evidence {evidence_id}"));
            }
            if initiative.is_none() {
                errors.add("initiative_id", format!("unknown initiative {initiative_id}"));
            }
            if !errors.0.is_empty() {
                return Err(StoreError::Invalid(errors));
            }
            check_may_change!(tx, evidence_id, by);
            let changed = sqlx::query(statement).bind(initiative_id).bind(evidence_id).execute(&mut *tx).await?;
            let changed = changed.rows_affected() == 1;
            if changed {
                let action = if statement == LINK { "evidence.linked" } else { "evidence.unlinked" };
                append_audit!(tx, system_or(
                    by,
                    action,
                    format!("evidence:{evidence_id}/initiative:{initiative_id}"),
                    &json!({"evidence": evidence_id, "initiative": initiative_id}),
                ));
            }
            tx.commit().await?;
            Ok(changed)
        })
    }

    /// The evidence linked to initiative `initiative_id`, newest date first (undated last).
    pub async fn initiative_evidence(&self, initiative_id: i64) -> Result<Vec<Evidence>, StoreError> {
        let (exists, found): (Option<i64>, Vec<EvidenceRow>) = dispatch!(self, pool => {
            let exists = sqlx::query_scalar("SELECT id FROM initiatives WHERE id = $1")
                .bind(initiative_id).fetch_optional(pool).await?;
            let found = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM evidence e JOIN initiative_evidence l ON l.evidence_id = e.id \
                 WHERE l.initiative_id = $1 ORDER BY e.observed_on DESC NULLS LAST, e.id"
            ))
            .bind(initiative_id).fetch_all(pool).await?;
            (exists, found)
        });
        exists.ok_or(StoreError::not_found("initiative", initiative_id))?;
        rows::evidence(found)
    }

    /// The initiatives evidence `evidence_id` is linked to, by id.
    pub async fn evidence_initiatives(&self, evidence_id: i64) -> Result<Vec<Initiative>, StoreError> {
        let (exists, initiatives, links): (Option<i64>, Vec<InitiativeRow>, Vec<LinkRow>) = dispatch!(self, pool => {
            let exists = sqlx::query_scalar("SELECT id FROM evidence WHERE id = $1")
                .bind(evidence_id).fetch_optional(pool).await?;
            let linked = "SELECT initiative_id FROM initiative_evidence WHERE evidence_id = $1";
            let initiatives = sqlx::query_as(&format!("{SELECT_INITIATIVES} WHERE id IN ({linked}) ORDER BY id"))
                .bind(evidence_id).fetch_all(pool).await?;
            let links = sqlx::query_as(&format!(
                "{SELECT_LINKS} WHERE initiative_id IN ({linked}) ORDER BY initiative_id, ord"
            ))
            .bind(evidence_id).fetch_all(pool).await?;
            (exists, initiatives, links)
        });
        exists.ok_or(StoreError::not_found("evidence", evidence_id))?;
        rows::initiatives(initiatives, links)
    }
}
