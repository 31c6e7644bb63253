//! `leadup audit verify` as scripts use it: exit 0 with the number of entries when the chain
//! is intact, exit 1 naming the first broken entry after a row was tampered with in SQL.

mod support;

use leadup_core::plan::PlanInput;
use leadup_core::team::TeamInput;
use leadup_store::testing::{TestDatabase, execute};
use leadup_store::{Actor, Backend, Store};
use serde_json::json;
use support::{leadup, stderr, stdout};

/// Writes four audit entries: two plans, each submitted and approved.
async fn approve_two_plans(store: &Store) {
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
        execute(store, &sql).await.unwrap();
    }
    for name in ["2027 Q1", "2027 Q2"] {
        let draft = serde_json::from_value::<PlanInput>(json!({
            "team_id": team, "name": name, "period_start": "2027-01-01", "period_end": "2027-06-30"
        }))
        .unwrap()
        .validate()
        .unwrap();
        let plan = store.create_plan(&draft, Actor::now(1)).await.unwrap();
        store.submit_plan(plan.id, Actor::now(1), &[]).await.unwrap();
        store.approve_plan(plan.id, Actor::now(2), None, &[]).await.unwrap();
    }
}

/// Removes the append-only guard, as someone tampering would, and makes the executive the
/// actor of entry 3 (the second plan's submission, which the manager did).
async fn tamper(store: &Store) {
    let drop = match store.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    execute(store, drop).await.unwrap();
    assert_eq!(execute(store, "UPDATE audit_log SET actor = 2 WHERE seq = 3").await.unwrap(), 1);
}

async fn verify_then_tamper(url: String) {
    let empty = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || leadup(&url, &["audit", "verify"])).await.unwrap()
    };
    assert_eq!(empty.status.code(), Some(0), "{}", stderr(&empty));
    assert_eq!(stdout(&empty), "audit log intact: 0 entries; head 0:\n");

    let store = Store::connect(&url).await.unwrap();
    approve_two_plans(&store).await;
    let intact = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || leadup(&url, &["audit", "verify", "--database-url", &url])).await.unwrap()
    };
    assert_eq!(intact.status.code(), Some(0), "{}", stderr(&intact));
    let head = format!("4:{}", store.audit_log().await.unwrap()[3].hash);
    assert_eq!(stdout(&intact), format!("audit log intact: 4 entries; head {head}\n"));

    tamper(&store).await;
    store.close().await;
    let broken = tokio::task::spawn_blocking(move || leadup(&url, &["audit", "verify"])).await.unwrap();
    assert_eq!(broken.status.code(), Some(1));
    assert_eq!(stdout(&broken), "");
    assert_eq!(
        stderr(&broken),
        "error: the audit log's hash chain is broken: entry 3: its hash does not match its content: it was changed \
         after it was written\n"
    );
}

/// Cuts the last two entries off the log and rewinds its head to match, as someone hiding
/// what was done would: the chain still holds, and only the head kept elsewhere tells.
async fn cut_the_end_off(url: String) {
    let store = Store::connect(&url).await.unwrap();
    approve_two_plans(&store).await;
    let log = store.audit_log().await.unwrap();
    let head = format!("4:{}", log[3].hash);
    let run = |args: Vec<String>| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            leadup(&url, &args)
        })
    };
    let verify = |expect: &str| vec!["audit".to_owned(), "verify".to_owned(), "--expect".to_owned(), expect.to_owned()];
    let kept = run(verify(&head)).await.unwrap();
    assert_eq!(kept.status.code(), Some(0), "{}", stderr(&kept));
    let earlier = run(verify(&format!("2:{}", log[1].hash))).await.unwrap();
    assert_eq!(earlier.status.code(), Some(0), "a log that grew since still matches: {}", stderr(&earlier));
    let wrong = run(verify(&format!("4:{}", log[2].hash))).await.unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stderr(&wrong).starts_with("error: the audit log was rewritten: entry 4's hash"), "{}", stderr(&wrong));
    let malformed = run(verify("4:abc")).await.unwrap();
    assert_eq!(malformed.status.code(), Some(2));
    assert!(stderr(&malformed).contains("--expect: '4:abc' is not a head"), "{}", stderr(&malformed));

    let drop = match store.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    execute(&store, drop).await.unwrap();
    assert_eq!(execute(&store, "DELETE FROM audit_log WHERE seq > 2").await.unwrap(), 2);
    let rewind = format!("UPDATE audit_head SET seq = 2, hash = '{}' WHERE id = 1", log[1].hash);
    assert_eq!(execute(&store, &rewind).await.unwrap(), 1);
    store.close().await;
    let plain = run(vec!["audit".to_owned(), "verify".to_owned()]).await.unwrap();
    assert_eq!(plain.status.code(), Some(0), "the cut log still chains: {}", stderr(&plain));
    assert_eq!(stdout(&plain), format!("audit log intact: 2 entries; head 2:{}\n", log[1].hash));
    let cut = run(verify(&head)).await.unwrap();
    assert_eq!(cut.status.code(), Some(1));
    assert_eq!(
        stderr(&cut),
        format!(
            "error: the audit log was cut short: it holds 2 entries, but entry 4 was expected (the head now is 2:{})\n",
            log[1].hash
        )
    );
}

#[tokio::test]
async fn a_log_cut_short_is_found_against_a_kept_head_on_sqlite() {
    let db = TestDatabase::sqlite();
    cut_the_end_off(db.url.clone()).await;
}

#[tokio::test]
async fn a_log_cut_short_is_found_against_a_kept_head_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    cut_the_end_off(db.url.clone()).await;
}

#[tokio::test]
async fn verify_then_tamper_on_sqlite() {
    let db = TestDatabase::sqlite();
    verify_then_tamper(db.url.clone()).await;
}

#[tokio::test]
async fn verify_then_tamper_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    verify_then_tamper(db.url.clone()).await;
}
