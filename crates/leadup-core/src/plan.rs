//! Plans: a team's committed initiatives for a period, each with a target date, a budget and
//! its remaining scope, in priority order.
//!
//! A plan has numbered versions that go draft → submitted → approved. The approved version
//! is the **baseline**: immutable, identified by the SHA-256 of its canonical content; when a
//! newer version is approved (from an accepted change request or a re-plan), the old baseline
//! becomes superseded. [`diff`] says what changed between any two versions.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::money::check_budget;
use crate::validation::required_text;
use crate::{ValidationErrors, date, digest};

/// One initiative in a plan.
///
/// Its fields serialise in declaration order, which is part of the canonical content (and
/// so of the content hash): do not reorder them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanItem {
    /// The initiative (of the plan's team).
    pub initiative_id: i64,
    /// The date it is committed to be done by.
    #[serde(with = "date::iso_date")]
    pub target_date: Date,
    /// Its budget in minor units of the initiative's currency.
    pub budget: i64,
    /// Its remaining scope, in work items.
    pub scope: u32,
}

/// What a plan version commits to: its items, highest priority first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanContent {
    /// The items in priority order; each initiative at most once.
    pub items: Vec<PlanItem>,
}

impl PlanContent {
    /// The content as canonical JSON: an array of items in plan order, each an object with
    /// `initiative_id`, `target_date` (`YYYY-MM-DD`), `budget` and `scope` in that order, no
    /// white space. Equal contents give equal text.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(&self.items).expect("plan items always serialise")
    }

    /// Reads content written by [`canonical_json`](Self::canonical_json); `Err` says why the
    /// text is not such content.
    pub fn from_canonical_json(text: &str) -> Result<Self, String> {
        let items: Vec<PlanItem> = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let content = Self { items };
        match content.duplicate() {
            Some(id) => Err(format!("initiative {id} is listed twice")),
            None => Ok(content),
        }
    }

    /// The SHA-256 of the canonical JSON, as 64 lower-case hex digits.
    pub fn content_hash(&self) -> String {
        digest::sha256_hex(&self.canonical_json())
    }

    /// The item of initiative `initiative_id`, if it is in the plan.
    pub fn item(&self, initiative_id: i64) -> Option<&PlanItem> {
        self.items.iter().find(|i| i.initiative_id == initiative_id)
    }

    /// Where initiative `initiative_id` stands in priority order (0 first).
    pub fn position(&self, initiative_id: i64) -> Option<usize> {
        self.items.iter().position(|i| i.initiative_id == initiative_id)
    }

    /// The sum of the items' budgets.
    pub fn total_budget(&self) -> i64 {
        self.items.iter().map(|i| i.budget).sum()
    }

    fn duplicate(&self) -> Option<i64> {
        self.items
            .iter()
            .enumerate()
            .find(|(n, item)| self.items[..*n].iter().any(|earlier| earlier.initiative_id == item.initiative_id))
            .map(|(_, item)| item.initiative_id)
    }
}

impl Serialize for PlanContent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

/// One plan item as entered, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanItemInput {
    /// See [`PlanItem::initiative_id`].
    pub initiative_id: i64,
    /// `YYYY-MM-DD`.
    pub target_date: String,
    /// Minor units, not negative.
    #[serde(default)]
    pub budget: i64,
    /// Work items, not negative.
    pub scope: i64,
}

impl PlanItemInput {
    /// Checks the item, naming bad fields as `{prefix}.{field}` (e.g. `items[2].scope`).
    pub(crate) fn validate_into(&self, errors: &mut ValidationErrors, prefix: &str) -> Option<PlanItem> {
        let target_date = date::parse_field(errors, &format!("{prefix}.target_date"), &self.target_date);
        let budget = budget_field(errors, &format!("{prefix}.budget"), self.budget);
        let scope = scope_field(errors, &format!("{prefix}.scope"), self.scope);
        Some(PlanItem { initiative_id: self.initiative_id, target_date: target_date?, budget: budget?, scope: scope? })
    }
}

