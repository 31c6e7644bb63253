//! `leadup decision add|list`: a team's decision log, assembled by `leadup_app::process` from
//! the plan, change-request and proposal decisions and the decisions added by hand.

use leadup_app::process;
use leadup_core::date;
use leadup_core::process::DecisionInput;
use leadup_store::{Actor, Store};
use time::OffsetDateTime;

use crate::cli::DecisionCommand;
use crate::decisions::user;
use crate::output;
use crate::wins::team_id;

/// `leadup decision ...`
pub async fn decision(store: &Store, command: DecisionCommand) -> anyhow::Result<()> {
    match command {
        DecisionCommand::Add { team, title, on, options, evidence, decided_by, reason, user: email, format } => {
            let now = OffsetDateTime::now_utc();
            let team = team_id(store, &team).await?;
            let by = Actor::new(user(store, &email).await?.id, now);
            let input = DecisionInput { decided_on: on, title, options, evidence_ids: evidence, decided_by, reason };
            let added = process::add_decision(store, team, &input, now.date(), by).await?;
            if format.json {
                return output::json(&added);
            }
            output::line(&added.id.to_string())
        }
        DecisionCommand::List { team, format } => {
            let log = process::decision_log(store, team_id(store, &team).await?).await?;
            if format.json {
                return output::json(&log);
            }
            let rows: Vec<Vec<String>> = log
                .iter()
                .map(|d| {
                    vec![
                        date::format(d.decided_on),
                        d.what.clone(),
                        d.decided_by.join(", "),
                        d.reason.clone().unwrap_or_else(|| "-".to_owned()),
                    ]
                })
                .collect();
            output::table(&["ON", "DECISION", "DECIDED BY", "REASON"], &rows)
        }
    }
}
