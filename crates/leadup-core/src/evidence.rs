//! Evidence: what customers, the market and experiments say, recorded so that a proposal
//! can point at it (an interview quote, a ticket, a sales request, a usage figure, ...).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::initiative::{DEFAULT_CURRENCY, nullable};
use crate::money::Currency;
use crate::validation::required_text;
use crate::{ValidationErrors, date};

/// Where a piece of evidence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// What a customer said in an interview.
    CustomerInterview,
    /// A support ticket.
    SupportTicket,
    /// A request from sales (a deal that needs something).
    SalesRequest,
    /// The result of a survey.
    SurveyResult,
    /// A figure from product usage.
    UsageMetric,
    /// Market research: analysts, studies, sizing.
    MarketResearch,
    /// Something a competitor did.
    CompetitorMove,
    /// The result of an experiment (A/B test, prototype, pilot).
    ExperimentResult,
}

impl EvidenceKind {
    /// Every kind, in the order they are offered.
    pub const ALL: [Self; 8] = [
        Self::CustomerInterview,
        Self::SupportTicket,
        Self::SalesRequest,
        Self::SurveyResult,
        Self::UsageMetric,
        Self::MarketResearch,
        Self::CompetitorMove,
        Self::ExperimentResult,
    ];

    /// The snake-case name used in the API, the CLI and storage, e.g. `customer_interview`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomerInterview => "customer_interview",
            Self::SupportTicket => "support_ticket",
            Self::SalesRequest => "sales_request",
            Self::SurveyResult => "survey_result",
            Self::UsageMetric => "usage_metric",
            Self::MarketResearch => "market_research",
            Self::CompetitorMove => "competitor_move",
            Self::ExperimentResult => "experiment_result",
        }
    }

    /// The name shown to people, e.g. "customer interview".
    pub fn label(self) -> &'static str {
        match self {
            Self::CustomerInterview => "customer interview",
            Self::SupportTicket => "support ticket",
            Self::SalesRequest => "sales request",
            Self::SurveyResult => "survey result",
            Self::UsageMetric => "usage metric",
            Self::MarketResearch => "market research",
            Self::CompetitorMove => "competitor move",
            Self::ExperimentResult => "experiment result",
        }
    }

    /// Parses a kind in any case; `customer interview`, `customer-interview` and
    /// `customer_interview` are all accepted.
    pub fn parse(value: &str) -> Option<Self> {
        let normal = value.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL.into_iter().find(|k| k.as_str() == normal)
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The longest summary or quote, in characters.
pub const MAX_SUMMARY_CHARS: usize = 2000;

/// One piece of evidence as stored. Serialises in the same shape as [`EvidenceInput`], plus
/// its `id` and its owner's `recorder_id` (set by the server, never sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Stable identifier.
    pub id: i64,
    /// Where it comes from.
    pub kind: EvidenceKind,
    /// What was said or seen: a summary or a quote.
    pub summary: String,
    /// A link to the source (ticket, recording, report), `http://` or `https://`.
    pub source: Option<String>,
    /// When it was said or seen.
    pub date: Option<Date>,
    /// The customer or segment it comes from.
    pub customer: Option<String>,
    /// How many customers it affects.
    pub customers_affected: Option<i64>,
    /// Revenue at stake, in minor units of `currency`.
    pub revenue_at_stake: Option<i64>,
    /// The currency of `revenue_at_stake`.
    pub currency: Currency,
    /// Who recorded it, as they named themselves (free text, e.g. the interviewer).
    pub recorded_by: Option<String>,
    /// The user who recorded it: its owner, who may change it (with the managers of the
    /// teams citing it and administrators, see [`crate::access::EvidenceStewards`]). `None`
    /// for evidence recorded before owners were kept, or by the operator from the command line.
    pub recorder_id: Option<i64>,
}

impl Evidence {
    /// The input that would recreate this evidence.
    pub fn to_input(&self) -> EvidenceInput {
        EvidenceInput {
            kind: self.kind.as_str().to_owned(),
            summary: self.summary.clone(),
            source: self.source.clone(),
            date: self.date.map(date::format),
            customer: self.customer.clone(),
            customers_affected: self.customers_affected,
            revenue_at_stake: self.revenue_at_stake,
            currency: self.currency.as_str().to_owned(),
            recorded_by: self.recorded_by.clone(),
        }
    }
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a> {
            id: i64,
            #[serde(flatten)]
            input: &'a EvidenceInput,
            recorder_id: Option<i64>,
        }
        Shape { id: self.id, input: &self.to_input(), recorder_id: self.recorder_id }.serialize(serializer)
    }
}

