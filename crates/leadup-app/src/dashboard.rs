//! Progress of a team or an initiative from its work items, as the dashboards and
//! `GET /api/v1/{teams,initiatives}/{id}/progress` show it: share done, the burn-up series,
//! the calibrated forecast of the remaining items against the target date, budget status and
//! flow metrics.
//!
//! Everything here is a pure function of its inputs (items, today, and the forecast: the team's
//! done history for a team, the stored forecast for an initiative): no store, no clock. "Today" means the end of that day: an item counts as done once its done
//! date (UTC) is on or before today, and as in scope once its first known date (created,
//! started or done) is; items with no date at all are in scope from the start.

use leadup_core::date::{iso_date, iso_date_option};
use leadup_core::initiative::Initiative;
use leadup_core::work_item::{StatusCategory, WorkItem};
use leadup_forecast::{FlowMetrics, TeamSettings, Window};
use leadup_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::forecasts::{HISTORY_DAYS, Histories, WhenAnswer, calibration_of, round_probability, utc_date};
use crate::progress::flow;
use leadup_core::forecast::{Calibration, InitiativeForecast};

/// The flow window of a team dashboard unless `?days=N` says otherwise.
pub const DEFAULT_WINDOW_DAYS: u32 = 90;

/// The longest flow window a dashboard draws.
pub const MAX_WINDOW_DAYS: u32 = 3 * 365;

/// The windows a team dashboard offers; their dashboards are computed in the background and
/// stored, so a page only reads them.
pub const PRESET_WINDOWS: [u32; 4] = [30, 90, 180, 365];

/// The oldest items in progress a stored team dashboard lists (its `flow.wip` counts them all):
/// a team with a quarter of a million items open would otherwise store every one of them.
pub const STORED_AGING_ITEMS: usize = 100;

/// Items the team dashboard forecasts when nothing is in progress.
pub const NEXT_ITEMS_WITHOUT_WIP: u32 = 10;

/// The team dashboard's "when will the next N items be done?".
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NextItems {
    /// N: the work in progress, or [`NEXT_ITEMS_WITHOUT_WIP`] with none.
    pub items: u32,
    /// The calibrated forecast, when one was possible.
    pub forecast: Option<WhenAnswer>,
    /// Why there is none, otherwise.
    pub note: Option<String>,
}

/// A team's dashboard over the window of days ending on its day: what the page and
/// `GET /api/v1/teams/{id}/progress` show, stored per team and window by background work.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TeamDashboard {
    /// The team.
    pub team_id: i64,
    /// Days of the flow window (ending `progress.today`).
    pub window_days: u32,
    /// When it was computed.
    #[serde(with = "time::serde::rfc3339")]
    pub computed_at: OffsetDateTime,
    /// Progress of all the team's items.
    pub progress: Progress,
    /// "When will the next N items be done?"
    pub next_items: NextItems,
    /// "KEY title" of each of `progress.flow.cycle_times`, in order, for the chart's labels.
    pub cycle_time_labels: Vec<String>,
}

/// A team's own forecasts as of the end of a day, the same whatever the window drawn: when its
/// open items will be done, and when the next N (its work in progress) will be.
#[derive(Debug, Clone)]
pub struct TeamOutlook {
    open: Result<WhenAnswer, NoForecast>,
    next_items: NextItems,
}

impl TeamOutlook {
    /// The forecasts of the team whose items are `items` and history `histories`, as of `today`.
    pub fn of(items: &[WorkItem], histories: &Histories, today: Date) -> Self {
        let open = items.iter().filter(|item| in_scope(item, today) && !is_done_by(item, today));
        let open = match u32::try_from(open.count()).unwrap_or(u32::MAX) {
            0 => Err(("nothing remains".to_owned(), None, None)),
            count => when(histories, today, count, None),
        };
        let wip = Window::ending(today, 1).map_or(0, |window| flow(items, window).wip);
        let next = if wip > 0 { wip } else { NEXT_ITEMS_WITHOUT_WIP };
        let next_items = match when(histories, today, next, None) {
            Ok(forecast) => NextItems { items: next, forecast: Some(forecast), note: None },
            Err((note, _, _)) => NextItems { items: next, forecast: None, note: Some(note) },
        };
        Self { open, next_items }
    }
}

