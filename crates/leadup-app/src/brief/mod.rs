//! The brief: a status update for one stakeholder about one team over a period, generated from
//! stored data only (the stored initiative forecasts, the plans, change requests, objectives,
//! evidence and the last brief sent to the same stakeholder), ordered exception first.
//!
//! [`generate`] builds a [`Brief`] (plain serde data, stored as sent with the store's
//! `save_brief`); [`markdown`], [`html`] and [`pdf`] render it, and [`render`] gives all of
//! them at once for delivery. What the stakeholder is sent is what is stored, so the next brief
//! can say what changed since.

pub mod html;
pub mod markdown;
pub mod order;
pub mod pdf;
pub mod schedule;
pub mod send;
mod words;

use std::cmp::Ordering;

use leadup_core::access::Role;
use leadup_core::account::{User, normalise_email};
use leadup_core::commitment::credibility;
use leadup_core::date::{iso_date, iso_date_option};
use leadup_core::forecast::InitiativeForecast;
use leadup_core::headline::{HeadlineItem, headline};
use leadup_core::initiative::{Initiative, Status};
use leadup_core::plan::VersionStatus;
use leadup_core::stakeholder::Topic;
use leadup_store::{NewBrief, Store, StoreError, StoredBrief};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::dashboard::{self, Forecasting, Span, State};
use crate::inbox::InboxKind;

/// The period a brief covers when none is given, in days.
pub const DEFAULT_DAYS: u32 = 14;
/// The longest period a brief covers, in days.
pub const MAX_DAYS: u32 = 366;
/// How far back the track record a brief includes reaches, in days.
pub const TRACK_RECORD_DAYS: i64 = 365;
/// An initiative whose chance of meeting its target is under this is a risk.
pub const RISK_BELOW: f64 = 0.7;
/// An initiative whose chance fell by at least this since the last brief is a risk.
pub const RISK_FALL: f64 = 0.1;
/// The most evidence highlights a brief shows.
pub const MAX_EVIDENCE: usize = 3;
/// The most asks a manager adds to a brief.
pub const MAX_ASKS: usize = 10;
/// The longest note or ask, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

/// Why a brief cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum BriefError {
    /// No user has this e-mail address.
    #[error("no user has the e-mail address '{0}'")]
    UnknownEmail(String),
    /// No team has this name.
    #[error("no team is named '{0}'")]
    UnknownTeam(String),
    /// The user holds no executive role in the team.
    #[error("{user} is not an executive of {team}: briefs go to a team's executives")]
    NotExecutive {
        /// The user's name.
        user: String,
        /// The team's name.
        team: String,
    },
    /// The user is an executive of no team.
    #[error("{0} is an executive of no team: briefs go to a team's executives")]
    NoTeam(String),
    /// The user is an executive of several teams and none was named.
    #[error("{user} is an executive of {teams}: name the team the brief is about")]
    SeveralTeams {
        /// The user's name.
        user: String,
        /// The teams' names, comma-separated.
        teams: String,
    },
    /// The period is out of range.
    #[error("days must be a whole number from 1 to {MAX_DAYS}, not '{0}'")]
    Days(String),
    /// A note or ask is too long, or there are too many asks.
    #[error("{field}: {message}")]
    Text {
        /// `note` or `asks`.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BriefError {
    /// The input field the error concerns, as the API names it.
    pub fn field(&self) -> &'static str {
        match self {
            Self::UnknownEmail(_) | Self::NoTeam(_) | Self::NotExecutive { .. } => "stakeholder_id",
            Self::UnknownTeam(_) | Self::SeveralTeams { .. } => "team_id",
            Self::Days(_) => "days",
            Self::Text { field, .. } => field,
            Self::Store(_) => "store",
        }
    }
}

/// Who a brief is for and what they care about, from their stakeholder profile
/// (`crate::stakeholders`): the teams they are an executive of, the objectives they own or
/// follow, and the initiatives they follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Audience {
    /// The stakeholder.
    pub user: User,
    /// The teams where the stakeholder holds the executive role, by id.
    pub team_ids: Vec<i64>,
    /// The objectives they own (their name is the owner) or follow, owned first, by id.
    pub objective_ids: Vec<i64>,
    /// The initiatives their profile follows, by id.
    pub initiative_ids: Vec<i64>,
    /// What they want to hear about, in the order their profile lists it.
    pub topics: Vec<Topic>,
}

impl Audience {
    /// The audience of user `user_id`; a user who is nobody's executive has no teams.
    pub async fn of_user(store: &Store, user_id: i64) -> Result<Self, BriefError> {
        Ok(match crate::stakeholders::stakeholder(store, user_id).await? {
            Some(stakeholder) => Self {
                objective_ids: stakeholder.objective_ids(),
                initiative_ids: stakeholder.preferences().initiative_ids,
                topics: stakeholder.preferences().topics,
                team_ids: stakeholder.team_ids,
                user: stakeholder.user,
            },
            None => Self {
                user: store.user(user_id).await?,
                team_ids: Vec::new(),
                objective_ids: Vec::new(),
                initiative_ids: Vec::new(),
                topics: Vec::new(),
            },
        })
    }

    /// Whether the brief puts `initiative` among what this stakeholder cares about: it serves
    /// an objective they own or follow, or their profile follows it.
    fn cares_about(&self, initiative: &Initiative) -> bool {
        self.initiative_ids.contains(&initiative.id)
            || initiative.objective_ids.iter().any(|o| self.objective_ids.contains(o))
    }

    /// The audience of the user with e-mail address `email`.
    pub async fn of_email(store: &Store, email: &str) -> Result<Self, BriefError> {
        let user = store
            .user_by_email(&normalise_email(email))
            .await?
            .ok_or_else(|| BriefError::UnknownEmail(email.trim().to_owned()))?;
        Self::of_user(store, user.id).await
    }

