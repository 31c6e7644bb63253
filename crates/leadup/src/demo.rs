//! The demo workspace that `leadup demo` creates: Ledgerline, a mid-size software company
//! selling invoice and accounts-payable automation to mid-market firms.
//!
//! The data is shaped so that every view has something to show and every flag fires at
//! least once: one objective that no initiative serves (uncovered), two initiatives that
//! serve no objective (unaligned), initiatives serving two objectives (split budgets), a key
//! result whose target lies below its baseline (churn going down), every status including
//! done and dropped, two initiatives over budget, and work on all of Now, Next and Later.
//! Dates are offsets from the quarter containing `today`, so the demo always looks current.

use anyhow::Context;
use leadup_core::date;
use leadup_core::initiative::InitiativeInput;
use leadup_core::roadmap::Quarter;
use leadup_core::strategy::{KeyResultInput, ObjectiveInput, Workspace};
use leadup_core::team::TeamInput;
use leadup_store::Store;
use time::{Date, Month};

const COMPANY: &str = "Ledgerline";
const MISSION: &str = "Make paying suppliers the easiest part of running a mid-sized business: \
    every invoice captured without typing, approved by the right person within days, and paid \
    on time, with no chasing and no surprises at month end.";

/// A key result: metric, unit, baseline, target, current value, and the month it is due
/// (an offset from the first month of today's quarter; the due date is that month's last day).
type KeyResultRow = (&'static str, &'static str, f64, f64, f64, i32);

struct ObjectiveRow {
    title: &'static str,
    description: &'static str,
    owner: &'static str,
    key_results: &'static [KeyResultRow],
}

// Positions in `OBJECTIVES`, so initiatives can name what they serve. The fifth objective
// (the Nordic market) has no constant on purpose: nothing serves it.
const SPEED: usize = 0;
const RETENTION: usize = 1;
const PAYMENTS: usize = 2;
const TRUST: usize = 3;

const OBJECTIVES: &[ObjectiveRow] = &[
    ObjectiveRow {
        title: "Cut the time from invoice to approval",
        description: "Slow approvals are the first thing finance teams complain about and the \
            main reason suppliers get paid late. Customers who approve within two days renew \
            at twice the rate of those who take a week.",
        owner: "Henrik Lindqvist",
        key_results: &[
            ("Median invoice approval time", "days", 6.0, 2.0, 4.1, 8),
            ("Invoices approved without a reminder", "%", 35.0, 70.0, 48.0, 8),
            ("Invoices captured with no manual correction", "%", 38.0, 75.0, 52.0, 11),
        ],
    },
    ObjectiveRow {
        title: "Keep and grow the customers we have",
        description: "Winning a mid-market customer costs us about 14 months of its \
            subscription; every customer we keep is worth more than a new one we sign.",
        owner: "Amara Okafor",
        key_results: &[
            ("Annual gross logo churn", "%", 11.0, 6.0, 9.2, 11),
            ("Net revenue retention", "%", 104.0, 115.0, 107.0, 11),
        ],
    },
    ObjectiveRow {
        title: "Become the way our customers pay their suppliers",
        description: "Payments earn per transaction and tie customers to us; today most \
            customers approve invoices in Ledgerline and then pay them from their bank.",
        owner: "Mateo Fernández",
        key_results: &[
            ("Monthly payment volume", "EUR million", 180.0, 400.0, 236.0, 11),
            ("Customers paying suppliers through Ledgerline", "%", 22.0, 45.0, 29.0, 11),
            ("Failed supplier payments", "%", 1.8, 0.5, 1.1, 5),
        ],
    },
    ObjectiveRow {
        title: "Be the platform finance teams trust with their money",
        description: "Enterprise-leaning prospects stall in security review, and an outage on \
            payment day costs customers late fees and us goodwill.",
        owner: "Priya Raman",
        key_results: &[
            ("Monthly uptime", "%", 99.5, 99.95, 99.82, 11),
            ("Security reviews passed without follow-up questions", "%", 40.0, 85.0, 60.0, 8),
        ],
    },
    ObjectiveRow {
        title: "Open the Nordic market",
        description: "Sweden, Denmark and Norway have many mid-market firms still approving \
            invoices by e-mail; sales has signed the first customers without product work.",
        owner: "Amara Okafor",
        key_results: &[
            ("Paying customers in the Nordics", "customers", 0.0, 25.0, 3.0, 11),
            ("Nordic annual recurring revenue", "EUR thousand", 0.0, 1200.0, 90.0, 11),
        ],
    },
];

