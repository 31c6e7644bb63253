//! `leadup evidence`: record, change, delete, link, list, show and search evidence with its
//! strength, and `leadup initiative demand`, as a table or as JSON.

use leadup_core::demand::{Amount, Demand, demand};
use leadup_core::evidence::{Evidence, EvidenceInput, EvidencePatch};
use leadup_core::evidence_strength::{EvidenceStrength, Points, StrengthLevel, item_strength, strength};
use leadup_core::money::{Money, parse_amount};
use leadup_core::{FieldError, ValidationErrors, date};
use leadup_store::{Store, StoreError};
use serde::Serialize;
use time::Date;

use crate::cli::{EvidenceCommand, EvidenceFields, EvidenceView};
use crate::forecast::today;
use crate::output;

/// The longest summary shown in a table row; `show` prints it whole.
const SUMMARY_WIDTH: usize = 60;

/// `leadup evidence ...`
pub async fn evidence(store: &Store, command: EvidenceCommand) -> anyhow::Result<()> {
    match command {
        EvidenceCommand::List(view) => print_list(&store.evidence_list().await?, &view),
        EvidenceCommand::Show { id, view } => print_evidence(store, &store.evidence(id).await?, &view).await,
        EvidenceCommand::Add { fields, view } => {
            let kind = required(fields.kind.clone(), "--kind")?;
            let summary = required(fields.summary.clone(), "--summary")?;
            let mut input = EvidenceInput::new(kind, summary);
            let (patch, unread) = patch(fields);
            patch.apply(&mut input);
            let draft = checked(input, unread)?;
            print_evidence(store, &store.create_evidence(&draft, None).await?, &view).await
        }
        EvidenceCommand::Update { id, fields, view } => {
            let mut input = store.evidence(id).await?.to_input();
            let (patch, unread) = patch(fields);
            patch.apply(&mut input);
            let draft = checked(input, unread)?;
            print_evidence(store, &store.update_evidence(id, &draft, None).await?, &view).await
        }
        EvidenceCommand::Delete { id } => {
            store.delete_evidence(id, None).await?;
            output::line(&format!("deleted evidence {id}"))
        }
        EvidenceCommand::Link { id, initiative } => {
            let linked = store.link_evidence(id, initiative, None).await.map_err(link_flags)?;
            let already = if linked { "" } else { " (it already was)" };
            output::line(&format!("linked evidence {id} to initiative {initiative}{already}"))
        }
        EvidenceCommand::Unlink { id, initiative } => {
            let unlinked = store.unlink_evidence(id, initiative, None).await.map_err(link_flags)?;
            let never = if unlinked { "" } else { " (it was not linked)" };
            output::line(&format!("unlinked evidence {id} from initiative {initiative}{never}"))
        }
        EvidenceCommand::Search { query, view } => print_list(&store.search_evidence(&query).await?, &view),
        EvidenceCommand::Import(args) => crate::evidence_import::import(store, args).await,
    }
}

/// The changes the flags ask for (an empty value clears an optional field), and the flags
/// whose value could not be read.
fn patch(fields: EvidenceFields) -> (EvidencePatch, ValidationErrors) {
    let mut unread = ValidationErrors::default();
    let revenue_at_stake = fields.revenue_at_stake.map(|text| match text.trim() {
        "" => None,
        text => parse_amount(text).map_err(|why| unread.add("--revenue-at-stake", why)).ok(),
    });
    let patch = EvidencePatch {
        kind: fields.kind,
        summary: fields.summary,
        source: fields.source.map(Some),
        date: fields.date.map(Some),
        customer: fields.customer.map(Some),
        customers_affected: fields.customers_affected.map(Some),
        revenue_at_stake,
        currency: fields.currency,
        recorded_by: fields.recorded_by.map(Some),
    };
    (patch, unread)
}

/// `input` checked, every bad field named by its flag, the flags that could not be read last.
fn checked(
    input: EvidenceInput,
    unread: ValidationErrors,
) -> Result<leadup_core::evidence::EvidenceDraft, ValidationErrors> {
    let mut errors = match input.validate() {
        Ok(draft) if unread.0.is_empty() => return Ok(draft),
        Ok(_) => ValidationErrors::default(),
        Err(errors) => flag_names(errors),
    };
    errors.0.extend(unread.0);
    Err(errors)
}

/// The value of a flag that `add` needs, or a usage error naming it.
fn required(value: Option<String>, flag: &str) -> Result<String, ValidationErrors> {
    value.ok_or_else(|| ValidationErrors::single(flag, "is required"))
}