    /// The team a brief to this audience is about: `team` (by id) when given, which must be
    /// one the stakeholder is an executive of, else their only such team.
    pub async fn team(&self, store: &Store, team: Option<i64>) -> Result<i64, BriefError> {
        match team {
            Some(id) if self.team_ids.contains(&id) => Ok(id),
            Some(id) => {
                Err(BriefError::NotExecutive { user: self.user.name.clone(), team: store.team(id).await?.name })
            }
            None => match self.team_ids.as_slice() {
                [] => Err(BriefError::NoTeam(self.user.name.clone())),
                [only] => Ok(*only),
                several => {
                    let mut names = Vec::new();
                    for id in several {
                        names.push(store.team(*id).await?.name);
                    }
                    Err(BriefError::SeveralTeams { user: self.user.name.clone(), teams: names.join(", ") })
                }
            },
        }
    }

    /// The team named `name` (see [`Audience::team`]).
    pub async fn team_named(&self, store: &Store, name: &str) -> Result<i64, BriefError> {
        let team =
            store.team_named(name.trim()).await?.ok_or_else(|| BriefError::UnknownTeam(name.trim().to_owned()))?;
        self.team(store, Some(team.id)).await
    }
}

/// What to generate: for whom, about which team, over which days, with the manager's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The team the brief is about.
    pub team_id: i64,
    /// The period's length in days, ending today.
    pub days: u32,
    /// The last day of the period: the brief is as of its end.
    pub today: Date,
    /// The moment it is generated (the last brief sent before it is "last time").
    pub now: OffsetDateTime,
    /// The manager's note.
    pub note: String,
    /// The manager's asks.
    pub asks: Vec<String>,
    /// Whether the brief includes the team's track record (its credibility report over the
    /// last [`TRACK_RECORD_DAYS`] days) with its commitments.
    pub track_record: bool,
}

impl Request {
    /// Checks the period and the manager's words.
    pub fn check(&self) -> Result<(), BriefError> {
        if self.days == 0 || self.days > MAX_DAYS {
            return Err(BriefError::Days(self.days.to_string()));
        }
        if self.note.chars().count() > MAX_TEXT_CHARS {
            return Err(BriefError::Text { field: "note", message: format!("at most {MAX_TEXT_CHARS} characters") });
        }
        if self.asks.len() > MAX_ASKS {
            return Err(BriefError::Text { field: "asks", message: format!("at most {MAX_ASKS} asks") });
        }
        if let Some(n) = self.asks.iter().position(|a| a.chars().count() > MAX_TEXT_CHARS) {
            return Err(BriefError::Text {
                field: "asks",
                message: format!("ask {} is longer than {MAX_TEXT_CHARS} characters", n + 1),
            });
        }
        Ok(())
    }
}

/// The number of days in `text` as a brief's period ("14"); a clear error otherwise.
pub fn parse_days(text: &str) -> Result<u32, BriefError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=MAX_DAYS).contains(d))
        .ok_or_else(|| BriefError::Days(text.trim().to_owned()))
}

/// A person as a brief names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The user's id.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
}

/// The team a brief is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRef {
    /// The team's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its manager's name.
    pub manager: String,
}

/// The days a brief covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first day.
    #[serde(with = "iso_date")]
    pub start: Date,
    /// The last day: the brief is as of its end.
    #[serde(with = "iso_date")]
    pub end: Date,
}

/// The last brief sent to the same stakeholder about the same team, which "since last time"
/// compares with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Since {
    /// Its id.
    pub brief_id: i64,
    /// The day it was sent.
    #[serde(with = "iso_date")]
    pub sent_on: Date,
}

/// How the team's committed work stands, in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    /// `on_track`, `at_risk` or `off_track`.
    pub state: String,
    /// "On track", "At risk" or "Off track".
    pub label: String,
    /// Why, in words.
    pub reason: String,
}

impl Headline {
    /// `headline` in a brief's words, with `preface` (a sentence) before its reason.
    fn of(headline: &leadup_core::headline::Headline, preface: Option<&str>) -> Self {
        let label = headline.state.label();
        let mut chars = label.chars();
        let label = chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default();
        let reason = match preface {
            Some(preface) => format!("{preface} {}", headline.reason),
            None => headline.reason.clone(),
        };
        Self { state: headline.state.as_str().to_owned(), label, reason }
    }
}

/// An initiative's stand against the approved baseline, when it is committed in one (the
/// figures of `leadup_app::plan_progress`, as the plan's page shows them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Committed {
    /// The plan's name.
    pub plan: String,
    /// The committed target date.
    #[serde(with = "iso_date")]
    pub target_date: Date,
    /// The committed budget in minor units.
    pub budget: i64,
    /// The P85 date when the baseline was approved.
    #[serde(default, with = "iso_date_option")]
    pub p85_at_approval: Option<Date>,
    /// Days the P85 date moved since approval (later is positive).
    #[serde(default)]
    pub p85_change_days: Option<i64>,
    /// How the chance by target changed since approval (0.1 is ten points more likely).
    #[serde(default)]
    pub chance_change: Option<f64>,
}

/// A change of a figure since the last brief.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// P50 now minus P50 then, in days (positive: later).
    pub p50_days: Option<i64>,
    /// P85 now minus P85 then, in days (positive: later).
    pub p85_days: Option<i64>,
    /// Chance by target now minus then, as a share (negative: fell).
    pub probability: Option<f64>,
}