struct TeamRow {
    name: &'static str,
    manager: &'static str,
    members: &'static [&'static str],
    executives: &'static [&'static str],
}

// Positions in `TEAMS`.
const PAY: usize = 0;
const FLOW: usize = 1;
const PLATFORM: usize = 2;

const TEAMS: &[TeamRow] = &[
    TeamRow {
        name: "Payments",
        manager: "Sofia Marchetti",
        members: &["Kwame Mensah", "Lena Vogel", "Arjun Mehta", "Chloé Dubois", "Tomasz Nowak"],
        executives: &["Mateo Fernández", "Priya Raman"],
    },
    TeamRow {
        name: "Approvals & Workflow",
        manager: "Daniel Cohen",
        members: &["Yuki Tanaka", "Fatima Al-Sayed", "Oliver Brennan", "Ingrid Halvorsen"],
        executives: &["Henrik Lindqvist", "Amara Okafor"],
    },
    TeamRow {
        name: "Platform",
        manager: "Nia Robinson",
        members: &["Mehmet Yılmaz", "Ana Costa", "Ravi Shankar", "Elena Petrova", "Jonas Becker", "Wei Zhang"],
        executives: &["Priya Raman"],
    },
];

struct InitiativeRow {
    title: &'static str,
    outcome: &'static str,
    team: usize,
    objectives: &'static [usize],
    horizon: &'static str,
    /// First and last month of the target window, as offsets from the first month of
    /// today's quarter (0..=2 is this quarter, -3..=-1 the last one, 3..=5 the next).
    window: Option<(i32, i32)>,
    status: &'static str,
    /// Planned and spent budget in whole euros.
    budget: (i64, i64),
}

