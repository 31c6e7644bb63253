//! Helpers shared by the binary's tests: run `leadup`, start its server, fetch pages.

#![allow(dead_code)] // each test file uses its own subset

pub mod browser;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Runs `leadup` with `args` against `database_url` and waits for it.
pub fn leadup(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leadup"))
        .args(args)
        .env("LEADUP_DATABASE_URL", database_url)
        .env_remove("LEADUP_BIND")
        .output()
        .expect("the leadup binary runs")
}

/// Runs `leadup` with `args` against `database_url`, writing `input` to its standard input.
pub fn leadup_with_input(database_url: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadup"))
        .args(args)
        .env("LEADUP_DATABASE_URL", database_url)
        .env_remove("LEADUP_BIND")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the leadup binary runs");
    child.stdin.take().expect("stdin is piped").write_all(input.as_bytes()).expect("writing stdin");
    child.wait_with_output().expect("leadup finishes")
}

/// stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A `leadup serve` or `leadup demo` process on a free loopback port, killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The demo users `leadup demo` printed: (email, password, roles).
    pub users: Vec<(String, String, String)>,
    /// A workspace administrator's API token, sent by [`Server::get`] and [`Server::post`].
    pub token: String,
    /// What the server printed before it served.
    pub startup: Vec<String>,
    /// The lines of its log (standard output) so far.
    pub log: Arc<Mutex<Vec<String>>>,
    /// The lines it wrote to standard error after it started serving, so far.
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `leadup COMMAND --bind 127.0.0.1:0` and waits until `/healthz` answers.
    pub fn start(database_url: &str, command: &str) -> Self {
        Self::start_with(database_url, command, &[])
    }

    /// Starts `leadup COMMAND --bind 127.0.0.1:0 ARGS...` and waits until `/healthz` answers,
    /// keeping what it writes in [`Server::log`] and [`Server::stderr`].
    pub fn start_with(database_url: &str, command: &str, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_leadup"))
            .args([command, "--bind", "127.0.0.1:0", "--database-url", database_url])
            .args(args)
            .env_remove("LEADUP_LOG")
            .env_remove("LEADUP_LOG_FORMAT")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the leadup binary starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let kept = Arc::clone(&log);
        // Draining the log also keeps the server from blocking on a full pipe.
        std::thread::spawn(move || {
            stdout.lines().map_while(Result::ok).for_each(|line| kept.lock().unwrap().push(line));
        });
        let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
        let mut users = Vec::new();
        let mut startup = Vec::new();
        let addr = loop {
            let line = lines.next().expect("leadup prints where it serves").expect("stderr is text");
            startup.push(line.clone());
            if let Some(rest) = line.split_once("http://").map(|(_, rest)| rest) {
                break rest.split('/').next().expect("an address").to_owned();
            }
            // "leadup:   EMAIL  PASSWORD  (ROLES)"
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.len() >= 4 && words[1].contains('@') {
                let roles = line.split_once('(').map_or("", |(_, r)| r.trim_end_matches(')'));
                users.push((words[1].to_owned(), words[2].to_owned(), roles.to_owned()));
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&stderr);
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(|line| kept.lock().unwrap().push(line)));
        let token = admin_token(database_url);
        let server = Self { child, addr, users, token, startup, log, stderr };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.get("/healthz").0 != 200 {
            assert!(Instant::now() < deadline, "the server did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Sends the server the signal `name` (`TERM`, `KILL`, ...).
    pub fn signal(&self, name: &str) {
        let sent = Command::new("kill").args([format!("-{name}"), self.child.id().to_string()]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -{name} {}", self.child.id());
    }

    /// Waits up to `within` for the server to exit: its exit status, or `None` if it did not.
    pub fn wait_exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("waiting for the server") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The password `leadup demo` printed for `email`.
    pub fn password(&self, email: &str) -> &str {
        &self.users.iter().find(|(e, _, _)| e == email).unwrap_or_else(|| panic!("no demo user {email}")).1
    }

    /// A plain HTTP/1.1 GET as the administrator: (status, body); status 0 when nothing answers.
    pub fn get(&self, path: &str) -> (u16, String) {
        self.request(
            &format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
                self.addr, self.token
            ),
            b"",
        )
    }

    /// A GET as the administrator of an API route answering 200 with JSON.
    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path} answers JSON: {e}"))
    }

    /// The id of the team called `name`, from the API.
    pub fn team_id(&self, name: &str) -> i64 {
        let teams = self.get_json("/api/v1/teams");
        teams.as_array().expect("a list").iter().find(|t| t["name"] == name).expect("the team")["id"].as_i64().unwrap()
    }

    /// A plain HTTP/1.1 GET with API token `token`: (status, body).
    pub fn get_as(&self, token: &str, path: &str) -> (u16, String) {
        self.request(
            &format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n",
                self.addr
            ),
            b"",
        )
    }

    /// A plain HTTP/1.1 GET with API token `token` of a binary answer: (status, body bytes).
    pub fn get_bytes_as(&self, token: &str, path: &str) -> (u16, Vec<u8>) {
        let Ok(mut stream) = TcpStream::connect(&self.addr) else { return (0, Vec::new()) };
        let head = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        let mut response = Vec::new();
        if stream.write_all(head.as_bytes()).is_err() || stream.read_to_end(&mut response).is_err() {
            return (0, Vec::new());
        }
        let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else { return (0, Vec::new()) };
        let status = String::from_utf8_lossy(&response[..end]).split(' ').nth(1).and_then(|s| s.parse().ok());
        (status.unwrap_or(0), response[end + 4..].to_vec())
    }

    /// A plain HTTP/1.1 POST of JSON `body` with API token `token`: (status, body).
    pub fn post_json_as(&self, token: &str, path: &str, body: &str) -> (u16, String) {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        self.request(&head, body.as_bytes())
    }

    /// A plain HTTP/1.1 GET without credentials: (status, body).
    pub fn get_anonymous(&self, path: &str) -> (u16, String) {
        self.request(&format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr), b"")
    }

    /// A plain HTTP/1.1 POST of `body` as `content_type`: (status, body).
    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, String) {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            self.token,
            body.len()
        );
        self.request(&head, body)
    }

    /// A raw HTTP/1.1 request (`head` ends with the blank line): the whole response as text.
    pub fn raw(&self, head: &str, body: &[u8]) -> String {
        let Ok(mut stream) = TcpStream::connect(&self.addr) else { return String::new() };
        let mut response = String::new();
        if stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).is_ok() {
            let _ = stream.read_to_string(&mut response);
        }
        response
    }

    fn request(&self, head: &str, body: &[u8]) -> (u16, String) {
        let Ok(mut stream) = TcpStream::connect(&self.addr) else { return (0, String::new()) };
        if stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).is_err() {
            return (0, String::new());
        }
        let mut response = String::new();
        if stream.read_to_string(&mut response).is_err() {
            return (0, String::new());
        }
        let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
        (status, body)
    }
}

