//! A team's proposals (business cases). Each is kept as entered (a `ProposalInput` as JSON)
//! with its links in columns and tables the database guards: the delivering initiative, the
//! objectives served and the evidence its claims cite. Its content changes only while it is a
//! draft; every status move is checked against the workflow and written to the audit log
//! with the digest of the content it concerns, so what was approved can be proven later.

use leadup_core::digest::sha256_hex;
use leadup_core::plan::decision_reason;
use leadup_core::proposal::{ProposalInput, ProposalMove, StoredProposal, check_move};
use serde_json::json;

use crate::audit::{Actor, append_audit};
use crate::plans::role_phrase;
use crate::{BeginWrite, Store, StoreError, dispatch, user_exists};

const SELECT: &str = "SELECT id, team_id, content, initiative_id, status, created_by, created_at, updated_at, \
     decided_by, decided_at FROM proposals";

const SELECT_MOVES: &str = "SELECT proposal_id, from_status, to_status, moved_by, moved_at, reason FROM proposal_moves";

#[derive(sqlx::FromRow)]
struct MoveRow {
    proposal_id: i64,
    from_status: String,
    to_status: String,
    moved_by: i64,
    moved_at: i64,
    reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: i64,
    team_id: i64,
    content: String,
    initiative_id: Option<i64>,
    status: String,
    created_by: i64,
    created_at: i64,
    updated_at: i64,
    decided_by: Option<i64>,
    decided_at: Option<i64>,
}

/// The content as stored: the input without its links and status, which live elsewhere.
fn content(input: &ProposalInput) -> String {
    let mut bare = input.clone();
    bare.objective_ids.clear();
    bare.initiative_id = None;
    "draft".clone_into(&mut bare.status);
    serde_json::to_string(&bare).expect("a proposal always serialises")
}