/// Checks a budget in minor units: not negative.
pub(crate) fn budget_field(errors: &mut ValidationErrors, field: &str, budget: i64) -> Option<i64> {
    let before = errors.0.len();
    check_budget(errors, field, budget);
    (errors.0.len() == before).then_some(budget)
}

/// Checks a scope in work items: not negative and not absurdly large.
pub(crate) fn scope_field(errors: &mut ValidationErrors, field: &str, scope: i64) -> Option<u32> {
    let parsed = u32::try_from(scope).ok();
    if parsed.is_none() {
        errors.add(field, format!("must be a number of work items from 0 to {} (got {scope})", u32::MAX));
    }
    parsed
}

/// Validates plan items, naming bad fields as `items[N].field`.
pub fn validate_items(items: &[PlanItemInput]) -> Result<PlanContent, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let content = items_into(&mut errors, items);
    errors.into_result(|| content)
}

fn items_into(errors: &mut ValidationErrors, items: &[PlanItemInput]) -> PlanContent {
    let mut content = PlanContent::default();
    for (n, input) in items.iter().enumerate() {
        if items[..n].iter().any(|earlier| earlier.initiative_id == input.initiative_id) {
            errors.add(
                format!("items[{n}].initiative_id"),
                format!("initiative {} is listed twice", input.initiative_id),
            );
        }
        if let Some(item) = input.validate_into(errors, &format!("items[{n}]")) {
            content.items.push(item);
        }
    }
    content
}

/// The days a plan covers, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day.
    #[serde(with = "date::iso_date")]
    pub start: Date,
    /// Last day.
    #[serde(with = "date::iso_date")]
    pub end: Date,
}

/// A new plan as entered: its team, name, period and first draft's items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// The team whose plan it is.
    pub team_id: i64,
    /// A name such as "2027 Q1"; unique within the team.
    pub name: String,
    /// First day of the period, `YYYY-MM-DD`.
    pub period_start: String,
    /// Last day of the period, `YYYY-MM-DD`.
    pub period_end: String,
    /// The first draft's items, highest priority first.
    #[serde(default)]
    pub items: Vec<PlanItemInput>,
}

/// A validated new plan, ready to store. References (team, initiatives) are checked by the
/// store, which alone knows what exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDraft {
    /// See [`PlanInput::team_id`].
    pub team_id: i64,
    /// See [`PlanInput::name`].
    pub name: String,
    /// The period the plan covers.
    pub period: Period,
    /// The first draft's content.
    pub content: PlanContent,
}

impl PlanInput {
    /// Checks every field and names each one that is invalid.
    pub fn validate(self) -> Result<PlanDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &self.name, 100);
        let start = date::parse_field(&mut errors, "period_start", &self.period_start);
        let end = date::parse_field(&mut errors, "period_end", &self.period_end);
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            errors.add("period_end", format!("{} is before period_start {}", date::format(end), date::format(start)));
        }
        let content = items_into(&mut errors, &self.items);
        let period = start.zip(end).map(|(start, end)| Period { start, end });
        errors.into_result(|| PlanDraft {
            team_id: self.team_id,
            name,
            period: period.expect("valid dates when there are no errors"),
            content,
        })
    }
}

/// Where a plan version is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    /// Being written; the only status that can be edited.
    Draft,
    /// Waiting for an executive's approval.
    Submitted,
    /// The baseline: approved, immutable.
    Approved,
    /// Was the baseline until a newer version was approved.
    Superseded,
}

impl VersionStatus {
    /// Every status in life-cycle order.
    pub const ALL: [Self; 4] = [Self::Draft, Self::Submitted, Self::Approved, Self::Superseded];

    /// The snake-case name used in the API and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Superseded => "superseded",
        }
    }

    /// Parses a status name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

impl fmt::Display for VersionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a plan version came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Written as a draft (the plan's first version).
    Edit,
    /// Created by accepting a change request against the previous baseline.
    ChangeRequest,
    /// A draft started from the baseline for a re-plan.
    Replan,
}

impl Origin {
    /// Every origin.
    pub const ALL: [Self; 3] = [Self::Edit, Self::ChangeRequest, Self::Replan];

