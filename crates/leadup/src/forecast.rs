//! `leadup forecast` and `leadup backtest`: a team's calibrated forecasts, with the backtest
//! that states how often such forecasts were met, or the raw model on a bare throughput list.

use std::io::IsTerminal;

use anyhow::Context;
use leadup_app::forecasts::{
    Growth, Histories, HowManyAnswer, PortfolioSettings, WhenAnswer, calibration_of, raw_calibration, team_portfolio,
};
use leadup_app::replays;
use leadup_app::snapshots::refresh_team;
use leadup_core::forecast::{Calibration, DatePercentiles};
use leadup_core::{ValidationErrors, date};
use leadup_forecast::{BacktestReport, Question, Risk, Simulation, SplitRate, TeamSettings};
use leadup_store::Store;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::cli::{BacktestArgs, ForecastCommand, ForecastSource};
use crate::output;
use crate::records::find_team;

/// Whether `command` forecasts from a bare `--throughput` list: a pure calculation, run
/// without opening (or creating) a database.
pub fn is_raw(command: &ForecastCommand) -> bool {
    match command {
        ForecastCommand::When { source, .. } | ForecastCommand::HowMany { source, .. } => source.throughput.is_some(),
        ForecastCommand::Initiatives { .. } | ForecastCommand::Portfolio { .. } => false,
    }
}

/// `leadup forecast when|how-many|initiatives|portfolio ...`; `store` is `None` only for a
/// command that [`is_raw`].
pub async fn forecast(store: Option<&Store>, command: ForecastCommand) -> anyhow::Result<()> {
    let answered = answer(store, command).await;
    if let Some(store) = store {
        keep_replays(store).await;
    }
    answered
}

/// Prints the answer to a forecast command.
async fn answer(store: Option<&Store>, command: ForecastCommand) -> anyhow::Result<()> {
    let store = || store.context("this forecast needs the workspace's database");
    match command {
        ForecastCommand::When { items, by, by_days, source } => {
            let today = today(source.today.as_deref())?;
            let by = match (by, by_days) {
                (Some(by), _) => Some(parse_date("--by", &by)?),
                (None, Some(days)) => Some(today + time::Duration::days(i64::from(days))),
                (None, None) => None,
            };
            if by.is_some_and(|by| by < today) {
                return Err(ValidationErrors::single("--by", "must not be before the forecast date (--today)").into());
            }
            let answer = if let Some(counts) = &source.throughput {
                let counts = last(counts, source.history_days);
                let raw = leadup_forecast::when(counts, items)?;
                let history_days = counts.len() as u32;
                let probability = |d| raw.probability_within(d);
                WhenAnswer::new(items, today, history_days, raw.percentiles(), probability, by, raw_calibration())
            } else {
                let store = store()?;
                let (histories, settings) = team(store, &source).await?;
                histories.read_replays(store, today, Question::When { items }, &settings).await?;
                let forecast = histories.when(today, items, &settings)?;
                let days = forecast.forecast.percentiles()?;
                let probability = |d| forecast.forecast.probability_within(d);
                let calibration = calibration_of(&forecast.backtest);
                WhenAnswer::new(items, today, settings.history_days, days, probability, by, calibration)
            };
            if source.json {
                return output::json(&answer);
            }
            let mut lines = vec![
                ("Question", format!("when will {items} more items be done (as of {})", date::format(today))),
                ("P50", format!("{} days ({})", answer.p50, date::format(answer.dates.p50))),
                ("P70", format!("{} days ({})", answer.p70, date::format(answer.dates.p70))),
                ("P85", format!("{} days ({})", answer.p85, date::format(answer.dates.p85))),
                ("P95", format!("{} days ({})", answer.p95, date::format(answer.dates.p95))),
            ];
            if let (Some(p), Some(by)) = (answer.probability_by, by) {
                lines.push(("Done by", format!("{} with probability {:.1}%", date::format(by), p * 100.0)));
            }
            lines.push(("Calibration", answer.calibration.statement));
            output::fields(&lines)
        }
        ForecastCommand::Initiatives { team, json } => initiatives(store()?, &team, json).await,
        ForecastCommand::Portfolio { team, wip, trials, seed, split, risks, history_days, today: on, json } => {
            let growth = growth(split.as_deref(), &risks)?;
            portfolio(store()?, &team, wip, trials, seed, &growth, history_days, today(on.as_deref())?, json).await
        }
        ForecastCommand::HowMany { days, source } => {
            let today = today(source.today.as_deref())?;
            let (history_days, counts, calibration) = if let Some(counts) = &source.throughput {
                let counts = last(counts, source.history_days);
                let p = leadup_forecast::how_many(counts, days)?.percentiles();
                (counts.len() as u32, p, raw_calibration())
            } else {
                let store = store()?;
                let (histories, settings) = team(store, &source).await?;
                histories.read_replays(store, today, Question::HowMany { days }, &settings).await?;
                let forecast = histories.how_many(today, days, &settings)?;
                (settings.history_days, forecast.forecast.percentiles(), calibration_of(&forecast.backtest))
            };
            let answer = HowManyAnswer::new(days, today, history_days, counts, calibration);
            if source.json {
                return output::json(&answer);
            }
            output::fields(&[
                ("Question", format!("how many items in the {days} days after {}", date::format(today))),
                ("P50", format!("at least {}", answer.p50)),
                ("P70", format!("at least {}", answer.p70)),
                ("P85", format!("at least {}", answer.p85)),
                ("P95", format!("at least {}", answer.p95)),
                ("Calibration", answer.calibration.statement),
            ])
        }
    }
}

