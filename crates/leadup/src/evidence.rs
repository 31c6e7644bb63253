//! `leadup evidence`: record, list, show and search evidence, as a table or as JSON.

use leadup_core::evidence::{Evidence, EvidenceInput};
use leadup_core::initiative::DEFAULT_CURRENCY;
use leadup_core::money::Money;
use leadup_core::{FieldError, ValidationErrors, date};
use leadup_store::Store;

use crate::cli::{EvidenceCommand, EvidenceFields, Format};
use crate::output;

/// The longest summary shown in a table row; `show` prints it whole.
const SUMMARY_WIDTH: usize = 60;

/// `leadup evidence ...`
pub async fn evidence(store: &Store, command: EvidenceCommand) -> anyhow::Result<()> {
    match command {
        EvidenceCommand::List(format) => print_list(&store.evidence_list().await?, format),
        EvidenceCommand::Show { id, format } => print_evidence(&store.evidence(id).await?, format),
        EvidenceCommand::Add { fields, format } => {
            let draft = input(fields).validate().map_err(flag_names)?;
            print_evidence(&store.create_evidence(&draft).await?, format)
        }
        EvidenceCommand::Search { query, format } => print_list(&store.search_evidence(&query).await?, format),
    }
}

fn input(fields: EvidenceFields) -> EvidenceInput {
    EvidenceInput {
        kind: fields.kind,
        summary: fields.summary,
        source: fields.source,
        date: fields.date,
        customer: fields.customer,
        customers_affected: fields.customers_affected,
        revenue_at_stake: fields.revenue_at_stake,
        currency: fields.currency.unwrap_or_else(|| DEFAULT_CURRENCY.to_owned()),
        recorded_by: fields.recorded_by,
    }
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

fn print_list(evidence: &[Evidence], format: Format) -> anyhow::Result<()> {
    if format.json {
        return output::json(&evidence);
    }
    let rows: Vec<Vec<String>> = evidence
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.date.map_or_else(|| "-".to_owned(), date::format),
                e.kind.label().to_owned(),
                e.customer.clone().unwrap_or_else(|| "-".to_owned()),
                revenue(e),
                shortened(&e.summary),
            ]
        })
        .collect();
    output::table(&["ID", "DATE", "KIND", "CUSTOMER", "REVENUE AT STAKE", "SUMMARY"], &rows)
}

fn print_evidence(evidence: &Evidence, format: Format) -> anyhow::Result<()> {
    if format.json {
        return output::json(evidence);
    }
    let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".to_owned());
    output::fields(&[
        ("Evidence", format!("{} (id {})", evidence.kind.label(), evidence.id)),
        ("Summary", evidence.summary.clone()),
        ("Date", evidence.date.map_or_else(|| "-".to_owned(), date::format)),
        ("Customer", or_dash(&evidence.customer)),
        ("Customers affected", evidence.customers_affected.map_or_else(|| "-".to_owned(), |n| n.to_string())),
        ("Revenue at stake", revenue(evidence)),
        ("Source", or_dash(&evidence.source)),
        ("Recorded by", or_dash(&evidence.recorded_by)),
    ])
}

fn revenue(evidence: &Evidence) -> String {
    evidence
        .revenue_at_stake
        .map_or_else(|| "-".to_owned(), |minor| Money { minor, currency: evidence.currency.clone() }.display())
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
    }
}