/// One initiative of the team, as the brief shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiativeLine {
    /// The initiative's id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its life-cycle status (`planned`, `in_progress`, ...).
    pub status: String,
    /// Where it stands (`on_track`, `at_risk`, `off_track`, `done`, ...), as on its page.
    pub state: State,
    /// Whether it serves an objective the stakeholder owns or follows, or they follow it.
    pub serves_stakeholder: bool,
    /// Work items in scope.
    pub items: usize,
    /// Of those, done.
    pub done: usize,
    /// Share done in percent, one decimal.
    pub percent_done: f64,
    /// The date it is held against, if any.
    #[serde(with = "iso_date_option")]
    pub target: Option<Date>,
    /// The stored forecast's P50 date.
    #[serde(with = "iso_date_option")]
    pub p50: Option<Date>,
    /// The stored forecast's P85 date.
    #[serde(with = "iso_date_option")]
    pub p85: Option<Date>,
    /// The stored chance of being done by the target.
    pub probability_by_target: Option<f64>,
    /// The day the stored forecast is as of.
    #[serde(with = "iso_date_option")]
    pub forecast_as_of: Option<Date>,
    /// Why there is no forecast, when there is none.
    pub forecast_note: Option<String>,
    /// What the approved baseline commits it to, when it is in one.
    pub committed: Option<Committed>,
    /// The budget's currency.
    pub currency: String,
    /// Planned budget in minor units.
    pub budget_planned: i64,
    /// Spent in minor units.
    pub budget_spent: i64,
    /// The change since the last brief; `None` without one or when it was not in it.
    pub since_last: Option<Drift>,
    /// Whether the last brief did not show it.
    pub new_since_last: bool,
}

/// An initiative that may not make its target, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    /// The initiative's id.
    pub initiative_id: i64,
    /// Its title.
    pub title: String,
    /// Why it is a risk, in words.
    pub reason: String,
}

/// A change request filed or decided in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequestLine {
    /// Its id.
    pub id: i64,
    /// `add`, `remove`, `re_date`, ...
    pub kind: String,
    /// The initiative it concerns.
    pub initiative: String,
    /// Why it was asked for.
    pub reason: String,
    /// Who asked.
    pub filed_by: String,
    /// When.
    #[serde(with = "iso_date")]
    pub filed_on: Date,
    /// `open`, `accepted`, `rejected` or `deferred`.
    pub status: String,
    /// When it was decided, if it was.
    #[serde(with = "iso_date_option")]
    pub decided_on: Option<Date>,
    /// Its forecast cost: days of delay summed over the initiatives it delays.
    pub delay_days: i64,
    /// Its budget change in minor units.
    pub budget_delta: i64,
    /// The budget's currency.
    pub currency: String,
}

/// A key result of an objective the stakeholder owns or follows, with its value at the last brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyResultLine {
    /// The objective's title.
    pub objective: String,
    /// The metric.
    pub metric: String,
    /// Its unit.
    pub unit: String,
    /// The value now.
    pub current: f64,
    /// The value the last brief showed, if it showed this key result.
    pub previous: Option<f64>,
    /// The target.
    pub target: f64,
    /// Share of the way from baseline to target (0 to 1).
    pub progress: f64,
}

impl KeyResultLine {
    /// Whether it moved since the last brief.
    pub fn moved(&self) -> bool {
        self.previous.is_some_and(|p| p.total_cmp(&self.current).is_ne())
    }
}

/// A piece of evidence linked to an initiative that serves the stakeholder's objectives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceLine {
    /// The evidence's id.
    pub id: i64,
    /// Its kind, in words.
    pub kind: String,
    /// What it says.
    pub summary: String,
    /// The customer it came from, if any.
    pub customer: Option<String>,
    /// When it was observed, if known.
    #[serde(with = "iso_date_option")]
    pub date: Option<Date>,
    /// The initiative it supports.
    pub initiative: String,
}

/// Something waiting for the stakeholder's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionLine {
    /// `plan_approval`, `change_request_sign_off` or `proposal_decision` (as in the inbox).
    pub kind: String,
    /// Its id.
    pub id: i64,
    /// What is to be decided, in words.
    pub what: String,
    /// Since when it has been waiting.
    #[serde(with = "iso_date")]
    pub since: Date,
}

/// A commitment of the team due or kept in the period (`crate::commitments::due_and_met`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentLine {
    /// The commitment's id.
    pub id: i64,
    /// What was promised.
    pub statement: String,
    /// To whom.
    pub to: String,
    /// The due date in force.
    #[serde(with = "iso_date")]
    pub due: Date,
    /// The confidence stated when it was made (0 to 1).
    pub confidence: f64,
    /// `open`, `met`, `missed` or `dropped`.
    pub state: String,
    /// The day it was met, if it was.
    #[serde(default, with = "iso_date_option")]
    pub met_on: Option<Date>,
    /// For an open one linked to an initiative: the stored forecast's chance of meeting it.
    pub chance_now: Option<f64>,
}

impl CommitmentLine {
    fn of(view: &crate::commitments::CommitmentView) -> Self {
        let c = &view.commitment;
        Self {
            id: c.id,
            statement: c.statement.clone(),
            to: view.to.clone(),
            due: view.current_due,
            confidence: c.confidence,
            state: view.state.as_str().to_owned(),
            met_on: c
                .closing()
                .filter(|e| matches!(e.outcome, leadup_core::commitment::Outcome::Met { .. }))
                .map(|e| e.on),
            chance_now: view.chance_now,
        }
    }
}

