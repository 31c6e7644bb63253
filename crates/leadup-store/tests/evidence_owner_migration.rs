//! The migration that gave evidence an owner (SQLite 0018, PostgreSQL 0017), run on a
//! database as an older leadup left it, on both backends: evidence recorded before has no
//! owner, keeps its free-text "recorded by", and may then be changed by the managers of the
//! teams citing it and by administrators only.

use leadup_core::access::{Principal, Role, TeamRole};
use leadup_store::Store;
use leadup_store::testing::{TestDatabase, migrate_before};

async fn old_evidence_has_no_owner(db: TestDatabase, version: i64) {
    let old = ["INSERT INTO evidence (id, kind, summary, currency, recorded_by) \
         VALUES (7, 'support_ticket', 'Refunds take two weeks', 'EUR', 'Priya')"];
    migrate_before(&db.url, version, &old).await.unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    let piece = store.evidence(7).await.unwrap();
    assert_eq!((piece.recorder_id, piece.recorded_by.as_deref()), (None, Some("Priya")));
    let stewards = store.evidence_stewards(7).await.unwrap();
    assert_eq!((stewards.recorder_id, stewards.citing_teams.len()), (None, 0));
    let person = |user_id: i64, is_admin: bool, roles: Vec<TeamRole>| Principal {
        user_id,
        email: String::new(),
        name: String::new(),
        is_admin,
        roles,
    };
    assert!(stewards.allow(&person(1, true, Vec::new())), "administrators may");
    assert!(!stewards.allow(&person(2, false, vec![TeamRole { team_id: 1, role: Role::Manager }])));
}

#[tokio::test]
async fn on_sqlite() {
    old_evidence_has_no_owner(TestDatabase::sqlite(), 18).await;
}

#[tokio::test]
async fn on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    old_evidence_has_no_owner(db, 17).await;
}
