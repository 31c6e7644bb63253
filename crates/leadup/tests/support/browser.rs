//! Real headless Chromium driven through ChromeDriver (the W3C WebDriver protocol over plain
//! HTTP on loopback): open pages, fill in and submit forms, read the DOM and take screenshots.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The WebDriver key for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A ChromeDriver process with one Chromium session, both ended when dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    profile: tempfile::TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium with a fresh profile, or `None` when
    /// they are not installed.
    pub fn start() -> Option<Self> {
        let chromium =
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().map(PathBuf::from).find(|p| p.exists())?;
        let chromedriver = ["/usr/bin/chromedriver"].into_iter().map(PathBuf::from).find(|p| p.exists())?;
        let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut browser = Self { driver, port, session: String::new(), profile };
        let deadline = Instant::now() + Duration::from_secs(30);
        while browser.call("GET", "/status", None).is_none_or(|v| v["value"]["ready"] != true) {
            assert!(Instant::now() < deadline, "chromedriver did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,1600",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain([format!("--user-data-dir={}", browser.profile.path().display())])
        .collect::<Vec<_>>();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let created = browser.call("POST", "/session", Some(&capabilities)).expect("a WebDriver session");
        created["value"]["sessionId"].as_str().expect("a session id").clone_into(&mut browser.session);
        Some(browser)
    }

    /// One WebDriver command: the answer's JSON, or `None` when ChromeDriver does not answer.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Option<Value> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.port,
            body.len()
        );
        stream.write_all(head.as_bytes()).ok()?;
        stream.write_all(body.as_bytes()).ok()?;
        // ChromeDriver may keep the connection open: read the head, then Content-Length bytes.
        let mut response = Vec::new();
        let mut buffer = [0u8; 8192];
        let body_start = loop {
            let read = stream.read(&mut buffer).ok()?;
            if read == 0 {
                return None;
            }
            response.extend_from_slice(&buffer[..read]);
            if let Some(at) = response.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let head = String::from_utf8_lossy(&response[..body_start]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while response.len() < body_start + length {
            let read = stream.read(&mut buffer).ok()?;
            if read == 0 {
                break;
            }
            response.extend_from_slice(&buffer[..read]);
        }
        let json = String::from_utf8_lossy(&response[body_start..]);
        serde_json::from_str(&json).ok()
    }

    /// A command of this session; panics with WebDriver's message when it fails.
    fn command(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let answer = self
            .call(method, &format!("/session/{}{path}", self.session), body)
            .unwrap_or_else(|| panic!("chromedriver did not answer {method} {path}"));
        if let Some(error) = answer["value"]["error"].as_str() {
            panic!("WebDriver {method} {path}: {error}: {}", answer["value"]["message"]);
        }
        answer["value"].clone()
    }

    /// Opens `url` and waits for it to load.
    pub fn open(&self, url: &str) {
        self.command("POST", "/url", Some(&json!({ "url": url })));
        self.wait_until_loaded();
    }

    /// Waits until the document shown has finished loading.
    fn wait_until_loaded(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let script = json!({"script": "return document.readyState", "args": []});
        while self.command("POST", "/execute/sync", Some(&script)) != "complete" {
            assert!(Instant::now() < deadline, "the page did not finish loading");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The address of the page shown now.
    pub fn current_url(&self) -> String {
        self.command("GET", "/url", None).as_str().unwrap_or_default().to_owned()
    }

    /// The DOM of the page shown now, as Chromium serialises it.
    pub fn source(&self) -> String {
        self.command("GET", "/source", None).as_str().unwrap_or_default().to_owned()
    }

    /// Opens `url` and answers its DOM.
    pub fn dom(&self, url: &str) -> String {
        self.open(url);
        self.source()
    }

    fn element(&self, selector: &str) -> String {
        let found = self.command("POST", "/element", Some(&json!({"using": "css selector", "value": selector})));
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("no element matches {selector}")).to_owned()
    }

    /// Types `text` into the field matching `selector`, after clearing it.
    pub fn fill(&self, selector: &str, text: &str) {
        let element = self.element(selector);
        self.command("POST", &format!("/element/{element}/clear"), Some(&json!({})));
        self.command("POST", &format!("/element/{element}/value"), Some(&json!({ "text": text })));
    }

    /// Runs `script` in the page, as a hostile user could from the console (e.g. to switch off
    /// the browser's own form checks and reach the server's).
    pub fn run_script(&self, script: &str) {
        self.command("POST", "/execute/sync", Some(&json!({ "script": script, "args": [] })));
    }

    /// Chooses the file at `path` in the file input matching `selector`.
    pub fn attach(&self, selector: &str, path: &Path) {
        let element = self.element(selector);
        let text = path.to_str().expect("a UTF-8 path");
        self.command("POST", &format!("/element/{element}/value"), Some(&json!({ "text": text })));
    }

    /// Chooses the option with `value` in the select matching `selector`.
    pub fn select(&self, selector: &str, value: &str) {
        self.click(&format!("{selector} option[value=\"{value}\"]"));
    }

    /// Clicks the element matching `selector` (and waits for the page it loads).
    pub fn click(&self, selector: &str) {
        let element = self.element(selector);
        self.command("POST", &format!("/element/{element}/click"), Some(&json!({})));
    }

    /// Signs in on `origin`'s sign-in page as `email`.
    pub fn sign_in(&self, origin: &str, email: &str, password: &str) {
        self.open(&format!("{origin}/login"));
        self.fill("input[name=email]", email);
        self.fill("input[name=password]", password);
        self.click("form[action=\"/login\"] button[type=submit]");
        // The click may return before the answer to the form has arrived: wait for it.
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.current_url().contains("/login") {
            assert!(
                Instant::now() < deadline,
                "signing in as {email} did not leave the sign-in page: {}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.wait_until_loaded();
    }

    /// Signs out with the button in the top bar.
    pub fn sign_out(&self) {
        self.click("form[action=\"/logout\"] button");
        self.wait_for("Sign in to leadup");
    }

    /// Waits until the page shown holds `text` (a click may return before the page it
    /// loads has arrived), and answers its DOM.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let source = self.source();
            if source.contains(text) {
                return source;
            }
            assert!(Instant::now() < deadline, "the page never showed {text:?}: {source}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Saves a PNG of the page shown now, 1280 pixels wide and `height` high, and checks
    /// that it is a real, non-trivial image.
    pub fn screenshot_now(&self, path: &Path, height: u32) {
        self.command("POST", "/window/rect", Some(&json!({"width": 1280, "height": height})));
        let encoded = self.command("GET", "/screenshot", None);
        let png = decode_base64(encoded.as_str().expect("a base64 PNG"));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{} is a PNG", path.display());
        assert!(png.len() > 20_000, "{} is suspiciously small ({} bytes)", path.display(), png.len());
        std::fs::write(path, png).expect("the screenshot is saved");
        self.command("POST", "/window/rect", Some(&json!({"width": 1280, "height": 1600})));
    }

    /// Sets the window to `width` by `height` pixels (a screenshot sets it back to 1280 by 1600).
    pub fn resize(&self, width: u32, height: u32) {
        self.command("POST", "/window/rect", Some(&json!({"width": width, "height": height})));
    }

    /// Saves a PNG of the page shown now in a window `width` by `height` pixels (390 is a
    /// phone), checking that it is a real image.
    pub fn screenshot_at(&self, path: &Path, width: u32, height: u32) {
        self.command("POST", "/window/rect", Some(&json!({"width": width, "height": height})));
        let encoded = self.command("GET", "/screenshot", None);
        let png = decode_base64(encoded.as_str().expect("a base64 PNG"));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{} is a PNG", path.display());
        assert!(png.len() > 10_000, "{} is suspiciously small ({} bytes)", path.display(), png.len());
        std::fs::write(path, png).expect("the screenshot is saved");
        self.command("POST", "/window/rect", Some(&json!({"width": 1280, "height": 1600})));
    }

    /// The page shown now printed to PDF on A4 paper by Chromium (WebDriver's Print Page, the
    /// page's own print stylesheet applied, nothing shrunk to fit).
    pub fn print_a4(&self) -> Vec<u8> {
        let options = json!({"page": {"width": 21.0, "height": 29.7}, "shrinkToFit": false, "background": true});
        let encoded = self.command("POST", "/print", Some(&options));
        decode_base64(encoded.as_str().expect("a base64 PDF"))
    }

    /// The serious and critical accessibility violations axe-core finds on the page shown now,
    /// one line each (rule, help, and the elements concerned).
    pub fn axe(&self) -> Vec<String> {
        const AXE: &str = include_str!("axe/axe.min.js");
        let load = json!({"script": format!("{AXE}\nreturn typeof axe;"), "args": []});
        assert_eq!(self.command("POST", "/execute/sync", Some(&load)), "object", "axe-core loads");
        let run = json!({"script": "const done = arguments[arguments.length - 1];\
            axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations\
              .filter(v => v.impact === 'serious' || v.impact === 'critical')\
              .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')')))\
              .catch(e => done(['axe failed: ' + e]));", "args": []});
        let found = self.command("POST", "/execute/async", Some(&run));
        found
            .as_array()
            .expect("a list of violations")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// What is wrong with the layout of the page shown now, one line each: the document wider
    /// than the window (naming the elements that stick out), and text in a chart that overlaps
    /// other text of the same chart.
    pub fn layout_problems(&self) -> Vec<String> {
        let script = json!({"script": r#"
            const problems = [];
            const width = window.innerWidth;
            const own = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '');
            const name = e => (e.parentElement && e.parentElement !== document.body ? own(e.parentElement) + ' > ' : '') + own(e);
            if (document.documentElement.scrollWidth > width + 1) {
                const out = [];
                for (const e of document.body.querySelectorAll('*')) {
                    const r = e.getBoundingClientRect();
                    if (r.width > 0 && r.right > width + 1 && e.checkVisibility() && !out.some(o => o.contains(e))) {
                        let clipped = false;
                        for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                            const o = getComputedStyle(p).overflowX;
                            if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
                        }
                        if (!clipped) out.push(e);
                    }
                }
                problems.push('the document is ' + document.documentElement.scrollWidth + ' px wide in a '
                    + width + ' px window; sticking out: ' + out.slice(0, 6).map(e => name(e) + ' (right edge '
                    + Math.round(e.getBoundingClientRect().right) + ')').join(', '));
            }
            for (const svg of document.querySelectorAll('svg')) {
                const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '')
                    .map(t => [t, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && r.height > 0);
                for (let i = 0; i < texts.length; i++) {
                    for (let j = i + 1; j < texts.length; j++) {
                        const [a, ra] = texts[i], [b, rb] = texts[j];
                        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
                        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
                        if (w > 2 && h > 2) {
                            problems.push('in the chart "' + (svg.getAttribute('aria-label') || name(svg)).slice(0, 60)
                                + '" the labels "' + a.textContent.trim() + '" and "' + b.textContent.trim() + '" overlap');
                        }
                    }
                }
            }
            return problems;"#, "args": []});
        let found = self.command("POST", "/execute/sync", Some(&script));
        found
            .as_array()
            .expect("a list of problems")
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Opens `url` and saves a PNG of its top 1600 pixels.
    pub fn screenshot(&self, url: &str, path: &Path) {
        self.screenshot_sized(url, path, 1600);
    }

    /// Opens `url` and saves a PNG of its top `height` pixels.
    pub fn screenshot_sized(&self, url: &str, path: &Path, height: u32) {
        self.open(url);
        self.screenshot_now(path, height);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 (with padding), as WebDriver sends screenshots.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        other => panic!("{other} is not base64"),
    };
    let clean: Vec<u8> = text.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let bits = chunk.iter().enumerate().fold(0u32, |acc, (i, &c)| acc | (u32::from(value(c)) << (18 - 6 * i)));
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Where screenshots go: `target/screenshots/`, for a person to look at.
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot directory");
    dir
}