/// Reassembles stored proposals; `objectives` holds (proposal id, objective id) in order, `moves`
/// their status moves oldest first.
fn proposals_of(
    rows: Vec<ProposalRow>,
    objectives: &[(i64, i64)],
    moves: &[MoveRow],
) -> Result<Vec<StoredProposal>, StoreError> {
    rows.into_iter()
        .map(|row| {
            let mut input: ProposalInput = serde_json::from_str(&row.content)
                .map_err(|e| StoreError::Corrupt(format!("proposal {}: {e}", row.id)))?;
            input.objective_ids = objectives.iter().filter(|(p, _)| *p == row.id).map(|(_, o)| *o).collect();
            input.initiative_id = row.initiative_id;
            input.status = row.status;
            Ok(StoredProposal {
                id: row.id,
                team_id: row.team_id,
                input,
                created_by: row.created_by,
                created_at: row.created_at,
                updated_at: row.updated_at,
                decided_by: row.decided_by,
                decided_at: row.decided_at,
                moves: moves
                    .iter()
                    .filter(|m| m.proposal_id == row.id)
                    .map(|m| ProposalMove {
                        from: m.from_status.clone(),
                        to: m.to_status.clone(),
                        by: m.moved_by,
                        at: m.moved_at,
                        reason: m.reason.clone(),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Writes a proposal's links (objectives served, evidence cited) inside transaction `$tx`,
/// replacing any it had.
macro_rules! write_links {
    ($tx:expr, $id:expr, $input:expr) => {{
        sqlx::query("DELETE FROM proposal_objectives WHERE proposal_id = $1").bind($id).execute(&mut *$tx).await?;
        sqlx::query("DELETE FROM proposal_evidence WHERE proposal_id = $1").bind($id).execute(&mut *$tx).await?;
        for (ord, objective) in $input.objective_ids.iter().enumerate() {
            sqlx::query("INSERT INTO proposal_objectives (proposal_id, objective_id, ord) VALUES ($1, $2, $3)")
                .bind($id)
                .bind(objective)
                .bind(ord as i64)
                .execute(&mut *$tx)
                .await?;
        }
        for evidence in $input.cited_evidence() {
            sqlx::query("INSERT INTO proposal_evidence (proposal_id, evidence_id) VALUES ($1, $2)")
                .bind($id)
                .bind(evidence)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

/// Refuses a delivering initiative of another team (or none at all): a proposal is delivered
/// by an initiative of its own team, whose forecast its brief shows.
macro_rules! own_initiative {
    ($tx:expr, $team_id:expr, $input:expr) => {
        if let Some(initiative) = $input.initiative_id {
            let owner: Option<i64> = sqlx::query_scalar("SELECT team_id FROM initiatives WHERE id = $1")
                .bind(initiative)
                .fetch_optional(&mut *$tx)
                .await?;
            match owner {
                Some(owner) if owner == $team_id => {}
                Some(_) => {
                    return Err(StoreError::invalid(
                        "initiative_id",
                        format!(
                            "initiative {initiative} is another team's: a proposal names an initiative of its own team"
                        ),
                    ));
                }
                None => {
                    return Err(StoreError::invalid(
                        "initiative_id",
                        format!("initiative {initiative} does not exist"),
                    ));
                }
            }
        }
    };
}

impl Store {
    /// Stores a new draft proposal of team `team_id`, written by `by`. The input must have
    /// been validated (`ProposalInput::validate`) against the stored objectives, initiatives
    /// and evidence; its status is ignored (a proposal starts as a draft).
    pub async fn create_proposal(
        &self,
        team_id: i64,
        input: &ProposalInput,
        by: Actor,
    ) -> Result<StoredProposal, StoreError> {
        let id: i64 = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let team: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
                .bind(team_id).fetch_optional(&mut *tx).await?;
            team.ok_or(StoreError::not_found("team", team_id))?;
            if !user_exists!(tx, by.user_id) {
                return Err(StoreError::invalid("created_by", format!("unknown user {}", by.user_id)));
            }
            own_initiative!(tx, team_id, input);
            let at = by.at.unix_timestamp();
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO proposals (team_id, title, content, initiative_id, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(team_id).bind(input.title.trim()).bind(content(input)).bind(input.initiative_id)
            .bind(by.user_id).bind(at)
            .fetch_one(&mut *tx).await?;
            write_links!(tx, id, input);
            tx.commit().await?;
            id
        });
        self.proposal(id).await
    }

    /// Replaces draft proposal `id`'s content with `input` (validated as for
    /// [`Store::create_proposal`]); a proposal that is not a draft is refused.
    pub async fn update_proposal(
        &self,
        id: i64,
        input: &ProposalInput,
        by: Actor,
    ) -> Result<StoredProposal, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<(String, i64)> = sqlx::query_as("SELECT status, team_id FROM proposals WHERE id = $1")
                .bind(id).fetch_optional(&mut *tx).await?;
            let team_id = found.as_ref().map_or(0, |(_, team)| *team);
            match found.as_ref().map(|(status, _)| status.as_str()) {
                None => return Err(StoreError::not_found("proposal", id)),
                Some("draft") => {}
                Some(other) => {
                    return Err(StoreError::Conflict(format!(
                        "proposal {id} is {other}: only a draft can be edited{}",
                        if other == "approved" { "" } else { " (withdraw it to a draft first)" }
                    )));
                }
            }
            own_initiative!(tx, team_id, input);
            sqlx::query("UPDATE proposals SET title = $1, content = $2, initiative_id = $3, updated_at = $4 WHERE id = $5")
                .bind(input.title.trim()).bind(content(input)).bind(input.initiative_id)
                .bind(by.at.unix_timestamp()).bind(id)
                .execute(&mut *tx).await?;
            write_links!(tx, id, input);
            tx.commit().await?;
        });
        self.proposal(id).await
    }

    /// Moves proposal `id` to status `to` (see `leadup_core::proposal::check_move`), with the
    /// optional `reason`, in its history of moves and an audit entry. Approving or declining
    /// needs an executive of the proposal's team (anyone else is refused with `Forbidden`) and
    /// records who decided and when.
    pub async fn move_proposal(
        &self,
        id: i64,
        to: &str,
        by: Actor,
        reason: Option<&str>,
    ) -> Result<StoredProposal, StoreError> {
        let reason = decision_reason(reason).map_err(StoreError::Invalid)?;
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<(i64, String, String)> =
                sqlx::query_as("SELECT team_id, status, content FROM proposals WHERE id = $1")
                    .bind(id).fetch_optional(&mut *tx).await?;
            let (team_id, from, content) = found.ok_or(StoreError::not_found("proposal", id))?;
            check_move(&from, to).map_err(|problem| StoreError::Conflict(format!("proposal {id}: {problem}")))?;
            let deciding = matches!(to, "approved" | "declined");
            if deciding {
                let role: Option<String> =
                    sqlx::query_scalar("SELECT role FROM memberships WHERE team_id = $1 AND user_id = $2")
                        .bind(team_id).bind(by.user_id).fetch_optional(&mut *tx).await?;
                if role.as_deref() != Some("executive") {
                    return Err(StoreError::Forbidden(format!(
                        "user {} is {} of team {team_id}: only the team's executives can approve or decline its proposals",
                        by.user_id,
                        role_phrase(role.as_deref())
                    )));
                }
            }
            let at = by.at.unix_timestamp();
            let decided = deciding.then_some((by.user_id, at));
            sqlx::query("UPDATE proposals SET status = $1, updated_at = $2, decided_by = $3, decided_at = $4 WHERE id = $5")
                .bind(to).bind(at).bind(decided.map(|d| d.0)).bind(decided.map(|d| d.1)).bind(id)
                .execute(&mut *tx).await?;
            if to == "draft" {
                // A draft follows its evidence as it changes again.
                sqlx::query("UPDATE proposal_evidence SET as_cited = NULL WHERE proposal_id = $1")
                    .bind(id).execute(&mut *tx).await?;
            }
            let action = match to {
                "draft" => "proposal.withdrawn",
                "presented" => "proposal.presented",
                "approved" => "proposal.approved",
                _ => "proposal.declined",
            };
            sqlx::query(
                "INSERT INTO proposal_moves (proposal_id, from_status, to_status, moved_by, moved_at, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id).bind(&from).bind(to).bind(by.user_id).bind(at).bind(&reason)
            .execute(&mut *tx).await?;
            append_audit!(tx, by.event(
                action,
                format!("proposal:{id}"),
                &json!({"from": from, "to": to, "content_hash": sha256_hex(&content), "reason": reason}),
            ));
            tx.commit().await?;
        });
        self.proposal(id).await
    }

    /// One proposal.
    pub async fn proposal(&self, id: i64) -> Result<StoredProposal, StoreError> {
        let (rows, objectives, moves): (Vec<ProposalRow>, Vec<(i64, i64)>, Vec<MoveRow>) = dispatch!(self, pool => {
            let rows = sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_all(pool).await?;
            let objectives = sqlx::query_as(
                "SELECT proposal_id, objective_id FROM proposal_objectives WHERE proposal_id = $1 ORDER BY ord",
            )
            .bind(id).fetch_all(pool).await?;
            let moves = sqlx::query_as(&format!("{SELECT_MOVES} WHERE proposal_id = $1 ORDER BY id"))
                .bind(id).fetch_all(pool).await?;
            (rows, objectives, moves)
        });
        proposals_of(rows, &objectives, &moves)?.pop().ok_or(StoreError::not_found("proposal", id))
    }

    /// Every proposal, the most recently changed first.
    pub async fn proposals(&self) -> Result<Vec<StoredProposal>, StoreError> {
        let (rows, objectives, moves): (Vec<ProposalRow>, Vec<(i64, i64)>, Vec<MoveRow>) = dispatch!(self, pool => {
            let rows = sqlx::query_as(&format!("{SELECT} ORDER BY updated_at DESC, id DESC")).fetch_all(pool).await?;
            let objectives =
                sqlx::query_as("SELECT proposal_id, objective_id FROM proposal_objectives ORDER BY proposal_id, ord")
                    .fetch_all(pool).await?;
            let moves = sqlx::query_as(&format!("{SELECT_MOVES} ORDER BY id")).fetch_all(pool).await?;
            (rows, objectives, moves)
        });
        proposals_of(rows, &objectives, &moves)
    }

    /// The proposals whose claims cite evidence `evidence_id`, as (id, title), by id.
    pub async fn evidence_proposals(&self, evidence_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(dispatch!(self, pool => {
            sqlx::query_as(
                "SELECT p.id, p.title FROM proposals p JOIN proposal_evidence pe ON pe.proposal_id = p.id \
                 WHERE pe.evidence_id = $1 ORDER BY p.id",
            )
            .bind(evidence_id).fetch_all(pool).await?
        }))
    }
}