fn default_currency() -> String {
    DEFAULT_CURRENCY.to_owned()
}

/// Evidence as entered, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// One of the [`EvidenceKind`] names, e.g. `support_ticket`.
    pub kind: String,
    /// See [`Evidence::summary`].
    pub summary: String,
    /// See [`Evidence::source`].
    #[serde(default)]
    pub source: Option<String>,
    /// See [`Evidence::date`], `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
    /// See [`Evidence::customer`].
    #[serde(default)]
    pub customer: Option<String>,
    /// See [`Evidence::customers_affected`].
    #[serde(default)]
    pub customers_affected: Option<i64>,
    /// See [`Evidence::revenue_at_stake`], in minor units.
    #[serde(default)]
    pub revenue_at_stake: Option<i64>,
    /// ISO 4217 code; `EUR` when omitted.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// See [`Evidence::recorded_by`].
    #[serde(default)]
    pub recorded_by: Option<String>,
}

/// Validated evidence, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceDraft {
    /// See [`Evidence::kind`].
    pub kind: EvidenceKind,
    /// See [`Evidence::summary`]; trimmed, never empty.
    pub summary: String,
    /// See [`Evidence::source`].
    pub source: Option<String>,
    /// See [`Evidence::date`].
    pub date: Option<Date>,
    /// See [`Evidence::customer`].
    pub customer: Option<String>,
    /// See [`Evidence::customers_affected`]; never negative.
    pub customers_affected: Option<i64>,
    /// See [`Evidence::revenue_at_stake`]; never negative.
    pub revenue_at_stake: Option<i64>,
    /// See [`Evidence::currency`].
    pub currency: Currency,
    /// See [`Evidence::recorded_by`].
    pub recorded_by: Option<String>,
}

impl EvidenceInput {
    /// Evidence of `kind` saying `summary`, with every other field left out.
    pub fn new(kind: impl Into<String>, summary: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            summary: summary.into(),
            source: None,
            date: None,
            customer: None,
            customers_affected: None,
            revenue_at_stake: None,
            currency: default_currency(),
            recorded_by: None,
        }
    }

    /// Checks every field and names each one that is invalid.
    pub fn validate(self) -> Result<EvidenceDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = EvidenceKind::parse(&self.kind).unwrap_or_else(|| {
            let names: Vec<&str> = EvidenceKind::ALL.into_iter().map(EvidenceKind::as_str).collect();
            errors.add("kind", format!("'{}' is not a kind: use {}", self.kind, names.join(", ")));
            EvidenceKind::CustomerInterview
        });
        let summary = required_text(&mut errors, "summary", &self.summary, MAX_SUMMARY_CHARS);
        let source = optional(&mut errors, "source", self.source.as_deref(), 2000);
        if let Some(link) = &source
            && !(link.starts_with("http://") || link.starts_with("https://"))
        {
            errors.add("source", format!("'{link}' is not a link: it must start with http:// or https://"));
        }
        let date = self
            .date
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .and_then(|d| date::parse_field(&mut errors, "date", d));
        let customer = optional(&mut errors, "customer", self.customer.as_deref(), 200);
        let recorded_by = optional(&mut errors, "recorded_by", self.recorded_by.as_deref(), 200);
        for (field, value) in
            [("customers_affected", self.customers_affected), ("revenue_at_stake", self.revenue_at_stake)]
        {
            if let Some(n) = value.filter(|n| *n < 0) {
                errors.add(field, format!("must not be negative (got {n})"));
            }
        }
        let currency = Currency::parse_field(&mut errors, "currency", &self.currency);
        errors.into_result(|| EvidenceDraft {
            kind,
            summary,
            source,
            date,
            customer,
            customers_affected: self.customers_affected,
            revenue_at_stake: self.revenue_at_stake,
            currency,
            recorded_by,
        })
    }
}

