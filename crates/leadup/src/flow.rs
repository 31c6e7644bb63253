//! `leadup flow`: flow metrics of a team or an initiative over a window.

use leadup_app::progress;
use leadup_core::{ValidationErrors, date};
use leadup_forecast::Window;
use leadup_store::Store;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::FlowArgs;
use crate::output;
use crate::records::find_team;

#[derive(Serialize)]
struct FlowAnswer<'a> {
    subject: String,
    items: usize,
    #[serde(flatten)]
    metrics: &'a leadup_forecast::FlowMetrics,
}

/// `leadup flow ...`
pub async fn flow(store: &Store, args: FlowArgs) -> anyhow::Result<()> {
    let last = match args.today.as_deref() {
        Some(text) => date::parse(text)
            .ok_or_else(|| ValidationErrors::single("--today", format!("'{text}' is not a date (YYYY-MM-DD)")))?,
        None => OffsetDateTime::now_utc().date(),
    };
    let window = Window::ending(last, args.days)?;
    let (subject, items) = match (args.initiative, args.team.as_deref()) {
        (Some(id), _) => {
            let initiative = store.initiative(id).await?;
            (format!("initiative '{}'", initiative.title), store.initiative_work_items(id).await?)
        }
        (None, Some(team)) => {
            let team = find_team(store, team).await?;
            (format!("team '{}'", team.name), store.work_items(team.id).await?)
        }
        (None, None) => return Err(ValidationErrors::single("--team", "give --team TEAM or --initiative ID").into()),
    };
    let metrics = progress::flow(&items, window);
    if args.json {
        return output::json(&FlowAnswer { subject, items: items.len(), metrics: &metrics });
    }
    let cycle = metrics.cycle_time.as_ref().map_or_else(
        || "no item with a start date finished in the window".to_owned(),
        |c| format!("P50 {} days, P85 {} days, P95 {} days ({} items)", c.p50, c.p85, c.p95, c.items),
    );
    let oldest = metrics
        .aging
        .first()
        .map_or_else(|| "-".to_owned(), |a| format!("{} days ({})", a.age_days, items[a.index].key));
    output::fields(&[
        (
            "Flow of",
            format!(
                "{subject}, {} to {} ({} days)",
                date::format(window.first),
                date::format(window.last),
                window.days()
            ),
        ),
        (
            "Finished",
            format!(
                "{} ({:.1} per day, {:.1} per week)",
                metrics.finished,
                f64::from(metrics.finished) / f64::from(window.days()),
                f64::from(metrics.finished) * 7.0 / f64::from(window.days())
            ),
        ),
        ("Started", metrics.started.to_string()),
        ("Cycle time", cycle),
        ("In progress", format!("{} on {}", metrics.wip, date::format(window.last))),
        ("Oldest in progress", oldest),
    ])
}
