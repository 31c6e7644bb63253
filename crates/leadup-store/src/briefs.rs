//! Briefs: the status updates generated for one stakeholder about one team, kept as they were
//! generated or sent (the content is the application's brief as JSON; the store does not look
//! inside), so that the next brief to the same stakeholder can say what changed since.

use time::{Date, OffsetDateTime};

use crate::{BeginWrite, Store, StoreError, dispatch, user_exists};

/// Whether a brief is still being prepared or was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BriefStatus {
    /// Generated and kept, not sent yet.
    Draft,
    /// Sent to the stakeholder (or shown to them) as it is stored.
    Sent,
}

impl BriefStatus {
    /// `draft` or `sent`, as stored and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Sent => "sent",
        }
    }

    /// Parses `draft` or `sent`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "draft" => Some(Self::Draft),
            "sent" => Some(Self::Sent),
            _ => None,
        }
    }
}

/// A brief to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBrief {
    /// The user it is for.
    pub stakeholder_id: i64,
    /// The team it is about.
    pub team_id: i64,
    /// First day of the period it covers.
    pub period_start: Date,
    /// Last day of the period it covers.
    pub period_end: Date,
    /// The generated brief as JSON.
    pub content: String,
    /// The manager's note.
    pub note: String,
    /// The manager's asks, in order.
    pub asks: Vec<String>,
    /// Who stored it.
    pub created_by: i64,
    /// When it was stored.
    pub created_at: OffsetDateTime,
    /// When it was sent; `None` keeps it a draft.
    pub sent_at: Option<OffsetDateTime>,
}

/// A brief as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBrief {
    /// Stable identifier.
    pub id: i64,
    /// The user it is for.
    pub stakeholder_id: i64,
    /// The team it is about.
    pub team_id: i64,
    /// First day of the period it covers.
    pub period_start: Date,
    /// Last day of the period it covers.
    pub period_end: Date,
    /// The generated brief as JSON.
    pub content: String,
    /// The manager's note.
    pub note: String,
    /// The manager's asks, in order.
    pub asks: Vec<String>,
    /// Who stored it.
    pub created_by: i64,
    /// When it was stored (Unix seconds).
    pub created_at: i64,
    /// When it was sent (Unix seconds), if it was.
    pub sent_at: Option<i64>,
    /// Draft or sent.
    pub status: BriefStatus,
}

const SELECT: &str = "SELECT id, stakeholder_id, team_id, period_start, period_end, content, note, asks, \
     created_by, created_at, sent_at, status FROM briefs";

type BriefRow = (i64, i64, i64, Date, Date, String, String, String, i64, i64, Option<i64>, String);

fn brief(row: BriefRow) -> Result<StoredBrief, StoreError> {
    let (
        id,
        stakeholder_id,
        team_id,
        period_start,
        period_end,
        content,
        note,
        asks,
        created_by,
        created_at,
        sent_at,
        status,
    ) = row;
    Ok(StoredBrief {
        id,
        stakeholder_id,
        team_id,
        period_start,
        period_end,
        content,
        note,
        asks: serde_json::from_str(&asks).map_err(|e| StoreError::Corrupt(format!("brief {id}'s asks: {e}")))?,
        created_by,
        created_at,
        sent_at,
        status: BriefStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("brief {id}'s status '{status}'")))?,
    })
}