/// Changes to a piece of evidence; absent fields stay as they are, and `null` clears the
/// optional ones. Applied to the stored evidence's [`Evidence::to_input`] and validated again,
/// so an update is held to the same rules as a create.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::option_option)] // absent versus null is the point of a patch
pub struct EvidencePatch {
    /// New kind.
    pub kind: Option<String>,
    /// New summary.
    pub summary: Option<String>,
    /// New source link; `Some(None)` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub source: Option<Option<String>>,
    /// New date; `Some(None)` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub date: Option<Option<String>>,
    /// New customer; `Some(None)` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub customer: Option<Option<String>>,
    /// New number of customers affected; `Some(None)` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub customers_affected: Option<Option<i64>>,
    /// New revenue at stake; `Some(None)` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub revenue_at_stake: Option<Option<i64>>,
    /// New currency.
    pub currency: Option<String>,
    /// New recorder; `Some(None)` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub recorded_by: Option<Option<String>>,
}

impl EvidencePatch {
    /// Applies the changes to `input`.
    pub fn apply(self, input: &mut EvidenceInput) {
        if let Some(v) = self.kind {
            input.kind = v;
        }
        if let Some(v) = self.summary {
            input.summary = v;
        }
        if let Some(v) = self.source {
            input.source = v;
        }
        if let Some(v) = self.date {
            input.date = v;
        }
        if let Some(v) = self.customer {
            input.customer = v;
        }
        if let Some(v) = self.customers_affected {
            input.customers_affected = v;
        }
        if let Some(v) = self.revenue_at_stake {
            input.revenue_at_stake = v;
        }
        if let Some(v) = self.currency {
            input.currency = v;
        }
        if let Some(v) = self.recorded_by {
            input.recorded_by = v;
        }
    }
}

