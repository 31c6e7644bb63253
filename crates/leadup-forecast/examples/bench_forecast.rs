//! Benchmarks of the forecast engine on the `FlowPulse` demo file (`LetPeopleWork/FlowPulse`,
//! `docs/assets/exampledata/DemoFile.csv`, MIT, copyright 2024 Benj Huser).
//!
//! ```text
//! cargo run --release -p leadup-forecast --example bench_forecast -- fixtures/flowpulse-demo/DemoFile.csv [--json] [--reps N]
//! ```
//!
//! Every figure is the median of several repetitions, timed with `std::time::Instant`:
//!
//! - per forecast, end to end as a process (this binary started again with `--once NAME`,
//!   timed from spawn to exit: read and parse the file, build the 90-day history ending
//!   2025-02-21, forecast, print), end to end in-process (the same without the process), and the
//!   forecast call alone (from the history to the percentiles);
//! - exact "when will 121 items be done" with P(done within 120 days), exact "how many in 14 /
//!   120 days", and Monte Carlo "when 121" (a one-initiative portfolio, 10,000 trials) on 1 and
//!   2 threads with its trials per second and random draws per trial;
//! - a portfolio: 5 teams (the demo file's last five 90-day windows) with 10 initiatives each in
//!   priority order under a WIP limit, with split rates and risks, 100,000 trials per team;
//! - the generator's limit: raw `Xoshiro256::below` draws per second on 1 and 2 threads.
//!
//! The file is parsed here with a minimal `;`-splitter (no dependency beyond the crate's own):
//! the `closed_date` column as `dd.mm.yyyy`, empty for open items.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use leadup_forecast::rng::Xoshiro256;
use leadup_forecast::{
    Completion, Initiative, Portfolio, PortfolioForecast, Risk, Simulation, SplitRate, daily_throughput, how_many,
    simulate, when,
};
use serde::Serialize;
use time::macros::date;
use time::{Date, Duration as Days, Month};

/// The forecast date of the reference results (shared data README).
const TODAY: Date = date!(2025 - 02 - 21);
/// Days of throughput history.
const HISTORY_DAYS: u32 = 90;
/// Items of the "when" question.
const WHEN_ITEMS: u32 = 121;
/// The target of P(done within ...).
const TARGET_DAYS: u32 = 120;
/// Monte Carlo trials of the one-initiative "when" forecast (as `FlowPulse`).
const MC_TRIALS: u32 = 10_000;
/// Portfolio trials, per team.
const PORTFOLIO_TRIALS: u32 = 100_000;
/// Raw draws per thread and repetition.
const RAW_DRAWS_PER_THREAD: u64 = 100_000_000;

/// One forecast of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Forecast {
    ExactWhen,
    ExactHowMany(u32),
    MonteCarloWhen { threads: usize },
}

const FORECASTS: [Forecast; 5] = [
    Forecast::ExactWhen,
    Forecast::ExactHowMany(14),
    Forecast::ExactHowMany(120),
    Forecast::MonteCarloWhen { threads: 1 },
    Forecast::MonteCarloWhen { threads: 2 },
];

impl Forecast {
    fn id(self) -> String {
        match self {
            Self::ExactWhen => format!("exact-when-{WHEN_ITEMS}"),
            Self::ExactHowMany(days) => format!("exact-how-many-{days}"),
            Self::MonteCarloWhen { threads } => format!("mc-when-{WHEN_ITEMS}-{threads}t"),
        }
    }