/// Names each invalid field by the flag that sets it (`revenue_at_stake` as `--revenue-at-stake`).
fn flag_names(errors: ValidationErrors) -> ValidationErrors {
    ValidationErrors(
        errors
            .0
            .into_iter()
            .map(|e| FieldError { field: format!("--{}", e.field.replace('_', "-")), message: e.message })
            .collect(),
    )
}

/// Names the records of a link by their place on the command line: the evidence `ID` and
/// `--initiative`.
fn link_flags(error: StoreError) -> StoreError {
    match error {
        StoreError::Invalid(errors) => StoreError::Invalid(ValidationErrors(
            errors
                .0
                .into_iter()
                .map(|e| FieldError {
                    field: match e.field.as_str() {
                        "initiative_id" => "--initiative".to_owned(),
                        "evidence_id" => "ID".to_owned(),
                        other => other.to_owned(),
                    },
                    message: e.message,
                })
                .collect(),
        )),
        other => other,
    }
}

/// A score and its level, as lists show them.
#[derive(Serialize)]
struct Score {
    score: Points,
    level: StrengthLevel,
}

impl From<&EvidenceStrength> for Score {
    fn from(strength: &EvidenceStrength) -> Self {
        Self { score: strength.score, level: strength.level }
    }
}

fn print_list(evidence: &[Evidence], view: &EvidenceView) -> anyhow::Result<()> {
    let today = today(view.today.as_deref())?;
    let scored: Vec<(&Evidence, EvidenceStrength)> = evidence.iter().map(|e| (e, item_strength(e, today))).collect();
    if view.json {
        #[derive(Serialize)]
        struct Listed<'a> {
            #[serde(flatten)]
            evidence: &'a Evidence,
            strength: Score,
        }
        let listed: Vec<Listed<'_>> =
            scored.iter().map(|(evidence, strength)| Listed { evidence, strength: strength.into() }).collect();
        return output::json(&listed);
    }
    let rows: Vec<Vec<String>> = scored
        .iter()
        .map(|(e, strength)| {
            vec![
                e.id.to_string(),
                e.date.map_or_else(|| "-".to_owned(), date::format),
                e.kind.label().to_owned(),
                e.customer.clone().unwrap_or_else(|| "-".to_owned()),
                revenue(e),
                score(strength),
                shortened(&e.summary),
            ]
        })
        .collect();
    output::table(&["ID", "DATE", "KIND", "CUSTOMER", "REVENUE AT STAKE", "STRENGTH", "SUMMARY"], &rows)
}

async fn print_evidence(store: &Store, evidence: &Evidence, view: &EvidenceView) -> anyhow::Result<()> {
    let strength = item_strength(evidence, today(view.today.as_deref())?);
    let initiatives = store.evidence_initiatives(evidence.id).await?;
    if view.json {
        #[derive(Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            evidence: &'a Evidence,
            strength: &'a EvidenceStrength,
            initiative_ids: Vec<i64>,
        }
        let initiative_ids = initiatives.iter().map(|i| i.id).collect();
        return output::json(&Shown { evidence, strength: &strength, initiative_ids });
    }
    let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".to_owned());
    let supports = if initiatives.is_empty() {
        "none (link with `leadup evidence link ID --initiative ID`)".to_owned()
    } else {
        initiatives.iter().map(|i| format!("{} (id {})", i.title, i.id)).collect::<Vec<_>>().join(", ")
    };
    output::fields(&[
        ("Evidence", format!("{} (id {})", evidence.kind.label(), evidence.id)),
        ("Summary", evidence.summary.clone()),
        ("Date", evidence.date.map_or_else(|| "-".to_owned(), date::format)),
        ("Customer", or_dash(&evidence.customer)),
        ("Customers affected", evidence.customers_affected.map_or_else(|| "-".to_owned(), |n| n.to_string())),
        ("Revenue at stake", revenue(evidence)),
        ("Source", or_dash(&evidence.source)),
        ("Recorded by", or_dash(&evidence.recorded_by)),
        ("Supports", supports),
        ("Strength", score(&strength)),
    ])?;
    output::line("")?;
    print_reasons(&strength)
}

fn print_reasons(strength: &EvidenceStrength) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = strength
        .reasons
        .iter()
        .map(|r| vec![r.factor.as_str().to_owned(), format!("+{}", r.points), r.explanation.clone()])
        .collect();
    output::table(&["FACTOR", "POINTS", "WHY"], &rows)
}

/// `48.5 moderate`, or `opinion` when there is no evidence.
fn score(strength: &EvidenceStrength) -> String {
    if strength.is_opinion() {
        return strength.level.label().to_owned();
    }
    format!("{} {}", strength.score, strength.level.label())
}

fn revenue(evidence: &Evidence) -> String {
    evidence
        .revenue_at_stake
        .map_or_else(|| "-".to_owned(), |minor| Money { minor, currency: evidence.currency.clone() }.display())
}

