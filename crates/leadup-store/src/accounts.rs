//! Users, their roles per team, server-side sessions, API tokens and share links.
//!
//! Secrets never reach the database: a session id, an API token or a share link's token is
//! stored as the hex SHA-256 digest the caller computes, and looked up by it. Times are Unix
//! seconds, passed in by the caller (the store has no clock of its own for these records).

use leadup_core::access::{Principal, Role, TeamRole};
use leadup_core::account::{ApiToken, NewUser, ShareKind, ShareLink, User};

use leadup_core::audit::AuditEvent;
use leadup_core::team::person_key;
use time::OffsetDateTime;

use crate::audit::append_audit;
use crate::{BeginWrite, Store, StoreError, dispatch, user_exists};

/// A user with the password hash a sign-in checks against.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// Their Argon2id hash in PHC string form.
    pub password_hash: String,
}

/// A share link to store: the digest of its token, what it shows, whose it is and when it
/// expires (Unix seconds).
#[derive(Debug, Clone, Copy)]
pub struct NewShareLink<'a> {
    /// The hex SHA-256 digest of the link's token.
    pub token_hash: &'a str,
    /// What it shows.
    pub kind: ShareKind,
    /// The team's id (for a dashboard) or the plan's id.
    pub target_id: i64,
    /// The team it belongs to.
    pub team_id: i64,
    /// Who creates it.
    pub created_by: i64,
    /// When (Unix seconds).
    pub created_at: i64,
    /// When it stops working (Unix seconds).
    pub expires_at: i64,
}

/// A server-side session, found by its id's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose session it is.
    pub user_id: i64,
    /// The token every state-changing form of this session must carry.
    pub csrf_token: String,
    /// When it began (Unix seconds).
    pub created_at: i64,
    /// When it was last used (Unix seconds).
    pub last_seen_at: i64,
}

type UserRow = (i64, String, String, bool);

/// An audit event done now by user `by`, or by the operator at the command line (`None`).
pub(crate) fn system_or(by: Option<i64>, action: &str, subject: String, details: &serde_json::Value) -> AuditEvent {
    AuditEvent {
        at: OffsetDateTime::now_utc(),
        actor: by,
        action: action.to_owned(),
        subject,
        details: details.to_string(),
    }
}
/// Gives user `$user` `$role` in team `$team` (an `Option<Role>`: `None` takes their role
/// away) inside transaction `$tx`, replacing any role held there, and writes the change to the
/// audit log as done by `$by` (`None`: the operator). `$pending` is the pending name the role
/// was given for, if any, kept in the audit entry. Nobody gives themselves a role (see
/// [`Store::set_role`]). A role given removes the team's pending people of the user's name:
/// they are that user now. Team and user must exist.
macro_rules! write_role {
    ($tx:expr, $team:expr, $user:expr, $role:expr, $by:expr, $pending:expr) => {{
        let (team, user, role, by): (i64, i64, Option<leadup_core::access::Role>, Option<i64>) = ($team, $user, $role, $by);
        let before: Option<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE team_id = $1 AND user_id = $2")
            .bind(team).bind(user).fetch_optional(&mut *$tx).await?;
        if by == Some(user) && role.is_some_and(|role| before.as_deref() != Some(role.as_str())) {
            return Err($crate::StoreError::Forbidden(
                "You may not give yourself a role: another administrator does (or the operator, with \
                 `leadup member add`), so that nobody approves on a right they granted themselves."
                    .to_owned(),
            ));
        }
        sqlx::query("DELETE FROM memberships WHERE team_id = $1 AND user_id = $2")
            .bind(team).bind(user).execute(&mut *$tx).await?;
        if let Some(role) = role {
            sqlx::query("INSERT INTO memberships (team_id, user_id, role) VALUES ($1, $2, $3)")
                .bind(team).bind(user).bind(role.as_str()).execute(&mut *$tx).await?;
            let name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = $1").bind(user).fetch_one(&mut *$tx).await?;
            let key = leadup_core::team::person_key(&name);
            let pending: Vec<(String, String)> = sqlx::query_as("SELECT role, name FROM pending_people WHERE team_id = $1")
                .bind(team).fetch_all(&mut *$tx).await?;
            for (pending_role, pending_name) in pending.into_iter().filter(|(_, n)| leadup_core::team::person_key(n) == key) {
                sqlx::query("DELETE FROM pending_people WHERE team_id = $1 AND role = $2 AND name = $3")
                    .bind(team).bind(pending_role).bind(pending_name).execute(&mut *$tx).await?;
            }
        }
        if before.as_deref() != role.map(leadup_core::access::Role::as_str) {
            let mut details = serde_json::json!({ "user": user, "team": team, "from": before, "to": role.map(leadup_core::access::Role::as_str) });
            let pending: Option<&str> = $pending;
            if let Some(name) = pending {
                details["pending_name"] = serde_json::Value::String(name.to_owned());
            }
            append_audit!($tx, $crate::accounts::system_or(by, "role.changed", format!("team:{team}/user:{user}"), &details));
        }
    }};
}
pub(crate) use write_role;