/// Recomputes team `team_id`'s stored initiative forecasts after a command changed what they
/// are computed from, so that pages (served by any process) show them; a failure is a warning,
/// as the change itself was made and a server's background work tries again.
pub async fn refresh(store: &Store, team_id: i64) {
    let now = OffsetDateTime::now_utc();
    if let Err(error) = refresh_team(store, team_id, now.date(), now).await {
        eprintln!("leadup: warning: the team's forecasts were not recomputed: {error}");
    }
}

/// `leadup forecast initiatives --team T`: the stored forecast of each of the team's
/// initiatives (recomputed first if its inputs changed), queue order first.
async fn initiatives(store: &Store, team: &str, json: bool) -> anyhow::Result<()> {
    let team = find_team(store, team).await?;
    let now = OffsetDateTime::now_utc();
    let mut forecasts =
        refresh_team(store, team.id, now.date(), now).await.with_context(|| format!("team '{}'", team.name))?;
    forecasts.sort_by_key(|f| (f.position.unwrap_or(u32::MAX), f.initiative_id));
    if json {
        return output::json(&forecasts);
    }
    let titles: std::collections::BTreeMap<i64, String> =
        store.initiatives().await?.into_iter().map(|i| (i.id, i.title)).collect();
    let rows: Vec<Vec<String>> = forecasts
        .iter()
        .map(|f| {
            let date =
                |pick: fn(&DatePercentiles) -> Date| f.dates.as_ref().map_or("-".to_owned(), |d| date::format(pick(d)));
            vec![
                f.position.map_or("-".to_owned(), |p| p.to_string()),
                titles.get(&f.initiative_id).cloned().unwrap_or_default(),
                f.remaining.to_string(),
                f.target.map_or("-".to_owned(), date::format),
                date(|d| d.p50),
                date(|d| d.p85),
                date(|d| d.p95),
                f.probability_by_target.map_or("-".to_owned(), |p| format!("{:.0}%", p * 100.0)),
                f.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let as_of = forecasts.first().map_or_else(|| date::format(now.date()), |f| date::format(f.as_of));
    output::line(&format!("Initiatives of team '{}', forecast as of {as_of}:\n", team.name))?;
    output::table(&["#", "INITIATIVE", "OPEN ITEMS", "TARGET", "P50", "P85", "P95", "BY TARGET", "NOTE"], &rows)?;
    output::line(&format!("\nModel: {}.", leadup_core::forecast::INITIATIVE_MODEL))
}

/// `leadup forecast portfolio ...`: what-if: the team's planned and in-progress initiatives,
/// earliest target first, sharing its full throughput, uncalibrated.
#[allow(clippy::too_many_arguments)] // The command's flags, one by one.
async fn portfolio(
    store: &Store,
    team: &str,
    wip: u32,
    trials: u32,
    seed: u64,
    growth: &Growth,
    history_days: u32,
    today: Date,
    json: bool,
) -> anyhow::Result<()> {
    let team = find_team(store, team).await?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let simulation = Simulation { trials, seed, threads, ..Simulation::default() };
    let settings = PortfolioSettings { wip, history_days, simulation, growth: growth.clone() };
    let items = store.work_items(team.id).await?;
    let histories = Histories::load(store, team.id).await?;
    let answer = team_portfolio(store, &team, &items, &histories, today, &settings)
        .await
        .with_context(|| format!("team '{}'", team.name))?;
    if answer.initiatives.is_empty() {
        anyhow::bail!("team '{}' has no planned or in-progress initiatives to forecast", team.name);
    }
    if json {
        return output::json(&answer);
    }
    let rows: Vec<Vec<String>> = answer
        .initiatives
        .iter()
        .map(|line| {
            let date = |pick: fn(&DatePercentiles) -> Date| {
                line.dates.as_ref().map_or("beyond 10 years".to_owned(), |d| date::format(pick(d)))
            };
            vec![
                line.title.clone(),
                line.remaining.to_string(),
                line.target.map_or("-".to_owned(), date::format),
                date(|d| d.p50),
                date(|d| d.p85),
                date(|d| d.p95),
                line.probability_by_target.map_or("-".to_owned(), |p| format!("{:.0}%", p * 100.0)),
            ]
        })
        .collect();
    output::line(&format!(
        "What-if: {} initiatives of team '{}' sharing its whole throughput, earliest target first, {} at a time ({} trials, \
         seed {}; the forecast leadup shows is `leadup forecast initiatives`):\n",
        rows.len(),
        answer.team,
        wip,
        trials,
        seed
    ))?;
    output::table(&["INITIATIVE", "OPEN ITEMS", "TARGET", "P50", "P85", "P95", "BY TARGET"], &rows)?;
    output::line(&format!("\nCalibration: {}", answer.calibration.statement))
}

/// `--split LOW-HIGH` and `--risk P:LOW-HIGH` as the portfolio's growth; every bad value named.
fn growth(split: Option<&str>, risks: &[String]) -> Result<Growth, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let split = match split {
        None => SplitRate::NONE,
        Some(text) => {
            match text
                .split_once('-')
                .and_then(|(l, h)| Some((l.trim().parse::<f64>().ok()?, h.trim().parse::<f64>().ok()?)))
            {
                Some((low, high)) if low.is_finite() && low >= 1.0 && high >= low && high <= 100.0 => {
                    SplitRate { low, high }
                }
                _ => {
                    errors.add("--split", format!("'{text}' is not LOW-HIGH with 1 <= LOW <= HIGH <= 100, e.g. 1-1.5"));
                    SplitRate::NONE
                }
            }
        }
    };
    let mut parsed = Vec::new();
    for (i, text) in risks.iter().enumerate() {
        let risk = text.split_once(':').and_then(|(p, items)| {
            let likelihood = p.trim().parse::<f64>().ok()?;
            let (low, high) = items.split_once('-')?;
            Some(Risk {
                likelihood,
                extra_items_low: low.trim().parse().ok()?,
                extra_items_high: high.trim().parse().ok()?,
            })
        });
        match risk {
            Some(r) if (0.0..=1.0).contains(&r.likelihood) && r.extra_items_low <= r.extra_items_high => parsed.push(r),
            _ => errors.add(
                format!("--risk[{i}]"),
                format!("'{text}' is not P:LOW-HIGH with P in 0..1 and LOW <= HIGH items, e.g. 0.3:2-6"),
            ),
        }
    }
    errors.into_result(|| Growth { split, risks: parsed })
}

/// The backtest of one team, in `leadup backtest --json`.
#[derive(Serialize)]
struct TeamBacktest {
    team: String,
    #[serde(with = "leadup_core::date::iso_date")]
    today: Date,
    #[serde(flatten)]
    rates: Calibration,
}

/// `leadup backtest --json`
#[derive(Serialize)]
struct BacktestAnswer {
    items: u32,
    history_days: u32,
    step_days: u32,
    #[serde(flatten)]
    pooled: Calibration,
    teams: Vec<TeamBacktest>,
}

/// `leadup backtest ...`
pub async fn backtest(store: &Store, args: BacktestArgs) -> anyhow::Result<()> {
    let answered = backtest_answer(store, args).await;
    keep_replays(store).await;
    answered
}

/// Prints the answer to `leadup backtest`.
async fn backtest_answer(store: &Store, args: BacktestArgs) -> anyhow::Result<()> {
    let only = match &args.team {
        Some(team) => Some(find_team(store, team).await?.id),
        None => None,
    };
    let settings =
        TeamSettings { history_days: args.history_days, backtest_step_days: args.step_days, ..TeamSettings::default() };
    let pinned = args.today.as_deref().map(|d| parse_date("--today", d)).transpose()?;
    let mut reports = Vec::new();
    let mut rows = Vec::new();
    let teams: Vec<_> =
        Histories::load_all(store).await?.into_iter().filter(|(team, _)| only.is_none_or(|id| id == team.id)).collect();
    // The latest day any team is backtested up to: one replay per team serves them all.
    let latest = teams.iter().filter_map(|(_, h)| pinned.or(h.last_done())).max();
    if let (Some((_, histories)), Some(latest)) = (teams.first(), latest) {
        histories.read_replays(store, latest, Question::When { items: args.items }, &settings).await?;
    }
    let mut bar =
        output::Progress::new("backtesting", teams.len() as u64, !args.json && std::io::stderr().is_terminal());
    for (done, (team, histories)) in teams.into_iter().enumerate() {
        bar.draw(done as u64, &team.name);
        let Some(today) = pinned.or(histories.last_done()) else {
            if args.team.is_some() {
                anyhow::bail!("team '{}' has no done items to replay (import some with `leadup import`)", team.name);
            }
            continue;
        };
        let report =
            histories.backtest(today, args.items, &settings).with_context(|| format!("team '{}'", team.name))?;
        rows.push(TeamBacktest { team: team.name, today, rates: calibration_of(&report) });
        reports.push(report);
    }
    bar.clear();
    if reports.is_empty() {
        anyhow::bail!("no team has done items to replay (import some with `leadup import`)");
    }
    let pooled = BacktestReport::pooled(&reports);
    let answer = BacktestAnswer {
        items: args.items,
        history_days: args.history_days,
        step_days: args.step_days,
        pooled: calibration_of(&pooled),
        teams: rows,
    };
    if args.json {
        return output::json(&answer);
    }
    let percent = |rate: f64| format!("{:.1}%", rate * 100.0);
    let mut table: Vec<Vec<String>> = answer
        .teams
        .iter()
        .map(|t| {
            let r = &t.rates;
            vec![
                t.team.clone(),
                r.forecasts.to_string(),
                percent(r.p50_hit),
                percent(r.p70_hit),
                percent(r.p85_hit),
                percent(r.p95_hit),
            ]
        })
        .collect();
    let p = &answer.pooled;
    table.push(vec![
        "all".into(),
        p.forecasts.to_string(),
        percent(p.p50_hit),
        percent(p.p70_hit),
        percent(p.p85_hit),
        percent(p.p95_hit),
    ]);
    output::line(&format!(
        "Calibrated forecasts of \"when will the next {} items be done\", replayed every {} days from {} days of history.\nShare of real outcomes at or before each percentile (an honest Pxx is met xx% of the time):\n",
        args.items, args.step_days, args.history_days
    ))?;
    output::table(&["TEAM", "FORECASTS", "P50", "P70", "P85", "P95"], &table)
}

async fn team(store: &Store, source: &ForecastSource) -> anyhow::Result<(Histories, TeamSettings)> {
    let name = source
        .team
        .as_deref()
        .ok_or_else(|| ValidationErrors::single("--team", "give --team TEAM or --throughput COUNTS"))?;
    let team = find_team(store, name).await?;
    let settings = TeamSettings { history_days: source.history_days.unwrap_or(90), ..TeamSettings::default() };
    let histories = Histories::load(store, team.id).await?;
    if histories.last_done().is_none() {
        anyhow::bail!("team '{}' has no done items yet (import some with `leadup import`)", team.name);
    }
    Ok((histories, settings))
}

/// The last `days` counts (all of them when not given).
fn last(counts: &[u32], days: Option<u32>) -> &[u32] {
    let keep = days.map_or(counts.len(), |d| (d as usize).min(counts.len()));
    &counts[counts.len() - keep..]
}

pub(crate) fn today(given: Option<&str>) -> Result<Date, ValidationErrors> {
    given.map_or_else(|| Ok(OffsetDateTime::now_utc().date()), |text| parse_date("--today", text))
}

fn parse_date(flag: &str, text: &str) -> Result<Date, ValidationErrors> {
    date::parse(text).ok_or_else(|| ValidationErrors::single(flag, format!("'{text}' is not a date (YYYY-MM-DD)")))
}

/// Keeps the past forecasts this command replayed in the database, for the next command to
/// reuse (`leadup_app::replays`), once its answer is out. They are derived data: failing to keep them (a read-only
/// database, say) costs the next command time, not an answer, so it is said and not fatal.
async fn keep_replays(store: &Store) {
    if let Err(error) = replays::write(store).await {
        eprintln!("note: the replayed past forecasts could not be kept for the next forecast: {error}");
    }
}