/// The team's track record as a brief includes it: the credibility report's figures over the
/// commitments closed from `from` to `to` (`leadup_core::commitment::credibility`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackRecordLine {
    /// The first day counted.
    #[serde(with = "iso_date")]
    pub from: Date,
    /// The last day counted (the brief's end).
    #[serde(with = "iso_date")]
    pub to: Date,
    /// Commitments closed, dropped included.
    pub closed: usize,
    /// Met by the date first promised, never renegotiated.
    pub kept_on_time: usize,
    /// Renegotiated in time and met by the new date.
    pub renegotiated_early: usize,
    /// Missed, met late or renegotiated late.
    pub missed: usize,
    /// Dropped.
    pub dropped: usize,
    /// Kept on time out of those not dropped.
    pub on_time_rate: Option<f64>,
    /// How well the stated confidence matched what happened (0 is perfect).
    pub brier: Option<f64>,
}

/// A confirmed win of the team in the period, with the people credited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinLine {
    /// The win's id.
    pub id: i64,
    /// What was achieved.
    pub title: String,
    /// When.
    #[serde(with = "iso_date")]
    pub achieved_on: Date,
    /// Its impact in words, and its number with the unit when given.
    pub impact: String,
    /// The people credited, by name.
    pub credited: Vec<String>,
}

impl WinLine {
    fn of(win: &leadup_core::win::Win) -> Self {
        let number = win.impact_value.map(|v| format!("{} {}", words::number(v), win.impact_unit).trim().to_owned());
        let impact = match (win.impact.trim(), number) {
            ("", Some(number)) => number,
            (words, Some(number)) => format!("{words} ({number})"),
            (words, None) => words.to_owned(),
        };
        Self {
            id: win.id,
            title: win.title.clone(),
            achieved_on: win.achieved_on,
            impact,
            credited: win.credits.iter().map(|c| c.name.clone()).collect(),
        }
    }
}

/// A section the brief keeps a place for, which leadup does not track yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotTracked {
    /// The section's title.
    pub title: String,
    /// Why it is empty.
    pub note: String,
}

/// A generated brief: what the stakeholder is sent, and what is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brief {
    /// Who it is for.
    pub stakeholder: Person,
    /// The team it is about.
    pub team: TeamRef,
    /// The days it covers.
    pub period: Period,
    /// The last brief sent to the same stakeholder about the team, if any.
    pub since: Option<Since>,
    /// How the committed work stands.
    pub headline: Headline,
    /// The team's initiatives, exception first.
    pub initiatives: Vec<InitiativeLine>,
    /// Initiatives that may not make their targets.
    pub risks: Vec<Risk>,
    /// Change requests filed or decided in the period.
    pub change_requests: Vec<ChangeRequestLine>,
    /// The key results of the stakeholder's objectives.
    pub key_results: Vec<KeyResultLine>,
    /// Evidence touching the stakeholder's objectives, newest first.
    pub evidence: Vec<EvidenceLine>,
    /// What waits for the stakeholder's decision, oldest first.
    pub decisions: Vec<DecisionLine>,
    /// The manager's asks.
    pub asks: Vec<String>,
    /// The manager's note.
    pub note: String,
    /// The team's commitments due in the period, by due date (briefs stored before
    /// commitments were tracked have none).
    #[serde(default)]
    pub commitments_due: Vec<CommitmentLine>,
    /// The team's commitments met in the period, by the day they were met.
    #[serde(default)]
    pub commitments_met: Vec<CommitmentLine>,
    /// The team's confirmed wins in the period, newest first, naming the people credited.
    #[serde(default)]
    pub wins: Vec<WinLine>,
    /// The team's track record, when the manager included it.
    #[serde(default)]
    pub track_record: Option<TrackRecordLine>,
    /// What the stakeholder wanted to hear about when it was made, in their profile's order
    /// ([`order::sections`]); briefs stored before that show every section in full.
    #[serde(default)]
    pub topics: Vec<Topic>,
    /// Sections kept for what leadup does not track yet (none now; briefs stored before
    /// commitments and wins were tracked keep theirs).
    #[serde(default)]
    pub not_tracked: Vec<NotTracked>,
}

impl Brief {
    /// The e-mail subject (or chat title) of the brief.
    pub fn subject(&self) -> String {
        format!(
            "{}: {} · {} to {}",
            self.team.name,
            self.headline.label,
            leadup_core::date::format(self.period.start),
            leadup_core::date::format(self.period.end)
        )
    }

    /// The brief as stored: content, note and asks, sent at `sent_at` or kept as a draft.
    pub fn to_new(&self, created_by: i64, created_at: OffsetDateTime, sent_at: Option<OffsetDateTime>) -> NewBrief {
        NewBrief {
            stakeholder_id: self.stakeholder.id,
            team_id: self.team.id,
            period_start: self.period.start,
            period_end: self.period.end,
            content: serde_json::to_string(self).expect("a brief always serialises"),
            note: self.note.clone(),
            asks: self.asks.clone(),
            created_by,
            created_at,
            sent_at,
        }
    }

    /// Reads a stored brief's content.
    pub fn of_stored(stored: &StoredBrief) -> Result<Self, StoreError> {
        serde_json::from_str(&stored.content).map_err(|e| StoreError::Corrupt(format!("brief {}: {e}", stored.id)))
    }
}

/// A brief in every format delivery sends.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The e-mail subject.
    pub subject: String,
    /// Markdown (the e-mail's text part, a chat message).
    pub text: String,
    /// The print-ready HTML page.
    pub html: String,
    /// The PDF.
    pub pdf: Vec<u8>,
}

/// `brief` in every format.
pub fn render(brief: &Brief) -> Rendered {
    Rendered {
        subject: brief.subject(),
        text: markdown::markdown(brief),
        html: html::html(brief),
        pdf: pdf::pdf(brief),
    }
}

