//! Alignment: which objectives the roadmap serves, which work serves none, and where the
//! budget goes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::initiative::Initiative;
use crate::money::Currency;
use crate::strategy::Objective;

/// The alignment of a roadmap with the strategy. Dropped initiatives are left out: they
/// serve nothing and spend nothing more.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alignment {
    /// Initiatives that serve no objective.
    pub unaligned: Vec<i64>,
    /// Objectives that no initiative serves.
    pub uncovered: Vec<i64>,
    /// Planned budget per objective and currency, largest first within a currency.
    pub budget: Vec<BudgetShare>,
}

/// The planned budget going to one objective (or to unaligned work) in one currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetShare {
    /// The objective, or `None` for the budget of unaligned initiatives.
    pub objective_id: Option<i64>,
    /// The currency of `minor`.
    pub currency: Currency,
    /// Planned budget in minor units.
    pub minor: i64,
    /// Share of all planned budget in this currency, 0.0 to 1.0.
    pub share: f64,
}

impl Alignment {
    /// Computes the alignment. An initiative serving several objectives splits its planned
    /// budget equally between them; the minor units that do not divide evenly go to the
    /// first objectives listed, so the shares add up to the budget exactly.
    pub fn of(objectives: &[Objective], initiatives: &[Initiative]) -> Self {
        let live: Vec<&Initiative> =
            initiatives.iter().filter(|i| i.status != crate::initiative::Status::Dropped).collect();
        let unaligned = live.iter().filter(|i| i.objective_ids.is_empty()).map(|i| i.id).collect();
        let uncovered =
            objectives.iter().filter(|o| !live.iter().any(|i| i.objective_ids.contains(&o.id))).map(|o| o.id).collect();

        let mut sums: BTreeMap<(Currency, Option<i64>), i64> = BTreeMap::new();
        for initiative in &live {
            let currency = initiative.currency.clone();
            if initiative.objective_ids.is_empty() {
                *sums.entry((currency, None)).or_default() += initiative.budget_planned;
                continue;
            }
            let n = initiative.objective_ids.len() as i64;
            let (each, rest) = (initiative.budget_planned / n, initiative.budget_planned % n);
            for (k, objective_id) in initiative.objective_ids.iter().enumerate() {
                let extra = i64::from((k as i64) < rest);
                *sums.entry((currency.clone(), Some(*objective_id))).or_default() += each + extra;
            }
        }
        let mut totals: BTreeMap<Currency, i64> = BTreeMap::new();
        for ((currency, _), minor) in &sums {
            *totals.entry(currency.clone()).or_default() += minor;
        }
        let mut budget: Vec<BudgetShare> = sums
            .into_iter()
            .map(|((currency, objective_id), minor)| {
                let total = totals[&currency];
                let share = if total == 0 { 0.0 } else { minor as f64 / total as f64 };
                BudgetShare { objective_id, currency, minor, share }
            })
            .collect();
        budget.sort_by(|a, b| {
            a.currency.cmp(&b.currency).then(b.minor.cmp(&a.minor)).then(a.objective_id.cmp(&b.objective_id))
        });
        Self { unaligned, uncovered, budget }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::initiative::{Horizon, Status};

    fn objective(id: i64) -> Objective {
        Objective { id, title: format!("O{id}"), description: String::new(), owner: "x".into(), key_results: vec![] }
    }

    fn initiative(id: i64, objective_ids: Vec<i64>, budget: i64, status: Status) -> Initiative {
        Initiative {
            id,
            team_id: 1,
            title: format!("I{id}"),
            outcome: String::new(),
            objective_ids,
            horizon: Some(Horizon::Now),
            window: None,
            status,
            budget_planned: budget,
            budget_actual: 0,
            currency: Currency::parse("EUR").unwrap(),
        }
    }

    #[test]
    fn flags_unaligned_work_and_uncovered_objectives() {
        let objectives = [objective(1), objective(2), objective(3)];
        let initiatives = [
            initiative(10, vec![1], 100, Status::Planned),
            initiative(11, vec![], 50, Status::InProgress),
            initiative(12, vec![3], 70, Status::Dropped),
        ];
        let a = Alignment::of(&objectives, &initiatives);
        assert_eq!(a.unaligned, vec![11]);
        assert_eq!(a.uncovered, vec![2, 3], "a dropped initiative covers nothing");
    }

    #[test]
    fn budget_splits_exactly() {
        let objectives = [objective(1), objective(2), objective(3)];
        let initiatives = [
            initiative(10, vec![1, 2, 3], 100, Status::Planned),
            initiative(11, vec![2], 50, Status::Planned),
            initiative(12, vec![], 25, Status::Planned),
        ];
        let a = Alignment::of(&objectives, &initiatives);
        let got: Vec<(Option<i64>, i64)> = a.budget.iter().map(|b| (b.objective_id, b.minor)).collect();
        assert_eq!(got, vec![(Some(2), 83), (Some(1), 34), (Some(3), 33), (None, 25)]);
        assert_eq!(got.iter().map(|g| g.1).sum::<i64>(), 175);
        assert!((a.budget[0].share - 83.0 / 175.0).abs() < 1e-12);
    }
}