/// Team `team_id`'s dashboard over the `days` days ending `today`, from its `items` and its
/// `outlook` as of `today`, computed at `now`. Fails naming `days` when it is out of range.
pub fn team_dashboard(
    team_id: i64,
    items: &[WorkItem],
    outlook: &TeamOutlook,
    today: Date,
    days: u32,
    now: OffsetDateTime,
) -> Result<TeamDashboard, leadup_forecast::ForecastError> {
    let window = Window::ending(today, days)?;
    let span = Span { start: Some(window.first), window: Some(window) };
    let mut progress = progress(items, today, None, Forecasting::Answer(&outlook.open), span);
    // The oldest items in progress are what a dashboard lists; `flow.wip` keeps the count.
    progress.aging_items.truncate(STORED_AGING_ITEMS);
    progress.flow.aging.truncate(STORED_AGING_ITEMS);
    let cycle_time_labels = progress.flow.cycle_times.iter().map(|p| label(&items[p.index])).collect();
    let next_items = outlook.next_items.clone();
    Ok(TeamDashboard { team_id, window_days: days, computed_at: now, progress, next_items, cycle_time_labels })
}

/// An item as a chart labels it: its key and title, cut to 60 characters.
pub fn label(item: &WorkItem) -> String {
    const MAX: usize = 60;
    if item.key.is_empty() {
        // Hidden from a caller who may not see the team's items.
        "A finished item".to_owned()
    } else if item.title.is_empty() {
        item.key.clone()
    } else {
        let text = format!("{} {}", item.key, item.title);
        if text.chars().count() <= MAX {
            text
        } else {
            let mut cut: String = text.chars().take(MAX - 1).collect();
            cut.push('…');
            cut
        }
    }
}

/// How far along a team's or an initiative's work is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Progress {
    /// Everything is as of the end of this day.
    #[serde(with = "iso_date")]
    pub today: Date,
    /// Work items in scope by today.
    pub items: usize,
    /// Of those, done by today.
    pub done: usize,
    /// `done / items` in percent, one decimal (0 when there are no items).
    pub percent_done: f64,
    /// Items still to do (`items - done`).
    pub remaining: usize,
    /// The date the work should be done by (an initiative's target end), if any.
    #[serde(with = "iso_date_option")]
    pub target: Option<Date>,
    /// Where things stand, in one word.
    pub state: State,
    /// The calibrated forecast of when the remaining items will be done (for an initiative, its
    /// stored forecast, as of the day it says); `null` when nothing remains or no forecast was
    /// possible (then `forecast_note` says why).
    pub forecast: Option<WhenAnswer>,
    /// Why there is no forecast, when there is none though items remain.
    pub forecast_note: Option<String>,
    /// The calibrated probability that the remaining items are done by the target date (1
    /// when every item is done, 0 when the target has passed with items remaining; `null`
    /// without a target, without items, or without a forecast).
    pub probability_by_target: Option<f64>,
    /// How often the forecast method was met on the team's history.
    pub calibration: Option<Calibration>,
    /// Items in scope and done over time, for the burn-up chart.
    pub burn_up: BurnUpSeries,
    /// The items in progress at the end of today, oldest first.
    pub aging_items: Vec<AgingItem>,
    /// Flow metrics over `flow.window`.
    pub flow: FlowMetrics,
}

/// Where a team's or an initiative's work stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// No work items yet: nothing imported or attached.
    NoItems,
    /// Every item is done.
    Done,
    /// Items remain but no forecast could be made (e.g. nothing done in the history window).
    NoForecast,
    /// Items remain and are forecast; there is no target date to hold them against.
    Forecast,
    /// At least 85% likely to be done by the target date.
    OnTrack,
    /// 50% to 85% likely.
    AtRisk,
    /// Less than 50% likely.
    OffTrack,
    /// The target date has passed with items remaining.
    TargetPassed,
    /// The initiative was dropped: what remains is not forecast.
    Dropped,
}

