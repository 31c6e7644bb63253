//! A team's disruption record for a period: how many change requests were filed against its
//! plans, by whom, how many were accepted, how many came without evidence, and how many days
//! of forecast delay the accepted ones cost.

use serde::Serialize;

use crate::change_request::{ChangeRequest, RequestStatus};
use crate::plan::Period;

/// How many requests one person filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filer {
    /// The user's id.
    pub user_id: i64,
    /// The user's name.
    pub name: String,
    /// Requests they filed in the period.
    pub filed: u32,
    /// Of those, how many were accepted.
    pub accepted: u32,
}

/// The change requests filed against a team's plans in a period, summed up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisruptionRecord {
    /// The team.
    pub team_id: i64,
    /// The days whose filings count.
    pub period: Period,
    /// Requests filed.
    pub filed: u32,
    /// Of those, accepted.
    pub accepted: u32,
    /// Rejected.
    pub rejected: u32,
    /// Deferred.
    pub deferred: u32,
    /// Still open.
    pub open: u32,
    /// `accepted / filed` (0 when none were filed).
    pub share_accepted: f64,
    /// Requests that link to no evidence.
    pub without_evidence: u32,
    /// `without_evidence / filed` (0 when none were filed).
    pub share_without_evidence: f64,
    /// Days of forecast delay (P85) the accepted requests cost, as computed when filed.
    pub delay_days_accepted: i64,
    /// Budget change of the accepted requests, in minor units.
    pub budget_delta_accepted: i64,
    /// Who filed them, most requests first, then by name.
    pub filers: Vec<Filer>,
}

impl DisruptionRecord {
    /// The record of `requests` (those filed against team `team_id`'s plans in `period`);
    /// `name_of` gives a filer's name.
    pub fn of(team_id: i64, period: Period, requests: &[ChangeRequest], name_of: impl Fn(i64) -> String) -> Self {
        let count = |status: RequestStatus| requests.iter().filter(|r| r.status == status).count() as u32;
        let accepted: Vec<&ChangeRequest> = requests.iter().filter(|r| r.status == RequestStatus::Accepted).collect();
        let filed = requests.len() as u32;
        let without_evidence = requests.iter().filter(|r| r.without_evidence()).count() as u32;
        let share = |n: u32| if filed == 0 { 0.0 } else { f64::from(n) / f64::from(filed) };
        let mut filers: Vec<Filer> = Vec::new();
        for request in requests {
            let user_id = request.filed.user_id;
            let index = filers.iter().position(|f| f.user_id == user_id).unwrap_or_else(|| {
                filers.push(Filer { user_id, name: name_of(user_id), filed: 0, accepted: 0 });
                filers.len() - 1
            });
            filers[index].filed += 1;
            filers[index].accepted += u32::from(request.status == RequestStatus::Accepted);
        }
        filers.sort_by(|a, b| b.filed.cmp(&a.filed).then_with(|| a.name.cmp(&b.name)));
        Self {
            team_id,
            period,
            filed,
            accepted: accepted.len() as u32,
            rejected: count(RequestStatus::Rejected),
            deferred: count(RequestStatus::Deferred),
            open: count(RequestStatus::Open),
            share_accepted: share(accepted.len() as u32),
            without_evidence,
            share_without_evidence: share(without_evidence),
            delay_days_accepted: accepted.iter().map(|r| r.impact.delay_days()).sum(),
            budget_delta_accepted: accepted.iter().map(|r| r.impact.budget_delta()).sum(),
            filers,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use crate::change_request::{Change, Impact, InitiativeImpact, Urgency};
    use crate::plan::SignOff;

    fn request(filer: i64, status: RequestStatus, evidence: Vec<i64>, delay: i64) -> ChangeRequest {
        ChangeRequest {
            id: 1,
            plan_id: 1,
            baseline_version: 1,
            change: Change::Remove { initiative_id: 1 },
            reason: "because".into(),
            urgency: Urgency::Normal,
            evidence_ids: evidence,
            filed: SignOff { user_id: filer, at: datetime!(2027-01-10 10:00 UTC) },
            impact: Impact {
                today: date!(2027 - 01 - 10),
                initiatives: vec![InitiativeImpact {
                    initiative_id: 2,
                    before: None,
                    after: None,
                    delay_days: Some(delay),
                    budget_delta: 1_000,
                }],
            },
            impact_baseline: crate::change_request::ImpactBaseline { version: 1, approved_at: None, superseded: false },
            no_longer_applies: None,
            impact_history: Vec::new(),
            status,
            manager: None,
            executive: None,
            decided_at: None,
            resulting_version: None,
        }
    }

    #[test]
    fn sums_up_the_requests() {
        let period = Period { start: date!(2027 - 01 - 01), end: date!(2027 - 03 - 31) };
        let requests = vec![
            request(7, RequestStatus::Accepted, vec![], 12),
            request(8, RequestStatus::Rejected, vec![3], 40),
            request(7, RequestStatus::Accepted, vec![4], 5),
            request(7, RequestStatus::Open, vec![], 9),
        ];
        let record = DisruptionRecord::of(2, period, &requests, |id| format!("user {id}"));
        assert_eq!((record.filed, record.accepted, record.rejected, record.deferred, record.open), (4, 2, 1, 0, 1));
        assert!((record.share_accepted - 0.5).abs() < 1e-12);
        assert_eq!(record.without_evidence, 2);
        assert!((record.share_without_evidence - 0.5).abs() < 1e-12);
        assert_eq!(record.delay_days_accepted, 17, "only accepted requests count");
        assert_eq!(record.budget_delta_accepted, 2_000);
        assert_eq!(
            record.filers,
            vec![
                Filer { user_id: 7, name: "user 7".into(), filed: 3, accepted: 2 },
                Filer { user_id: 8, name: "user 8".into(), filed: 1, accepted: 0 },
            ]
        );
        let empty = DisruptionRecord::of(2, period, &[], |_| String::new());
        assert_eq!((empty.filed, empty.share_accepted, empty.share_without_evidence), (0, 0.0, 0.0));
    }
}