/// Generates the brief of `request` for `audience` from what is stored.
pub async fn generate(store: &Store, audience: &Audience, request: &Request) -> Result<Brief, BriefError> {
    request.check()?;
    let team_id = audience.team(store, Some(request.team_id)).await?;
    let team = store.team(team_id).await?;
    let today = request.today;
    let period = Period { start: today - Duration::days(i64::from(request.days) - 1), end: today };
    let last = store.last_sent_brief(audience.user.id, team_id, request.now.unix_timestamp()).await?;
    let previous = last.as_ref().map(Brief::of_stored).transpose()?;
    let since = last.as_ref().zip(previous.as_ref()).map(|(stored, _)| Since {
        brief_id: stored.id,
        sent_on: OffsetDateTime::from_unix_timestamp(stored.sent_at.unwrap_or(stored.created_at))
            .map_or(stored.period_end, OffsetDateTime::date),
    });

    let objectives = store.objectives().await?;
    let initiatives: Vec<Initiative> =
        store.initiatives().await?.into_iter().filter(|i| i.team_id == team_id).collect();
    let plans = store.team_plans(team_id).await?;
    // The baseline in force at the end of the period, and the plan it belongs to.
    let baseline = plans.iter().find_map(|plan| {
        plan.versions
            .iter()
            .filter(|v| matches!(v.status, VersionStatus::Approved | VersionStatus::Superseded))
            .filter(|v| v.approved.is_some_and(|a| a.at.date() <= today))
            .max_by_key(|v| v.number)
            .map(|v| (plan, v))
    });

    // Progress against the approved baseline, as the plan's page shows it (plan_progress reads
    // the latest stored forecasts, so it is used for a baseline in force by the brief's day).
    let progress_of_plan = match baseline {
        Some((plan, version)) if plan.baseline().is_some_and(|b| b.number == version.number) => {
            crate::plan_progress::baseline(store, plan.id, today).await?
        }
        _ => None,
    };

    let mut lines = Vec::new();
    for initiative in &initiatives {
        let committed = baseline.and_then(|(plan, version)| {
            version.content.item(initiative.id).map(|item| {
                let figures =
                    progress_of_plan.as_ref().and_then(|p| p.items.iter().find(|i| i.initiative_id == initiative.id));
                Committed {
                    plan: plan.name.clone(),
                    target_date: item.target_date,
                    budget: item.budget,
                    p85_at_approval: figures.and_then(|f| f.at_approval.as_ref()).and_then(|f| f.p85),
                    p85_change_days: figures.and_then(|f| f.p85_change_days),
                    chance_change: figures.and_then(|f| f.chance_change),
                }
            })
        });
        if committed.is_none() && !matches!(initiative.status, Status::Planned | Status::InProgress) {
            continue;
        }
        let stored = forecast_as_of(store, initiative.id, today).await?;
        let items = store.initiative_work_items(initiative.id).await?;
        let target = stored.as_ref().map_or(initiative.window.map(|w| w.end), |f| f.target);
        let progress =
            dashboard::progress(&items, today, target, Forecasting::Stored(stored.as_ref()), Span::default());
        let p50 = progress.forecast.as_ref().map(|f| f.dates.p50);
        let p85 = progress.forecast.as_ref().map(|f| f.dates.p85);
        let before = previous.as_ref().and_then(|b| b.initiatives.iter().find(|l| l.id == initiative.id));
        let since_last = before.map(|b| Drift {
            p50_days: p50.zip(b.p50).map(|(now, then)| (now - then).whole_days()),
            p85_days: p85.zip(b.p85).map(|(now, then)| (now - then).whole_days()),
            probability: progress.probability_by_target.zip(b.probability_by_target).map(|(now, then)| now - then),
        });
        lines.push(InitiativeLine {
            id: initiative.id,
            title: initiative.title.clone(),
            status: initiative.status.as_str().to_owned(),
            state: progress.state,
            serves_stakeholder: audience.cares_about(initiative),
            items: progress.items,
            done: progress.done,
            percent_done: progress.percent_done,
            target: progress.target,
            p50,
            p85,
            probability_by_target: progress.probability_by_target,
            forecast_as_of: stored.as_ref().map(|f| f.as_of),
            forecast_note: progress.forecast_note.clone(),
            committed,
            currency: initiative.currency.as_str().to_owned(),
            budget_planned: initiative.budget_planned,
            budget_spent: initiative.budget_actual,
            since_last,
            new_since_last: previous.is_some() && before.is_none(),
        });
    }
    let position = |id: i64| baseline.and_then(|(_, v)| v.content.position(id)).unwrap_or(usize::MAX);
    lines.sort_by(|a, b| {
        severity(a.state)
            .cmp(&severity(b.state))
            .then(b.serves_stakeholder.cmp(&a.serves_stakeholder))
            .then(position(a.id).cmp(&position(b.id)))
            .then(a.probability_by_target.partial_cmp(&b.probability_by_target).unwrap_or(Ordering::Equal))
            .then(a.id.cmp(&b.id))
    });

    let risks = risks(&lines);
    let headline = match &progress_of_plan {
        Some(plan) => Headline::of(&plan.headline, None),
        None => unplanned_headline(&lines, baseline.is_some()),
    };
    let change_requests = change_requests(store, &plans, &initiatives, period).await?;
    let key_results = key_results(&objectives, audience, previous.as_ref());
    let evidence = evidence(store, &initiatives, audience, today).await?;
    let decisions = decisions(store, audience, team_id, request.now).await?;
    let commitments = crate::commitments::due_and_met(store, &[team_id], period.start, period.end).await?;
    let wins = crate::wins::confirmed_in_period(store, &[team_id], period.start, period.end).await?;
    let track_record = if request.track_record {
        let from = period.end - Duration::days(TRACK_RECORD_DAYS - 1);
        let counts = credibility(&store.team_commitments(&[team_id]).await?, Some(from), period.end).counts;
        Some(TrackRecordLine {
            from,
            to: period.end,
            closed: counts.commitments,
            kept_on_time: counts.kept_on_time,
            renegotiated_early: counts.renegotiated_early,
            missed: counts.missed,
            dropped: counts.dropped,
            on_time_rate: counts.on_time_rate,
            brier: counts.brier,
        })
    } else {
        None
    };

    Ok(Brief {
        stakeholder: Person {
            id: audience.user.id,
            name: audience.user.name.clone(),
            email: audience.user.email.clone(),
        },
        team: TeamRef { id: team.id, manager: team.names(Role::Manager), name: team.name },
        period,
        since,
        headline,
        initiatives: lines,
        risks,
        change_requests,
        key_results,
        evidence,
        decisions,
        asks: request.asks.iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect(),
        note: request.note.trim().to_owned(),
        commitments_due: commitments.due.iter().map(CommitmentLine::of).collect(),
        commitments_met: commitments.met.iter().map(CommitmentLine::of).collect(),
        wins: wins.iter().map(WinLine::of).collect(),
        track_record,
        topics: audience.topics.clone(),
        not_tracked: Vec::new(),
    })
}