    fn label(self) -> String {
        match self {
            Self::ExactWhen => format!("exact: when {WHEN_ITEMS} items"),
            Self::ExactHowMany(days) => format!("exact: how many in {days} d"),
            Self::MonteCarloWhen { threads } => {
                format!("MC {}k: when {WHEN_ITEMS}, {threads} thr", MC_TRIALS / 1000)
            }
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        FORECASTS.into_iter().find(|f| f.id() == id)
    }

    /// The forecast from a daily history: the forecast call alone.
    fn run(self, history: &[u32]) -> Answer {
        match self {
            Self::ExactWhen => {
                let f = when(history, WHEN_ITEMS).expect("the demo history forecasts");
                Answer {
                    percentiles: f.percentiles().to_array(),
                    p_within_target: Some(f.probability_within(TARGET_DAYS)),
                    draws_per_trial: None,
                }
            }
            Self::ExactHowMany(days) => {
                let f = how_many(history, days).expect("the demo history forecasts");
                Answer { percentiles: f.percentiles().to_array(), p_within_target: None, draws_per_trial: None }
            }
            Self::MonteCarloWhen { threads } => {
                let forecast = simulate(&one_initiative(history), &mc_settings(MC_TRIALS, threads))
                    .expect("the demo history simulates");
                let completion = &forecast.initiatives[0];
                Answer {
                    percentiles: completion.percentiles().expect("done within the horizon").to_array(),
                    p_within_target: Some(completion.probability_within(TARGET_DAYS)),
                    draws_per_trial: Some(mean_days(completion)),
                }
            }
        }
    }
}

/// A forecast's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Answer {
    /// P50/P70/P85/P95: days for "when", items for "how many".
    percentiles: [u32; 4],
    /// P(done within 120 days), for "when".
    p_within_target: Option<f64>,
    /// Random draws per Monte Carlo trial (one per simulated day for one initiative without
    /// splits or risks): the mean completion day.
    draws_per_trial: Option<f64>,
}

impl Answer {
    fn summary(&self) -> String {
        let [p50, p70, p85, p95] = self.percentiles;
        let values = format!("{p50}/{p70}/{p85}/{p95}");
        match self.p_within_target {
            Some(within) => format!("{values}  P(<={TARGET_DAYS}d)={within:.4}"),
            None => values,
        }
    }
}

/// The one-initiative portfolio of the Monte Carlo "when" forecast.
fn one_initiative(history: &[u32]) -> Portfolio {
    Portfolio {
        throughput: history.to_vec(),
        wip_limit: 1,
        initiatives: vec![Initiative {
            name: format!("{WHEN_ITEMS} items"),
            items: WHEN_ITEMS,
            split: SplitRate::NONE,
            risks: vec![],
        }],
    }
}

fn mc_settings(trials: u32, threads: usize) -> Simulation {
    Simulation { trials, threads, ..Simulation::default() }
}

/// The mean completion day over the trials (trials not done count as the horizon).
fn mean_days(completion: &Completion) -> f64 {
    let days: u64 = completion.done_on.iter().enumerate().map(|(d, &n)| d as u64 * u64::from(n)).sum();
    let not_done = u64::from(completion.not_done) * u64::from(Simulation::default().max_days);
    let trials: u64 = completion.done_on.iter().map(|&n| u64::from(n)).sum::<u64>() + u64::from(completion.not_done);
    (days + not_done) as f64 / trials as f64
}

/// The closed dates of a `FlowPulse` CSV (`;`-separated, `closed_date` as `dd.mm.yyyy`).
fn closed_dates(text: &str) -> Result<Vec<Date>, String> {
    let mut lines = text.lines();
    let header = lines.next().ok_or("the file is empty")?.trim_start_matches('\u{feff}');
    let column = header.split(';').position(|c| c.trim() == "closed_date").ok_or("no closed_date column")?;
    let mut dates = Vec::new();
    for (n, line) in lines.enumerate() {
        let field = line.split(';').nth(column).unwrap_or("").trim();
        if !field.is_empty() {
            dates.push(parse_day(field).ok_or_else(|| format!("line {}: not a dd.mm.yyyy date: {field:?}", n + 2))?);
        }
    }
    Ok(dates)
}

fn parse_day(text: &str) -> Option<Date> {
    let mut parts = text.split('.');
    let day: u8 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

fn read_dates(path: &Path) -> Result<Vec<Date>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    closed_dates(&text)
}

/// Read, parse, and the 90-day history ending on [`TODAY`].
fn history_of(path: &Path) -> Result<Vec<u32>, String> {
    Ok(daily_throughput(read_dates(path)?, TODAY, HISTORY_DAYS))
}

