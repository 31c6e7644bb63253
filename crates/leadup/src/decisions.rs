//! `leadup plan progress|approve|send-back`, `leadup proposal decide` and `leadup inbox`: a
//! plan's progress against its targets and the decisions an executive takes, each with its
//! reason, through the same store calls and application services as the pages and the API.

use anyhow::Context;
use leadup_app::inbox::inbox as waiting;
use leadup_app::plan_progress::{self, ForecastFigures};
use leadup_core::ValidationErrors;
use leadup_core::account::{User, normalise_email};
use leadup_core::date;
use leadup_core::headline::percent;
use leadup_store::{Actor, Store};
use time::OffsetDateTime;

use crate::cli::{Format, PlanCommand};
use crate::{forecast, output};

/// The user with `email`, or an error naming it.
pub(crate) async fn user(store: &Store, email: &str) -> anyhow::Result<User> {
    store
        .user_by_email(&normalise_email(email))
        .await?
        .with_context(|| format!("no user with the email '{email}' (see `leadup user list`)"))
}

/// `leadup plan ...`
pub async fn plan(store: &Store, command: PlanCommand) -> anyhow::Result<()> {
    match command {
        PlanCommand::Progress { plan, number, format } => progress(store, plan, number, format).await,
        PlanCommand::Approve { plan, user: email, reason } => {
            let by = Actor::new(user(store, &email).await?.id, OffsetDateTime::now_utc());
            let decided = leadup_app::commitments::approve_plan(store, plan, by, reason.as_deref()).await?;
            forecast::refresh(store, decided.team_id).await;
            let baseline = decided.baseline().context("the approved baseline")?;
            output::line(&format!(
                "plan {plan} version {} is the baseline, content hash {}",
                baseline.number, baseline.content_hash
            ))
        }
        PlanCommand::SendBack { plan, user: email, reason } => {
            let by = Actor::new(user(store, &email).await?.id, OffsetDateTime::now_utc());
            let decided = store.send_back_plan(plan, by, &reason).await?;
            let version = decided.open_version().context("the version sent back")?;
            output::line(&format!("plan {plan} version {} is a draft again, with your comment", version.number))
        }
    }
}

/// `leadup plan progress PLAN [--plan-version N] [--json]`
async fn progress(store: &Store, plan: i64, version: Option<u32>, format: Format) -> anyhow::Result<()> {
    let today = OffsetDateTime::now_utc().date();
    let found = match version {
        Some(number) => plan_progress::version(store, plan, number, today).await?,
        None => plan_progress::baseline(store, plan, today).await?,
    };
    let progress = found.with_context(|| match version {
        Some(number) => format!("plan {plan} has no version {number} that is submitted or approved"),
        None => format!("plan {plan} has no approved baseline yet; name a submitted version with --plan-version"),
    })?;
    if format.json {
        return output::json(&progress);
    }
    output::line(&format!("{}: {}", progress.headline.state.label().to_uppercase(), progress.headline.reason))?;
    let dated = |d: Option<time::Date>| d.map_or_else(|| "-".to_owned(), date::format);
    let rows: Vec<Vec<String>> = progress
        .items
        .iter()
        .map(|item| {
            let figures: Option<&ForecastFigures> = item.forecast.as_ref();
            vec![
                item.title.clone(),
                figures.and_then(|f| f.chance_by_target).map_or_else(|| "-".to_owned(), percent),
                dated(figures.and_then(|f| f.p85)),
                dated(item.target),
                item.p85_change_days.map_or_else(|| "-".to_owned(), |d| format!("{d:+} days")),
                item.budget.as_ref().map_or_else(|| "-".to_owned(), leadup_core::money::Money::display),
                item.spent.as_ref().map_or_else(|| "-".to_owned(), leadup_core::money::Money::display),
                format!("{}/{}", item.done, item.total),
            ]
        })
        .collect();
    output::table(&["INITIATIVE", "CHANCE", "P85", "TARGET", "P85 SINCE APPROVAL", "BUDGET", "SPENT", "DONE"], &rows)
}

/// `leadup proposal decide ID --decision approve|decline --as EMAIL [--reason TEXT]`
pub async fn decide_proposal(
    store: &Store,
    id: i64,
    decision: &str,
    email: &str,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    let to = match decision {
        "approve" => "approved",
        "decline" => "declined",
        other => {
            return Err(ValidationErrors::single("--decision", format!("'{other}' is not approve or decline")).into());
        }
    };
    let by = Actor::new(user(store, email).await?.id, OffsetDateTime::now_utc());
    let moved = store.move_proposal(id, to, by, reason).await?;
    output::line(&format!("proposal {id} '{}' is {to}", moved.input.title))
}

/// `leadup inbox --as EMAIL [--json]`
pub async fn inbox(store: &Store, email: &str, format: Format) -> anyhow::Result<()> {
    let found = user(store, email).await?;
    let principal = store.principal(found.id).await?;
    let items = waiting(store, &principal, OffsetDateTime::now_utc()).await?;
    if format.json {
        return output::json(&items);
    }
    if items.is_empty() {
        return output::line("Nothing waits for your decision.");
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| vec![i.kind.label().to_owned(), i.title.clone(), i.team.clone(), i.asked_by.clone(), i.age.clone()])
        .collect();
    output::table(&["WAITING", "WHAT", "TEAM", "ASKED BY", "FOR"], &rows)
}
