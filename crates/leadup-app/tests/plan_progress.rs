//! A plan's progress over a real store, on SQLite and PostgreSQL: a submitted version shows
//! the stored forecast of its own queue, an approved baseline the stored forecast every
//! initiative page shows and the one stored when it was approved, and nothing is computed
//! when the progress is read.

use leadup_app::initiative_forecasts::{TeamInputs, committed_with, version_forecasts};
use leadup_app::plan_progress::{self, ForecastFigures};
use leadup_app::snapshots::refresh_team;
use leadup_core::headline::{HeadlineItem, headline};
use leadup_core::initiative::InitiativeInput;
use leadup_core::plan::{PlanInput, VersionStatus};
use leadup_core::team::TeamInput;
use leadup_core::work_item::{AttachRule, RuleKind, StatusCategory, WorkItem};
use leadup_store::testing::{TestDatabase, execute};
use leadup_store::{Actor, Store};
use serde_json::json;
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

const TODAY: Date = date!(2027 - 01 - 25);

fn item(n: i64, done: Option<Date>, label: &str) -> WorkItem {
    let done = done.map(|day| day.with_hms(12, 0, 0).unwrap().assume_utc());
    WorkItem {
        key: format!("PAY-{n}"),
        title: format!("Item {n}"),
        kind: "Story".into(),
        status: if done.is_some() { "Done" } else { "To do" }.into(),
        category: StatusCategory::from_times(None, done),
        created: Some(datetime!(2026-09-01 09:00 UTC)),
        started: None,
        done,
        estimate: None,
        parent: None,
        labels: vec![label.to_owned()],
        milestone: None,
    }
}

fn noon(day: Date) -> OffsetDateTime {
    day.with_hms(12, 0, 0).unwrap().assume_utc()
}

