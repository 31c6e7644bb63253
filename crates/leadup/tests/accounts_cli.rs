//! Accounts from the command line, as an operator scripts them: `leadup user add` (a
//! generated password, or one from standard input, checked), `leadup member add`, `leadup
//! token create` printing a token once that then opens the API, and `leadup demo` printing its
//! users; on SQLite and on PostgreSQL.

mod support;

use leadup_store::testing::TestDatabase;
use support::{Server, leadup, leadup_with_input, stderr, stdout};

fn accounts_from_the_command_line(url: &str) {
    assert!(leadup(url, &["init", "--name", "Acme"]).status.success());
    assert!(leadup(url, &["team", "add", "--name", "Payments"]).status.success());

    // No default accounts: the first administrator is added by the operator.
    let admin = leadup(url, &["user", "add", "Ada@Example.com", "--name", "Ada Admin", "--admin", "--json"]);
    assert!(admin.status.success(), "{}", stderr(&admin));
    let admin: serde_json::Value = serde_json::from_slice(&admin.stdout).unwrap();
    assert_eq!((admin["email"].as_str(), admin["is_admin"].as_bool()), (Some("ada@example.com"), Some(true)));
    let generated = admin["password"].as_str().expect("the generated password is printed");
    assert_eq!(generated.len(), 29, "five groups of five hex digits: {generated}");

    let short =
        leadup_with_input(url, &["user", "add", "tom@example.com", "--name", "Tom", "--password-stdin"], "short\n");
    assert_eq!(short.status.code(), Some(2));
    assert_eq!(stderr(&short), "error: password: must be at least 12 characters (this one has 5)\n");
    let common = leadup_with_input(
        url,
        &["user", "add", "tom@example.com", "--name", "Tom", "--password-stdin"],
        "1q2w3e4r5t6y\n",
    );
    assert_eq!(common.status.code(), Some(2));
    assert!(stderr(&common).contains("one of the 1,000 most common passwords"), "{}", stderr(&common));
    let tom = leadup_with_input(
        url,
        &["user", "add", "tom@example.com", "--name", "Tom", "--password-stdin"],
        "tom's long passphrase\n",
    );
    assert!(tom.status.success(), "{}", stderr(&tom));
    assert!(!stdout(&tom).contains("Password"), "a password given is not printed back");
    let again = leadup(url, &["user", "add", "TOM@example.com", "--name", "Tom"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("a user with the email 'tom@example.com' already exists"));

    let bad_role = leadup(url, &["member", "add", "tom@example.com", "--team", "Payments", "--role", "boss"]);
    assert_eq!(bad_role.status.code(), Some(2));
    assert_eq!(stderr(&bad_role), "error: --role: 'boss' is not a role: use manager, member or executive\n");
    let member = leadup(url, &["member", "add", "tom@example.com", "--team", "Payments", "--role", "executive"]);
    assert_eq!(stdout(&member), "tom@example.com is now an executive of Payments.\n");
    let list = leadup(url, &["member", "list", "--team", "Payments", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(
        (list[0]["user"]["email"].as_str(), list[0]["role"].as_str()),
        (Some("tom@example.com"), Some("executive"))
    );

    let token = leadup(url, &["token", "create", "tom@example.com", "--name", "nightly"]);
    assert!(token.status.success());
    let token = stdout(&token);
    assert!(token.starts_with("leadup_") && token.trim().len() == 71, "{token}");
    let tokens = leadup(url, &["token", "list", "tom@example.com", "--json"]);
    let tokens: serde_json::Value = serde_json::from_slice(&tokens.stdout).unwrap();
    assert_eq!(tokens[0]["name"], "nightly");
    assert!(
        !String::from_utf8_lossy(&leadup(url, &["token", "list", "tom@example.com"]).stdout).contains(token.trim())
    );

    // Granting administration and changing a role are in the audit log.
    let audit = leadup(url, &["audit", "verify"]);
    assert!(stdout(&audit).starts_with("audit log intact: 2 entries; head 2:"), "{}", stderr(&audit));
    let removed = leadup(url, &["member", "remove", "tom@example.com", "--team", "Payments"]);
    assert_eq!(stdout(&removed), "tom@example.com holds no role in Payments now.\n");
    assert!(stdout(&leadup(url, &["audit", "verify"])).starts_with("audit log intact: 3 entries; head 3:"));

    let users = leadup(url, &["user", "list"]);
    assert!(stdout(&users).contains("tom@example.com"), "{}", stdout(&users));
}

#[test]
fn accounts_from_the_command_line_on_sqlite() {
    accounts_from_the_command_line(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn accounts_from_the_command_line_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    tokio::task::spawn_blocking(move || accounts_from_the_command_line(&db.url)).await.unwrap();
}

#[test]
fn the_demo_prints_its_users_and_a_created_token_opens_the_api() {
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let emails: Vec<&str> = server.users.iter().map(|(email, _, _)| email.as_str()).collect();
    // An administrator and everyone the three teams list: roles are the one source of a team's people.
    assert_eq!(emails.len(), 23, "{emails:?}");
    assert!(server.users.contains(&(
        "sofia.marchetti@example.com".to_owned(),
        server.password("sofia.marchetti@example.com").to_owned(),
        "manager of Payments".to_owned()
    )));
    assert!(
        server
            .users
            .iter()
            .any(|(e, _, roles)| e == "priya.raman@example.com"
                && roles == "executive of Payments, executive of Platform")
    );
    // Nobody gets in without credentials; the token `leadup token create` printed does.
    assert_eq!(server.get_anonymous("/api/v1/teams").0, 401);
    let (status, body) = server.get("/api/v1/me");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("test-admin@example.com"));
}

#[test]
fn a_workspace_without_users_says_how_to_add_the_first() {
    let db = TestDatabase::sqlite();
    assert!(leadup(&db.url, &["init", "--name", "Acme"]).status.success());
    let server = Server::start(&db.url, "serve");
    assert!(
        server.startup.iter().any(|l| l.contains("nobody can sign in yet: add the first administrator with")),
        "{:?}",
        server.startup
    );
    drop(server);
    // The test helper has added an administrator by now: no hint on the next start.
    let again = Server::start(&db.url, "serve");
    assert!(!again.startup.iter().any(|l| l.contains("nobody can sign in yet")), "{:?}", again.startup);
}

#[test]
fn a_new_password_says_which_api_tokens_still_work_and_can_revoke_them() {
    let db = TestDatabase::sqlite();
    let url = &db.url;
    let added = leadup_with_input(
        url,
        &["user", "add", "tom@example.com", "--name", "Tom", "--password-stdin"],
        "a long first password\n",
    );
    assert!(added.status.success(), "{}", stderr(&added));
    for name in ["nightly", "backup"] {
        assert!(leadup(url, &["token", "create", "tom@example.com", "--name", name]).status.success());
    }
    let live = |url: &str| {
        let tokens = leadup(url, &["token", "list", "tom@example.com", "--json"]);
        let tokens: serde_json::Value = serde_json::from_slice(&tokens.stdout).unwrap();
        tokens.as_array().unwrap().iter().filter(|t| t["revoked_at"].is_null()).count()
    };
    let kept = leadup_with_input(
        url,
        &["user", "password", "tom@example.com", "--password-stdin"],
        "a long second password\n",
    );
    assert_eq!(
        stdout(&kept),
        "Password of tom@example.com changed; their sessions have ended.\n\
         Their 2 API tokens still work (a new password does not end them): revoke with \
         `leadup token revoke tom@example.com ID`, or run this again with --revoke-tokens.\n"
    );
    assert_eq!(live(url), 2);
    let revoked = leadup(url, &["user", "password", "tom@example.com", "--revoke-tokens"]);
    assert!(stdout(&revoked).ends_with("Their 2 API tokens revoked.\n"), "{}", stdout(&revoked));
    assert_eq!(live(url), 0);
    let again = leadup(url, &["user", "password", "tom@example.com"]);
    assert_eq!(stdout(&again).lines().count(), 1, "no tokens, nothing more said: {}", stdout(&again));
}
