//! The decisions inbox: everything waiting for one user's decision, oldest first, each with its
//! age and a link: plan versions submitted to the teams they are an executive of, change
//! requests awaiting their sign-off (as the team's manager or executive), proposals
//! presented to the teams they are an executive of, briefs drafted by the stakeholders'
//! cadence for the team's manager to review and send, and the commitments of the teams they
//! manage that the current forecast puts below the confidence stated.
//!
//! Who may decide what comes from `leadup_core::access` (the one permission matrix), applied to
//! the teams the user holds a role in; another team's items never appear. Add a kind to
//! [`InboxKind`] (and its query here) for anything new that waits for a decision.

use std::collections::HashMap;

use leadup_core::access::{Action, Principal, Role};
use leadup_core::change_request::{ChangeKind, RequestStatus};
use leadup_core::plan::VersionStatus;
use leadup_store::{Store, StoreError};
use serde::Serialize;
use time::OffsetDateTime;

/// What waits for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    /// A plan version submitted for approval to a team the user is an executive of.
    PlanApproval,
    /// An open change request whose sign-off for the user's role is missing.
    ChangeRequestSignOff,
    /// A proposal presented to a team the user is an executive of.
    ProposalDecision,
    /// A brief drafted for a stakeholder of a team the user writes briefs for.
    BriefReview,
    /// An open commitment of a team the user manages whose current forecast's chance is below
    /// the confidence stated: renegotiate early or act.
    CommitmentAtRisk,
}

impl InboxKind {
    /// The snake-case name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlanApproval => "plan_approval",
            Self::ChangeRequestSignOff => "change_request_sign_off",
            Self::ProposalDecision => "proposal_decision",
            Self::BriefReview => "brief_review",
            Self::CommitmentAtRisk => "commitment_at_risk",
        }
    }

    /// For people: "Plan to approve", ...
    pub fn label(self) -> &'static str {
        match self {
            Self::PlanApproval => "Plan to approve",
            Self::ChangeRequestSignOff => "Change request to sign off",
            Self::ProposalDecision => "Proposal to decide",
            Self::BriefReview => "Brief to review and send",
            Self::CommitmentAtRisk => "Commitment at risk",
        }
    }
}

/// One thing waiting for the user's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxItem {
    /// What kind of decision.
    pub kind: InboxKind,
    /// The team it concerns.
    pub team_id: i64,
    /// The team's name.
    pub team: String,
    /// The plan, change request or proposal's id.
    pub subject_id: i64,
    /// What it is, e.g. "2027 Q2, version 1".
    pub title: String,
    /// Who asked for the decision (for a commitment at risk, whom it was promised to).
    pub asked_by: String,
    /// Where to decide it.
    pub link: String,
    /// Since when it has waited.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
    /// How long it has waited, e.g. "3 days".
    pub age: String,
}

/// How long from `since` to `now`, in words: "less than an hour", "5 hours", "1 day", "3 days".
pub fn age_text(since: OffsetDateTime, now: OffsetDateTime) -> String {
    let waited = now - since;
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    match (waited.whole_days(), waited.whole_hours()) {
        (0, h) if h < 1 => "less than an hour".to_owned(),
        (0, h) => plural(h, "hour"),
        (d, _) => plural(d, "day"),
    }
}

/// A kind of change in words, for an inbox line.
fn change_words(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Add => "add an initiative",
        ChangeKind::Remove => "remove an initiative",
        ChangeKind::Reprioritise => "re-prioritise",
        ChangeKind::Redate => "move a target date",
        ChangeKind::Rescope => "change a scope",
        ChangeKind::Rebudget => "change a budget",
    }
}