/// Median, fastest and slowest of some repetitions, in seconds.
#[derive(Debug, Clone, Copy, Serialize)]
struct Timing {
    median_s: f64,
    min_s: f64,
    max_s: f64,
    reps: usize,
}

impl Timing {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let n = samples.len();
        let median = if n % 2 == 1 { samples[n / 2] } else { (samples[n / 2 - 1] + samples[n / 2]) / 2 };
        Self {
            median_s: median.as_secs_f64(),
            min_s: samples[0].as_secs_f64(),
            max_s: samples[n - 1].as_secs_f64(),
            reps: n,
        }
    }
}

/// Runs `f` `reps` times; the timing and the last result.
fn time_it<T>(reps: usize, mut f: impl FnMut() -> T) -> (Timing, T) {
    let mut samples = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps {
        let start = Instant::now();
        let value = black_box(f());
        samples.push(start.elapsed());
        last = Some(value);
    }
    (Timing::of(samples), last.expect("at least one repetition"))
}

/// Spawn to exit of this binary answering one forecast; checks its answer.
fn time_process(exe: &Path, csv: &Path, forecast: Forecast, expected: &str) -> Duration {
    let start = Instant::now();
    let output = Command::new(exe).arg(csv).arg("--once").arg(forecast.id()).output().expect("spawn");
    let elapsed = start.elapsed();
    assert!(output.status.success(), "{}: {}", forecast.id(), String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), expected, "{}: another answer", forecast.id());
    elapsed
}

/// One forecast, each repetition timed three ways in turn (so that the machine's other load
/// weighs on the three alike): the forecast call alone, in-process end to end, as a process.
fn measure(forecast: Forecast, csv: &Path, exe: &Path, reps: usize) -> ForecastReport {
    let history = history_of(csv).expect("readable");
    let answer = forecast.run(&history);
    let expected = serde_json::to_string(&answer).expect("serializable");
    let (mut alone, mut end_to_end, mut process) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..reps {
        let start = Instant::now();
        let again = black_box(forecast.run(black_box(&history)));
        alone.push(start.elapsed());
        assert_eq!(again, answer, "{}: another answer", forecast.id());
        let start = Instant::now();
        let again = black_box(forecast.run(&history_of(csv).expect("readable")));
        end_to_end.push(start.elapsed());
        assert_eq!(again, answer, "{}: another answer", forecast.id());
        process.push(time_process(exe, csv, forecast, &expected));
    }
    let forecast_only = Timing::of(alone);
    let trials_per_s =
        matches!(forecast, Forecast::MonteCarloWhen { .. }).then(|| f64::from(MC_TRIALS) / forecast_only.median_s);
    let draws_per_s = trials_per_s.zip(answer.draws_per_trial).map(|(t, d)| t * d);
    ForecastReport {
        id: forecast.id(),
        label: forecast.label(),
        answer,
        process: Timing::of(process),
        end_to_end: Timing::of(end_to_end),
        forecast_only,
        trials_per_s,
        draws_per_s,
    }
}

#[derive(Debug, Serialize)]
struct ForecastReport {
    id: String,
    label: String,
    answer: Answer,
    /// Spawn to exit of a process that reads the file and answers.
    process: Timing,
    /// Read + parse + history + forecast, in this process.
    end_to_end: Timing,
    /// The forecast call alone, from the history.
    forecast_only: Timing,
    /// Monte Carlo only: trials per second of the forecast call.
    trials_per_s: Option<f64>,
    /// Monte Carlo only: trials per second times draws per trial.
    draws_per_s: Option<f64>,
}

