//! `leadup proposal calc`: a business case's NPV, ROI, payback and sensitivity, computed
//! from a JSON file and printed; nothing is stored and no database is opened.
//! `leadup proposal list`: the stored proposals. `leadup proposal brief`: a proposal's
//! one-page brief (Markdown or print-ready HTML), stored or from a file, its claims checked
//! against the stored evidence and objectives.

use std::path::Path;

use anyhow::Context;
use leadup_core::ValidationErrors;
use leadup_core::business_case::{BusinessCase, BusinessCaseInput, Evaluation, ScenarioResult};
use leadup_core::date;
use leadup_core::money::major_units;
use leadup_core::proposal::ProposalInput;
use leadup_store::Store;
use leadup_web::proposals::Brief;
use time::OffsetDateTime;

use crate::cli::Format;
use crate::output;

/// `leadup proposal calc FILE [--json]`
pub fn calc(file: &Path, json: bool) -> anyhow::Result<()> {
    let case = read_json::<BusinessCaseInput>(file)?.validate()?;
    let evaluation = case.evaluate();
    if json { output::json(&evaluation) } else { print_evaluation(&case, &evaluation) }
}

/// `leadup proposal list [--json]`
pub async fn list(store: &Store, format: Format) -> anyhow::Result<()> {
    let proposals = store.proposals().await?;
    if format.json {
        return output::json(&proposals);
    }
    let teams = store.teams().await?;
    let team_name =
        |id: i64| teams.iter().find(|t| t.id == id).map_or_else(|| format!("team {id}"), |t| t.name.clone());
    let rows: Vec<Vec<String>> = proposals
        .iter()
        .map(|p| {
            let (title, status) = (p.input.title.clone(), p.input.status.clone());
            vec![p.id.to_string(), team_name(p.team_id), title, status, output::unix_date(p.updated_at)]
        })
        .collect();
    output::table(&["ID", "TEAM", "TITLE", "STATUS", "CHANGED"], &rows)
}

/// `leadup proposal brief (FILE | --id N) [--format markdown|html] [--today D]`
pub async fn brief(
    store: &Store,
    file: Option<&Path>,
    id: Option<i64>,
    format: &str,
    today: Option<&str>,
) -> anyhow::Result<()> {
    if !matches!(format, "markdown" | "html") {
        return Err(ValidationErrors::single("--format", format!("'{format}' is not markdown or html")).into());
    }
    let today = match today {
        Some(text) => date::parse(text)
            .ok_or_else(|| ValidationErrors::single("--today", format!("'{text}' is not a date (YYYY-MM-DD)")))?,
        None => OffsetDateTime::now_utc().date(),
    };
    // A file's decision date must still be ahead; a stored proposal's was checked when saved.
    let (input, check_from) = match (file, id) {
        (Some(file), _) => (read_json::<ProposalInput>(file)?, Some(today)),
        (None, Some(id)) => (store.proposal(id).await?.input, None),
        (None, None) => return Err(ValidationErrors::single("file", "give a file or --id").into()),
    };
    let brief = Brief::assemble(store, input, check_from, today).await.map_err(|e| match e {
        leadup_web::AppError::Invalid(errors) => anyhow::Error::from(errors),
        other => anyhow::anyhow!(other.to_string()),
    })?;
    let text = if format == "html" { brief.html() } else { brief.markdown() };
    output::line(text.trim_end())
}

/// Reads `path` as JSON of type `T`. A file that is not JSON of the right shape is invalid
/// input, named with the field (`benefits.low[2]: invalid type: ...`), the line and the column.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut json = serde_json::Deserializer::from_str(&text);
    let parsed: Result<T, String> = serde_path_to_error::deserialize(&mut json)
        .map_err(|error| error.to_string())
        // Anything after the object is refused too, as serde_json::from_str does.
        .and_then(|input| json.end().map(|()| input).map_err(|error| error.to_string()));
    Ok(parsed.map_err(|message| ValidationErrors::single(path.display().to_string(), message))?)
}

fn print_evaluation(case: &BusinessCase, evaluation: &Evaluation) -> anyhow::Result<()> {
    output::fields(&[
        ("Discount rate", format!("{} per period", percent(case.discount_rate()))),
        ("Periods", case.periods().to_string()),
        ("One-off cost", major_units(case.one_off_cost())),
        ("Recurring cost", format!("{} per period", major_units(case.recurring_cost()))),
    ])?;
    output::line("")?;
    let row = |name: &str, result: &ScenarioResult| {
        vec![
            name.to_owned(),
            major_units(result.npv),
            result.roi.map_or_else(|| "-".to_owned(), percent),
            result.payback_periods.map_or_else(|| "never".to_owned(), |p| format!("{p:.2} periods")),
        ]
    };
    output::table(
        &["SCENARIO", "NPV", "ROI", "PAYBACK"],
        &[row("low", &evaluation.low), row("expected", &evaluation.expected), row("high", &evaluation.high)],
    )?;
    output::line("")?;
    output::line("Expected NPV by discount rate and by benefits:")?;
    let sensitivity = &evaluation.sensitivity;
    let rates: Vec<Vec<String>> =
        sensitivity.by_discount_rate.iter().map(|s| vec![percent(s.discount_rate), major_units(s.npv)]).collect();
    output::table(&["DISCOUNT RATE", "NPV"], &rates)?;
    output::line("")?;
    let benefits: Vec<Vec<String>> =
        sensitivity.by_benefits.iter().map(|s| vec![format!("x{:.1}", s.benefit_factor), major_units(s.npv)]).collect();
    output::table(&["BENEFITS", "NPV"], &benefits)
}

/// A fraction as a percentage with one decimal: 0.1 is `10.0%`.
fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}
