//! Work items imported from trackers (written by `work_item_import`), and the rules that
//! attach them to initiatives.

use leadup_core::work_item::{AttachRule, RuleKind, StatusCategory, WorkItem};
use time::{Date, OffsetDateTime};

use crate::{BeginWrite, Pool, Store, StoreError, dispatch};

/// The Julian day number of 1970-01-01.
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

const SELECT_ITEMS: &str = "SELECT key, title, kind, status, category, created_at, started_at, done_at, estimate, \
                            parent, labels, milestone FROM work_items";

impl Store {
    /// Every work item of team `team_id`, in import order.
    pub async fn work_items(&self, team_id: i64) -> Result<Vec<WorkItem>, StoreError> {
        let rows: Vec<WorkItemRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!("{SELECT_ITEMS} WHERE team_id = $1 ORDER BY id")).bind(team_id).fetch_all(pool).await?
        });
        rows.into_iter().map(WorkItemRow::into_item).collect()
    }

    /// How many work items team `team_id` has.
    pub async fn work_item_count(&self, team_id: i64) -> Result<u64, StoreError> {
        let count: i64 = dispatch!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM work_items WHERE team_id = $1").bind(team_id).fetch_one(pool).await?
        });
        Ok(count.unsigned_abs())
    }

    /// How many of team `team_id`'s items were done on each UTC calendar day, oldest first (days
    /// with none left out): what its throughput history needs, counted by the database rather
    /// than read item by item.
    pub async fn done_days(&self, team_id: i64) -> Result<Vec<(Date, u32)>, StoreError> {
        // Days since 1970-01-01 of the UTC day each item was done, rounded down (SQLite keeps
        // Unix seconds; its `/` and `%` round toward zero, hence the adjustment).
        let rows: Vec<(i64, i64)> =
            match &self.pool {
                Pool::Sqlite(pool) => sqlx::query_as(
                    "SELECT (done_at - ((done_at % 86400) + 86400) % 86400) / 86400 AS day, COUNT(*) FROM work_items \
                     WHERE team_id = $1 AND done_at IS NOT NULL GROUP BY day ORDER BY day",
                )
                .bind(team_id)
                .fetch_all(pool)
                .await?,
                Pool::Postgres(pool) => {
                    sqlx::query_as(
                        "SELECT floor(extract(epoch FROM done_at) / 86400)::bigint AS day, COUNT(*) FROM work_items \
                     WHERE team_id = $1 AND done_at IS NOT NULL GROUP BY day ORDER BY day",
                    )
                    .bind(team_id)
                    .fetch_all(pool)
                    .await?
                }
            };
        rows.into_iter()
            .map(|(day, count)| {
                let date = i32::try_from(day)
                    .ok()
                    .and_then(|d| d.checked_add(EPOCH_JULIAN_DAY))
                    .and_then(|j| Date::from_julian_day(j).ok())
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("team {team_id} has items done {day} days after 1970"))
                    })?;
                Ok((date, u32::try_from(count).unwrap_or(u32::MAX)))
            })
            .collect()
    }

    /// When each of team `team_id`'s finished items was done, oldest first.
    pub async fn done_times(&self, team_id: i64) -> Result<Vec<OffsetDateTime>, StoreError> {
        Ok(dispatch!(self, pool => {
            sqlx::query_scalar(
                "SELECT done_at FROM work_items WHERE team_id = $1 AND done_at IS NOT NULL ORDER BY done_at",
            )
            .bind(team_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The rules that attach work items to initiative `initiative_id`, sorted.
    pub async fn initiative_rules(&self, initiative_id: i64) -> Result<Vec<AttachRule>, StoreError> {
        let rows: Vec<(i64, Option<String>, Option<String>)> = dispatch!(self, pool => {
            sqlx::query_as(
                "SELECT i.id, r.kind, r.value FROM initiatives i \
                 LEFT JOIN initiative_rules r ON r.initiative_id = i.id WHERE i.id = $1 ORDER BY r.kind, r.value",
            )
            .bind(initiative_id)
            .fetch_all(pool)
            .await?
        });
        if rows.is_empty() {
            return Err(StoreError::not_found("initiative", initiative_id));
        }
        let mut rules = rows
            .into_iter()
            .filter_map(|(_, kind, value)| Some((kind?, value?)))
            .map(|(kind, value)| {
                let kind = RuleKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("rule kind '{kind}'")))?;
                Ok(AttachRule { kind, value })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        rules.sort();
        Ok(rules)
    }

    /// Replaces initiative `initiative_id`'s attach rules with `rules` (duplicates dropped).
    pub async fn set_initiative_rules(&self, initiative_id: i64, rules: &[AttachRule]) -> Result<(), StoreError> {
        let mut rules = rules.to_vec();
        rules.sort();
        rules.dedup();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM initiatives WHERE id = $1")
                .bind(initiative_id).fetch_optional(&mut *tx).await?;
            if found.is_none() {
                return Err(StoreError::not_found("initiative", initiative_id));
            }
            sqlx::query("DELETE FROM initiative_rules WHERE initiative_id = $1").bind(initiative_id)
                .execute(&mut *tx).await?;
            for rule in &rules {
                sqlx::query("INSERT INTO initiative_rules (initiative_id, kind, value) VALUES ($1, $2, $3)")
                    .bind(initiative_id).bind(rule.kind.as_str()).bind(&rule.value)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The work items attached to initiative `initiative_id`: those of its team that match
    /// any of its rules, in import order. An initiative without rules has none.
    pub async fn initiative_work_items(&self, initiative_id: i64) -> Result<Vec<WorkItem>, StoreError> {
        let rules = self.initiative_rules(initiative_id).await?;
        if rules.is_empty() {
            return Ok(Vec::new());
        }
        let team_id: i64 = dispatch!(self, pool => {
            sqlx::query_scalar("SELECT team_id FROM initiatives WHERE id = $1").bind(initiative_id).fetch_one(pool).await?
        });
        let mut items = self.work_items(team_id).await?;
        items.retain(|item| rules.iter().any(|rule| rule.matches(item)));
        Ok(items)
    }
}

#[derive(sqlx::FromRow)]
struct WorkItemRow {
    key: String,
    title: String,
    kind: String,
    status: String,
    category: String,
    created_at: Option<OffsetDateTime>,
    started_at: Option<OffsetDateTime>,
    done_at: Option<OffsetDateTime>,
    estimate: Option<f64>,
    parent: Option<String>,
    labels: String,
    milestone: Option<String>,
}

impl WorkItemRow {
    fn into_item(self) -> Result<WorkItem, StoreError> {
        let category = StatusCategory::parse(&self.category)
            .ok_or_else(|| StoreError::Corrupt(format!("work item {}: category '{}'", self.key, self.category)))?;
        Ok(WorkItem {
            key: self.key,
            title: self.title,
            kind: self.kind,
            status: self.status,
            category,
            created: self.created_at,
            started: self.started_at,
            done: self.done_at,
            estimate: self.estimate,
            parent: self.parent,
            labels: if self.labels.is_empty() {
                Vec::new()
            } else {
                self.labels.split('\n').map(str::to_owned).collect()
            },
            milestone: self.milestone,
        })
    }
}