/// Everything waiting for `user`'s decision as of `now`, oldest first.
pub async fn inbox(store: &Store, user: &Principal, now: OffsetDateTime) -> Result<Vec<InboxItem>, StoreError> {
    let deciding: Vec<(i64, Role)> = user
        .roles
        .iter()
        .filter(|r| {
            [
                Action::ApprovePlan,
                Action::DecideChangeRequest,
                Action::DecideProposals,
                Action::WriteBriefs,
                Action::WriteCommitments,
            ]
            .into_iter()
            .any(|action| user.may(action, Some(r.team_id)))
        })
        .map(|r| (r.team_id, r.role))
        .collect();
    if deciding.is_empty() {
        return Ok(Vec::new());
    }
    let names: HashMap<i64, String> = store.users().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("user {id}"));
    let mut items = Vec::new();
    let mut item = |kind, team: &leadup_core::team::Team, subject_id, title: String, asked_by, link, since| {
        items.push(InboxItem {
            kind,
            team_id: team.id,
            team: team.name.clone(),
            subject_id,
            title,
            asked_by,
            link,
            since,
            age: age_text(since, now),
        });
    };
    let mut proposals = None;
    for &(team_id, role) in &deciding {
        let team = store.team(team_id).await?;
        let approves = user.may(Action::ApprovePlan, Some(team_id));
        let signs = user.may(Action::DecideChangeRequest, Some(team_id));
        for plan in store.team_plans(team_id).await? {
            if approves
                && let Some(version) = plan.versions.iter().find(|v| v.status == VersionStatus::Submitted)
                && let Some(submitted) = version.submitted
            {
                let title = format!("{}, version {}", plan.name, version.number);
                let link = format!("/plans/{}#draft", plan.id);
                item(InboxKind::PlanApproval, &team, plan.id, title, name(submitted.user_id), link, submitted.at);
            }
            if !signs {
                continue;
            }
            for request in store.plan_change_requests(plan.id).await? {
                let missing = match role {
                    Role::Manager => request.manager.is_none(),
                    Role::Executive => request.executive.is_none(),
                    Role::Member => false,
                };
                if request.status == RequestStatus::Open && missing {
                    let title = format!("#{} {}: {}", request.id, plan.name, change_words(request.change.kind()));
                    let link = format!("/change-requests/{}", request.id);
                    let filed = request.filed;
                    item(
                        InboxKind::ChangeRequestSignOff,
                        &team,
                        request.id,
                        title,
                        name(filed.user_id),
                        link,
                        filed.at,
                    );
                }
            }
        }
        if user.may(Action::DecideProposals, Some(team_id)) {
            let all = match &proposals {
                Some(all) => all,
                None => proposals.insert(store.proposals().await?),
            };
            for proposal in all.iter().filter(|p| p.team_id == team_id && p.input.status == "presented") {
                let presented = proposal.moves.iter().rev().find(|m| m.to == "presented");
                let (by, at) = presented.map_or((proposal.created_by, proposal.updated_at), |m| (m.by, m.at));
                let since = OffsetDateTime::from_unix_timestamp(at)
                    .map_err(|_| StoreError::Corrupt(format!("proposal {}: time {at}", proposal.id)))?;
                let link = format!("/proposals/{}", proposal.id);
                item(
                    InboxKind::ProposalDecision,
                    &team,
                    proposal.id,
                    proposal.input.title.clone(),
                    name(by),
                    link,
                    since,
                );
            }
        }
        if user.may(Action::WriteCommitments, Some(team_id)) {
            for risk in crate::commitments::at_risk(store, team_id).await? {
                let c = &risk.commitment;
                let chance = risk.chance_now.unwrap_or_default();
                let title = format!(
                    "{} (due {}): {:.0}% likely now, {:.0}% stated",
                    c.statement,
                    leadup_core::date::format(risk.current_due),
                    chance * 100.0,
                    c.confidence * 100.0
                );
                let since = risk.chance_as_of.unwrap_or(c.made).midnight().assume_utc();
                let link = format!("/teams/{team_id}/commitments#commitment-{}", c.id);
                item(InboxKind::CommitmentAtRisk, &team, c.id, title, risk.to.clone(), link, since);
            }
        }
    }
    let mut reviewing: Vec<i64> =
        deciding.iter().map(|&(team, _)| team).filter(|&team| user.may(Action::WriteBriefs, Some(team))).collect();
    reviewing.sort_unstable();
    reviewing.dedup();
    for draft in store.brief_drafts(&reviewing).await? {
        let team = store.team(draft.team_id).await?;
        let since = OffsetDateTime::from_unix_timestamp(draft.created_at)
            .map_err(|_| StoreError::Corrupt(format!("brief {}: time {}", draft.id, draft.created_at)))?;
        let title = format!(
            "Brief for {}, {} to {}",
            name(draft.stakeholder_id),
            leadup_core::date::format(draft.period_start),
            leadup_core::date::format(draft.period_end)
        );
        let link = format!("/briefs/{}", draft.id);
        item(InboxKind::BriefReview, &team, draft.id, title, name(draft.stakeholder_id), link, since);
    }
    items.sort_by_key(|i| (i.since, i.kind as u8, i.subject_id));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use time::Duration;
    use time::macros::datetime;

    use super::*;

    #[test]
    fn ages_read_in_words() {
        let now = datetime!(2027-01-10 12:00 UTC);
        assert_eq!(age_text(now - Duration::minutes(59), now), "less than an hour");
        assert_eq!(age_text(now - Duration::hours(1), now), "1 hour");
        assert_eq!(age_text(now - Duration::hours(23), now), "23 hours");
        assert_eq!(age_text(now - Duration::hours(24), now), "1 day");
        assert_eq!(age_text(now - Duration::days(3) - Duration::hours(5), now), "3 days");
        assert_eq!(age_text(now + Duration::hours(2), now), "less than an hour", "a clock ahead is not negative");
    }
}