/// Trims an optional text; blank becomes `None`; too long is an error under `field`.
fn optional(errors: &mut ValidationErrors, field: &str, value: Option<&str>, max_chars: usize) -> Option<String> {
    let trimmed = value.map(str::trim).filter(|v| !v.is_empty())?;
    if trimmed.chars().count() > max_chars {
        errors.add(field, format!("must be at most {max_chars} characters"));
    }
    Some(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn input() -> EvidenceInput {
        EvidenceInput {
            kind: "support_ticket".into(),
            summary: "  Refunds take two weeks to arrive  ".into(),
            source: Some("https://support.example.com/t/4711".into()),
            date: Some("2026-03-04".into()),
            customer: Some(" Globex ".into()),
            customers_affected: Some(12),
            revenue_at_stake: Some(4_500_000),
            currency: "usd".into(),
            recorded_by: Some("Priya".into()),
        }
    }

    fn errors(input: EvidenceInput) -> String {
        input.validate().unwrap_err().summary()
    }

    #[test]
    fn valid_input_is_trimmed_and_typed() {
        let draft = input().validate().unwrap();
        assert_eq!(draft.kind, EvidenceKind::SupportTicket);
        assert_eq!(draft.summary, "Refunds take two weeks to arrive");
        assert_eq!(draft.customer.as_deref(), Some("Globex"));
        assert_eq!(draft.date, Some(date!(2026 - 03 - 04)));
        assert_eq!(draft.currency.as_str(), "USD");
        assert_eq!((draft.customers_affected, draft.revenue_at_stake), (Some(12), Some(4_500_000)));
        let minimal = EvidenceInput::new("usage_metric", "Exports doubled").validate().unwrap();
        assert_eq!((minimal.source, minimal.date, minimal.customer), (None, None, None));
        assert_eq!(minimal.currency.as_str(), "EUR");
    }

    #[test]
    fn kinds_parse_by_name_and_label() {
        for kind in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::parse(kind.as_str()), Some(kind));
            assert_eq!(EvidenceKind::parse(kind.label()), Some(kind));
        }
        assert_eq!(EvidenceKind::parse("Competitor-Move"), Some(EvidenceKind::CompetitorMove));
        assert_eq!(EvidenceKind::CustomerInterview.label(), "customer interview");
        assert_eq!(EvidenceKind::parse("rumour"), None);
    }

    #[test]
    fn an_unknown_kind_lists_the_kinds() {
        assert_eq!(
            errors(EvidenceInput { kind: "rumour".into(), ..input() }),
            "kind: 'rumour' is not a kind: use customer_interview, support_ticket, sales_request, survey_result, \
             usage_metric, market_research, competitor_move, experiment_result"
        );
    }

    #[test]
    fn the_summary_is_required_and_bounded() {
        assert_eq!(errors(EvidenceInput { summary: "   ".into(), ..input() }), "summary: must not be empty");
        let long = "é".repeat(MAX_SUMMARY_CHARS + 1);
        assert_eq!(errors(EvidenceInput { summary: long, ..input() }), "summary: must be at most 2000 characters");
        let longest = "é".repeat(MAX_SUMMARY_CHARS);
        assert!(EvidenceInput { summary: longest, ..input() }.validate().is_ok());
    }

    #[test]
    fn the_source_must_be_a_web_link() {
        assert_eq!(
            errors(EvidenceInput { source: Some("ftp://files/x".into()), ..input() }),
            "source: 'ftp://files/x' is not a link: it must start with http:// or https://"
        );
        let plain = EvidenceInput { source: Some("http://wiki/notes".into()), ..input() }.validate().unwrap();
        assert_eq!(plain.source.as_deref(), Some("http://wiki/notes"));
        let blank = EvidenceInput { source: Some(" ".into()), ..input() }.validate().unwrap();
        assert_eq!(blank.source, None);
    }

    #[test]
    fn the_date_must_be_iso() {
        assert_eq!(
            errors(EvidenceInput { date: Some("04.03.2026".into()), ..input() }),
            "date: '04.03.2026' is not a date in the form YYYY-MM-DD"
        );
        assert_eq!(
            errors(EvidenceInput { date: Some("2026-02-30".into()), ..input() }),
            "date: '2026-02-30' is not a date in the form YYYY-MM-DD"
        );
    }

    #[test]
    fn quantities_must_not_be_negative() {
        assert_eq!(
            errors(EvidenceInput { customers_affected: Some(-1), revenue_at_stake: Some(-500), ..input() }),
            "customers_affected: must not be negative (got -1); revenue_at_stake: must not be negative (got -500)"
        );
        let zero = EvidenceInput { customers_affected: Some(0), revenue_at_stake: Some(0), ..input() };
        assert!(zero.validate().is_ok());
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = EvidenceInput {
            kind: "gossip".into(),
            summary: String::new(),
            source: Some("example.com".into()),
            currency: "euro".into(),
            ..input()
        };
        let fields: Vec<String> = bad.validate().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "summary", "source", "currency"]);
    }

    #[test]
    fn a_patch_changes_what_it_names_clears_nulls_and_is_validated_again() {
        let mut evidence = input();
        let patch: EvidencePatch = serde_json::from_value(serde_json::json!({
            "summary": "Refunds now take three days", "customer": null, "revenue_at_stake": null, "kind": "survey result"
        }))
        .unwrap();
        patch.apply(&mut evidence);
        let draft = evidence.clone().validate().unwrap();
        assert_eq!(draft.kind, EvidenceKind::SurveyResult);
        assert_eq!(draft.summary, "Refunds now take three days");
        assert_eq!((draft.customer, draft.revenue_at_stake), (None, None));
        assert_eq!(draft.source.as_deref(), Some("https://support.example.com/t/4711"), "absent stays");
        assert_eq!(draft.customers_affected, Some(12));
        EvidencePatch { date: Some(Some("yesterday".into())), ..EvidencePatch::default() }.apply(&mut evidence);
        assert_eq!(errors(evidence), "date: 'yesterday' is not a date in the form YYYY-MM-DD");
    }

    #[test]
    fn serialises_as_its_input_plus_id() {
        let draft = input().validate().unwrap();
        let evidence = Evidence {
            id: 7,
            kind: draft.kind,
            summary: draft.summary,
            source: draft.source,
            date: draft.date,
            customer: draft.customer,
            customers_affected: draft.customers_affected,
            revenue_at_stake: draft.revenue_at_stake,
            currency: draft.currency,
            recorded_by: draft.recorded_by,
            recorder_id: Some(3),
        };
        let json = serde_json::to_value(&evidence).unwrap();
        assert_eq!(json["id"], 7);
        assert_eq!(json["kind"], "support_ticket");
        assert_eq!(json["date"], "2026-03-04");
        assert_eq!(json["revenue_at_stake"], 4_500_000);
        assert_eq!(json["currency"], "USD");
        assert_eq!(json["recorder_id"], 3);
        let back: EvidenceInput =
            serde_json::from_value(serde_json::json!({"kind": "sales_request", "summary": "Needs SSO"})).unwrap();
        assert_eq!(back, EvidenceInput::new("sales_request", "Needs SSO"));
    }
}
