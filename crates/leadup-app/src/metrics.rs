//! The server's metrics, in Prometheus' text exposition format (version 0.0.4), kept by hand:
//! counters and fixed-bucket histograms on atomics, no registry crate. [`Metrics`] is a cheap
//! handle the web layer, the forecast refresher and the delivery worker record into;
//! [`Metrics::render`] writes them for a scrape.
//!
//! Label values are bounded: a request is labelled with its route template (never its path
//! or query string; one value for paths that match no route), its method and its status class,
//! so nothing a client sends can add series, and no label carries a user, a secret or free text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram's buckets; a last bucket takes the rest.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The status classes requests are counted by.
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// What became of one attempt at sending a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Sent.
    Sent,
    /// Failed, to be tried again.
    Retry,
    /// Failed for good.
    Failed,
}

/// Why a sign-in was refused without its password being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    /// Too many recent failures for the account from this client, or from this client (429).
    Wait,
    /// Too many passwords being checked at once (503).
    Busy,
}

/// The metrics of one server process; cheap to clone, every clone records into the same ones.
#[derive(Debug, Clone, Default)]
pub struct Metrics(Arc<Registry>);

#[derive(Debug, Default)]
struct Registry {
    /// Per (method, route template).
    routes: RwLock<BTreeMap<(String, String), Arc<RouteStats>>>,
    imported_rows: AtomicU64,
    refreshes: AtomicU64,
    refresh_failures: AtomicU64,
    refresh_micros: AtomicU64,
    deliveries: [AtomicU64; 3],
    throttled: [AtomicU64; 2],
}

#[derive(Debug, Default)]
struct RouteStats {
    /// Requests answered per status class, in [`CLASSES`] order.
    classes: [AtomicU64; 5],
    latency: Histogram,
}

/// A fixed-bucket histogram: the count in each bucket (not cumulative; cumulated when
/// rendered), the sum in microseconds.
#[derive(Debug, Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(micros(elapsed), Ordering::Relaxed);
    }
}

fn micros(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
}

