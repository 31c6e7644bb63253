//! Background work that keeps the stored initiative forecasts fresh, so that no page request
//! ever computes one: a worker refreshes every team when it starts and when a new day begins,
//! and a team when something that feeds its forecasts changed (an import, attach rules, an
//! initiative, a plan's baseline, an accepted change request). Requests are coalesced: a burst
//! of writes to one team is one refresh. Once the day's forecasts are fresh, the briefs due
//! that day by the stakeholders' cadence are generated ([`crate::brief::schedule`]), so they
//! read the day's forecasts.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use leadup_store::Store;
use time::{Date, OffsetDateTime};
use tokio::sync::Notify;

use crate::brief::schedule;
use crate::metrics::Metrics;
use crate::snapshots::{refresh_all, refresh_team};

/// How often the worker looks whether a new day has begun.
const DAY_CHECK: Duration = Duration::from_mins(1);

/// What the worker still has to do.
#[derive(Debug, Default)]
struct Pending {
    teams: BTreeSet<i64>,
    all: bool,
}

/// A handle to the forecast refresh worker; cheap to clone. Requests made before the worker
/// runs wait for it.
#[derive(Debug, Clone, Default)]
pub struct Refresher {
    pending: Arc<Mutex<Pending>>,
    wake: Arc<Notify>,
    metrics: Metrics,
}

impl Refresher {
    /// Counts each refresh and its time in `metrics`.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Asks for team `team_id`'s forecasts to be recomputed.
    pub fn team_changed(&self, team_id: i64) {
        self.pending.lock().expect("refresher lock").teams.insert(team_id);
        self.wake.notify_one();
    }

    /// Asks for every team's forecasts to be recomputed (e.g. something all teams' calibration
    /// draws on changed).
    pub fn all_changed(&self) {
        self.pending.lock().expect("refresher lock").all = true;
        self.wake.notify_one();
    }

    /// Runs the worker on `store` until the process ends: every team now, then what is asked
    /// for, and every team again when `clock`'s day changes. A failed refresh is logged and tried again at the next request or day.
    pub async fn run(self, store: Store, clock: impl Fn() -> OffsetDateTime + Send + 'static) {
        let mut day: Option<Date> = None;
        loop {
            let now = clock();
            let today = now.date();
            let (teams, all) = {
                let mut pending = self.pending.lock().expect("refresher lock");
                let all = pending.all || day != Some(today);
                pending.all = false;
                (std::mem::take(&mut pending.teams), all)
            };
            if all {
                let started = Instant::now();
                let refreshed = refresh_all(&store, today, now).await;
                self.metrics.record_refresh(started.elapsed(), refreshed.is_err());
                match refreshed {
                    Ok(_) => {
                        day = Some(today);
                        if let Err(error) = schedule::run_due(&store, today, now).await {
                            tracing::error!(%error, "generating the briefs due today failed");
                        }
                    }
                    Err(error) => tracing::error!(%error, "refreshing the forecasts failed"),
                }
            } else {
                for team in teams {
                    let started = Instant::now();
                    let refreshed = refresh_team(&store, team, today, now).await;
                    self.metrics.record_refresh(started.elapsed(), refreshed.is_err());
                    if let Err(error) = refreshed {
                        tracing::error!(team, %error, "refreshing a team's forecasts failed");
                    }
                }
            }
            let _ = tokio::time::timeout(DAY_CHECK, self.wake.notified()).await;
        }
    }
}