const INITIATIVES: &[InitiativeRow] = &[
    // Now.
    InitiativeRow {
        title: "SEPA Instant supplier payouts",
        outcome: "Suppliers are paid within seconds instead of one to two business days, \
            lifting customers who pay through Ledgerline from 22% to 30%.",
        team: PAY,
        objectives: &[PAYMENTS, RETENTION],
        horizon: "now",
        window: Some((-1, 2)),
        status: "in_progress",
        budget: (420_000, 365_000),
    },
    InitiativeRow {
        title: "Automatic payment-run reconciliation",
        outcome: "95% of payment runs match the bank statement with no manual step, so \
            finance teams close the month two days sooner.",
        team: PAY,
        objectives: &[PAYMENTS],
        horizon: "now",
        window: Some((0, 2)),
        status: "in_progress",
        budget: (260_000, 118_000),
    },
    InitiativeRow {
        title: "Failed-payment retries with supplier confirmation",
        outcome: "Cut failed supplier payments from 1.8% to 0.8% by retrying with bank \
            details the supplier has confirmed.",
        team: PAY,
        objectives: &[PAYMENTS],
        horizon: "now",
        window: Some((-2, 0)),
        status: "done",
        budget: (95_000, 88_500),
    },
    InitiativeRow {
        title: "Marketplace payouts pilot for Freelanza",
        outcome: "Pay out to 3,000 freelancers on one prospect's marketplace, as promised \
            in a sales deal.",
        team: PAY,
        objectives: &[],
        horizon: "now",
        window: Some((0, 1)),
        status: "in_progress",
        budget: (140_000, 52_000),
    },
    InitiativeRow {
        title: "Approve invoices in Slack and Microsoft Teams",
        outcome: "Approvers act where they already work, cutting median approval time from \
            6 days to 3.",
        team: FLOW,
        objectives: &[SPEED],
        horizon: "now",
        window: Some((-1, 1)),
        status: "in_progress",
        budget: (230_000, 241_500),
    },
    InitiativeRow {
        title: "Smart approval routing",
        outcome: "Invoices reach the right approver first time: re-routed invoices fall from \
            18% to 5%.",
        team: FLOW,
        objectives: &[SPEED],
        horizon: "now",
        window: Some((0, 2)),
        status: "in_progress",
        budget: (180_000, 64_000),
    },
    InitiativeRow {
        title: "Approval reminders and escalation",
        outcome: "Overdue approvals are chased automatically and escalated after three days; \
            invoices approved without a manual reminder rise from 35% to 50%.",
        team: FLOW,
        objectives: &[SPEED, RETENTION],
        horizon: "now",
        window: Some((-3, 0)),
        status: "done",
        budget: (60_000, 57_200),
    },
    InitiativeRow {
        title: "AI invoice capture v2",
        outcome: "Read line items, VAT and PO numbers from any invoice layout: invoices \
            captured with no manual correction rise from 38% to 60%.",
        team: PLATFORM,
        objectives: &[SPEED],
        horizon: "now",
        window: Some((-2, 2)),
        status: "in_progress",
        budget: (860_000, 905_000),
    },
    InitiativeRow {
        title: "SOC 2 Type II audit",
        outcome: "Hand prospects a clean SOC 2 Type II report, so security reviews passed \
            without follow-up questions rise from 40% to 85%.",
        team: PLATFORM,
        objectives: &[TRUST],
        horizon: "now",
        window: Some((-1, 2)),
        status: "in_progress",
        budget: (190_000, 120_000),
    },
    // Next.
    InitiativeRow {
        title: "Multi-currency supplier payments (GBP, CHF, USD)",
        outcome: "Customers pay their UK, Swiss and US suppliers from Ledgerline too, adding \
            an estimated EUR 60 million of monthly payment volume.",
        team: PAY,
        objectives: &[PAYMENTS],
        horizon: "next",
        window: Some((3, 5)),
        status: "planned",
        budget: (780_000, 0),
    },
    InitiativeRow {
        title: "Purchase-order three-way matching",
        outcome: "Match invoice, purchase order and goods receipt automatically, so 60% of \
            PO-backed invoices need no approver at all.",
        team: FLOW,
        objectives: &[SPEED, RETENTION],
        horizon: "next",
        window: Some((3, 5)),
        status: "planned",
        budget: (540_000, 0),
    },
    InitiativeRow {
        title: "Native mobile approval app",
        outcome: "Approvers clear their queue on the go. Dropped: Slack and Teams approvals \
            reach the same people at a third of the cost.",
        team: FLOW,
        objectives: &[SPEED],
        horizon: "next",
        window: Some((3, 5)),
        status: "dropped",
        budget: (480_000, 36_000),
    },
    InitiativeRow {
        title: "Customer-branded approval e-mails",
        outcome: "Approval e-mails carry the customer's logo and colours, as sales asked for \
            a prospect demo.",
        team: FLOW,
        objectives: &[],
        horizon: "next",
        window: Some((3, 3)),
        status: "planned",
        budget: (45_000, 0),
    },
    InitiativeRow {
        title: "Multi-region failover",
        outcome: "Survive the loss of a cloud region with under 15 minutes of downtime, \
            holding monthly uptime at 99.95% even on payment day.",
        team: PLATFORM,
        objectives: &[TRUST],
        horizon: "next",
        window: Some((3, 5)),
        status: "planned",
        budget: (520_000, 0),
    },
    InitiativeRow {
        title: "Single sign-on and SCIM provisioning",
        outcome: "Customers' IT teams onboard and offboard hundreds of users in minutes; \
            unblocks nine deals waiting in security review.",
        team: PLATFORM,
        objectives: &[TRUST, RETENTION],
        horizon: "next",
        window: Some((4, 5)),
        status: "planned",
        budget: (240_000, 0),
    },
    // Later.
    InitiativeRow {
        title: "Early-payment discounts",
        outcome: "Customers earn 1-2% supplier discounts by paying early, and Ledgerline \
            earns a share of each discount taken.",
        team: PAY,
        objectives: &[PAYMENTS],
        horizon: "later",
        window: Some((6, 8)),
        status: "proposed",
        budget: (650_000, 0),
    },
    InitiativeRow {
        title: "Virtual cards for recurring software spend",
        outcome: "Pay SaaS and subscription suppliers by virtual card with per-supplier \
            limits, ending shared company credit cards.",
        team: PAY,
        objectives: &[PAYMENTS, RETENTION],
        horizon: "later",
        window: None,
        status: "proposed",
        budget: (310_000, 0),
    },
    InitiativeRow {
        title: "Approval analytics for controllers",
        outcome: "Controllers see where invoices wait and fix the bottlenecks, taking \
            another day off median approval time.",
        team: FLOW,
        objectives: &[SPEED, RETENTION],
        horizon: "later",
        window: None,
        status: "proposed",
        budget: (210_000, 0),
    },
    InitiativeRow {
        title: "Public API v2 and webhooks",
        outcome: "Customers and ERP partners automate the invoice flow end to end; \
            integrated customers churn at half the rate of others.",
        team: PLATFORM,
        objectives: &[RETENTION],
        horizon: "later",
        window: Some((6, 8)),
        status: "proposed",
        budget: (380_000, 0),
    },
    InitiativeRow {
        title: "Customer-managed encryption keys",
        outcome: "Regulated customers hold the keys to their own invoice data, a hard \
            requirement in a third of enterprise security reviews.",
        team: PLATFORM,
        objectives: &[TRUST],
        horizon: "later",
        window: None,
        status: "proposed",
        budget: (300_000, 0),
    },
];

