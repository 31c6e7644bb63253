//! `leadup deliveries` through the binary against a real SMTP server (aiosmtpd with STARTTLS
//! and AUTH, `leadup-app/tests/support/smtp_server.py`): the password only from the
//! environment, the test CA trusted through --delivery-ca-file, a wrong password reported on
//! the delivery without the secret, and settings that would send in clear text refused. On
//! SQLite and on PostgreSQL. `leadup brief send` delivers a demo brief to its executive the
//! same way: Markdown, the print-ready page and the PDF in one e-mail.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use base64::Engine;
use leadup_store::testing::TestDatabase;
use serde_json::Value;

mod support;

const USER: &str = "leadup-mailer";
const PASSWORD: &str = "correct-horse-battery-staple-42";

struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_server() -> Option<SmtpServer> {
    let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
    let importable = Command::new(python).args(["-c", "import aiosmtpd"]).stderr(Stdio::null()).status();
    if !importable.is_ok_and(|s| s.success()) {
        leadup_store::testing::skip("aiosmtpd (Debian's python3-aiosmtpd) is missing");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../leadup-app/tests/support/smtp_server.py");
    let mut child = Command::new(python)
        .arg(script)
        .arg("--dir")
        .arg(dir.path())
        .args(["--user", USER])
        .env("SMTP_TEST_PASSWORD", PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.trim().parse().unwrap_or_else(|_| panic!("the SMTP server printed no port: {line:?}"));
    Some(SmtpServer { child, port, dir })
}

fn leadup(url: &str, args: &[&str], password: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leadup"))
        .args(args)
        .env("LEADUP_DATABASE_URL", url)
        .env("LEADUP_SMTP_PASSWORD", password)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn test_email_through_the_binary(url: &str) {
    let Some(server) = smtp_server() else { return };
    let port = server.port.to_string();
    let ca = server.dir.path().join("ca.pem");
    let ca = ca.to_str().unwrap();
    let send_test = |password: &str| {
        leadup(
            url,
            &[
                "deliveries",
                "test",
                "--to",
                "mateo@example.com",
                "--smtp-host",
                "127.0.0.1",
                "--smtp-port",
                &port,
                "--smtp-username",
                USER,
                "--smtp-from",
                "leadup <leadup@example.com>",
                "--delivery-ca-file",
                ca,
            ],
            password,
        )
    };

    let sent = send_test(PASSWORD);
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    assert!(text(&sent.stdout).starts_with("delivery 1 to mateo@example.com: sent "), "{}", text(&sent.stdout));
    let received: Value =
        serde_json::from_str(&std::fs::read_to_string(server.dir.path().join("messages/1.json")).unwrap()).unwrap();
    assert_eq!((received["subject"].as_str(), received["login"].as_str()), (Some("leadup test e-mail"), Some(USER)));
    assert_eq!(received["tls"], true);

    let wrong = "Wr0ng-Passw0rd-for-the-cli";
    let refused = send_test(wrong);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("delivery 2 to mateo@example.com failed after 1 attempt"), "{stderr}");
    assert!(stderr.contains(&format!("refused the login of '{USER}'")), "{stderr}");
    assert!(!stderr.contains(wrong), "the password leaked: {stderr}");

    let listed = leadup(url, &["deliveries", "list", "--json"], "");
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let statuses: Vec<(i64, &str)> =
        listed.as_array().unwrap().iter().map(|d| (d["id"].as_i64().unwrap(), d["status"].as_str().unwrap())).collect();
    assert_eq!(statuses, vec![(2, "failed"), (1, "sent")]);
    assert!(!listed.to_string().contains(wrong));

    let retried = leadup(url, &["deliveries", "retry", "2"], "");
    assert!(retried.status.success(), "{}", text(&retried.stderr));
    let again = leadup(url, &["deliveries", "retry", "2"], "");
    assert_eq!(again.status.code(), Some(1), "a queued delivery is not retried");
    assert!(text(&again.stderr).contains("only a failed delivery can be retried"), "{}", text(&again.stderr));
}

fn unsafe_or_incomplete_settings_are_refused(url: &str) {
    let cases: [(&[&str], &str); 4] = [
        (&["--smtp-host", "mail.example.com", "--smtp-from", "l@example.com", "--smtp-tls", "none"], "--smtp-tls none"),
        (&["--smtp-host", "mail.example.com"], "--smtp-from"),
        (&["--smtp-host", "mail.example.com", "--smtp-from", "not an address"], "'not an address'"),
        (&["--delivery-ca-file", "/nonexistent/ca.pem"], "--delivery-ca-file"),
    ];
    for (flags, named) in cases {
        let mut args = vec!["deliveries", "test", "--to", "mateo@example.com"];
        args.extend_from_slice(flags);
        let output = leadup(url, &args, "");
        assert_eq!(output.status.code(), Some(2), "{flags:?}: {}", text(&output.stderr));
        assert!(text(&output.stderr).contains(named), "{flags:?}: {}", text(&output.stderr));
    }
    let listed = leadup(url, &["deliveries", "list"], "");
    assert_eq!(text(&listed.stdout), "no deliveries yet\n", "nothing was queued");
    let bad = leadup(url, &["deliveries", "list", "--about", "brief"], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--about"), "{}", text(&bad.stderr));
}

fn a_demo_brief_by_email(url: &str) {
    drop(support::Server::start(url, "demo"));
    let Some(server) = smtp_server() else { return };
    let port = server.port.to_string();
    let ca = server.dir.path().join("ca.pem");
    let flags = [
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &port,
        "--smtp-username",
        USER,
        "--smtp-from",
        "leadup <leadup@example.com>",
        "--delivery-ca-file",
        ca.to_str().unwrap(),
    ];
    let mut args = vec!["brief", "send", "2"];
    args.extend_from_slice(&flags);
    let sent = leadup(url, &args, PASSWORD);
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    assert!(
        text(&sent.stdout).starts_with("brief 2, delivery 1 to mateo.fernandez@example.com: sent "),
        "{}",
        text(&sent.stdout)
    );

    let received: Value =
        serde_json::from_str(&std::fs::read_to_string(server.dir.path().join("messages/1.json")).unwrap()).unwrap();
    assert_eq!(received["rcpt_tos"][0], "mateo.fernandez@example.com");
    let subject = received["subject"].as_str().unwrap();
    assert!(subject.starts_with("Payments: "), "{subject}");
    let parts = received["parts"].as_array().unwrap();
    let kinds: Vec<&str> = parts.iter().map(|p| p["content_type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["text/plain", "text/html", "application/pdf"]);
    let decode =
        |part: &Value| base64::engine::general_purpose::STANDARD.decode(part["base64"].as_str().unwrap()).unwrap();
    let markdown = String::from_utf8(decode(&parts[0])).unwrap();
    assert!(markdown.contains("Mateo Fern"), "{markdown}");
    assert_eq!(parts[2]["filename"], "brief-2.pdf");
    assert!(decode(&parts[2]).starts_with(b"%PDF-"));

    let listed = leadup(url, &["deliveries", "list", "--about", "brief:2", "--json"], "");
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["status"], "sent", "{listed}");

    let missing = leadup(url, &["brief", "send", "99"], "");
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing.stderr));
}

#[test]
fn sqlite() {
    let db = TestDatabase::sqlite();
    unsafe_or_incomplete_settings_are_refused(&db.url);
    test_email_through_the_binary(&db.url);
    a_demo_brief_by_email(&TestDatabase::sqlite().url);
}

#[tokio::test]
async fn postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || {
        unsafe_or_incomplete_settings_are_refused(&url);
        test_email_through_the_binary(&url);
    })
    .await
    .unwrap();
    let Some(demo) = TestDatabase::postgres().await else { return };
    let url = demo.url.clone();
    tokio::task::spawn_blocking(move || a_demo_brief_by_email(&url)).await.unwrap();
}