/// Five teams: the demo file's last five 90-day windows, each with ten initiatives.
fn portfolios(dates: &[Date]) -> Vec<Portfolio> {
    const SIZES: [u32; 10] = [12, 8, 20, 5, 15, 10, 25, 6, 14, 9];
    (0..5_u32)
        .map(|team| {
            let last_day = TODAY - Days::days(i64::from(team * HISTORY_DAYS));
            let initiatives = (0..10_usize)
                .map(|i| Initiative {
                    name: format!("team {} initiative {}", team + 1, i + 1),
                    items: SIZES[(i + team as usize) % SIZES.len()],
                    split: match i % 3 {
                        0 => SplitRate::NONE,
                        1 => SplitRate { low: 1.0, high: 1.3 },
                        _ => SplitRate { low: 1.1, high: 1.6 },
                    },
                    risks: match i % 4 {
                        1 => vec![Risk { likelihood: 0.3, extra_items_low: 2, extra_items_high: 6 }],
                        3 => vec![
                            Risk { likelihood: 0.2, extra_items_low: 3, extra_items_high: 10 },
                            Risk { likelihood: 0.5, extra_items_low: 1, extra_items_high: 3 },
                        ],
                        _ => vec![],
                    },
                })
                .collect();
            Portfolio {
                throughput: daily_throughput(dates.iter().copied(), last_day, HISTORY_DAYS),
                wip_limit: 3,
                initiatives,
            }
        })
        .collect()
}

fn simulate_all(portfolios: &[Portfolio], threads: usize) -> Vec<PortfolioForecast> {
    portfolios
        .iter()
        .map(|p| simulate(p, &mc_settings(PORTFOLIO_TRIALS, threads)).expect("the portfolio simulates"))
        .collect()
}

#[derive(Debug, Serialize)]
struct PortfolioRun {
    threads: usize,
    /// Read + parse + five histories + five simulations.
    end_to_end: Timing,
    /// The five simulations alone.
    forecast_only: Timing,
    /// CPU time (user + system, all threads) per run of the five simulations alone, averaged
    /// over the repetitions: what they cost when the machine is shared.
    forecast_only_cpu_s: Option<f64>,
    trials_per_s: f64,
}

#[derive(Debug, Serialize)]
struct TeamSummary {
    team: u32,
    history_items: u32,
    /// P50/P85 of each initiative, in days, in priority order.
    p50_p85_days: Vec<[Option<u32>; 2]>,
}

#[derive(Debug, Serialize)]
struct PortfolioReport {
    teams: usize,
    initiatives: usize,
    wip_limit: u32,
    trials_per_team: u32,
    runs: Vec<PortfolioRun>,
    /// Identical results on 1 and 2 threads.
    identical_across_threads: bool,
    summary: Vec<TeamSummary>,
}

fn portfolio_report(csv: &Path, reps: usize) -> PortfolioReport {
    let dates = read_dates(csv).expect("readable");
    let teams = portfolios(&dates);
    let mut runs = Vec::new();
    let mut results = Vec::new();
    for threads in [1, 2] {
        let (end_to_end, _) = time_it(reps, || {
            let dates = read_dates(csv).expect("readable");
            simulate_all(&portfolios(&dates), threads)
        });
        let cpu_before = cpu_seconds();
        let (forecast_only, result) = time_it(reps, || simulate_all(&teams, threads));
        let forecast_only_cpu_s = cpu_before.zip(cpu_seconds()).map(|(before, after)| (after - before) / reps as f64);
        let trials = f64::from(PORTFOLIO_TRIALS) * teams.len() as f64;
        runs.push(PortfolioRun {
            threads,
            end_to_end,
            forecast_only,
            forecast_only_cpu_s,
            trials_per_s: trials / forecast_only.median_s,
        });
        results.push(result);
    }
    let summary = teams
        .iter()
        .zip(&results[0])
        .enumerate()
        .map(|(t, (team, forecast))| TeamSummary {
            team: t as u32 + 1,
            history_items: team.throughput.iter().sum(),
            p50_p85_days: forecast.initiatives.iter().map(|c| [c.percentile(0.5), c.percentile(0.85)]).collect(),
        })
        .collect();
    PortfolioReport {
        teams: teams.len(),
        initiatives: teams.iter().map(|t| t.initiatives.len()).sum(),
        wip_limit: teams[0].wip_limit,
        trials_per_team: PORTFOLIO_TRIALS,
        runs,
        identical_across_threads: results[0] == results[1],
        summary,
    }
}