impl State {
    /// The state in words, for a badge.
    pub fn label(self) -> &'static str {
        match self {
            Self::NoItems => "No work items",
            Self::Done => "All done",
            Self::NoForecast => "No forecast",
            Self::Forecast => "Forecast",
            Self::OnTrack => "On track",
            Self::AtRisk => "At risk",
            Self::OffTrack => "Off track",
            Self::TargetPassed => "Target passed",
            Self::Dropped => "Dropped",
        }
    }

    /// The snake-case name, as in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoItems => "no_items",
            Self::Done => "done",
            Self::NoForecast => "no_forecast",
            Self::Forecast => "forecast",
            Self::OnTrack => "on_track",
            Self::AtRisk => "at_risk",
            Self::OffTrack => "off_track",
            Self::TargetPassed => "target_passed",
            Self::Dropped => "dropped",
        }
    }

    /// Where `initiative` stands by its stored forecast alone, without reading its items (the
    /// roadmap colours every initiative by it): the state its page shows, from the counts the
    /// forecast was computed on. A done or dropped initiative is that, whatever remains.
    pub fn of_stored(initiative: &Initiative, stored: Option<&InitiativeForecast>, today: Date) -> Self {
        use leadup_core::initiative::Status;
        match (initiative.status, stored) {
            (Status::Dropped, _) => Self::Dropped,
            (Status::Done, _) => Self::Done,
            (_, None) => Self::NoForecast,
            (_, Some(f)) if f.attached == 0 => Self::NoItems,
            (_, Some(f)) if f.attached_done >= f.attached => Self::Done,
            (_, Some(f)) if f.target.is_some_and(|t| t < today) => Self::TargetPassed,
            (_, Some(f)) => match (f.target, f.probability_by_target) {
                (Some(_), Some(p)) => Self::of_probability(p),
                _ if f.dates.is_some() => Self::Forecast,
                _ => Self::NoForecast,
            },
        }
    }

    fn of_probability(probability: f64) -> Self {
        if probability >= 0.85 {
            Self::OnTrack
        } else if probability >= 0.5 {
            Self::AtRisk
        } else {
            Self::OffTrack
        }
    }
}

/// A count that holds from `date` until the next point of its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// The day the count changed to `count`.
    #[serde(with = "iso_date")]
    pub date: Date,
    /// The count from that day on.
    pub count: u32,
}

/// The burn-up's history: step series of items in scope and items done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BurnUpSeries {
    /// The first day drawn; items in scope or done before it are counted on it.
    #[serde(with = "iso_date")]
    pub start: Date,
    /// Items in scope, as change points from `start` up to today.
    pub scope: Vec<DayCount>,
    /// Items done (cumulative), as change points from `start` up to today.
    pub done: Vec<DayCount>,
}

/// One item in progress, with its age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingItem {
    /// The tracker's key.
    pub key: String,
    /// Its title.
    pub title: String,
    /// The tracker's status name.
    pub status: String,
    /// Days in progress at the end of today, counting the start day.
    pub age_days: u32,
}

/// An initiative's spending against its plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// ISO 4217 code of both amounts.
    pub currency: String,
    /// Planned budget in minor units.
    pub planned: i64,
    /// Spent so far in minor units.
    pub actual: i64,
    /// `actual / planned` (may exceed 1); `null` without a planned budget.
    pub share_spent: Option<f64>,
    /// Share of the target window elapsed by today (0 to 1), to hold spending against;
    /// `null` for an undated initiative.
    pub window_elapsed: Option<f64>,
    /// `within_budget`, `over_budget` (spent more than planned) or `no_budget` (nothing
    /// planned, nothing spent).
    pub state: &'static str,
}

impl Budget {
    /// The budget status of `initiative` on `today`.
    pub fn of(initiative: &Initiative, today: Date) -> Self {
        let (planned, actual) = (initiative.budget_planned, initiative.budget_actual);
        let state = if actual > planned {
            "over_budget"
        } else if planned == 0 {
            "no_budget"
        } else {
            "within_budget"
        };
        let window_elapsed = initiative.window.map(|w| {
            let total = (w.end - w.start).whole_days() + 1;
            let elapsed = ((today - w.start).whole_days() + 1).clamp(0, total);
            round_share(elapsed as f64 / total as f64)
        });
        Self {
            currency: initiative.currency.as_str().to_owned(),
            planned,
            actual,
            share_spent: (planned > 0).then(|| round_share(actual as f64 / planned as f64)),
            window_elapsed,
            state,
        }
    }
}