fn amounts(amounts: &[Amount]) -> String {
    if amounts.is_empty() {
        return "-".to_owned();
    }
    let shown: Vec<String> =
        amounts.iter().map(|a| Money { minor: a.minor, currency: a.currency.clone() }.display()).collect();
    shown.join(", ")
}

/// The summary on one line, cut to [`SUMMARY_WIDTH`] characters with an ellipsis.
fn shortened(summary: &str) -> String {
    let one_line = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= SUMMARY_WIDTH {
        return one_line;
    }
    let cut: String = one_line.chars().take(SUMMARY_WIDTH - 1).collect();
    format!("{}…", cut.trim_end())
}

/// `leadup initiative demand ID`: the demand and evidence strength of an initiative.
pub async fn initiative_demand(store: &Store, id: i64, months: u32, view: &EvidenceView) -> anyhow::Result<()> {
    let today = today(view.today.as_deref())?;
    let initiative = store.initiative(id).await?;
    let evidence = store.initiative_evidence(id).await?;
    let answer = DemandAnswer {
        initiative_id: initiative.id,
        title: &initiative.title,
        today,
        opinion: evidence.is_empty(),
        evidence_strength: strength(&evidence, today),
        demand: demand(&evidence, today, months),
    };
    if view.json {
        return output::json(&answer);
    }
    print_demand(&answer)
}

/// What `leadup initiative demand --json` prints.
#[derive(Serialize)]
struct DemandAnswer<'a> {
    initiative_id: i64,
    title: &'a str,
    #[serde(with = "date::iso_date")]
    today: Date,
    /// True when no evidence is linked: the initiative rests on opinion.
    opinion: bool,
    evidence_strength: EvidenceStrength,
    demand: Demand,
}

fn print_demand(answer: &DemandAnswer<'_>) -> anyhow::Result<()> {
    let demand = &answer.demand;
    let strength = if answer.opinion {
        format!(
            "opinion: no evidence is linked (link some with `leadup evidence link ID --initiative {}`)",
            answer.initiative_id
        )
    } else {
        score(&answer.evidence_strength)
    };
    let customers = demand.customers.iter().map(|c| c.customer.as_str()).collect::<Vec<_>>().join(", ");
    output::fields(&[
        ("Initiative", format!("{} (id {})", answer.title, answer.initiative_id)),
        ("Evidence strength", strength),
        ("Evidence", format!("{} ({} undated)", demand.evidence, demand.undated)),
        (
            "Customers asking",
            if customers.is_empty() { "0".to_owned() } else { format!("{}: {customers}", demand.customer_count) },
        ),
        ("Revenue at stake", amounts(&demand.revenue_at_stake)),
    ])?;
    if answer.opinion {
        return Ok(());
    }
    output::line("")?;
    print_reasons(&answer.evidence_strength)?;
    if !demand.customers.is_empty() {
        output::line("")?;
        let rows: Vec<Vec<String>> = demand
            .customers
            .iter()
            .map(|c| {
                vec![
                    c.customer.clone(),
                    c.evidence.to_string(),
                    amounts(&c.revenue_at_stake),
                    c.latest.map_or_else(|| "-".to_owned(), date::format),
                ]
            })
            .collect();
        output::table(&["CUSTOMER", "EVIDENCE", "REVENUE AT STAKE", "LATEST"], &rows)?;
    }
    output::line("")?;
    let mut rows: Vec<Vec<String>> = demand.trend.iter().map(|m| vec![m.month.clone(), m.count.to_string()]).collect();
    if demand.earlier > 0 {
        rows.insert(0, vec!["earlier".to_owned(), demand.earlier.to_string()]);
    }
    output::table(&["MONTH", "EVIDENCE"], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_summaries_are_cut_on_one_line() {
        assert_eq!(shortened("Refunds\nare slow"), "Refunds are slow");
        let long = "word ".repeat(30);
        let cut = shortened(&long);
        assert_eq!(cut.chars().count(), SUMMARY_WIDTH);
        assert!(cut.ends_with("word…"), "{cut}");
    }

    #[test]
    fn errors_name_flags() {
        let errors = ValidationErrors::single("revenue_at_stake", "must not be negative (got -1)");
        assert_eq!(flag_names(errors).summary(), "--revenue-at-stake: must not be negative (got -1)");
        let mut unknown = ValidationErrors::single("evidence_id", "unknown evidence 9");
        unknown.add("initiative_id", "unknown initiative 7");
        assert_eq!(
            link_flags(StoreError::Invalid(unknown)).to_string(),
            "ID: unknown evidence 9; --initiative: unknown initiative 7"
        );
    }
}
