//! `leadup commitment add|met|missed|dropped|renegotiate|list` and `leadup credibility`: the
//! commitments ledger and the track record through `leadup_app::commitments`, the service the
//! pages and the API use. A write is recorded as the team's manager unless `--as` names another
//! user.

use anyhow::Context;
use leadup_app::commitments::{self, CommitmentView, Credibility};
use leadup_core::ValidationErrors;
use leadup_core::account::normalise_email;
use leadup_core::commitment::{CommitmentInput, OutcomeInput};
use leadup_core::money::Money;
use leadup_store::{Actor, Store, StoreError};
use time::OffsetDateTime;

use crate::cli::{CommitmentAddArgs, CommitmentCommand, CredibilityArgs, OutcomeArgs};
use crate::output;
use crate::records::find_team;

/// The flag a field of the commitment's input or outcome is given with.
fn flag(field: &str) -> String {
    match field {
        "to_user_id" => "--to".to_owned(),
        "initiative_id" => "--initiative".to_owned(),
        "new_due" => "--due".to_owned(),
        "kind" => "ID".to_owned(),
        other => format!("--{other}"),
    }
}

/// An amount written in whole units (`25000`, `25,000.50`) as minor units; `flag` is named
/// when it is not one.
fn amount(flag: &str, text: Option<&str>) -> Result<Option<i64>, ValidationErrors> {
    text.map(|text| leadup_core::money::parse_amount(text).map_err(|reason| ValidationErrors::single(flag, reason)))
        .transpose()
}

/// Store errors with their fields named as flags.
fn flags(error: StoreError) -> anyhow::Error {
    match error {
        StoreError::Invalid(errors) => ValidationErrors(
            errors
                .0
                .into_iter()
                .map(|mut e| {
                    e.field = flag(&e.field);
                    e
                })
                .collect(),
        )
        .into(),
        other => other.into(),
    }
}

/// The user acting: `--as EMAIL`, else the team's first manager with an account.
async fn actor(store: &Store, team_id: i64, email: Option<&str>) -> anyhow::Result<Actor> {
    let now = OffsetDateTime::now_utc();
    if let Some(email) = email {
        let user = store
            .user_by_email(&normalise_email(email))
            .await?
            .ok_or_else(|| ValidationErrors::single("--as", format!("no user with the email '{email}'")))?;
        return Ok(Actor::new(user.id, now));
    }
    let team = store.team(team_id).await?;
    let manager = team.managers.iter().find_map(|m| m.user_id).with_context(|| {
        format!("team '{}' has no manager with an account: name who records it with --as EMAIL", team.name)
    })?;
    Ok(Actor::new(manager, now))
}