async fn the_progress_reads_the_stored_forecasts(store: Store) {
    let team = TeamInput { name: "Payments".into(), ..TeamInput::default() };
    let team = store.create_team(&team.validate().unwrap(), None).await.unwrap().id;
    for sql in [
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (1, 'mara@example.com', 'Mara', '-', 0)"
            .to_owned(),
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (2, 'erin@example.com', 'Erin', '-', 0)"
            .to_owned(),
        format!(
            "INSERT INTO memberships (team_id, user_id, role) VALUES ({team}, 1, 'manager'), ({team}, 2, 'executive')"
        ),
    ] {
        execute(&store, &sql).await.unwrap();
    }
    // 150 days of history, about one item a day, labelled for the two initiatives, and open items.
    let mut import = store.begin_import(team).await.unwrap();
    for n in 0..150 {
        let label = if n % 2 == 0 { "refunds" } else { "payouts" };
        import.upsert(item(n, Some(TODAY - Duration::days(150 - n)), label)).await.unwrap();
    }
    for n in 150..190 {
        import.upsert(item(n, None, if n < 165 { "refunds" } else { "payouts" })).await.unwrap();
    }
    import.commit().await.unwrap();
    let mut ids = Vec::new();
    for (title, label) in [("Instant refunds", "refunds"), ("Payout reports", "payouts")] {
        let input = json!({"title": title, "team_id": team, "horizon": "now", "status": "in_progress",
                           "budget_planned": 500_000, "budget_actual": 120_000, "currency": "EUR"});
        let draft = serde_json::from_value::<InitiativeInput>(input).unwrap().validate().unwrap();
        let id = store.create_initiative(&draft).await.unwrap().id;
        let rule = AttachRule::new(RuleKind::Label, label).unwrap();
        store.set_initiative_rules(id, &[rule]).await.unwrap();
        ids.push(id);
    }
    let plan = serde_json::from_value::<PlanInput>(json!({
        "team_id": team, "name": "2027 Q1", "period_start": "2027-01-01", "period_end": "2027-03-31",
        "items": [
            {"initiative_id": ids[1], "target_date": "2027-02-05", "budget": 300_000, "scope": 25},
            {"initiative_id": ids[0], "target_date": "2027-03-31", "budget": 200_000, "scope": 15}
        ]
    }))
    .unwrap()
    .validate()
    .unwrap();
    let submitted_on = TODAY - Duration::days(14);
    let plan = store.create_plan(&plan, Actor::new(1, noon(submitted_on))).await.unwrap().id;
    assert_eq!(plan_progress::baseline(&store, plan, TODAY).await.unwrap(), None, "no baseline yet");
    assert_eq!(plan_progress::version(&store, plan, 1, TODAY).await.unwrap(), None, "a draft has no stored forecast");
    store.submit_plan(plan, Actor::new(1, noon(submitted_on)), &[]).await.unwrap();

    // Before the refresh, the submitted version has no stored forecast, and none is computed.
    let waiting = plan_progress::version(&store, plan, 1, submitted_on).await.unwrap().unwrap();
    assert_eq!(waiting.status, VersionStatus::Submitted);
    assert!(waiting.items.iter().all(|i| i.forecast.is_none()), "{waiting:?}");
    assert_eq!(waiting.headline.state, leadup_core::headline::HeadlineState::AtRisk);
    assert!(
        waiting.headline.reason.contains("Payout reports (no forecast yet for 2027-02-05)"),
        "{}",
        waiting.headline.reason
    );

    // The refresher stores the version's own queue (Payout reports first, held to its targets).
    refresh_team(&store, team, submitted_on, noon(submitted_on)).await.unwrap();
    let inputs = TeamInputs::load(&store, team, submitted_on).await.unwrap();
    let content = store.plan(plan).await.unwrap().versions[0].content.clone();
    let plans = store.team_plans(team).await.unwrap();
    assert_eq!(committed_with(&plans, plan, &content), content, "the team's only plan");
    let expected = version_forecasts(&inputs, submitted_on, noon(submitted_on), &content, &content);
    let stored = store.plan_version_forecasts(plan, 1).await.unwrap().unwrap();
    assert_eq!(stored.forecasts, expected);
    let before = plan_progress::version(&store, plan, 1, submitted_on).await.unwrap().unwrap();
    let titles: Vec<&str> = before.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["Payout reports", "Instant refunds"]);
    for (line, forecast) in before.items.iter().zip(&expected) {
        assert_eq!(line.forecast, Some(ForecastFigures::of(forecast, submitted_on)));
        assert_eq!(forecast.target, line.target);
        assert_eq!(forecast.position, Some(if line.initiative_id == ids[1] { 1 } else { 2 }));
        assert_eq!(line.at_approval, None);
    }
    assert!(before.items[0].forecast.as_ref().unwrap().chance_by_target.unwrap() < 0.5, "{before:?}");

    // Approved four days later; the forecasts are refreshed daily after that.
    let approved_on = submitted_on + Duration::days(4);
    for day in [submitted_on + Duration::days(2), approved_on - Duration::days(1)] {
        refresh_team(&store, team, day, noon(day)).await.unwrap();
    }
    store.approve_plan(plan, Actor::new(2, noon(approved_on)), Some("Go"), &[]).await.unwrap();
    // The refresher recomputes the team right after the approval, replacing that day's rows.
    for day in [approved_on, approved_on + Duration::days(3), TODAY] {
        refresh_team(&store, team, day, noon(day)).await.unwrap();
    }
    let progress = plan_progress::baseline(&store, plan, TODAY).await.unwrap().unwrap();
    assert_eq!(progress, plan_progress::version(&store, plan, 1, TODAY).await.unwrap().unwrap());
    assert_eq!((progress.plan_id, progress.team_id, progress.version), (plan, team, 1));
    assert_eq!(
        (progress.status, progress.approved_at, progress.approved_by),
        (VersionStatus::Approved, Some(noon(approved_on)), Some(2))
    );
    let mut headline_items = Vec::new();
    for (line, planned) in progress.items.iter().zip(&content.items) {
        // Now: the initiative's latest stored forecast, the one its page shows.
        let now = store.initiative_forecast(line.initiative_id).await.unwrap().unwrap();
        assert_eq!(now.as_of, TODAY);
        assert_eq!(line.forecast, Some(ForecastFigures::of(&now, TODAY)));
        // At approval: the last stored on or before the approval day (that day's, here).
        let history = store.initiative_forecast_history(line.initiative_id).await.unwrap();
        assert_eq!(history.len(), 6, "one row per refreshed day");
        let then = history.iter().rev().find(|f| f.as_of <= approved_on).unwrap();
        assert_eq!(then.as_of, approved_on);
        assert_eq!(then.target, Some(planned.target_date), "held to the approved target");
        assert_eq!(line.at_approval, Some(ForecastFigures::of(then, TODAY)));
        assert_eq!(line.at_approval.as_ref().unwrap().age_days, 10);
        let p85 = |f: &leadup_core::forecast::InitiativeForecast| f.dates.unwrap().p85;
        assert_eq!(line.p85_change_days, Some((p85(&now) - p85(then)).whole_days()));
        let change = now.probability_by_target.unwrap() - then.probability_by_target.unwrap();
        assert!((line.chance_change.unwrap() - change).abs() < 0.0006, "{line:?}");
        assert_eq!(line.target, Some(planned.target_date));
        assert_eq!(line.budget.as_ref().map(|b| (b.minor, b.currency.as_str())), Some((planned.budget, "EUR")));
        assert_eq!(line.spent.as_ref().map(|s| s.minor), Some(120_000));
        assert_eq!((line.done, line.total), (u64::from(now.attached_done), u64::from(now.attached)));
        headline_items.push(HeadlineItem {
            title: line.title.clone(),
            target: planned.target_date,
            done: false,
            chance: now.probability_by_target,
            chance_at_approval: then.probability_by_target,
            p85: Some(p85(&now)),
        });
    }
    assert_eq!((progress.items[0].done, progress.items[0].total), (75, 100));
    assert_eq!(progress.headline, headline(&headline_items));
    assert_eq!(progress.headline.state, leadup_core::headline::HeadlineState::OffTrack, "{:?}", progress.headline);
    assert!(
        progress.headline.reason.starts_with("1 of 2 initiatives is unlikely to meet their target: Payout reports ("),
        "{}",
        progress.headline.reason
    );
    let json = serde_json::to_value(&progress).unwrap();
    assert_eq!(json["headline"]["state"], "off_track");
    assert_eq!(json["items"][0]["target"], "2027-02-05");
    assert_eq!(json["status"], "approved");
}