/// An API token of the existing user `email`, made for the tests.
pub fn token_of(database_url: &str, email: &str) -> String {
    let token = leadup(database_url, &["token", "create", email, "--name", "tests"]);
    assert!(token.status.success(), "creating a token for {email}: {}", stderr(&token));
    stdout(&token).trim().to_owned()
}

/// An API token of a workspace administrator made for the tests (created on first use).
fn admin_token(database_url: &str) -> String {
    const EMAIL: &str = "test-admin@example.com";
    let add = leadup(database_url, &["user", "add", EMAIL, "--name", "Test Admin", "--admin"]);
    let exists = stderr(&add).contains("already exists");
    assert!(add.status.success() || exists, "creating the test administrator: {}", stderr(&add));
    let token = leadup(database_url, &["token", "create", EMAIL, "--name", "tests"]);
    assert!(token.status.success(), "creating a token: {}", stderr(&token));
    stdout(&token).trim().to_owned()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of a PDF, read back with poppler's `pdftotext`; `None` (after noting the skip)
/// where poppler-utils is not installed.
pub fn pdf_text(path: &std::path::Path) -> Option<String> {
    match std::process::Command::new("pdftotext").arg("-layout").arg(path).arg("-").output() {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            leadup_store::testing::skip("pdftotext (poppler-utils) is not installed");
            None
        }
    }
}

/// The pages of a PDF, by poppler's `pdfinfo`.
pub fn pdf_pages(path: &std::path::Path) -> Option<u32> {
    let out = std::process::Command::new("pdfinfo").arg(path).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok())
}
