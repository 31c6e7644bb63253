//! The workspace row: the organisation's name and mission.

use leadup_core::strategy::Workspace;

use crate::{Store, StoreError, dispatch};

#[derive(sqlx::FromRow)]
struct WorkspaceRow {
    name: String,
    mission: String,
}

impl Store {
    /// The workspace, or `None` in a database nobody has initialised yet.
    pub async fn workspace(&self) -> Result<Option<Workspace>, StoreError> {
        let row: Option<WorkspaceRow> = dispatch!(self, pool => {
            sqlx::query_as("SELECT name, mission FROM workspace WHERE id = 1").fetch_optional(pool).await?
        });
        Ok(row.map(|r| Workspace { name: r.name, mission: r.mission }))
    }

    /// Creates or replaces the workspace's name and mission (validate it first).
    pub async fn save_workspace(&self, workspace: &Workspace) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            sqlx::query(
                "INSERT INTO workspace (id, name, mission) VALUES (1, $1, $2) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, mission = excluded.mission",
            )
            .bind(&workspace.name)
            .bind(&workspace.mission)
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}
