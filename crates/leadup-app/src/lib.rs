//! leadup's application services, below the web server and the command line, which both call
//! them so that a page, an API call and a command do exactly the same thing:
//!
//! - [`backup`]: backups, restores and moves between SQLite and PostgreSQL, each checked.
//! - [`brief`]: the status update for one stakeholder, generated from stored data, in
//!   Markdown, HTML and PDF.
//! - [`commitments`]: the commitments ledger, the chance the stored forecasts give each, the
//!   track record (credibility report), and the commitments approving a baseline makes.
//! - [`dashboard`]: a team's or an initiative's progress (share done, burn-up, forecast,
//!   budget, flow metrics) as a pure function of its items, and a team's stored dashboard.
//! - [`progress`]: flow metrics of work items.
//! - [`forecasts`]: team forecasts, calibrated on the team's own past forecasts, and their
//!   answers' shapes.
//! - [`initiative_forecasts`]: the one forecast of every initiative (its team's initiatives as
//!   one queue), stored as a snapshot per day with its history.
//! - [`inbox`]: everything waiting for one user's decision.
//! - [`impact`]: what a change request would do to the plan's forecasts and budget.
//! - [`plan_progress`]: a plan's committed initiatives against their targets, from the stored
//!   forecasts, with the plan's headline.
//! - [`snapshots`]: recomputing and storing a team's forecasts and dashboards.
//! - [`stakeholders`]: the executives a manager leads up to, with their profiles.
//! - [`delivery`]: e-mails and chat webhook posts through a stored outbox, sent by a
//!   background worker with retries; when a stakeholder's next brief is due.
//! - [`refresher`]: background work that keeps the stored forecasts fresh, never inside a
//!   request.

pub mod backup;
pub mod brief;
pub mod commitments;
pub mod dashboard;
pub mod delivery;
pub mod forecasts;
pub mod impact;
pub mod inbox;
pub mod initiative_forecasts;
pub mod metrics;
pub mod plan_progress;
pub mod process;
pub mod progress;
pub mod refresher;
pub mod replays;
pub mod snapshots;
pub mod stakeholders;
pub mod wins;