    /// The snake-case name used in the API and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::ChangeRequest => "change_request",
            Self::Replan => "replan",
        }
    }

    /// Parses an origin name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == value)
    }
}

/// Who did something, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SignOff {
    /// The user's id.
    pub user_id: i64,
    /// When (to the second).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The confidence the manager states, on submitting a version, of meeting one item's target:
/// the confidence of the commitment approving the version makes (see
/// `leadup_app::commitments::approve_plan`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatedConfidence {
    /// The item's initiative.
    pub initiative_id: i64,
    /// The probability of meeting the item's target date, 0 to 1.
    pub confidence: f64,
}

/// Checks the confidences stated on submitting a version of `content`: each a probability,
/// for an initiative of the version, at most once (errors under `stated_confidence[N].field`).
/// Returns them in the version's item order.
pub fn check_stated_confidence(
    content: &PlanContent,
    stated: &[StatedConfidence],
) -> Result<Vec<StatedConfidence>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    for (n, s) in stated.iter().enumerate() {
        crate::commitment::check_confidence(&mut errors, &format!("stated_confidence[{n}].confidence"), s.confidence);
        let field = format!("stated_confidence[{n}].initiative_id");
        if !content.items.iter().any(|item| item.initiative_id == s.initiative_id) {
            errors.add(field, format!("initiative {} is not an item of this version", s.initiative_id));
        } else if stated[..n].iter().any(|earlier| earlier.initiative_id == s.initiative_id) {
            errors.add(field, format!("initiative {} has a confidence stated twice", s.initiative_id));
        }
    }
    errors.into_result(|| {
        content
            .items
            .iter()
            .filter_map(|item| stated.iter().find(|s| s.initiative_id == item.initiative_id).copied())
            .collect()
    })
}

/// One version of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanVersion {
    /// 1, 2, 3, ... within the plan.
    pub number: u32,
    /// Draft, submitted, approved or superseded.
    pub status: VersionStatus,
    /// How it came about.
    pub origin: Origin,
    /// What it commits to.
    pub content: PlanContent,
    /// [`PlanContent::content_hash`] of `content`.
    pub content_hash: String,
    /// Who created it, and when.
    pub created: SignOff,
    /// Who submitted it for approval, and when.
    pub submitted: Option<SignOff>,
    /// The executive who approved it, and when.
    pub approved: Option<SignOff>,
    /// The confidences the manager stated on submitting it, in item order; items without one
    /// are committed to with the forecast's chance at approval.
    pub stated_confidence: Vec<StatedConfidence>,
}

/// A team's plan for a period, with every version, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Stable identifier.
    pub id: i64,
    /// The team whose plan it is.
    pub team_id: i64,
    /// E.g. "2027 Q1".
    pub name: String,
    /// The days it covers.
    pub period: Period,
    /// Every version, by number.
    pub versions: Vec<PlanVersion>,
    /// Every decision on a submitted version (approved or sent back), oldest first.
    pub decisions: Vec<PlanDecision>,
}

/// What an executive decided about a submitted plan version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanOutcome {
    /// Approved into the baseline.
    Approved,
    /// Sent back to the manager as a draft, with a comment.
    SentBack,
}

impl PlanOutcome {
    /// Both outcomes.
    pub const ALL: [Self; 2] = [Self::Approved, Self::SentBack];

    /// The snake-case name used in the API and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::SentBack => "sent_back",
        }
    }

    /// Parses an outcome name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == value)
    }

    /// "approved" or "sent back", for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::SentBack => "sent back",
        }
    }
}

/// One decision on a submitted plan version, with the executive's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanDecision {
    /// The version decided on.
    pub version: u32,
    /// Approved or sent back.
    pub outcome: PlanOutcome,
    /// The executive who decided, and when.
    pub decided: SignOff,
    /// Why, if they said.
    pub reason: Option<String>,
}

/// The longest reason given with a decision, in characters.
pub const MAX_DECISION_REASON_CHARS: usize = 4000;

