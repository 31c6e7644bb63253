//! Helpers shared by the binary's tests: run `leadup`, start its server, fetch pages.

#![allow(dead_code)] // each test file uses its own subset

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
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
}

impl Server {
    /// Starts `leadup COMMAND --bind 127.0.0.1:0` and waits until `/healthz` answers.
    pub fn start(database_url: &str, command: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_leadup"))
            .args([command, "--bind", "127.0.0.1:0", "--database-url", database_url])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the leadup binary starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
        let addr = loop {
            let line = lines.next().expect("leadup prints where it serves").expect("stderr is text");
            if let Some(rest) = line.split_once("http://").map(|(_, rest)| rest) {
                break rest.split('/').next().expect("an address").to_owned();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let server = Self { child, addr };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.get("/healthz").0 != 200 {
            assert!(Instant::now() < deadline, "the server did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A plain HTTP/1.1 GET: (status, body); status 0 when nothing answers.
    pub fn get(&self, path: &str) -> (u16, String) {
        self.request(&format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr), b"")
    }

    /// A plain HTTP/1.1 POST of `body` as `content_type`: (status, body).
    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, String) {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        self.request(&head, body)
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

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