/// Initiative `id`'s stored forecast as of the end of `today`: the latest snapshot not after
/// it (today's brief shows the same figure as the initiative's page).
async fn forecast_as_of(store: &Store, id: i64, today: Date) -> Result<Option<InitiativeForecast>, StoreError> {
    if let Some(latest) = store.initiative_forecast(id).await?
        && latest.as_of <= today
    {
        return Ok(Some(latest));
    }
    Ok(store.initiative_forecast_history(id).await?.into_iter().rev().find(|f| f.as_of <= today))
}

/// Exceptions first: off track, at risk, then the rest.
fn severity(state: State) -> u8 {
    match state {
        State::OffTrack | State::TargetPassed => 0,
        State::AtRisk => 1,
        State::NoForecast => 2,
        State::OnTrack | State::Forecast => 3,
        State::NoItems => 4,
        State::Done | State::Dropped => 5,
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn risks(lines: &[InitiativeLine]) -> Vec<Risk> {
    lines
        .iter()
        .filter_map(|line| {
            let chance = line.probability_by_target?;
            let fell = line.since_last.and_then(|d| d.probability).filter(|d| *d <= -RISK_FALL);
            let target = line.target.map(leadup_core::date::format).unwrap_or_default();
            let reason = match (chance < RISK_BELOW, fell) {
                (_, _) if line.state == State::TargetPassed => {
                    format!("its target {target} has passed with work remaining")
                }
                (true, Some(fell)) => format!(
                    "{} chance of making {target}, down {} points since the last brief",
                    percent(chance),
                    (-fell * 100.0).round()
                ),
                (true, None) => format!("{} chance of making {target}", percent(chance)),
                (false, Some(fell)) => format!(
                    "chance of making {target} fell {} points since the last brief, to {}",
                    (-fell * 100.0).round(),
                    percent(chance)
                ),
                (false, None) => return None,
            };
            Some(Risk { initiative_id: line.id, title: line.title.clone(), reason })
        })
        .collect()
}

/// The headline without a baseline in force: the one headline rule
/// (`leadup_core::headline`) over the team's dated initiatives, held against their own targets.
fn unplanned_headline(lines: &[InitiativeLine], superseded: bool) -> Headline {
    // `superseded`: a baseline was in force on the brief's day but a later one replaced it.
    let items: Vec<HeadlineItem> = lines
        .iter()
        .filter_map(|l| {
            l.target.map(|target| HeadlineItem {
                title: l.title.clone(),
                target,
                done: l.state == State::Done,
                chance: l.probability_by_target,
                chance_at_approval: None,
                p85: l.p85,
            })
        })
        .collect();
    let why = if superseded {
        "The baseline in force on this brief's day has since been replaced"
    } else {
        "No plan is approved yet"
    };
    Headline::of(&headline(&items), Some(&format!("{why}: each initiative is held against its own target date.")))
}

async fn user_name(store: &Store, id: i64) -> String {
    store.user(id).await.map_or_else(|_| format!("user {id}"), |u| u.name)
}

async fn change_requests(
    store: &Store,
    plans: &[leadup_core::plan::Plan],
    initiatives: &[Initiative],
    period: Period,
) -> Result<Vec<ChangeRequestLine>, StoreError> {
    let within = |day: Date| day >= period.start && day <= period.end;
    let mut lines = Vec::new();
    for plan in plans {
        for request in store.plan_change_requests(plan.id).await? {
            let decided_on = request.decided_at.map(OffsetDateTime::date);
            if !within(request.filed.at.date()) && !decided_on.is_some_and(within) {
                continue;
            }
            let initiative = initiatives.iter().find(|i| i.id == request.change.initiative_id());
            lines.push(ChangeRequestLine {
                id: request.id,
                kind: request.change.kind().as_str().to_owned(),
                initiative: initiative
                    .map_or_else(|| format!("initiative {}", request.change.initiative_id()), |i| i.title.clone()),
                reason: request.reason.clone(),
                filed_by: user_name(store, request.filed.user_id).await,
                filed_on: request.filed.at.date(),
                status: request.status.as_str().to_owned(),
                decided_on,
                delay_days: request.impact.delay_days(),
                budget_delta: request.impact.budget_delta(),
                currency: initiative.map_or_else(|| "EUR".to_owned(), |i| i.currency.as_str().to_owned()),
            });
        }
    }
    lines.sort_by_key(|l| (l.filed_on, l.id));
    Ok(lines)
}

fn key_results(
    objectives: &[leadup_core::strategy::Objective],
    audience: &Audience,
    previous: Option<&Brief>,
) -> Vec<KeyResultLine> {
    objectives
        .iter()
        .filter(|o| audience.objective_ids.contains(&o.id))
        .flat_map(|o| {
            o.key_results.iter().map(move |kr| KeyResultLine {
                objective: o.title.clone(),
                metric: kr.metric.clone(),
                unit: kr.unit.clone(),
                current: kr.current,
                previous: previous.and_then(|b| {
                    b.key_results.iter().find(|p| p.objective == o.title && p.metric == kr.metric).map(|p| p.current)
                }),
                target: kr.target,
                progress: kr.progress(),
            })
        })
        .collect()
}

async fn evidence(
    store: &Store,
    initiatives: &[Initiative],
    audience: &Audience,
    today: Date,
) -> Result<Vec<EvidenceLine>, StoreError> {
    let mut lines: Vec<EvidenceLine> = Vec::new();
    for initiative in initiatives.iter().filter(|i| i.objective_ids.iter().any(|o| audience.objective_ids.contains(o)))
    {
        for piece in store.initiative_evidence(initiative.id).await? {
            if lines.iter().any(|l| l.id == piece.id) {
                continue;
            }
            lines.push(EvidenceLine {
                id: piece.id,
                kind: piece.kind.label().to_owned(),
                summary: piece.summary,
                customer: piece.customer,
                date: piece.date,
                initiative: initiative.title.clone(),
            });
        }
    }
    lines.retain(|l| l.date.is_none_or(|d| d <= today));
    lines.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
    lines.truncate(MAX_EVIDENCE);
    Ok(lines)
}

/// What waits for the stakeholder's decision about the team as of `now`: their decisions inbox
/// (`leadup_app::inbox`) narrowed to the brief's team.
async fn decisions(
    store: &Store,
    audience: &Audience,
    team_id: i64,
    now: OffsetDateTime,
) -> Result<Vec<DecisionLine>, StoreError> {
    let principal = store.principal(audience.user.id).await?;
    Ok(crate::inbox::inbox(store, &principal, now)
        .await?
        .into_iter()
        // Decisions only: not a draft brief waiting for the manager's review, nor a manager's
        // commitment at risk.
        .filter(|item| {
            item.team_id == team_id
                && item.since <= now
                && matches!(
                    item.kind,
                    InboxKind::PlanApproval | InboxKind::ChangeRequestSignOff | InboxKind::ProposalDecision
                )
        })
        .map(|item| DecisionLine {
            kind: item.kind.as_str().to_owned(),
            id: item.subject_id,
            what: format!("{}: {}, asked by {}", item.kind.label(), item.title, item.asked_by),
            since: item.since.date(),
        })
        .collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use time::macros::date;

    use super::*;

    /// Markup and a script link, as a user might type them.
    pub(super) const HOSTILE: &str = "<script>alert(1)</script> [x](javascript:alert(1))";

    /// A brief whose every user-written text is hostile.
    pub(super) fn hostile() -> Brief {
        let line = InitiativeLine {
            id: 1,
            title: HOSTILE.to_owned(),
            status: "in_progress".to_owned(),
            state: State::AtRisk,
            serves_stakeholder: true,
            items: 30,
            done: 12,
            percent_done: 40.0,
            target: Some(date!(2027 - 03 - 31)),
            p50: Some(date!(2027 - 03 - 20)),
            p85: Some(date!(2027 - 04 - 09)),
            probability_by_target: Some(0.62),
            forecast_as_of: Some(date!(2027 - 01 - 14)),
            forecast_note: None,
            committed: Some(Committed {
                plan: "2027 Q1".to_owned(),
                target_date: date!(2027 - 03 - 31),
                budget: 12_000_000,
                p85_at_approval: Some(date!(2027 - 03 - 30)),
                p85_change_days: Some(10),
                chance_change: Some(-0.2),
            }),
            currency: "EUR".to_owned(),
            budget_planned: 12_000_000,
            budget_spent: 4_000_000,
            since_last: Some(Drift { p50_days: Some(5), p85_days: Some(9), probability: Some(-0.13) }),
            new_since_last: false,
        };
        Brief {
            stakeholder: Person {
                id: 7,
                name: "Mateo <b>Fernández</b>".to_owned(),
                email: "mateo@example.com".to_owned(),
            },
            team: TeamRef { id: 3, name: "Pay[ments](javascript:x)".to_owned(), manager: "Sofia".to_owned() },
            period: Period { start: date!(2027 - 01 - 01), end: date!(2027 - 01 - 14) },
            since: Some(Since { brief_id: 1, sent_on: date!(2026 - 12 - 31) }),
            headline: Headline {
                state: "at_risk".to_owned(),
                label: "At risk".to_owned(),
                reason: "1 of 1 may miss.".to_owned(),
            },
            risks: risks(std::slice::from_ref(&line)),
            initiatives: vec![line],
            change_requests: vec![ChangeRequestLine {
                id: 4,
                kind: "add".to_owned(),
                initiative: HOSTILE.to_owned(),
                reason: "<img src=x onerror=alert(1)>".to_owned(),
                filed_by: "Kwame [me](http://evil.example)".to_owned(),
                filed_on: date!(2027 - 01 - 10),
                status: "open".to_owned(),
                decided_on: None,
                delay_days: 21,
                budget_delta: 9_000_000,
                currency: "EUR".to_owned(),
            }],
            key_results: vec![KeyResultLine {
                objective: "Pay".to_owned(),
                metric: "Volume <i>".to_owned(),
                unit: "EUR million".to_owned(),
                current: 236.0,
                previous: Some(228.0),
                target: 400.0,
                progress: 0.25,
            }],
            evidence: vec![EvidenceLine {
                id: 9,
                kind: "Customer interview".to_owned(),
                summary: HOSTILE.to_owned(),
                customer: Some("![img](http://x/y.png)".to_owned()),
                date: Some(date!(2027 - 01 - 05)),
                initiative: "Multi".to_owned(),
            }],
            decisions: vec![DecisionLine {
                kind: "proposal".to_owned(),
                id: 2,
                what: format!("Approve or decline the proposal {HOSTILE}"),
                since: date!(2027 - 01 - 13),
            }],
            asks: vec![HOSTILE.to_owned()],
            note: "# Not a heading\n<script>x</script>".to_owned(),
            commitments_due: vec![
                CommitmentLine {
                    id: 5,
                    statement: HOSTILE.to_owned(),
                    to: "Mateo <b>Fernández</b>".to_owned(),
                    due: date!(2027 - 01 - 10),
                    confidence: 0.8,
                    state: "open".to_owned(),
                    met_on: None,
                    chance_now: Some(0.4),
                },
                CommitmentLine {
                    id: 6,
                    statement: "Payout reports live".to_owned(),
                    to: "Mateo".to_owned(),
                    due: date!(2027 - 01 - 31),
                    confidence: 0.9,
                    state: "open".to_owned(),
                    met_on: None,
                    chance_now: Some(0.35),
                },
            ],
            commitments_met: vec![CommitmentLine {
                id: 7,
                statement: "Refunds in a day".to_owned(),
                to: "Mateo".to_owned(),
                due: date!(2027 - 01 - 15),
                confidence: 0.85,
                state: "met".to_owned(),
                met_on: Some(date!(2027 - 01 - 12)),
                chance_now: None,
            }],
            wins: vec![WinLine {
                id: 8,
                title: "Refunds <b>instant</b>".to_owned(),
                achieved_on: date!(2027 - 01 - 12),
                impact: "Fewer tickets (120 tickets/month)".to_owned(),
                credited: vec!["Kwame [x](javascript:y)".to_owned(), "Lena".to_owned()],
            }],
            track_record: Some(TrackRecordLine {
                from: date!(2026 - 02 - 01),
                to: date!(2027 - 01 - 31),
                closed: 13,
                kept_on_time: 6,
                renegotiated_early: 2,
                missed: 4,
                dropped: 1,
                on_time_rate: Some(0.5),
                brier: Some(0.2125),
            }),
            topics: Vec::new(),
            not_tracked: Vec::new(),
        }
    }

    #[test]
    fn markdown_lets_no_html_or_link_through() {
        let text = markdown::markdown(&hostile());
        // Every `<`, `[`, `]` and `(` of the user's text is written after a backslash.
        let unescaped = |needle: &str| text.match_indices(needle).any(|(at, _)| !text[..at].ends_with('\\'));
        for raw in ["<script>", "<img", "<b>", "<i>", "](javascript:", "](http://", "![img]", "[x]", "[me]"] {
            assert!(!unescaped(raw), "{raw} passed through raw:\n{text}");
        }
        assert!(!text.contains("\n# Not"), "{text}");
        assert!(text.contains(r"\<script\>alert\(1\)\</script\> \[x\]\(javascript:alert\(1\)\)"), "{text}");
        // The figures are there as written.
        assert!(
            text.contains(
                "| 12 of 30 | 2027-03-31 | 2027-03-20 | 2027-04-09 | 62% | P50 +5d, P85 +9d, chance −13 pts |"
            ),
            "{text}"
        );
        assert!(text.contains("cost +21d delay, +EUR 90,000"), "{text}");
        assert!(text.contains(": EUR 40,000 of 120,000 spent · P85 +10d since approval"), "{text}");
        assert!(text.contains("236 \\(was 228\\) of 400 EUR million"), "{text}");
        // Commitments: overdue, below the confidence stated, and met, as of the period's end.
        assert!(text.contains(", to Mateo \\<b\\>Fernández\\</b\\>, due 2027-01-10 (overdue; 80% stated)"), "{text}");
        assert!(
            text.contains(
                "- Payout reports live, to Mateo, due 2027-01-31 (90% stated; 35% likely now: below what was stated)"
            ),
            "{text}"
        );
        assert!(
            text.contains("Met in the period:\n\n- Refunds in a day, to Mateo, due 2027-01-15 (met 2027-01-12)"),
            "{text}"
        );
        // The track record over 12 months, in one sentence, after the period's commitments.
        assert!(
            text.contains(
                "Track record: 6 of 12 commitments closed in the 12 months to 2027-01-31 kept on time (50%), \
                 2 renegotiated early, 4 missed, 1 dropped; Brier score 0.21 (0 is perfect, 0.25 is always saying 50%).\n"
            ),
            "{text}"
        );
        // Wins name the people credited, escaped like every text.
        assert!(
            text.contains(
                "- Refunds \\<b\\>instant\\</b\\> (2027-01-12): Fewer tickets \\(120 tickets/month\\). Credit: Kwame \\[x\\]\\(javascript:y\\), Lena"
            ),
            "{text}"
        );
    }

    #[test]
    fn html_escapes_every_text() {
        let page = html::html(&hostile());
        assert!(!page.contains("<script>") && !page.contains("<img") && !page.contains("<b>Fern"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!page.contains("href=\"javascript"));
    }

    #[test]
    fn a_fallen_chance_is_a_risk_with_its_reason() {
        let brief = hostile();
        assert_eq!(brief.risks.len(), 1);
        assert_eq!(brief.risks[0].reason, "62% chance of making 2027-03-31, down 13 points since the last brief");
    }
}
