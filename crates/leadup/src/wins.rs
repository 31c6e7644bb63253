//! `leadup win add|list|confirm|decline`: a team's wins with the people credited, through
//! `leadup_app::wins`, the service the pages and the API use; the store checks the roles of
//! the user named by `--as`.

use anyhow::Context;
use leadup_app::wins;
use leadup_core::date;
use leadup_core::win::WinInput;
use leadup_store::{Actor, Store};
use time::OffsetDateTime;

use crate::cli::WinCommand;
use crate::decisions::user;
use crate::output;

/// The team called `name`, or an error naming it.
pub(crate) async fn team_id(store: &Store, name: &str) -> anyhow::Result<i64> {
    Ok(store.team_named(name).await?.with_context(|| format!("no team called '{name}' (see `leadup team list`)"))?.id)
}

/// `leadup win ...`
pub async fn win(store: &Store, command: WinCommand) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    match command {
        WinCommand::Add {
            team,
            title,
            on,
            credits,
            initiative,
            objective,
            impact,
            impact_value,
            unit,
            user: email,
            format,
        } => {
            let team = team_id(store, &team).await?;
            let by = Actor::new(user(store, &email).await?.id, now);
            let input = WinInput {
                title,
                achieved_on: on,
                initiative_id: initiative,
                objective_id: objective,
                key_result: None,
                impact,
                impact_value,
                impact_unit: unit,
                credits,
            };
            let proposed = wins::propose(store, team, &input, now.date(), by).await?;
            if format.json {
                return output::json(&proposed);
            }
            output::line(&proposed.id.to_string())
        }
        WinCommand::List { team, format } => {
            let listed = wins::team_wins(store, team_id(store, &team).await?).await?;
            if format.json {
                return output::json(&listed);
            }
            let rows: Vec<Vec<String>> = listed
                .wins
                .iter()
                .map(|w| {
                    vec![
                        w.id.to_string(),
                        date::format(w.achieved_on),
                        w.title.clone(),
                        w.status.as_str().to_owned(),
                        w.credits.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "),
                    ]
                })
                .collect();
            output::table(&["ID", "ON", "WIN", "STATUS", "CREDITED"], &rows)?;
            let credits: Vec<Vec<String>> =
                listed.credits.iter().map(|p| vec![p.name.clone(), p.wins.to_string()]).collect();
            output::line("")?;
            output::table(&["PERSON", "CONFIRMED WINS"], &credits)
        }
        WinCommand::Confirm { id, user: email } => {
            let by = Actor::new(user(store, &email).await?.id, now);
            let confirmed = wins::confirm(store, id, by).await?;
            output::line(&format!("win {} confirmed: {}", confirmed.id, confirmed.title))
        }
        WinCommand::Decline { id, reason, user: email } => {
            let by = Actor::new(user(store, &email).await?.id, now);
            let declined = wins::decline(store, id, &reason, by).await?;
            output::line(&format!("win {} declined: {}", declined.id, declined.title))
        }
    }
}