impl Store {
    /// Stores `new` (as a draft when it has no `sent_at`, else as sent); the stakeholder, the
    /// team and the author must exist, and the period must not end before it starts. A brief
    /// stored as sent replaces the drafts waiting for the same stakeholder about the same team.
    pub async fn save_brief(&self, new: &NewBrief) -> Result<StoredBrief, StoreError> {
        if new.period_end < new.period_start {
            return Err(StoreError::invalid("period_end", "the period ends before it starts"));
        }
        let asks = serde_json::to_string(&new.asks).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let status = if new.sent_at.is_some() { BriefStatus::Sent } else { BriefStatus::Draft };
        let id: i64 = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !user_exists!(tx, new.stakeholder_id) {
                return Err(StoreError::invalid("stakeholder_id", format!("user {} does not exist", new.stakeholder_id)));
            }
            if !user_exists!(tx, new.created_by) {
                return Err(StoreError::invalid("created_by", format!("user {} does not exist", new.created_by)));
            }
            let team: Option<i64> =
                sqlx::query_scalar("SELECT id FROM teams WHERE id = $1").bind(new.team_id).fetch_optional(&mut *tx).await?;
            if team.is_none() {
                return Err(StoreError::invalid("team_id", format!("team {} does not exist", new.team_id)));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO briefs (stakeholder_id, team_id, period_start, period_end, content, note, asks, \
                 created_by, created_at, sent_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(new.stakeholder_id)
            .bind(new.team_id)
            .bind(new.period_start)
            .bind(new.period_end)
            .bind(&new.content)
            .bind(&new.note)
            .bind(&asks)
            .bind(new.created_by)
            .bind(new.created_at.unix_timestamp())
            .bind(new.sent_at.map(OffsetDateTime::unix_timestamp))
            .bind(status.as_str())
            .fetch_one(&mut *tx)
            .await?;
            if new.sent_at.is_some() {
                sqlx::query("DELETE FROM briefs WHERE stakeholder_id = $1 AND team_id = $2 AND sent_at IS NULL")
                    .bind(new.stakeholder_id)
                    .bind(new.team_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            id
        });
        self.brief(id).await
    }

    /// Marks draft brief `id` as sent at `at`; a brief already sent is a conflict (what was
    /// sent is never changed).
    pub async fn mark_brief_sent(&self, id: i64, at: OffsetDateTime) -> Result<StoredBrief, StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let status: Option<String> =
                sqlx::query_scalar("SELECT status FROM briefs WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
            match status.as_deref() {
                None => return Err(StoreError::not_found("brief", id)),
                Some("sent") => return Err(StoreError::Conflict(format!("brief {id} was sent already"))),
                Some(_) => {}
            }
            sqlx::query("UPDATE briefs SET status = 'sent', sent_at = $1 WHERE id = $2")
                .bind(at.unix_timestamp())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        self.brief(id).await
    }

    /// Brief `id`.
    pub async fn brief(&self, id: i64) -> Result<StoredBrief, StoreError> {
        let row: Option<BriefRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(pool).await?
        });
        row.map(brief).transpose()?.ok_or(StoreError::not_found("brief", id))
    }

    /// The briefs for stakeholder `user_id` or about one of `team_ids`, newest first.
    pub async fn briefs(&self, user_id: i64, team_ids: &[i64]) -> Result<Vec<StoredBrief>, StoreError> {
        let rows: Vec<BriefRow> = dispatch!(self, pool => {
            let mut rows: Vec<BriefRow> = sqlx::query_as(&format!("{SELECT} WHERE stakeholder_id = $1"))
                .bind(user_id).fetch_all(pool).await?;
            for team in team_ids {
                let more: Vec<BriefRow> = sqlx::query_as(&format!("{SELECT} WHERE team_id = $1 AND stakeholder_id <> $2"))
                    .bind(team).bind(user_id).fetch_all(pool).await?;
                rows.extend(more);
            }
            rows
        });
        let mut briefs = rows.into_iter().map(brief).collect::<Result<Vec<_>, _>>()?;
        briefs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        briefs.dedup_by_key(|b| b.id);
        Ok(briefs)
    }

    /// The drafts waiting for review about one of `team_ids`, oldest first.
    pub async fn brief_drafts(&self, team_ids: &[i64]) -> Result<Vec<StoredBrief>, StoreError> {
        let mut rows: Vec<BriefRow> = Vec::new();
        for team in team_ids {
            let more: Vec<BriefRow> = dispatch!(self, pool => {
                sqlx::query_as(&format!("{SELECT} WHERE team_id = $1 AND sent_at IS NULL")).bind(team).fetch_all(pool).await?
            });
            rows.extend(more);
        }
        let mut drafts = rows.into_iter().map(brief).collect::<Result<Vec<_>, _>>()?;
        drafts.sort_by_key(|b| (b.created_at, b.id));
        Ok(drafts)
    }

    /// The last brief sent to stakeholder `user_id` about team `team_id` at or before `before`
    /// (Unix seconds), if any: what the next brief says changed since.
    pub async fn last_sent_brief(
        &self,
        user_id: i64,
        team_id: i64,
        before: i64,
    ) -> Result<Option<StoredBrief>, StoreError> {
        let row: Option<BriefRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!(
                "{SELECT} WHERE stakeholder_id = $1 AND team_id = $2 AND status = 'sent' AND sent_at <= $3 \
                 ORDER BY sent_at DESC, id DESC LIMIT 1"
            ))
            .bind(user_id).bind(team_id).bind(before).fetch_optional(pool).await?
        });
        row.map(brief).transpose()
    }
}