/// Checks the optional reason given with a decision (a plan approved or sent back, a proposal
/// moved): trimmed, empty means none, at most [`MAX_DECISION_REASON_CHARS`] characters.
pub fn decision_reason(reason: Option<&str>) -> Result<Option<String>, ValidationErrors> {
    let Some(text) = reason.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let count = text.chars().count();
    if count > MAX_DECISION_REASON_CHARS {
        let mut errors = ValidationErrors::default();
        errors.add("reason", format!("must be at most {MAX_DECISION_REASON_CHARS} characters (got {count})"));
        return Err(errors);
    }
    Ok(Some(text.to_owned()))
}

impl Plan {
    /// The approved version in force, if any has been approved.
    pub fn baseline(&self) -> Option<&PlanVersion> {
        self.versions.iter().find(|v| v.status == VersionStatus::Approved)
    }

    /// The newest version.
    pub fn latest(&self) -> Option<&PlanVersion> {
        self.versions.last()
    }

    /// Version number `number`.
    pub fn version(&self, number: u32) -> Option<&PlanVersion> {
        self.versions.iter().find(|v| v.number == number)
    }

    /// The version in the making (draft or submitted), if any.
    pub fn open_version(&self) -> Option<&PlanVersion> {
        self.versions.iter().find(|v| matches!(v.status, VersionStatus::Draft | VersionStatus::Submitted))
    }

    /// The decision that sent version `number` back, while it is a draft again (not
    /// submitted since): the comment its manager should see.
    pub fn sent_back(&self, number: u32) -> Option<&PlanDecision> {
        self.version(number).filter(|v| v.status == VersionStatus::Draft)?;
        self.decisions.iter().rev().find(|d| d.version == number).filter(|d| d.outcome == PlanOutcome::SentBack)
    }
}

/// A value of one initiative that differs between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Changed<T> {
    /// The initiative.
    pub initiative_id: i64,
    /// Its value in the older version.
    pub old: T,
    /// Its value in the newer version.
    pub new: T,
}

/// A target date that differs between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Redated {
    /// The initiative.
    pub initiative_id: i64,
    /// Its target date in the older version.
    #[serde(with = "date::iso_date")]
    pub old: Date,
    /// Its target date in the newer version.
    #[serde(with = "date::iso_date")]
    pub new: Date,
}

/// What changed from one plan version to another.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PlanDiff {
    /// Items only in the newer version, in its order.
    pub added: Vec<PlanItem>,
    /// Items only in the older version, in its order.
    pub removed: Vec<PlanItem>,
    /// Target dates that moved.
    pub redated: Vec<Redated>,
    /// Budgets that changed (minor units).
    pub rebudgeted: Vec<Changed<i64>>,
    /// Remaining scopes that changed (work items).
    pub rescoped: Vec<Changed<u32>>,
    /// Initiatives in both whose order among each other changed: their ranks (1 first) among
    /// the initiatives in both versions, older and newer. Moving down because something was
    /// added above is not re-prioritising, so only the initiatives in both are ranked.
    pub reprioritised: Vec<Changed<usize>>,
}

impl PlanDiff {
    /// Whether the two versions commit to the same.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.redated.is_empty()
            && self.rebudgeted.is_empty()
            && self.rescoped.is_empty()
            && self.reprioritised.is_empty()
    }
}

