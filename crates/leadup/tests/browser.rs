//! The demo workspace in real headless Chromium: the strategy, roadmap (both views),
//! alignment and an initiative page load, show the demo's content, and are saved as
//! screenshots under `target/screenshots/` for a person to look at.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use leadup_store::testing::{TestDatabase, skip};
use support::Server;

/// Debian's Chromium, started the way this machine's sandbox needs.
struct Chromium {
    binary: PathBuf,
    profile: tempfile::TempDir,
}

impl Chromium {
    fn find() -> Option<Self> {
        let binary =
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().map(PathBuf::from).find(|p| p.exists())?;
        Some(Self { binary, profile: tempfile::tempdir().expect("a profile directory") })
    }

    fn run(&self, extra: &[&str], url: &str) -> std::process::Output {
        Command::new(&self.binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1280,1600",
            ])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(extra)
            .arg(url)
            .output()
            .expect("chromium runs")
    }

    /// The DOM after the page has loaded, as Chromium serialises it.
    fn dom(&self, url: &str) -> String {
        let output = self.run(&["--dump-dom"], url);
        assert!(output.status.success(), "chromium failed on {url}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Saves a PNG of the page and checks that it is a real, non-trivial image.
    fn screenshot(&self, url: &str, path: &Path) {
        let output = self.run(&[&format!("--screenshot={}", path.display())], url);
        assert!(output.status.success(), "chromium failed on {url}: {}", String::from_utf8_lossy(&output.stderr));
        let png = std::fs::read(path).expect("the screenshot was written");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{} is a PNG", path.display());
        assert!(png.len() > 20_000, "{} is suspiciously small ({} bytes)", path.display(), png.len());
    }
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot directory");
    dir
}

#[test]
fn demo_pages_render_in_chromium() {
    let Some(chromium) = Chromium::find() else {
        skip("Chromium is not installed (scripts/test installs it)");
        return;
    };
    let db = TestDatabase::sqlite();
    let server = Server::start(&db.url, "demo");
    let shots = screenshot_dir();

    let strategy = chromium.dom(&server.url("/strategy"));
    assert!(strategy.contains("<h1>Strategy</h1>"), "strategy page heading");
    assert!(strategy.contains("Our mission"), "the mission is shown");
    assert!(strategy.matches("class=\"card objective\"").count() == 5, "five objective cards");
    assert!(strategy.contains("role=\"progressbar\""), "key results have progress bars");
    assert!(strategy.contains("uncovered"), "the uncovered objective is flagged");
    chromium.screenshot(&server.url("/strategy"), &shots.join("strategy.png"));

    let roadmap = chromium.dom(&server.url("/roadmap"));
    assert!(roadmap.contains("<svg class=\"timeline\""), "the timeline is drawn as SVG");
    assert!(roadmap.matches("class=\"bar status-").count() >= 12, "dated initiatives have bars");
    assert!(roadmap.contains("Today"), "today is marked");
    chromium.screenshot(&server.url("/roadmap"), &shots.join("roadmap-timeline.png"));
    chromium.screenshot(&server.url("/roadmap?group=objective"), &shots.join("roadmap-by-objective.png"));

    let columns = chromium.dom(&server.url("/roadmap?view=columns"));
    for column in ["column-now", "column-next", "column-later"] {
        assert!(columns.contains(&format!("id=\"{column}\"")), "{column} is shown");
    }
    assert!(columns.matches("initiative-card").count() >= 9, "initiatives appear as cards");
    chromium.screenshot(&server.url("/roadmap?view=columns"), &shots.join("roadmap-columns.png"));

    let alignment = chromium.dom(&server.url("/alignment"));
    assert!(alignment.contains("unaligned initiatives"));
    assert!(alignment.contains("<svg class=\"budget\""), "the budget split is drawn");
    chromium.screenshot(&server.url("/alignment"), &shots.join("alignment.png"));

    let initiative = chromium.dom(&server.url("/initiatives/1"));
    assert!(initiative.contains("Outcome") && initiative.contains("Planned budget"));
    chromium.screenshot(&server.url("/initiatives/1"), &shots.join("initiative.png"));
}