/// `leadup commitment ...`
pub async fn commitment(store: &Store, command: CommitmentCommand) -> anyhow::Result<()> {
    match command {
        CommitmentCommand::Add(args) => add(store, args).await,
        CommitmentCommand::Met { id, outcome } => record(store, id, "met", None, outcome).await,
        CommitmentCommand::Missed { id, outcome } => record(store, id, "missed", None, outcome).await,
        CommitmentCommand::Dropped { id, outcome } => record(store, id, "dropped", None, outcome).await,
        CommitmentCommand::Renegotiate { id, due, outcome } => {
            record(store, id, "renegotiated", Some(due), outcome).await
        }
        CommitmentCommand::List { team, format } => {
            let team = find_team(store, &team).await?;
            let list = commitments::list(store, team.id).await?;
            if format.json {
                return output::json(&list);
            }
            let rows: Vec<Vec<String>> = list.iter().map(row).collect();
            output::table(&["ID", "STATE", "DUE", "CONFIDENCE", "CHANCE NOW", "TO", "STATEMENT"], &rows)
        }
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn row(view: &CommitmentView) -> Vec<String> {
    let c = &view.commitment;
    let due = if view.current_due == c.due {
        leadup_core::date::format(c.due)
    } else {
        format!("{} (was {})", leadup_core::date::format(view.current_due), leadup_core::date::format(c.due))
    };
    let chance = view.chance_now.map_or_else(String::new, |chance| {
        if view.at_risk { format!("{} BELOW STATED", percent(chance)) } else { percent(chance) }
    });
    vec![
        c.id.to_string(),
        view.state.as_str().to_owned(),
        due,
        percent(c.confidence),
        chance,
        view.to.clone(),
        c.statement.clone(),
    ]
}

async fn add(store: &Store, args: CommitmentAddArgs) -> anyhow::Result<()> {
    let team = find_team(store, &args.team).await?;
    let to = store
        .user_by_email(&normalise_email(&args.to))
        .await?
        .ok_or_else(|| ValidationErrors::single("--to", format!("no user with the email '{}'", args.to)))?;
    let by = actor(store, team.id, args.user.as_deref()).await?;
    let input = CommitmentInput {
        to_user_id: to.id,
        statement: args.statement,
        made: args.made,
        due: args.due,
        confidence: args.confidence,
        budget: amount("--budget", args.budget.as_deref())?,
        currency: args.currency,
        initiative_id: args.initiative,
    };
    let created = commitments::add(store, team.id, &input, by).await.map_err(flags)?;
    if args.format.json {
        return output::json(&commitments::one(store, created.id).await?);
    }
    output::line(&created.id.to_string())
}

async fn record(store: &Store, id: i64, kind: &str, due: Option<String>, args: OutcomeArgs) -> anyhow::Result<()> {
    let commitment = store.commitment(id).await?;
    let by = actor(store, commitment.team_id, args.user.as_deref()).await?;
    let input = OutcomeInput {
        kind: kind.to_owned(),
        on: args.on,
        spent: amount("--spent", args.spent.as_deref())?,
        new_due: due,
        reason: args.reason,
    };
    let recorded = commitments::record_outcome(store, id, &input, by).await.map_err(flags)?;
    let event = recorded.events.last().context("the recorded outcome")?;
    output::line(&format!("commitment {id} {} on {}", event.outcome.kind(), leadup_core::date::format(event.on)))
}

/// `leadup credibility`
pub async fn credibility(store: &Store, args: CredibilityArgs) -> anyhow::Result<()> {
    let team = find_team(store, &args.team).await?;
    let mut errors = ValidationErrors::default();
    let from = args.from.as_deref().and_then(|d| leadup_core::date::parse_field(&mut errors, "--from", d));
    let to = match args.to.as_deref() {
        Some(d) => leadup_core::date::parse_field(&mut errors, "--to", d),
        None => Some(OffsetDateTime::now_utc().date()),
    };
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        errors.add(
            "--from",
            format!("{} is after --to {}", leadup_core::date::format(from), leadup_core::date::format(to)),
        );
    }
    let to = errors.into_result(|| to.expect("checked"))?;
    let report = commitments::report(store, team.id, from, to).await?;
    if args.format.json {
        return output::json(&report);
    }
    print_report(&report)
}

fn print_report(report: &Credibility) -> anyhow::Result<()> {
    let r = &report.report;
    let c = &r.counts;
    let or_none = |value: Option<String>| value.unwrap_or_else(|| "none".to_owned());
    let period = match r.from {
        Some(from) => format!("{} to {}", leadup_core::date::format(from), leadup_core::date::format(r.to)),
        None => format!("up to {}", leadup_core::date::format(r.to)),
    };
    let budget = r
        .budget_by_currency
        .iter()
        .map(|b| {
            let money = |minor| Money { minor, currency: b.currency.clone() }.display();
            format!(
                "{} spent of {} ({})",
                money(b.spent),
                money(b.budget),
                b.variance.map_or_else(|| "no budget".to_owned(), |v| format!("{:+.1}%", v * 100.0))
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let track = &report.forecast_track_record;
    output::fields(&[
        ("Team", format!("{} (managed by {})", report.team, report.managers.join(", "))),
        ("Period", period),
        ("Commitments closed", c.commitments.to_string()),
        ("Kept on time", c.kept_on_time.to_string()),
        ("Renegotiated early", c.renegotiated_early.to_string()),
        ("Missed", c.missed.to_string()),
        ("Dropped", c.dropped.to_string()),
        ("On-time rate", or_none(c.on_time_rate.map(percent))),
        ("Mean slip", or_none(r.mean_slip_days.map(|d| format!("{d:.1} days")))),
        ("Brier score", or_none(c.brier.map(|b| format!("{b:.3} (0 is perfect, 0.25 is always saying 50%)")))),
        ("Budget", if budget.is_empty() { "none".to_owned() } else { budget }),
        (
            "P85 forecasts",
            or_none(
                track
                    .rate
                    .map(|rate| format!("{} of {} came true ({})", track.came_true, track.forecasts, percent(rate))),
            ),
        ),
    ])?;
    let rows: Vec<Vec<String>> = r
        .trend
        .iter()
        .map(|q| {
            vec![
                q.quarter.clone(),
                q.counts.commitments.to_string(),
                q.counts.kept_on_time.to_string(),
                q.counts.renegotiated_early.to_string(),
                q.counts.missed.to_string(),
                q.counts.dropped.to_string(),
                or_none(q.counts.on_time_rate.map(percent)),
                or_none(q.counts.brier.map(|b| format!("{b:.3}"))),
            ]
        })
        .collect();
    output::line("")?;
    output::table(
        &["QUARTER", "CLOSED", "ON TIME", "RENEGOTIATED EARLY", "MISSED", "DROPPED", "ON-TIME RATE", "BRIER"],
        &rows,
    )
}