/// CPU time (user + system) of this process so far, all threads, in seconds: Linux's
/// `/proc/self/stat`, in clock ticks of 1/100 s (`USER_HZ`). `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) start with the state (field 3).
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

#[derive(Debug, Serialize)]
struct RawDraws {
    threads: usize,
    draws: u64,
    timing: Timing,
    draws_per_s: f64,
}

/// `Xoshiro256::below(90)` draws (the history's length), summed so none is optimised away.
fn raw_draws(threads: usize, reps: usize) -> RawDraws {
    let (timing, ()) = time_it(reps, || {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    scope.spawn(move || {
                        let mut rng = Xoshiro256::seed_from(t as u64 + 1);
                        let mut sum = 0_u64;
                        for _ in 0..RAW_DRAWS_PER_THREAD {
                            sum = sum.wrapping_add(u64::from(rng.below(HISTORY_DAYS)));
                        }
                        black_box(sum)
                    })
                })
                .collect();
            for handle in handles {
                handle.join().expect("draw thread");
            }
        });
    });
    let draws = RAW_DRAWS_PER_THREAD * threads as u64;
    RawDraws { threads, draws, timing, draws_per_s: draws as f64 / timing.median_s }
}

#[derive(Debug, Serialize)]
struct Report {
    tool: &'static str,
    input: String,
    today: String,
    history_days: u32,
    history_items: u32,
    available_parallelism: usize,
    forecasts: Vec<ForecastReport>,
    portfolio: PortfolioReport,
    raw_draws: Vec<RawDraws>,
}

fn fmt_s(seconds: f64) -> String {
    if seconds < 1e-3 {
        format!("{:.1} µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{seconds:.3} s")
    }
}

fn fmt_rate(per_s: f64) -> String {
    if per_s >= 1e9 {
        format!("{:.2} G/s", per_s / 1e9)
    } else if per_s >= 1e6 {
        format!("{:.2} M/s", per_s / 1e6)
    } else {
        format!("{:.1} k/s", per_s / 1e3)
    }
}

fn print_table(report: &Report) {
    println!(
        "leadup-forecast on {} ({}-day history ending {}: {} items closed; {} threads available)",
        report.input, report.history_days, report.today, report.history_items, report.available_parallelism
    );
    println!();
    println!(
        "{:<28} {:<32} {:>10} {:>10} {:>10}  {:>10}",
        "forecast", "P50/P70/P85/P95", "process", "end2end", "forecast", "trials/s"
    );
    for f in &report.forecasts {
        println!(
            "{:<28} {:<32} {:>10} {:>10} {:>10}  {:>10}",
            f.label,
            f.answer.summary(),
            fmt_s(f.process.median_s),
            fmt_s(f.end_to_end.median_s),
            fmt_s(f.forecast_only.median_s),
            f.trials_per_s.map_or_else(String::new, fmt_rate),
        );
    }
    println!("(medians; process = spawn to exit, end2end = read + parse + history + forecast in-process)");
    println!();
    for r in &report.raw_draws {
        println!(
            "raw rng draws, {} thread(s): {} ({} draws in {})",
            r.threads,
            fmt_rate(r.draws_per_s),
            r.draws,
            fmt_s(r.timing.median_s)
        );
    }
    for f in report.forecasts.iter().filter(|f| f.draws_per_s.is_some()) {
        let threads = if f.id.ends_with("2t") { 2 } else { 1 };
        let raw = report.raw_draws.iter().find(|r| r.threads == threads).map_or(f64::NAN, |r| r.draws_per_s);
        let draws = f.draws_per_s.unwrap_or(f64::NAN);
        println!(
            "{}: {:.1} draws/trial x {} = {} = {:.0}% of the raw rate",
            f.label,
            f.answer.draws_per_trial.unwrap_or(f64::NAN),
            f.trials_per_s.map_or_else(String::new, fmt_rate),
            fmt_rate(draws),
            100.0 * draws / raw
        );
    }
    let p = &report.portfolio;
    println!();
    println!(
        "portfolio: {} teams, {} initiatives, WIP {}, {} trials per team (identical on 1 and 2 threads: {})",
        p.teams, p.initiatives, p.wip_limit, p.trials_per_team, p.identical_across_threads
    );
    for run in &p.runs {
        println!(
            "  {} thread(s): {} end to end, {} simulations alone ({} CPU), {} trials",
            run.threads,
            fmt_s(run.end_to_end.median_s),
            fmt_s(run.forecast_only.median_s),
            run.forecast_only_cpu_s.map_or_else(|| "?".into(), fmt_s),
            fmt_rate(run.trials_per_s)
        );
    }
    for team in &p.summary {
        let last = team.p50_p85_days.last().copied().unwrap_or([None, None]);
        let show = |d: Option<u32>| d.map_or_else(|| "-".into(), |d| d.to_string());
        println!(
            "  team {} ({} items in its 90 days): last initiative P50 {} d, P85 {} d",
            team.team,
            team.history_items,
            show(last[0]),
            show(last[1])
        );
    }
}

