//! `leadup brief`: the brief for one executive, printed as Markdown or HTML, or written as a
//! PDF, through the same `leadup_app::brief` service as the web page and the API.

use std::io::{IsTerminal, Write};

use anyhow::Context;
use leadup_app::brief::{self, Audience, BriefError, Request};
use leadup_core::{ValidationErrors, date};
use leadup_store::Store;
use time::{OffsetDateTime, Time};

use crate::cli::{BriefArgs, Format};
use crate::output;

/// A brief's error as invalid input naming the flag it concerns, or as a failure.
fn flagged(error: BriefError) -> anyhow::Error {
    let field = match &error {
        BriefError::UnknownEmail(_) | BriefError::NoTeam(_) => "--for",
        BriefError::UnknownTeam(_) | BriefError::NotExecutive { .. } | BriefError::SeveralTeams { .. } => "--team",
        BriefError::Days(_) => "--days",
        BriefError::Text { field: "note", .. } => "--note",
        BriefError::Text { .. } => "--ask",
        BriefError::Store(_) => return error.into(),
    };
    ValidationErrors::single(field, error.to_string()).into()
}

/// The day `--today` names (the end of it), or now.
fn day_and_time(today: Option<&str>) -> anyhow::Result<(time::Date, OffsetDateTime)> {
    Ok(if let Some(text) = today {
        let day = date::parse(text)
            .ok_or_else(|| ValidationErrors::single("--today", format!("'{text}' is not a date (YYYY-MM-DD)")))?;
        (day, day.with_time(Time::MAX).assume_utc())
    } else {
        let now = OffsetDateTime::now_utc();
        (now.date(), now)
    })
}

/// One brief the schedule made, as `leadup brief due` shows it.
#[derive(serde::Serialize)]
struct Due {
    brief_id: i64,
    stakeholder: String,
    team: String,
    /// `draft` or `sent`.
    status: &'static str,
    delivery_id: Option<i64>,
}

/// Runs `leadup brief due`.
pub async fn due(store: &Store, today: Option<&str>, format: Format) -> anyhow::Result<()> {
    let (today, now) = day_and_time(today)?;
    let scheduled = brief::schedule::run_due(store, today, now).await.context("generating the briefs due")?;
    let mut shown = Vec::new();
    for s in scheduled {
        shown.push(Due {
            brief_id: s.brief_id,
            stakeholder: store.user(s.stakeholder_id).await?.name,
            team: store.team(s.team_id).await?.name,
            status: if s.delivery_id.is_some() { "sent" } else { "draft" },
            delivery_id: s.delivery_id,
        });
    }
    if format.json {
        return output::json(&shown);
    }
    if shown.is_empty() {
        return output::line(&format!("No brief is due on {}.", date::format(today)));
    }
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|d| {
            let what = match d.delivery_id {
                Some(delivery) => format!("sent (delivery {delivery} queued)"),
                None => "drafted for review".to_owned(),
            };
            vec![d.brief_id.to_string(), d.stakeholder.clone(), d.team.clone(), what]
        })
        .collect();
    output::table(&["Brief", "For", "Team", "Done"], &rows)
}

/// Runs `leadup brief`.
pub async fn brief(store: &Store, args: BriefArgs) -> anyhow::Result<()> {
    if !matches!(args.format.as_str(), "markdown" | "html" | "pdf") {
        return Err(
            ValidationErrors::single("--format", format!("'{}' is not markdown, html or pdf", args.format)).into()
        );
    }
    if args.format == "pdf" && args.out.is_none() && std::io::stdout().is_terminal() {
        return Err(ValidationErrors::single(
            "--out",
            "a PDF is not written to a terminal: give --out FILE or redirect standard output",
        )
        .into());
    }
    let days = brief::parse_days(&args.days).map_err(flagged)?;
    let (today, now) = day_and_time(args.today.as_deref())?;
    let stakeholder = args
        .stakeholder
        .as_deref()
        .ok_or_else(|| ValidationErrors::single("--for", "give the executive's e-mail address"))?;
    let audience = Audience::of_email(store, stakeholder).await.map_err(flagged)?;
    let team_id = match args.team.as_deref() {
        Some(name) => audience.team_named(store, name).await,
        None => audience.team(store, None).await,
    }
    .map_err(flagged)?;
    let request =
        Request { team_id, days, today, now, note: args.note, asks: args.asks, track_record: !args.no_track_record };
    let generated = brief::generate(store, &audience, &request).await.map_err(flagged)?;
    let bytes = match args.format.as_str() {
        "html" => brief::html::html(&generated).into_bytes(),
        "pdf" => brief::pdf::pdf(&generated),
        _ => brief::markdown::markdown(&generated).into_bytes(),
    };
    if let Some(path) = &args.out {
        std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(&bytes)?;
        out.flush()?;
        Ok(())
    }
}