impl Metrics {
    /// Counts a request answered with `status` after `elapsed`, by `method` (a method HTTP
    /// does not define counts as `other`, so clients cannot add series) and the route template
    /// it matched.
    pub fn record_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        const METHODS: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"];
        let method = if METHODS.contains(&method) { method } else { "other" };
        let key = (method.to_owned(), route.to_owned());
        let known = self.0.routes.read().unwrap_or_else(PoisonError::into_inner).get(&key).cloned();
        let counts = known.unwrap_or_else(|| {
            let mut routes = self.0.routes.write().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(routes.entry(key).or_default())
        });
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        counts.classes[class].fetch_add(1, Ordering::Relaxed);
        counts.latency.observe(elapsed);
    }

    /// Counts `rows` work items written by an import.
    pub fn add_imported_rows(&self, rows: u64) {
        self.0.imported_rows.fetch_add(rows, Ordering::Relaxed);
    }

    /// Counts a forecast refresh (of every team or of one) that took `elapsed`, and whether it
    /// failed.
    pub fn record_refresh(&self, elapsed: Duration, failed: bool) {
        self.0.refreshes.fetch_add(1, Ordering::Relaxed);
        if failed {
            self.0.refresh_failures.fetch_add(1, Ordering::Relaxed);
        }
        self.0.refresh_micros.fetch_add(micros(elapsed), Ordering::Relaxed);
    }

    /// Counts an attempt at sending a delivery by its outcome.
    pub fn record_delivery(&self, outcome: DeliveryOutcome) {
        self.0.deliveries[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a sign-in refused by the throttle.
    pub fn sign_in_throttled(&self, why: Throttled) {
        self.0.throttled[why as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Every metric in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let routes: Vec<((String, String), Arc<RouteStats>)> = self
            .0
            .routes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(key, stats)| (key.clone(), Arc::clone(stats)))
            .collect();
        header(
            &mut out,
            "leadup_http_requests_total",
            "counter",
            "HTTP requests answered, by method, route template and status class.",
        );
        for ((method, route), stats) in &routes {
            for (class, count) in CLASSES.iter().zip(&stats.classes) {
                let count = count.load(Ordering::Relaxed);
                if count > 0 {
                    let labels =
                        format!("method=\"{}\",route=\"{}\",status=\"{class}\"", escape(method), escape(route));
                    let _ = writeln!(out, "leadup_http_requests_total{{{labels}}} {count}");
                }
            }
        }
        let name = "leadup_http_request_duration_seconds";
        header(
            &mut out,
            name,
            "histogram",
            "Time from a request's arrival to its answer, by method and route template.",
        );
        for ((method, route), stats) in &routes {
            let labels = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
            let mut cumulative = 0;
            for (index, count) in stats.latency.buckets.iter().enumerate() {
                cumulative += count.load(Ordering::Relaxed);
                let bound = BUCKETS.get(index).map_or_else(|| "+Inf".to_owned(), ToString::to_string);
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
            }
            let sum = stats.latency.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
            let _ = writeln!(out, "{name}_count{{{labels}}} {cumulative}");
        }
        let counter = |out: &mut String, name: &str, help: &str, value: &AtomicU64| {
            header(out, name, "counter", help);
            let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
        };
        counter(
            &mut out,
            "leadup_import_rows_total",
            "Work items written by imports (new or updated).",
            &self.0.imported_rows,
        );
        counter(
            &mut out,
            "leadup_forecast_refreshes_total",
            "Forecast refreshes run by the background worker (every team, or one).",
            &self.0.refreshes,
        );
        counter(
            &mut out,
            "leadup_forecast_refresh_failures_total",
            "Forecast refreshes that failed (logged).",
            &self.0.refresh_failures,
        );
        header(&mut out, "leadup_forecast_refresh_seconds_total", "counter", "Time spent refreshing forecasts.");
        let seconds = self.0.refresh_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "leadup_forecast_refresh_seconds_total {seconds}");
        header(
            &mut out,
            "leadup_delivery_attempts_total",
            "counter",
            "Attempts at sending an e-mail or webhook post, by outcome.",
        );
        for (outcome, count) in ["sent", "retry", "failed"].iter().zip(&self.0.deliveries) {
            let _ = writeln!(
                out,
                "leadup_delivery_attempts_total{{outcome=\"{outcome}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        header(
            &mut out,
            "leadup_sign_ins_throttled_total",
            "counter",
            "Sign-ins refused without checking the password: wait (429, too many failures), busy (503, too many being checked).",
        );
        for (reason, count) in ["wait", "busy"].iter().zip(&self.0.throttled) {
            let _ = writeln!(
                out,
                "leadup_sign_ins_throttled_total{{reason=\"{reason}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        out
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value as the exposition format writes it: backslash, double quote and line feed
/// escaped.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_class_with_cumulative_latency_buckets() {
        let metrics = Metrics::default();
        metrics.record_request("GET", "/teams/{id}", 200, Duration::from_millis(3));
        metrics.record_request("GET", "/teams/{id}", 404, Duration::from_millis(30));
        metrics.clone().record_request("GET", "/teams/{id}", 204, Duration::from_secs(11));
        let text = metrics.render();
        let labels = "method=\"GET\",route=\"/teams/{id}\"";
        for line in [
            format!("leadup_http_requests_total{{{labels},status=\"2xx\"}} 2"),
            format!("leadup_http_requests_total{{{labels},status=\"4xx\"}} 1"),
            format!("leadup_http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}} 1"),
            format!("leadup_http_request_duration_seconds_bucket{{{labels},le=\"0.025\"}} 1"),
            format!("leadup_http_request_duration_seconds_bucket{{{labels},le=\"0.05\"}} 2"),
            format!("leadup_http_request_duration_seconds_bucket{{{labels},le=\"10\"}} 2"),
            format!("leadup_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 3"),
            format!("leadup_http_request_duration_seconds_sum{{{labels}}} 11.033"),
            format!("leadup_http_request_duration_seconds_count{{{labels}}} 3"),
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        assert!(!text.contains("status=\"5xx\""), "classes never seen are not written");
        metrics.record_request("BREW", "/teams/{id}", 405, Duration::from_millis(1));
        metrics.record_request("PURGE", "/teams/{id}", 405, Duration::from_millis(1));
        let text = metrics.render();
        let other = "leadup_http_requests_total{method=\"other\",route=\"/teams/{id}\",status=\"4xx\"} 2";
        assert!(text.lines().any(|l| l == other), "{text}");
        assert!(!text.contains("BREW"), "{text}");
    }

    #[test]
    fn counters_start_at_zero_and_add_up() {
        let metrics = Metrics::default();
        assert!(metrics.render().lines().any(|l| l == "leadup_import_rows_total 0"));
        metrics.add_imported_rows(40);
        metrics.add_imported_rows(2);
        metrics.record_refresh(Duration::from_millis(1500), false);
        metrics.record_refresh(Duration::from_millis(500), true);
        metrics.record_delivery(DeliveryOutcome::Sent);
        metrics.record_delivery(DeliveryOutcome::Retry);
        metrics.record_delivery(DeliveryOutcome::Retry);
        metrics.sign_in_throttled(Throttled::Busy);
        let text = metrics.render();
        for line in [
            "leadup_import_rows_total 42",
            "leadup_forecast_refreshes_total 2",
            "leadup_forecast_refresh_failures_total 1",
            "leadup_forecast_refresh_seconds_total 2",
            "leadup_delivery_attempts_total{outcome=\"sent\"} 1",
            "leadup_delivery_attempts_total{outcome=\"retry\"} 2",
            "leadup_delivery_attempts_total{outcome=\"failed\"} 0",
            "leadup_sign_ins_throttled_total{reason=\"wait\"} 0",
            "leadup_sign_ins_throttled_total{reason=\"busy\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