type TokenRow = (i64, String, i64, Option<i64>, Option<i64>);
type ShareRow = (i64, String, i64, i64, i64, i64, i64, Option<i64>);

/// Which of several roles a person named for all of them gets: the lowest rank.
fn rank(role: Role) -> u8 {
    match role {
        Role::Manager => 0,
        Role::Executive => 1,
        Role::Member => 2,
    }
}

fn user((id, email, name, is_admin): UserRow) -> User {
    User { id, email, name, is_admin }
}

fn share_link(row: ShareRow) -> Result<ShareLink, StoreError> {
    let (id, kind, target_id, team_id, created_by, created_at, expires_at, revoked_at) = row;
    Ok(ShareLink {
        id,
        kind: ShareKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("share link kind '{kind}'")))?,
        target_id,
        team_id,
        created_by,
        created_at,
        expires_at,
        revoked_at,
    })
}

const SELECT_SHARE: &str =
    "SELECT id, kind, target_id, team_id, created_by, created_at, expires_at, revoked_at FROM share_links";

impl Store {
    /// Stores a new user with `password_hash`, created by administrator `by` (`None`: the
    /// operator, on the command line); email addresses are unique. A new administrator is
    /// written to the audit log.
    ///
    /// A team's pending people of the new user's name (see `leadup_core::team`) are this
    /// user: they get the role (the highest, if named for several in one team), audited as
    /// given by `by`, and stop being pending.
    pub async fn create_user(
        &self,
        new: &NewUser,
        password_hash: &str,
        now: i64,
        by: Option<i64>,
    ) -> Result<User, StoreError> {
        let id: i64 = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let clash: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(&new.email).fetch_optional(&mut *tx).await?;
            if clash.is_some() {
                return Err(StoreError::invalid("email", format!("a user with the email '{}' already exists", new.email)));
            }
            let id = sqlx::query_scalar(
                "INSERT INTO users (email, name, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&new.email).bind(&new.name).bind(password_hash).bind(new.is_admin).bind(now)
            .fetch_one(&mut *tx).await?;
            if new.is_admin {
                let details = serde_json::json!({ "user": id, "email": new.email });
                append_audit!(tx, system_or(by, "admin.granted", format!("user:{id}"), &details));
            }
            let key = person_key(&new.name);
            let pending: Vec<(i64, String, String)> =
                sqlx::query_as("SELECT team_id, role, name FROM pending_people ORDER BY team_id, name")
                    .fetch_all(&mut *tx).await?;
            let mut roles: Vec<(i64, Role, String)> = Vec::new();
            for (team, role, name) in pending.into_iter().filter(|(_, _, name)| person_key(name) == key) {
                let role: Role = role.parse().map_err(StoreError::Corrupt)?;
                match roles.iter_mut().find(|(t, _, _)| *t == team) {
                    Some(held) if rank(role) < rank(held.1) => *held = (team, role, name),
                    Some(_) => {}
                    None => roles.push((team, role, name)),
                }
            }
            for (team, role, name) in roles {
                write_role!(tx, team, id, Some(role), by, Some(name.as_str()));
            }
            tx.commit().await?;
            id
        });
        self.user(id).await
    }

    /// User `id`.
    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        let row: Option<UserRow> = dispatch!(self, pool => {
            sqlx::query_as("SELECT id, email, name, is_admin FROM users WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        row.map(user).ok_or(StoreError::not_found("user", id))
    }

    /// Every user, by email.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = dispatch!(self, pool => {
            sqlx::query_as("SELECT id, email, name, is_admin FROM users ORDER BY email").fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(user).collect())
    }

    /// The user signing in as `email` (already normalised) and their password hash.
    pub async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let row: Option<(i64, String, String, bool, String)> = dispatch!(self, pool => {
            sqlx::query_as("SELECT id, email, name, is_admin, password_hash FROM users WHERE email = $1")
                .bind(email).fetch_optional(pool).await?
        });
        Ok(row.map(|(id, email, name, is_admin, password_hash)| Credentials {
            user: User { id, email, name, is_admin },
            password_hash,
        }))
    }

    /// The user called `email` (already normalised), if any.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        Ok(self.credentials(email).await?.map(|c| c.user))
    }

    /// Replaces user `id`'s password hash and ends all their sessions.
    pub async fn set_password(&self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash).bind(id).execute(&mut *tx).await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::not_found("user", id));
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Gives `user` the `role` in `team`, replacing any role they held there; `None` takes
    /// their role away.
    ///
    /// The change is written to the audit log; `by` is who made it, `None` for the operator
    /// at the command line. Nobody gives themselves a role (`Forbidden`): separation of
    /// duties, so that an administrator cannot approve on a right she granted herself.
    pub async fn set_role(&self, team: i64, user: i64, role: Option<Role>, by: Option<i64>) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let team_exists: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
                .bind(team).fetch_optional(&mut *tx).await?;
            if team_exists.is_none() {
                return Err(StoreError::invalid("team", format!("team {team} does not exist")));
            }
            if !user_exists!(tx, user) {
                return Err(StoreError::invalid("user", format!("user {user} does not exist")));
            }
            write_role!(tx, team, user, role, by, None::<&str>);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The people holding a role in `team`, by role then name.
    pub async fn team_members(&self, team: i64) -> Result<Vec<(User, Role)>, StoreError> {
        let rows: Vec<(i64, String, String, bool, String)> = dispatch!(self, pool => {
            sqlx::query_as(
                "SELECT u.id, u.email, u.name, u.is_admin, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.team_id = $1 ORDER BY m.role, u.name",
            )
            .bind(team).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, email, name, is_admin, role)| {
                let role = role.parse().map_err(StoreError::Corrupt)?;
                Ok((User { id, email, name, is_admin }, role))
            })
            .collect()
    }

    /// User `id` with every role they hold: what a permission check needs.
    pub async fn principal(&self, id: i64) -> Result<Principal, StoreError> {
        let user = self.user(id).await?;
        let roles: Vec<(i64, String)> = dispatch!(self, pool => {
            sqlx::query_as("SELECT team_id, role FROM memberships WHERE user_id = $1 ORDER BY team_id")
                .bind(id).fetch_all(pool).await?
        });
        let roles = roles
            .into_iter()
            .map(|(team_id, role)| Ok(TeamRole { team_id, role: role.parse().map_err(StoreError::Corrupt)? }))
            .collect::<Result<_, StoreError>>()?;
        Ok(Principal { user_id: user.id, email: user.email, name: user.name, is_admin: user.is_admin, roles })
    }

    /// Starts a session for `user`, kept under the digest of its id.
    pub async fn create_session(&self, id_hash: &str, user: i64, csrf_token: &str, now: i64) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(id_hash).bind(user).bind(csrf_token).bind(now).execute(pool).await?;
        });
        Ok(())
    }

    /// The session kept under `id_hash`, if it exists.
    pub async fn session(&self, id_hash: &str) -> Result<Option<Session>, StoreError> {
        let row: Option<(i64, String, i64, i64)> = dispatch!(self, pool => {
            sqlx::query_as("SELECT user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = $1")
                .bind(id_hash).fetch_optional(pool).await?
        });
        Ok(row.map(|(user_id, csrf_token, created_at, last_seen_at)| Session {
            user_id,
            csrf_token,
            created_at,
            last_seen_at,
        }))
    }

    /// Records that the session under `id_hash` was used at `now`.
    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2").bind(now).bind(id_hash).execute(pool).await?;
        });
        Ok(())
    }

    /// Ends the session under `id_hash` (signing out, or a timed-out session); ending one
    /// that does not exist is not an error.
    pub async fn end_session(&self, id_hash: &str) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(pool).await?;
        });
        Ok(())
    }

    /// Stores a new API token for `user` under the digest of its secret.
    pub async fn create_token(
        &self,
        user: i64,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<ApiToken, StoreError> {
        let id: i64 = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if !user_exists!(tx, user) {
                return Err(StoreError::invalid("user", format!("user {user} does not exist")));
            }
            let id = sqlx::query_scalar(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(user).bind(name).bind(token_hash).bind(now).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        Ok(ApiToken { id, name: name.to_owned(), created_at: now, last_used_at: None, revoked_at: None })
    }

    /// The user a live (unrevoked) token under `token_hash` belongs to, recording its use.
    pub async fn token_user(&self, token_hash: &str, now: i64) -> Result<Option<i64>, StoreError> {
        dispatch!(self, pool => {
            let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
                "SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(token_hash).fetch_optional(pool).await?;
            let Some((id, user, last_used)) = row else { return Ok(None) };
            // Recorded at most once a minute, so that reading stays (nearly) read-only.
            if last_used.is_none_or(|at| now - at >= 60) {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now).bind(id).execute(pool).await?;
            }
            Ok(Some(user))
        })
    }

    /// `user`'s API tokens, newest first.
    pub async fn tokens(&self, user: i64) -> Result<Vec<ApiToken>, StoreError> {
        let rows: Vec<TokenRow> = dispatch!(self, pool => {
            sqlx::query_as(
                "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
            )
            .bind(user).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, last_used_at, revoked_at)| ApiToken {
                id,
                name,
                created_at,
                last_used_at,
                revoked_at,
            })
            .collect())
    }

    /// Revokes `user`'s token `id`; it opens nothing from then on.
    pub async fn revoke_token(&self, user: i64, id: i64, now: i64) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let updated = sqlx::query(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND user_id = $3",
            )
            .bind(now).bind(id).bind(user).execute(pool).await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::not_found("token", id));
            }
        });
        Ok(())
    }

    /// Stores a share link of a team's dashboard or of one of its plans.
    pub async fn create_share_link(&self, link: &NewShareLink<'_>) -> Result<ShareLink, StoreError> {
        if link.expires_at <= link.created_at {
            return Err(StoreError::invalid("expires", "must be in the future"));
        }
        let team = link.team_id;
        let id: i64 = dispatch!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let team_exists: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
                .bind(team).fetch_optional(&mut *tx).await?;
            if team_exists.is_none() {
                return Err(StoreError::invalid("team", format!("team {team} does not exist")));
            }
            let id = sqlx::query_scalar(
                "INSERT INTO share_links (token_hash, kind, target_id, team_id, created_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(link.token_hash).bind(link.kind.as_str()).bind(link.target_id).bind(team).bind(link.created_by)
            .bind(link.created_at).bind(link.expires_at)
            .fetch_one(&mut *tx).await?;
            let details = serde_json::json!({ "kind": link.kind.as_str(), "target": link.target_id, "expires_at": link.expires_at });
            append_audit!(tx, system_or(Some(link.created_by), "share_link.created", format!("team:{team}/share_link:{id}"), &details));
            tx.commit().await?;
            id
        });
        Ok(ShareLink {
            id,
            kind: link.kind,
            target_id: link.target_id,
            team_id: team,
            created_by: link.created_by,
            created_at: link.created_at,
            expires_at: link.expires_at,
            revoked_at: None,
        })
    }

    /// The live share link under `token_hash`: not revoked and not expired at `now`.
    pub async fn share_link(&self, token_hash: &str, now: i64) -> Result<Option<ShareLink>, StoreError> {
        let row: Option<ShareRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!("{SELECT_SHARE} WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2"))
                .bind(token_hash).bind(now).fetch_optional(pool).await?
        });
        row.map(share_link).transpose()
    }

    /// `team`'s share links, newest first, revoked and expired ones included.
    pub async fn share_links(&self, team: i64) -> Result<Vec<ShareLink>, StoreError> {
        let rows: Vec<ShareRow> = dispatch!(self, pool => {
            sqlx::query_as(&format!("{SELECT_SHARE} WHERE team_id = $1 ORDER BY id DESC")).bind(team).fetch_all(pool).await?
        });
        rows.into_iter().map(share_link).collect()
    }

    /// Revokes `team`'s share link `id`.
    pub async fn revoke_share_link(&self, team: i64, id: i64, now: i64) -> Result<(), StoreError> {
        dispatch!(self, pool => {
            let updated = sqlx::query(
                "UPDATE share_links SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND team_id = $3",
            )
            .bind(now).bind(id).bind(team).execute(pool).await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::not_found("share link", id));
            }
        });
        Ok(())
    }
}
