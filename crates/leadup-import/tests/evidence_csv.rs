//! The evidence CSV reader: the default column names on the fixture with every kind of bad
//! row, a mapping with other names, a delimiter and a date format, and missing columns.

use std::fs::File;

use leadup_core::evidence::EvidenceKind;
use leadup_import::{EvidenceMapping, EvidenceRecord, ImportError, RowError, evidence_csv};
use time::macros::date;

fn fixture() -> File {
    File::open(format!("{}/../../fixtures/evidence/evidence.csv", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn lines(rows: &[Result<EvidenceRecord, RowError>]) -> Vec<String> {
    rows.iter()
        .map(|row| match row {
            Ok(record) => format!("{}: {}", record.line, record.evidence.kind),
            Err(error) => error.to_string(),
        })
        .collect()
}

#[test]
fn default_columns_in_any_case_and_every_bad_row_named() {
    let rows: Vec<_> = evidence_csv(fixture(), &EvidenceMapping::default()).unwrap().collect();
    assert_eq!(
        lines(&rows),
        [
            "2: support_ticket",
            "3: customer_interview",
            "4: sales_request",
            "line 5: Kind: 'rumour' is not a kind: use customer_interview, support_ticket, sales_request, \
             survey_result, usage_metric, market_research, competitor_move, experiment_result",
            "6: usage_metric",
            "line 7: Date: '04/05/2026' is not a date (expected ISO 8601, e.g. 2025-02-21 or 2025-02-21T10:00:00+02:00)",
            "line 8: Source: 'ftp://crm/deal/3' is not a link: it must start with http:// or https://; \
             Revenue_at_stake: must not be negative (got -300)",
            "line 9: Summary: must not be empty",
            "line 10: Revenue_at_stake: '12.5k' is not an amount in whole units, such as 12500 or 12,500.50",
            "11: market_research",
        ]
    );
    let first = &rows[0].as_ref().unwrap().evidence;
    assert_eq!(first.customer.as_deref(), Some("Globex"));
    assert_eq!(first.source.as_deref(), Some("https://support.example.com/t/4711"));
    assert_eq!(first.date, Some(date!(2026 - 03 - 04)));
    assert_eq!((first.revenue_at_stake, first.customers_affected), (Some(1_250_000), Some(40)));
    assert_eq!(first.currency.as_str(), "USD");
    assert_eq!(rows[2].as_ref().unwrap().evidence.revenue_at_stake, Some(5_000_000), "50,000.00 in whole units");
    let interview = &rows[1].as_ref().unwrap().evidence;
    assert_eq!((interview.source.as_deref(), interview.revenue_at_stake), (None, None), "empty cells are absent");
    assert_eq!(interview.currency.as_str(), "EUR", "an empty currency is the default");
    assert_eq!(rows[2].as_ref().unwrap().evidence.currency.as_str(), "USD", "codes in any case");
}

#[test]
fn a_mapping_with_other_names_a_delimiter_and_a_date_format() {
    let file = "Type;Quote;Account;When;ARR;Link;Extra\n\
                Sales Request;Needs SSO;Globex;02.03.2026;9900;https://crm.example.com/1;x\n\
                experiment-result;Checkout test won;;2026-03-02;;;y\n";
    let mapping = EvidenceMapping {
        delimiter: b';',
        kind: Some("type".to_owned()),
        summary: Some("Quote".to_owned()),
        customer: Some("Account".to_owned()),
        date: Some("When".to_owned()),
        revenue_at_stake: Some("ARR".to_owned()),
        source: Some("Link".to_owned()),
        date_format: Some("%d.%m.%Y".parse().unwrap()),
        ..EvidenceMapping::default()
    };
    let rows: Vec<_> = evidence_csv(file.as_bytes(), &mapping).unwrap().collect();
    let first = &rows[0].as_ref().unwrap().evidence;
    assert_eq!(first.kind, EvidenceKind::SalesRequest);
    assert_eq!((first.customer.as_deref(), first.date), (Some("Globex"), Some(date!(2026 - 03 - 02))));
    assert_eq!(first.revenue_at_stake, Some(990_000));
    assert_eq!(
        rows[1].as_ref().unwrap_err().to_string(),
        "line 3: When: '2026-03-02' is not a date (expected %d.%m.%Y)"
    );
}

#[test]
fn missing_columns_fail_before_any_row() {
    let missing = |file: &str, mapping: &EvidenceMapping| match evidence_csv(file.as_bytes(), mapping) {
        Err(error @ ImportError::MissingColumn { .. }) => error.to_string(),
        Err(other) => panic!("expected a missing column, got {other}"),
        Ok(_) => panic!("expected a missing column"),
    };
    assert_eq!(
        missing("kind,text\nsupport_ticket,x\n", &EvidenceMapping::default()),
        "no column 'summary' in the header (columns: kind, text)"
    );
    let named = EvidenceMapping { customer: Some("Account".to_owned()), ..EvidenceMapping::default() };
    assert_eq!(
        missing("kind,summary\nsupport_ticket,x\n", &named),
        "no column 'Account' in the header (columns: kind, summary)",
        "a column that is named must be there"
    );
    let rows: Vec<_> =
        evidence_csv("KIND,SUMMARY\nsupport ticket,Slow\n".as_bytes(), &EvidenceMapping::default()).unwrap().collect();
    assert_eq!(lines(&rows), ["2: support_ticket"], "the optional columns may be absent");
    assert!(matches!(evidence_csv("".as_bytes(), &EvidenceMapping::default()), Err(ImportError::Empty)));
}
