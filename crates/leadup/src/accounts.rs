//! `leadup user`, `leadup member` and `leadup token`: accounts, roles and API tokens, managed
//! by whoever can open the database (the operator), through the same service the pages use.

use std::io::BufRead;

use anyhow::Context;
use leadup_core::ValidationErrors;
use leadup_core::access::Role;
use leadup_core::account::{User, UserInput, normalise_email};
use leadup_store::Store;
use leadup_web::accounts;
use time::OffsetDateTime;

use crate::cli::{MemberCommand, PasswordSource, TokenCommand, UserCommand};
use crate::output;
use crate::records::find_team;

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The password from standard input, or a generated one (then `true`: it must be printed).
fn password(source: &PasswordSource) -> anyhow::Result<(String, bool)> {
    if !source.password_stdin {
        return Ok((accounts::generate_password(), true));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    Ok((line.trim_end_matches(['\n', '\r']).to_owned(), false))
}

async fn find_user(store: &Store, email: &str) -> anyhow::Result<User> {
    store
        .user_by_email(&normalise_email(email))
        .await?
        .with_context(|| format!("no user with the email '{email}' (see `leadup user list`)"))
}

/// Web-layer errors as the command line reports them: invalid fields exit 2.
fn cli_error(error: leadup_web::AppError) -> anyhow::Error {
    match error {
        leadup_web::AppError::Invalid(errors) => {
            anyhow::Error::new(ValidationErrors(errors.0.into_iter().map(flag_name).collect()))
        }
        other => anyhow::anyhow!(other.to_string()),
    }
}

fn flag_name(mut error: leadup_core::FieldError) -> leadup_core::FieldError {
    error.field = match error.field.as_str() {
        "password" => "password".to_owned(),
        "email" => "EMAIL".to_owned(),
        other => format!("--{other}"),
    };
    error
}

/// `leadup user ...`
pub async fn user(store: &Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { email, name, admin, password: source, format } => {
            let (password, generated) = password(&source)?;
            let input = UserInput { email, name, is_admin: admin };
            let user = accounts::create_user(store, &input, &password, now(), None).await.map_err(cli_error)?;
            if format.json {
                let mut value = serde_json::to_value(&user)?;
                if generated {
                    value["password"] = serde_json::Value::String(password);
                }
                return output::json(&value);
            }
            let mut fields = vec![
                ("User", format!("{} <{}> (id {})", user.name, user.email, user.id)),
                ("Administrator", if user.is_admin { "yes" } else { "no" }.to_owned()),
            ];
            if generated {
                fields.push(("Password", format!("{password}   (shown only now)")));
            }
            output::fields(&fields)
        }
        UserCommand::List(format) => {
            let users = store.users().await?;
            let teams = store.teams().await?;
            let mut rows = Vec::with_capacity(users.len());
            let mut listed = Vec::with_capacity(users.len());
            for user in users {
                let principal = store.principal(user.id).await?;
                let roles: Vec<String> = principal
                    .roles
                    .iter()
                    .map(|r| {
                        let team = teams.iter().find(|t| t.id == r.team_id).map_or("?", |t| t.name.as_str());
                        format!("{} of {team}", r.role)
                    })
                    .collect();
                rows.push(vec![
                    user.id.to_string(),
                    user.email.clone(),
                    user.name.clone(),
                    if user.is_admin { "admin" } else { "" }.to_owned(),
                    roles.join(", "),
                ]);
                listed.push(principal);
            }
            if format.json {
                return output::json(&listed);
            }
            output::table(&["ID", "Email", "Name", "Workspace", "Roles"], &rows)
        }
        UserCommand::Password { email, password: source, revoke_tokens } => {
            let user = find_user(store, &email).await?;
            let (password, generated) = password(&source)?;
            accounts::set_password(store, user.id, &password).await.map_err(cli_error)?;
            if generated {
                output::line(&format!("New password for {}: {password}   (shown only now)", user.email))?;
            } else {
                output::line(&format!("Password of {} changed; their sessions have ended.", user.email))?;
            }
            let live: Vec<i64> =
                store.tokens(user.id).await?.into_iter().filter(|t| t.revoked_at.is_none()).map(|t| t.id).collect();
            let tokens = match live.len() {
                1 => "1 API token".to_owned(),
                n => format!("{n} API tokens"),
            };
            if live.is_empty() {
                Ok(())
            } else if revoke_tokens {
                for id in &live {
                    store.revoke_token(user.id, *id, now()).await?;
                }
                output::line(&format!("Their {tokens} revoked."))
            } else {
                let (work, them) = if live.len() == 1 { ("works", "it") } else { ("work", "them") };
                output::line(&format!(
                    "Their {tokens} still {work} (a new password does not end {them}): revoke with \
                     `leadup token revoke {} ID`, or run this again with --revoke-tokens.",
                    user.email
                ))
            }
        }
    }
}

/// `leadup member ...`
pub async fn member(store: &Store, command: MemberCommand) -> anyhow::Result<()> {
    match command {
        MemberCommand::Add { email, team, role } => {
            let role: Role = role.parse().map_err(|message: String| ValidationErrors::single("--role", message))?;
            let (user, team) = (find_user(store, &email).await?, find_team(store, &team).await?);
            store.set_role(team.id, user.id, Some(role), None).await?;
            output::line(&format!("{} is now {} of {}.", user.email, article(role), team.name))
        }
        MemberCommand::Remove { email, team } => {
            let (user, team) = (find_user(store, &email).await?, find_team(store, &team).await?);
            store.set_role(team.id, user.id, None, None).await?;
            output::line(&format!("{} holds no role in {} now.", user.email, team.name))
        }
        MemberCommand::List { team, format } => {
            let team = find_team(store, &team).await?;
            let members = store.team_members(team.id).await?;
            if format.json {
                let value: Vec<_> =
                    members.iter().map(|(user, role)| serde_json::json!({ "user": user, "role": role })).collect();
                return output::json(&value);
            }
            let rows: Vec<Vec<String>> =
                members.iter().map(|(u, role)| vec![u.email.clone(), u.name.clone(), role.to_string()]).collect();
            output::table(&["Email", "Name", "Role"], &rows)
        }
    }
}

fn article(role: Role) -> String {
    match role {
        Role::Executive => "an executive".to_owned(),
        other => format!("a {other}"),
    }
}

/// `leadup token ...`
pub async fn token(store: &Store, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { email, name } => {
            let user = find_user(store, &email).await?;
            let (_, secret) = accounts::create_token(store, user.id, &name, now()).await.map_err(cli_error)?;
            output::line(&secret)
        }
        TokenCommand::List { email, format } => {
            let user = find_user(store, &email).await?;
            let tokens = store.tokens(user.id).await?;
            if format.json {
                return output::json(&tokens);
            }
            let at = |t: Option<i64>| t.map_or_else(String::new, output::unix_date);
            let rows: Vec<Vec<String>> = tokens
                .iter()
                .map(|t| {
                    let state = if t.revoked_at.is_some() { "revoked" } else { "live" };
                    vec![
                        t.id.to_string(),
                        t.name.clone(),
                        output::unix_date(t.created_at),
                        at(t.last_used_at),
                        state.to_owned(),
                    ]
                })
                .collect();
            output::table(&["ID", "Name", "Created", "Last used", "State"], &rows)
        }
        TokenCommand::Revoke { email, id } => {
            let user = find_user(store, &email).await?;
            store.revoke_token(user.id, id, now()).await?;
            output::line(&format!("Token {id} of {} is revoked.", user.email))
        }
    }
}