#[tokio::test]
async fn sqlite_the_progress_reads_the_stored_forecasts() {
    let db = TestDatabase::sqlite();
    the_progress_reads_the_stored_forecasts(Store::connect(&db.url).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_the_progress_reads_the_stored_forecasts() {
    let Some(db) = TestDatabase::postgres().await else { return };
    the_progress_reads_the_stored_forecasts(Store::connect(&db.url).await.unwrap()).await;
}

/// A submitted version stands where approving it would put it: in place of its plan's
/// baseline, or where its period places it among the team's plans; each initiative once.
#[test]
fn a_version_is_forecast_where_approving_it_puts_it() {
    use leadup_core::plan::{Origin, Period, Plan, PlanContent, PlanItem, PlanVersion, SignOff};
    let item = |initiative_id: i64| PlanItem { initiative_id, target_date: date!(2027 - 03 - 31), budget: 0, scope: 5 };
    let content = |ids: &[i64]| PlanContent { items: ids.iter().map(|&id| item(id)).collect() };
    let signed = SignOff { user_id: 1, at: datetime!(2027-01-01 09:00 UTC) };
    let plan = |id: i64, start: Date, approved: Option<&[i64]>| Plan {
        id,
        team_id: 1,
        name: format!("plan {id}"),
        period: Period { start, end: start + Duration::days(89) },
        versions: approved
            .map(|ids| PlanVersion {
                number: 1,
                status: VersionStatus::Approved,
                origin: Origin::Edit,
                content: content(ids),
                content_hash: content(ids).content_hash(),
                created: signed,
                submitted: Some(signed),
                approved: Some(signed),
                stated_confidence: Vec::new(),
            })
            .into_iter()
            .collect(),
        decisions: Vec::new(),
    };
    let plans = [
        plan(2, date!(2027 - 04 - 01), Some(&[4, 5])),
        plan(1, date!(2027 - 01 - 01), Some(&[1, 2])),
        plan(3, date!(2027 - 07 - 01), None),
    ];
    let ids = |c: PlanContent| c.items.iter().map(|i| i.initiative_id).collect::<Vec<_>>();
    assert_eq!(
        ids(committed_with(&plans, 1, &content(&[2, 3, 1]))),
        [2, 3, 1, 4, 5],
        "a re-plan replaces its baseline"
    );
    assert_eq!(ids(committed_with(&plans, 3, &content(&[6, 4]))), [1, 2, 4, 5, 6], "a later plan goes last, 4 once");
    assert_eq!(ids(committed_with(&plans, 9, &content(&[7]))), [1, 2, 4, 5], "an unknown plan changes nothing");
}