/// Initiative `id`, its attached items and their progress, with its stored forecast.
pub async fn initiative_progress(
    store: &Store,
    id: i64,
    today: Date,
) -> Result<(Initiative, Vec<WorkItem>, Progress, Option<InitiativeForecast>), StoreError> {
    let record = store.initiative(id).await?;
    let items = store.initiative_work_items(id).await?;
    let stored = store.initiative_forecast(id).await?;
    let target = stored.as_ref().map_or(record.window.map(|w| w.end), |f| f.target);
    let progress = progress(&items, today, target, Forecasting::Stored(stored.as_ref()), Span::default());
    Ok((record, items, progress, stored))
}

/// Where a progress's forecast comes from.
#[derive(Debug, Clone, Copy)]
pub enum Forecasting<'a> {
    /// A team's own "when will its open items be done?", from its done history.
    Team(&'a Histories),
    /// An initiative's stored forecast, if one was computed.
    Stored(Option<&'a InitiativeForecast>),
    /// A team's "when will its open items be done?", already answered.
    Answer(&'a Result<WhenAnswer, NoForecast>),
}

/// Which days a progress covers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    /// The burn-up's first day; `None`: the earliest date among the items (or 90 days before
    /// today when they have none).
    pub start: Option<Date>,
    /// The flow metrics' window; `None`: from the burn-up's first day to today (at least 14
    /// days).
    pub window: Option<Window>,
}

/// The progress of `items` as of the end of `today`, forecast as `forecasting` says and held
/// against `target`.
pub fn progress(
    items: &[WorkItem],
    today: Date,
    target: Option<Date>,
    forecasting: Forecasting<'_>,
    span: Span,
) -> Progress {
    let in_scope: Vec<&WorkItem> = items.iter().filter(|item| in_scope(item, today)).collect();
    let done = in_scope.iter().filter(|item| is_done_by(item, today)).count();
    let remaining = in_scope.len() - done;
    let start = span
        .start
        .unwrap_or_else(|| {
            in_scope.iter().filter_map(|item| first_date(item)).min().unwrap_or(today - Duration::days(90))
        })
        .min(today);
    let window = span.window.unwrap_or_else(|| {
        let days = u32::try_from((today - start).whole_days() + 1).unwrap_or(1).clamp(14, MAX_WINDOW_DAYS);
        Window::ending(today, days).unwrap_or(Window { first: start, last: today })
    });
    let flow = flow(items, window);
    let aging_items = if window.last == today {
        flow.aging
            .iter()
            .map(|a| {
                let item = &items[a.index];
                AgingItem {
                    key: item.key.clone(),
                    title: item.title.clone(),
                    status: item.status.clone(),
                    age_days: a.age_days,
                }
            })
            .collect()
    } else {
        Vec::new()
    };

    let mut forecast = None;
    let mut forecast_note = None;
    let mut probability_by_target = None;
    let mut calibration = None;
    let target_passed = target.is_some_and(|t| t < today) && remaining > 0;
    if remaining > 0 {
        let answer = match forecasting {
            Forecasting::Team(histories) => when(histories, today, remaining as u32, target),
            Forecasting::Stored(stored) => stored_answer(stored),
            Forecasting::Answer(answer) => answer.clone().map(|mut a| {
                a.items = remaining as u32;
                a
            }),
        };
        match answer {
            Ok(answer) => {
                probability_by_target = answer.probability_by;
                calibration = Some(answer.calibration.clone());
                forecast = Some(answer);
            }
            Err((note, probability, cal)) => {
                forecast_note = Some(note);
                probability_by_target = probability;
                calibration = cal.map(|c| *c);
            }
        }
        if target_passed {
            probability_by_target = Some(0.0);
        }
    } else if target.is_some() && !in_scope.is_empty() {
        probability_by_target = Some(1.0);
    }
    let state = if in_scope.is_empty() {
        State::NoItems
    } else if remaining == 0 {
        State::Done
    } else if target_passed {
        State::TargetPassed
    } else {
        match (target, probability_by_target) {
            (Some(_), Some(p)) => State::of_probability(p),
            _ if forecast.is_some() => State::Forecast,
            _ => State::NoForecast,
        }
    };
    Progress {
        today,
        items: in_scope.len(),
        done,
        percent_done: if in_scope.is_empty() {
            0.0
        } else {
            (done as f64 * 1000.0 / in_scope.len() as f64).round() / 10.0
        },
        remaining,
        target,
        state,
        forecast,
        forecast_note,
        probability_by_target,
        calibration,
        burn_up: burn_up(&in_scope, start, today),
        aging_items,
        flow,
    }
}

/// An initiative's stored forecast as a "when" answer, or why there is none.
fn stored_answer(stored: Option<&InitiativeForecast>) -> Result<WhenAnswer, NoForecast> {
    let Some(stored) = stored else {
        return Err((
            "its forecast has not been computed yet; it is, in the background, within a minute".to_owned(),
            None,
            None,
        ));
    };
    match stored.dates {
        Some(dates) => Ok(WhenAnswer::stored(stored, dates)),
        None => Err((
            stored.note.clone().unwrap_or_else(|| "no forecast was possible".to_owned()),
            stored.probability_by_target,
            stored.calibration.clone().map(Box::new),
        )),
    }
}

/// Why a forecast could not be made, with whatever could still be said: the probability by
/// the date asked about and the calibration.
pub type NoForecast = (String, Option<f64>, Option<Box<Calibration>>);

/// The team's calibrated "when will the next `items` be done?" as of the end of `today`, with
/// the probability of being done by `by` (when it is not before today).
pub fn when(histories: &Histories, today: Date, items: u32, by: Option<Date>) -> Result<WhenAnswer, NoForecast> {
    let settings = TeamSettings { history_days: HISTORY_DAYS, ..TeamSettings::default() };
    let forecast = histories.when(today, items, &settings).map_err(|e| (e.to_string(), None, None))?;
    let calibration: Calibration = calibration_of(&forecast.backtest);
    let probability = |days: u32| forecast.forecast.probability_within(days);
    match forecast.forecast.percentiles() {
        Ok(days) => Ok(WhenAnswer::new(items, today, settings.history_days, days, probability, by, calibration)),
        Err(error) => {
            let within = by.and_then(|by| u32::try_from((by - today).whole_days()).ok());
            Err((error.to_string(), within.map(|d| round_probability(probability(d))), Some(Box::new(calibration))))
        }
    }
}

/// A share rounded to 4 decimals, at least 0 but possibly above 1 (spending past the plan).
fn round_share(p: f64) -> f64 {
    (p.max(0.0) * 10_000.0).round() / 10_000.0 + 0.0
}

/// The burn-up series of the items in scope, from `start` to `today`.
fn burn_up(items: &[&WorkItem], start: Date, today: Date) -> BurnUpSeries {
    let scope_days: Vec<Date> = items.iter().map(|item| first_date(item).map_or(start, |d| d.max(start))).collect();
    let done_days: Vec<Date> = items
        .iter()
        .filter(|item| is_done_by(item, today))
        .map(|item| item.done.map_or(start, |d| utc_date(d).max(start)))
        .collect();
    BurnUpSeries { start, scope: steps(scope_days, start), done: steps(done_days, start) }
}

/// Cumulative counts of `days` as change points, beginning with `start` (0 when nothing is on
/// or before it).
fn steps(mut days: Vec<Date>, start: Date) -> Vec<DayCount> {
    days.sort_unstable();
    let mut points = vec![DayCount { date: start, count: 0 }];
    for (k, day) in days.iter().enumerate() {
        let count = k as u32 + 1;
        match points.last_mut() {
            Some(last) if last.date == *day => last.count = count,
            _ => points.push(DayCount { date: *day, count }),
        }
    }
    points
}

/// The first day an item is known to exist: created, else started, else done (UTC).
fn first_date(item: &WorkItem) -> Option<Date> {
    [item.created, item.started, item.done].into_iter().flatten().map(utc_date).min()
}

/// Whether `item` is in scope by the end of `today`: its first known day is on or before it
/// (items with no date at all always are).
pub(crate) fn in_scope(item: &WorkItem, today: Date) -> bool {
    first_date(item).is_none_or(|d| d <= today)
}

/// Whether `item` was done by the end of `today`. An item in the done category without a done
/// date counts as done.
pub(crate) fn is_done_by(item: &WorkItem, today: Date) -> bool {
    match item.done {
        Some(done) => utc_date(done) <= today,
        None => item.category == StatusCategory::Done,
    }
}

#[cfg(test)]
mod tests {
    use leadup_core::work_item::StatusCategory;
    use time::macros::{date, datetime};
    use time::{Date, OffsetDateTime};

    use super::*;

    fn item(key: &str, created: Option<OffsetDateTime>, done: Option<OffsetDateTime>) -> WorkItem {
        WorkItem {
            key: key.to_owned(),
            title: format!("Item {key}"),
            kind: String::new(),
            status: String::new(),
            category: StatusCategory::from_times(created, done),
            created,
            started: created,
            done,
            estimate: None,
            parent: None,
            labels: Vec::new(),
            milestone: None,
        }
    }

    fn no_history() -> Histories {
        Histories::from_done_dates(Vec::<Date>::new(), Vec::new())
    }

    #[test]
    fn counts_scope_and_done_as_of_today_and_steps_them() {
        let items = [
            item("A", Some(datetime!(2026-03-02 10:00 UTC)), Some(datetime!(2026-03-04 09:00 UTC))),
            item("B", Some(datetime!(2026-03-02 12:00 UTC)), None),
            item("C", None, None),
            item("D", Some(datetime!(2026-03-05 08:00 UTC)), Some(datetime!(2026-03-09 08:00 UTC))),
            item("Later", Some(datetime!(2026-03-20 08:00 UTC)), None),
        ];
        let p = progress(
            &items,
            date!(2026 - 03 - 06),
            Some(date!(2026 - 03 - 31)),
            Forecasting::Team(&no_history()),
            Span::default(),
        );
        assert_eq!((p.items, p.done, p.remaining), (4, 1, 3));
        assert!((p.percent_done - 25.0).abs() < 1e-9);
        assert_eq!(p.burn_up.start, date!(2026 - 03 - 02));
        let points = |s: &[DayCount]| s.iter().map(|p| (p.date.day(), p.count)).collect::<Vec<_>>();
        assert_eq!(points(&p.burn_up.scope), [(2, 3), (5, 4)], "C has no date and counts from the start");
        assert_eq!(points(&p.burn_up.done), [(2, 0), (4, 1)], "D is done after today");
        assert_eq!(p.state, State::NoForecast);
        assert!(p.forecast.is_none() && p.forecast_note.as_deref().unwrap().contains("no done items"));
        assert_eq!(p.flow.window.last, date!(2026 - 03 - 06));
        assert_eq!(p.flow.window.days(), 14);
        let aging: Vec<&str> = p.aging_items.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(aging, ["B", "D"]);
    }

    #[test]
    fn nothing_remaining_is_certain_and_a_passed_target_is_not() {
        let done = [item("A", Some(datetime!(2026-03-02 10:00 UTC)), Some(datetime!(2026-03-04 09:00 UTC)))];
        let p = progress(
            &done,
            date!(2026 - 03 - 06),
            Some(date!(2026 - 03 - 05)),
            Forecasting::Team(&no_history()),
            Span::default(),
        );
        assert_eq!((p.state, p.probability_by_target), (State::Done, Some(1.0)));
        let open = [item("B", Some(datetime!(2026-03-02 10:00 UTC)), None)];
        let p = progress(
            &open,
            date!(2026 - 03 - 06),
            Some(date!(2026 - 03 - 05)),
            Forecasting::Team(&no_history()),
            Span::default(),
        );
        assert_eq!((p.state, p.probability_by_target), (State::TargetPassed, Some(0.0)));
        let p = progress(&[], date!(2026 - 03 - 06), None, Forecasting::Team(&no_history()), Span::default());
        assert_eq!((p.state, p.items, p.burn_up.start), (State::NoItems, 0, date!(2025 - 12 - 06)));
        assert_eq!(p.burn_up.scope, [DayCount { date: date!(2025 - 12 - 06), count: 0 }]);
    }

    #[test]
    fn forecasts_the_remaining_items_against_the_target() {
        // A team finishing none, one or two items a day (one a day on average) for 120 days.
        let today = date!(2026 - 03 - 31);
        let history: Vec<Date> =
            (0..120).flat_map(|k| std::iter::repeat_n(today - Duration::days(k), (k % 3) as usize)).collect();
        let histories = Histories::from_done_dates(history.clone(), Vec::new());
        let done_at = |d: Date| d.with_hms(12, 0, 0).unwrap().assume_utc();
        let done: Vec<WorkItem> = history
            .iter()
            .enumerate()
            .map(|(k, d)| item(&format!("D{k}"), Some(done_at(*d) - Duration::days(2)), Some(done_at(*d))))
            .collect();
        let mut open: Vec<WorkItem> =
            (0..10).map(|k| item(&format!("O{k}"), Some(datetime!(2026-03-01 10:00 UTC)), None)).collect();
        open.extend(done.iter().cloned());
        let team = Forecasting::Team(&histories);
        let p = progress(&open, today, Some(today + Duration::days(30)), team, Span::default());
        let forecast = p.forecast.as_ref().expect("a forecast");
        assert_eq!(forecast.items, 10);
        assert!((8..=13).contains(&forecast.p50), "about one a day: {}", forecast.p50);
        assert_eq!(forecast.by, Some(today + Duration::days(30)));
        // 120 days of a perfectly regular pace are worth less than one independent forecast:
        // the calibration leans on the reference histories, whose real teams were less regular,
        // so three times the P50 is very likely but no longer certain.
        assert!(p.probability_by_target.is_some_and(|p| (0.9..1.0).contains(&p)), "{:?}", p.probability_by_target);
        assert_eq!(p.state, State::OnTrack);
        assert!(p.calibration.as_ref().unwrap().statement.contains("backtested"));
        let tight = progress(&open, today, Some(today + Duration::days(5)), team, Span::default());
        assert_eq!(tight.state, State::OffTrack, "{:?}", tight.probability_by_target);
        assert!(tight.probability_by_target.unwrap() < 0.1);
    }

    #[test]
    fn an_initiative_shows_its_stored_forecast_as_of_its_day() {
        let today = date!(2026 - 03 - 31);
        let open: Vec<WorkItem> =
            (0..4).map(|k| item(&format!("O{k}"), Some(datetime!(2026-03-01 10:00 UTC)), None)).collect();
        let stored = InitiativeForecast {
            initiative_id: 7,
            team_id: 1,
            as_of: date!(2026 - 03 - 30),
            computed_at: datetime!(2026-03-30 23:00 UTC),
            attached: 4,
            attached_done: 0,
            remaining: 4,
            position: Some(1),
            target: Some(date!(2026 - 04 - 30)),
            dates: Some(leadup_core::forecast::DatePercentiles::after(date!(2026 - 03 - 30), [5, 8, 12, 20])),
            probability_by_target: Some(0.62),
            note: None,
            calibration: None,
            model: leadup_core::forecast::INITIATIVE_MODEL.to_owned(),
            inputs_digest: "x".to_owned(),
        };
        let p = progress(&open, today, stored.target, Forecasting::Stored(Some(&stored)), Span::default());
        let forecast = p.forecast.as_ref().unwrap();
        assert_eq!((forecast.today, forecast.p85, forecast.dates.p85), (stored.as_of, 12, date!(2026 - 04 - 11)));
        assert_eq!((p.probability_by_target, p.state), (Some(0.62), State::AtRisk));
        let missing = progress(&open, today, stored.target, Forecasting::Stored(None), Span::default());
        assert_eq!(missing.state, State::NoForecast);
        assert!(missing.forecast_note.unwrap().contains("not been computed yet"));
    }

    #[test]
    fn budget_status_compares_spending_with_the_plan() {
        let initiative = |planned, actual| Initiative {
            id: 1,
            team_id: 1,
            title: "x".into(),
            outcome: String::new(),
            objective_ids: Vec::new(),
            horizon: None,
            window: Some(leadup_core::initiative::TargetWindow {
                start: date!(2026 - 01 - 01),
                end: date!(2026 - 01 - 10),
            }),
            status: leadup_core::initiative::Status::InProgress,
            budget_planned: planned,
            budget_actual: actual,
            currency: leadup_core::money::Currency::parse("EUR").unwrap(),
        };
        let b = Budget::of(&initiative(1000, 250), date!(2026 - 01 - 05));
        assert_eq!((b.state, b.share_spent, b.window_elapsed), ("within_budget", Some(0.25), Some(0.5)));
        assert_eq!(Budget::of(&initiative(1000, 1200), date!(2026 - 03 - 05)).state, "over_budget");
        let none = Budget::of(&initiative(0, 0), date!(2025 - 12 - 01));
        assert_eq!((none.state, none.share_spent, none.window_elapsed), ("no_budget", None, Some(0.0)));
    }
}