/// What changed from `old` to `new`, each list in the newer version's order (removals in
/// the older one's).
pub fn diff(old: &PlanContent, new: &PlanContent) -> PlanDiff {
    let mut result = PlanDiff {
        added: new.items.iter().filter(|i| old.item(i.initiative_id).is_none()).cloned().collect(),
        removed: old.items.iter().filter(|i| new.item(i.initiative_id).is_none()).cloned().collect(),
        ..PlanDiff::default()
    };
    let common_old: Vec<i64> = old.items.iter().map(|i| i.initiative_id).filter(|id| new.item(*id).is_some()).collect();
    for (rank_new, item) in new.items.iter().filter(|i| old.item(i.initiative_id).is_some()).enumerate() {
        let id = item.initiative_id;
        let before = old.item(id).expect("filtered to items in both");
        if before.target_date != item.target_date {
            result.redated.push(Redated { initiative_id: id, old: before.target_date, new: item.target_date });
        }
        if before.budget != item.budget {
            result.rebudgeted.push(Changed { initiative_id: id, old: before.budget, new: item.budget });
        }
        if before.scope != item.scope {
            result.rescoped.push(Changed { initiative_id: id, old: before.scope, new: item.scope });
        }
        let rank_old = common_old.iter().position(|c| *c == id).expect("in both");
        if rank_old != rank_new {
            result.reprioritised.push(Changed { initiative_id: id, old: rank_old + 1, new: rank_new + 1 });
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use super::*;

    fn item(initiative_id: i64, target: Date, budget: i64, scope: u32) -> PlanItem {
        PlanItem { initiative_id, target_date: target, budget, scope }
    }

    fn plan_input(value: serde_json::Value) -> PlanInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_valid_plan_keeps_its_order() {
        let draft = plan_input(json!({
            "team_id": 3, "name": " 2027 Q1 ", "period_start": "2027-01-01", "period_end": "2027-03-31",
            "items": [
                {"initiative_id": 9, "target_date": "2027-02-15", "budget": 500_000, "scope": 12},
                {"initiative_id": 4, "target_date": "2027-03-31", "scope": 30}
            ]
        }))
        .validate()
        .unwrap();
        assert_eq!(draft.name, "2027 Q1");
        assert_eq!(draft.period, Period { start: date!(2027 - 01 - 01), end: date!(2027 - 03 - 31) });
        assert_eq!(
            draft.content.items,
            vec![item(9, date!(2027 - 02 - 15), 500_000, 12), item(4, date!(2027 - 03 - 31), 0, 30)]
        );
        assert_eq!(draft.content.total_budget(), 500_000);
        assert_eq!(draft.content.position(4), Some(1));
    }

    #[test]
    fn stated_confidences_follow_the_item_order_and_bad_ones_are_named() {
        let content =
            PlanContent { items: vec![item(9, date!(2027 - 02 - 15), 0, 12), item(4, date!(2027 - 03 - 31), 0, 30)] };
        let stated = |initiative_id, confidence| StatedConfidence { initiative_id, confidence };
        assert_eq!(
            check_stated_confidence(&content, &[stated(4, 0.6), stated(9, 0.9)]).unwrap(),
            [stated(9, 0.9), stated(4, 0.6)]
        );
        assert_eq!(check_stated_confidence(&content, &[]).unwrap(), []);
        let errors =
            check_stated_confidence(&content, &[stated(9, 1.5), stated(7, 0.5), stated(9, 0.5), stated(4, f64::NAN)])
                .unwrap_err();
        let named: Vec<(&str, &str)> = errors.0.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            named,
            [
                ("stated_confidence[0].confidence", "1.5 is not a probability from 0 to 1 (write 80% as 0.8)"),
                ("stated_confidence[1].initiative_id", "initiative 7 is not an item of this version"),
                ("stated_confidence[2].initiative_id", "initiative 9 has a confidence stated twice"),
                ("stated_confidence[3].confidence", "NaN is not a probability from 0 to 1 (write 80% as 0.8)"),
            ]
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = plan_input(json!({
            "team_id": 3, "name": "", "period_start": "2027-04-01", "period_end": "2027-03-31",
            "items": [
                {"initiative_id": 9, "target_date": "15.2.2027", "budget": -1, "scope": 12},
                {"initiative_id": 9, "target_date": "2027-03-31", "scope": -4}
            ]
        }))
        .validate()
        .unwrap_err();
        assert_eq!(
            errors.summary(),
            "name: must not be empty; period_end: 2027-03-31 is before period_start 2027-04-01; \
             items[0].target_date: '15.2.2027' is not a date in the form YYYY-MM-DD; \
             items[0].budget: must not be negative (got -1); items[1].initiative_id: initiative 9 is listed twice; \
             items[1].scope: must be a number of work items from 0 to 4294967295 (got -4)"
        );
    }

    #[test]
    fn canonical_json_and_hash_are_stable() {
        let content =
            PlanContent { items: vec![item(2, date!(2027 - 02 - 01), 100, 5), item(1, date!(2027 - 03 - 01), 0, 7)] };
        let text = content.canonical_json();
        assert_eq!(
            text,
            r#"[{"initiative_id":2,"target_date":"2027-02-01","budget":100,"scope":5},{"initiative_id":1,"target_date":"2027-03-01","budget":0,"scope":7}]"#
        );
        assert_eq!(content.content_hash(), digest::sha256_hex(&text));
        assert_eq!(content.content_hash().len(), 64);
        assert_eq!(PlanContent::from_canonical_json(&text).unwrap(), content);
        let mut reordered = content.clone();
        reordered.items.reverse();
        assert_ne!(reordered.content_hash(), content.content_hash(), "order is part of the plan");
        let twice = r#"[{"initiative_id":2,"target_date":"2027-02-01","budget":100,"scope":5},{"initiative_id":2,"target_date":"2027-02-01","budget":100,"scope":5}]"#;
        assert_eq!(PlanContent::from_canonical_json(twice).unwrap_err(), "initiative 2 is listed twice");
        assert!(PlanContent::from_canonical_json("{}").is_err());
    }

    #[test]
    fn diff_names_each_kind_of_change() {
        let old = PlanContent {
            items: vec![
                item(1, date!(2027 - 01 - 31), 100, 10),
                item(2, date!(2027 - 02 - 28), 200, 20),
                item(3, date!(2027 - 03 - 31), 300, 30),
                item(4, date!(2027 - 03 - 31), 400, 40),
            ],
        };
        let new = PlanContent {
            items: vec![
                item(5, date!(2027 - 01 - 15), 50, 5),
                item(2, date!(2027 - 02 - 28), 250, 20),
                item(1, date!(2027 - 02 - 15), 100, 10),
                item(4, date!(2027 - 03 - 31), 400, 35),
            ],
        };
        let d = diff(&old, &new);
        assert_eq!(d.added, vec![item(5, date!(2027 - 01 - 15), 50, 5)]);
        assert_eq!(d.removed, vec![item(3, date!(2027 - 03 - 31), 300, 30)]);
        assert_eq!(
            d.redated,
            vec![Redated { initiative_id: 1, old: date!(2027 - 01 - 31), new: date!(2027 - 02 - 15) }]
        );
        assert_eq!(d.rebudgeted, vec![Changed { initiative_id: 2, old: 200, new: 250 }]);
        assert_eq!(d.rescoped, vec![Changed { initiative_id: 4, old: 40, new: 35 }]);
        assert_eq!(
            d.reprioritised,
            vec![Changed { initiative_id: 2, old: 2, new: 1 }, Changed { initiative_id: 1, old: 1, new: 2 }]
        );
        assert!(!d.is_empty());
        assert!(diff(&old, &old).is_empty());
    }

    #[test]
    fn decision_reasons_are_trimmed_optional_and_bounded() {
        assert_eq!(decision_reason(None).unwrap(), None);
        assert_eq!(decision_reason(Some("  \n ")).unwrap(), None);
        assert_eq!(
            decision_reason(Some(" Targets fit the budget. ")).unwrap().as_deref(),
            Some("Targets fit the budget.")
        );
        let long = "x".repeat(MAX_DECISION_REASON_CHARS + 1);
        assert_eq!(
            decision_reason(Some(&long)).unwrap_err().summary(),
            "reason: must be at most 4000 characters (got 4001)"
        );
        assert_eq!(PlanOutcome::parse("sent_back"), Some(PlanOutcome::SentBack));
        assert_eq!(PlanOutcome::parse("rejected"), None);
    }

    #[test]
    fn moving_down_below_an_addition_is_not_reprioritising() {
        let old =
            PlanContent { items: vec![item(1, date!(2027 - 01 - 31), 0, 1), item(2, date!(2027 - 02 - 28), 0, 1)] };
        let mut new = old.clone();
        new.items.insert(0, item(3, date!(2027 - 01 - 10), 0, 1));
        let d = diff(&old, &new);
        assert_eq!(d.added.len(), 1);
        assert!(d.reprioritised.is_empty(), "{d:?}");
    }
}
