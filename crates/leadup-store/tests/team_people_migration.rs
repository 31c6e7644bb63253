//! The migration that made roles the one source of a team's people (SQLite 0012,
//! PostgreSQL 0011), run on a database as an older leadup left it, on both backends: typed
//! names are matched to users (case and spacing aside, only when exactly one user has the
//! name) and become roles; the others are kept as pending people ("no account yet").

use leadup_core::access::Role;
use leadup_store::Store;
use leadup_store::testing::{TestDatabase, migrate_before};

async fn typed_names_become_roles_or_pending_people(db: TestDatabase, version: i64) {
    // The old shape, written before the migration: typed names, and users with roles (ids
    // high enough that the users created later do not meet them).
    let old = [
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES \
             (101, 'sofia@example.com', 'Sofia Marchetti', 'h', 0), (102, 'mateo@example.com', 'Mateo  FERNANDEZ', 'h', 0), \
             (103, 'amara@example.com', 'Amara Okafor', 'h', 0), (104, 'ann1@example.com', 'Ann Lee', 'h', 0), \
             (105, 'ann2@example.com', 'ann lee', 'h', 0), (106, 'kwame@example.com', 'Kwame Mensah', 'h', 0)",
        "INSERT INTO teams (id, name, manager) VALUES (1, 'Payments', ' sofia marchetti'), (2, 'Flow', 'Unassigned')",
        // Amara already holds the member role in Payments: that role stands.
        "INSERT INTO memberships (team_id, user_id, role) VALUES (1, 103, 'member')",
        "INSERT INTO team_people (team_id, role, ord, name) VALUES \
             (1, 'executive', 0, 'Mateo Fernandez'), (1, 'executive', 1, 'Amara Okafor'), (1, 'executive', 2, 'Priya Raman'), \
             (1, 'member', 0, 'Ann Lee'), (1, 'member', 1, 'Kwame Mensah'), (2, 'executive', 0, 'Kwame Mensah'), \
             (2, 'member', 0, 'Kwame Mensah')",
    ];
    migrate_before(&db.url, version, &old).await.unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    let role = |team: i64, user: i64| {
        let store = store.clone();
        async move { store.principal(user).await.unwrap().role_in(team) }
    };
    assert_eq!(role(1, 101).await, Some(Role::Manager), "the manager, matched without case or leading space");
    assert_eq!(role(1, 102).await, Some(Role::Executive), "matched despite the double space and case");
    assert_eq!(role(1, 103).await, Some(Role::Member), "a role held stands");
    assert_eq!(role(1, 106).await, Some(Role::Member));
    assert_eq!(role(2, 106).await, Some(Role::Executive), "named for two roles: the higher");
    assert_eq!((role(1, 104).await, role(1, 105).await), (None, None), "two users of the name: neither is guessed");

    let payments = store.team(1).await.unwrap();
    let shown = |people: &[leadup_core::team::TeamPerson]| {
        people.iter().map(leadup_core::team::TeamPerson::label).collect::<Vec<_>>()
    };
    assert_eq!(shown(&payments.managers), ["Sofia Marchetti"]);
    assert_eq!(shown(&payments.executives), ["Mateo  FERNANDEZ", "Priya Raman (no account yet)"]);
    assert_eq!(shown(&payments.members), ["Amara Okafor", "Kwame Mensah", "Ann Lee (no account yet)"]);
    let flow = store.team(2).await.unwrap();
    assert_eq!(
        (shown(&flow.managers), shown(&flow.executives), shown(&flow.members)),
        (vec![], vec!["Kwame Mensah".to_owned()], vec![])
    );

    // The pending executive becomes the user once created.
    let priya = leadup_core::account::NewUser {
        email: "priya@example.com".into(),
        name: "PRIYA RAMAN".into(),
        is_admin: false,
    };
    let priya = store.create_user(&priya, "h", 0, None).await.unwrap().id;
    assert_eq!(role(1, priya).await, Some(Role::Executive));
    assert_eq!(shown(&store.team(1).await.unwrap().executives), ["Mateo  FERNANDEZ", "PRIYA RAMAN"]);
}

#[tokio::test]
async fn on_sqlite() {
    typed_names_become_roles_or_pending_people(TestDatabase::sqlite(), 12).await;
}

#[tokio::test]
async fn on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    typed_names_become_roles_or_pending_people(db, 11).await;
}