/// Fills an empty store with the demo workspace, dated relative to `today`.
pub async fn seed(store: &Store, today: Date) -> anyhow::Result<()> {
    let months = Months::from(today);

    let workspace =
        Workspace { name: COMPANY.to_owned(), mission: MISSION.to_owned() }.validate().context("demo workspace")?;
    store.save_workspace(&workspace).await.context("saving the demo workspace")?;

    let mut objective_ids = Vec::with_capacity(OBJECTIVES.len());
    for row in OBJECTIVES {
        let input = ObjectiveInput {
            title: row.title.to_owned(),
            description: row.description.to_owned(),
            owner: row.owner.to_owned(),
            key_results: row
                .key_results
                .iter()
                .map(|&(metric, unit, baseline, target, current, due)| KeyResultInput {
                    metric: metric.to_owned(),
                    unit: unit.to_owned(),
                    baseline,
                    target,
                    current: Some(current),
                    due: date::format(months.last_day(due)),
                })
                .collect(),
        };
        let draft = input.validate().with_context(|| format!("demo objective '{}'", row.title))?;
        let objective =
            store.create_objective(&draft).await.with_context(|| format!("saving demo objective '{}'", row.title))?;
        objective_ids.push(objective.id);
    }

    let mut team_ids = Vec::with_capacity(TEAMS.len());
    for row in TEAMS {
        let input = TeamInput {
            name: row.name.to_owned(),
            manager: row.manager.to_owned(),
            members: owned(row.members),
            executives: owned(row.executives),
        };
        let draft = input.validate().with_context(|| format!("demo team '{}'", row.name))?;
        let team = store.create_team(&draft).await.with_context(|| format!("saving demo team '{}'", row.name))?;
        team_ids.push(team.id);
    }

    for row in INITIATIVES {
        let (planned, actual) = row.budget;
        let input = InitiativeInput {
            title: row.title.to_owned(),
            outcome: row.outcome.to_owned(),
            team_id: team_ids[row.team],
            objective_ids: row.objectives.iter().map(|&i| objective_ids[i]).collect(),
            horizon: Some(row.horizon.to_owned()),
            target_start: row.window.map(|(first, _)| date::format(months.first_day(first))),
            target_end: row.window.map(|(_, last)| date::format(months.last_day(last))),
            status: row.status.to_owned(),
            budget_planned: planned * 100,
            budget_actual: actual * 100,
            currency: "EUR".to_owned(),
        };
        let draft = input.validate().with_context(|| format!("demo initiative '{}'", row.title))?;
        store.create_initiative(&draft).await.with_context(|| format!("saving demo initiative '{}'", row.title))?;
    }
    Ok(())
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|&name| name.to_owned()).collect()
}

/// Months counted from the first month of the quarter containing a given day.
struct Months {
    /// The first month of that quarter, as months since year 0 (January of year 0 is 0).
    origin: i32,
}