struct Args {
    csv: PathBuf,
    json: bool,
    reps: usize,
    once: Option<Forecast>,
    /// Only the portfolio, printed briefly: for profiling.
    portfolio_only: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut csv = None;
    let mut json = false;
    let mut reps = 31;
    let mut once = None;
    let mut portfolio_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--reps" => {
                reps = args.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).ok_or("--reps needs a count")?;
            }
            "--once" => {
                let id = args.next().ok_or("--once needs a forecast")?;
                once = Some(Forecast::from_id(&id).ok_or_else(|| format!("unknown forecast {id}"))?);
            }
            "--portfolio-only" => portfolio_only = true,
            "-h" | "--help" => return Err(String::new()),
            _ if csv.is_none() && !arg.starts_with("--") => csv = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    Ok(Args { csv: csv.ok_or("give the path of the FlowPulse demo CSV")?, json, reps, once, portfolio_only })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("bench_forecast: {message}");
            }
            eprintln!("usage: bench_forecast DemoFile.csv [--json] [--reps N] [--portfolio-only]");
            return ExitCode::from(2);
        }
    };
    if let Some(forecast) = args.once {
        // One forecast, end to end, as a user's process would make it.
        return match history_of(&args.csv) {
            Ok(history) => {
                println!("{}", serde_json::to_string(&forecast.run(&history)).expect("serializable"));
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("bench_forecast: {message}");
                ExitCode::FAILURE
            }
        };
    }
    if args.portfolio_only {
        let report = portfolio_report(&args.csv, args.reps);
        println!("{}", serde_json::to_string(&report.runs).expect("serializable"));
        return ExitCode::SUCCESS;
    }
    let history = match history_of(&args.csv) {
        Ok(history) => history,
        Err(message) => {
            eprintln!("bench_forecast: {message}");
            return ExitCode::FAILURE;
        }
    };
    let exe = std::env::current_exe().expect("the path of this binary");
    let reps = args.reps;
    let forecasts = FORECASTS.into_iter().map(|forecast| measure(forecast, &args.csv, &exe, reps)).collect();
    let heavy_reps = reps.div_ceil(6).max(3);
    let portfolio = portfolio_report(&args.csv, heavy_reps);
    let raw_draws = [1, 2].map(|threads| raw_draws(threads, heavy_reps)).into();
    let report = Report {
        tool: "leadup-forecast",
        input: args.csv.display().to_string(),
        today: TODAY.to_string(),
        history_days: HISTORY_DAYS,
        history_items: history.iter().sum(),
        available_parallelism: std::thread::available_parallelism().map_or(1, usize::from),
        forecasts,
        portfolio,
        raw_draws,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).expect("serializable"));
    } else {
        print_table(&report);
    }
    ExitCode::SUCCESS
}
