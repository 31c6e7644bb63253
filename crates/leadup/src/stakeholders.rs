//! `leadup stakeholder list|show`: the executives of every team with their profiles, through
//! the same service the pages and the API use. The operator sees every stakeholder; a webhook
//! is shown only by its host.

use anyhow::Context;
use leadup_app::stakeholders::{self, Stakeholder};
use leadup_core::account::normalise_email;
use leadup_store::Store;

use crate::cli::StakeholderCommand;
use crate::output;

/// `leadup stakeholder ...`
pub async fn stakeholder(store: &Store, command: StakeholderCommand) -> anyhow::Result<()> {
    let teams = store.teams().await?;
    let team_names = |s: &Stakeholder| {
        s.team_ids
            .iter()
            .map(|&id| teams.iter().find(|t| t.id == id).map_or_else(|| id.to_string(), |t| t.name.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let topics = |s: &Stakeholder| s.preferences().topics.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
    match command {
        StakeholderCommand::List(format) => {
            let mut list = Vec::new();
            for executive in store.executives().await? {
                list.extend(stakeholders::stakeholder(store, executive.user.id).await?);
            }
            if format.json {
                return output::json(&list.iter().map(Stakeholder::shown).collect::<Vec<_>>());
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|s| {
                    vec![
                        s.user.id.to_string(),
                        s.user.name.clone(),
                        team_names(s),
                        topics(s),
                        s.preferences().cadence.as_str().to_owned(),
                        s.channel_shown(),
                    ]
                })
                .collect();
            output::table(&["ID", "NAME", "SPONSORS", "TOPICS", "CADENCE", "CHANNEL"], &rows)
        }
        StakeholderCommand::Show { email, format } => {
            let user = store
                .user_by_email(&normalise_email(&email))
                .await?
                .with_context(|| format!("no user with the email '{email}' (see `leadup user list`)"))?;
            let found = stakeholders::stakeholder(store, user.id)
                .await?
                .with_context(|| format!("{} is not an executive of any team, so no stakeholder", user.name))?;
            if format.json {
                return output::json(&found.shown());
            }
            let ids = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            let preferences = found.preferences();
            output::fields(&[
                ("Stakeholder", format!("{} <{}> (id {})", found.user.name, found.user.email, found.user.id)),
                ("Sponsors", team_names(&found)),
                ("Owns objectives", ids(&found.owned_objective_ids)),
                ("Cares about objectives", ids(&preferences.objective_ids)),
                ("Sponsors initiatives", ids(&preferences.initiative_ids)),
                ("Topics", topics(&found)),
                ("Cadence", preferences.cadence.as_str().to_owned()),
                ("Channel", found.channel_shown()),
                (
                    "Profile",
                    if found.profile.is_some() { "saved" } else { "starting preferences, not saved yet" }.to_owned(),
                ),
            ])
        }
    }
}