impl From<Date> for Months {
    fn from(today: Date) -> Self {
        let first = Quarter::containing(today).first_day();
        Self { origin: first.year() * 12 + i32::from(u8::from(first.month())) - 1 }
    }
}

impl Months {
    /// The first day of the month `offset` months after the origin (negative: before).
    fn first_day(&self, offset: i32) -> Date {
        let index = self.origin + offset;
        let month = u8::try_from(index.rem_euclid(12) + 1).expect("a month number is 1 to 12");
        let month = Month::try_from(month).expect("a month number is 1 to 12");
        Date::from_calendar_date(index.div_euclid(12), month, 1).expect("the first of a month exists")
    }

    /// The last day of the month `offset` months after the origin.
    fn last_day(&self, offset: i32) -> Date {
        self.first_day(offset + 1).previous_day().expect("a month has a day before the next one")
    }
}

#[cfg(test)]
mod tests {
    use leadup_core::alignment::Alignment;
    use leadup_core::initiative::{Horizon, Initiative, Status};
    use leadup_store::testing::TestDatabase;
    use time::macros::date;

    use super::*;

    #[tokio::test]
    async fn demo_shows_every_flag_and_every_horizon() {
        let database = TestDatabase::sqlite();
        let store = Store::connect(&database.url).await.expect("a fresh SQLite store opens");
        // Late in a year, so windows and due dates cross into the next one.
        let today = date!(2026 - 11 - 22);
        seed(&store, today).await.expect("the demo seeds");

        let workspace = store.workspace().await.expect("workspace loads").expect("a workspace exists");
        assert_eq!(workspace.name, "Ledgerline");
        let objectives = store.objectives().await.expect("objectives load");
        let teams = store.teams().await.expect("teams load");
        let initiatives = store.initiatives().await.expect("initiatives load");
        assert_eq!(objectives.len(), 5);
        assert_eq!(teams.len(), 3);
        assert_eq!(initiatives.len(), 20);
        assert!(teams.iter().all(|t| (3..=6).contains(&t.members.len()) && (1..=2).contains(&t.executives.len())));

        let alignment = Alignment::of(&objectives, &initiatives);
        let nordics = objectives.iter().find(|o| o.title == "Open the Nordic market").expect("the Nordic objective");
        assert_eq!(alignment.uncovered, [nordics.id]);
        let unaligned: Vec<&str> =
            initiatives.iter().filter(|i| alignment.unaligned.contains(&i.id)).map(|i| i.title.as_str()).collect();
        assert_eq!(unaligned, ["Marketplace payouts pilot for Freelanza", "Customer-branded approval e-mails"]);

        for horizon in Horizon::ALL {
            let count = initiatives.iter().filter(|i| i.horizon_on(today) == horizon).count();
            assert!(count >= 3, "{horizon} holds {count} initiatives");
        }
        // The windows tell the same story as the explicit horizons.
        for initiative in initiatives.iter().filter(|i| i.window.is_some()) {
            let derived = Initiative { horizon: None, ..initiative.clone() };
            assert_eq!(derived.horizon_on(today), initiative.horizon_on(today), "{}", initiative.title);
        }

        let over_budget: Vec<&str> = initiatives.iter().filter(|i| i.over_budget()).map(|i| i.title.as_str()).collect();
        assert_eq!(over_budget, ["Approve invoices in Slack and Microsoft Teams", "AI invoice capture v2"]);
        for status in Status::ALL {
            assert!(initiatives.iter().any(|i| i.status == status), "no initiative is {status}");
        }
        let ai = initiatives.iter().find(|i| i.title == "AI invoice capture v2").expect("AI capture");
        assert_eq!(ai.budget_planned, 86_000_000);
        let window = ai.window.expect("AI capture is dated");
        assert_eq!((window.start, window.end), (date!(2026 - 08 - 01), date!(2026 - 12 - 31)));
        let churn = &objectives[RETENTION].key_results[0];
        assert!(churn.target < churn.baseline, "churn is meant to go down");
        assert_eq!(objectives[SPEED].key_results[0].due, date!(2027 - 06 - 30));
        store.close().await;
    }
}
