//! The HTML report in a real browser: headless Chromium loads the report of the
//! fixtures and of a hostile tender, and we read back the DOM it built and a screenshot.
//!
//! Chromium is found at `/usr/bin/chromium` or as `chromium`, `chromium-browser`,
//! `google-chrome` on the PATH. Without it the tests print that they are skipped, unless
//! `TENDERLINT_REQUIRE_BROWSER=1` (set by CI) makes that a failure. Screenshots are
//! written to `target/artifacts/` for people to look at; they are not kept in git.

mod common;

use common::{run, tenderlint, tree, PARTNERSHIP};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const TIMEOUT: Duration = Duration::from_secs(60);

fn find_chromium() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/bin/chromium");
    if fixed.is_file() {
        return Some(fixed);
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|p| p.is_file())
}

/// Chromium, or None when the test is to be skipped (a failure if CI requires it).
fn chromium() -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        if std::env::var("TENDERLINT_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!(
                "TENDERLINT_REQUIRE_BROWSER=1 but no Chromium was found (/usr/bin/chromium, \
                 chromium, chromium-browser or google-chrome): install it, for example with \
                 `apt-get install chromium`"
            );
        }
        eprintln!(
            "\n*** skipped: chromium not installed (set TENDERLINT_REQUIRE_BROWSER=1 to require it) ***\n"
        );
    }
    found
}

/// Where the test run keeps what people may want to look at afterwards.
fn artifacts() -> PathBuf {
    // The binary is target/<profile>/tenderlint: artifacts go beside the profiles.
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_tenderlint"));
    let target = bin
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from(ROOT).join("target"), Path::to_path_buf);
    let dir = target.join("artifacts");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
    dir
}

/// Runs headless Chromium on `page` with `args`, killed after [`TIMEOUT`]; returns its
/// standard output (stderr is Chromium's own noise and is dropped).
fn browse(chrome: &Path, page: &Path, args: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let out_path = profile.path().join("stdout.txt");
    let out = std::fs::File::create(&out_path).unwrap_or_else(|e| panic!("create: {e}"));
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("profile").display()
        ))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chrome.display()));
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Chromium did not finish within {TIMEOUT:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("waiting for Chromium: {e}"),
        }
    }
    std::fs::read_to_string(&out_path).unwrap_or_default()
}

/// Writes the report of `args` (run in `dir`) to `out` and returns it.
fn write_report(dir: &Path, args: &[&str], out: &Path) -> String {
    let r = run(tenderlint(dir).arg("report").args(args).arg("-o").arg(out));
    assert_eq!(r.code, 0, "report failed: {}", r.stderr);
    std::fs::read_to_string(out).unwrap_or_else(|e| panic!("read {}: {e}", out.display()))
}

fn title(dom: &str) -> &str {
    dom.split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_else(|| panic!("no <title> in the DOM:\n{}", &dom[..dom.len().min(500)]))
}

/// Width and height from a PNG's header, after checking its signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

/// Photographs `page` 1280 pixels wide and `height` high into `shot`, and checks that
/// the picture has that size and is not near-empty.
fn screenshot(chrome: &Path, page: &Path, shot: &Path, height: u32) {
    let _ = std::fs::remove_file(shot);
    browse(
        chrome,
        page,
        &[
            &format!("--screenshot={}", shot.display()),
            &format!("--window-size=1280,{height}"),
        ],
    );
    let bytes =
        std::fs::read(shot).unwrap_or_else(|e| panic!("no screenshot {}: {e}", shot.display()));
    assert_eq!(png_size(&bytes), (1280, height));
    assert!(
        bytes.len() > 50_000,
        "a near-empty screenshot: {} bytes",
        bytes.len()
    );
}

#[test]
fn the_fixtures_report_renders_with_its_marks_and_script_and_is_photographed() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let page = dir.path().join("report.html");
    let html = write_report(Path::new(ROOT), &["--no-config", "fixtures/"], &page);

    let dom = browse(&chrome, &page, &["--dump-dom"]);
    let documents = walkdir::WalkDir::new(Path::new(ROOT).join("fixtures"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "md" || x == "docx")
        })
        .count();
    assert_eq!(title(&dom), format!("Tender report: {documents} documents"));
    let marks = html.matches("<mark class=\"sev-").count();
    assert!(marks > 30, "{marks} marks in the page");
    assert_eq!(
        dom.matches("<mark class=\"sev-").count(),
        marks,
        "marks in the browser's DOM"
    );
    assert_eq!(
        dom.matches("class=\"ref badge").count(),
        html.matches("class=\"ref badge").count()
    );
    // The page's own script ran (its hash is the one the policy allows): the filter
    // is shown and the page says so.
    assert!(
        dom.contains("data-filters=\"ready\""),
        "the filter script did not run"
    );
    assert!(!dom.contains("id=\"filters\" class=\"filters\" hidden"));

    let shots = artifacts();
    screenshot(&chrome, &page, &shots.join("report.png"), 2000);

    // One document on its own: the screenshot reaches its marked text.
    let single = dir.path().join("single.html");
    write_report(
        Path::new(ROOT),
        &["--no-config", "fixtures/performance-centric.md"],
        &single,
    );
    screenshot(&chrome, &single, &shots.join("report-document.png"), 4400);
    eprintln!("screenshots: {}", shots.display());
}

const HOSTILE: &str = "# Hostile tender\n\n\
<script>document.title='pwned'</script>\n\n\
Text <img src=x onerror=\"document.title='pwned'\"> and \
[click](javascript:document.title='pwned') and \
<svg onload=\"document.title='pwned'\"></svg>.\n\n\
<iframe src=\"javascript:parent.document.title='pwned'\"></iframe>\n\n\
3.1 Service credits will apply for each missed KPI.\n";

#[test]
fn no_script_from_a_tender_runs_even_without_the_content_security_policy() {
    let Some(chrome) = chromium() else { return };
    let dir = tree(&[(
        "it's \"quoted\" <b>.md",
        &format!("{HOSTILE}\n{PARTNERSHIP}\n"),
    )]);
    let page = dir.path().join("hostile.html");
    let html = write_report(dir.path(), &["--no-config", "--no-history", "."], &page);

    // The detector works: the same browser, given a live script, runs it.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><title>safe</title></head><body><script>document.title='pwned'</script></body></html>",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    assert_eq!(title(&browse(&chrome, &control, &["--dump-dom"])), "pwned");

    let dom = browse(&chrome, &page, &["--dump-dom"]);
    assert_eq!(title(&dom), "Tender report: 1 document");
    assert!(
        dom.contains("data-filters=\"ready\""),
        "scripts run in this page"
    );
    assert_eq!(
        dom.matches("<mark class=\"sev-error\"").count(),
        html.matches("<mark class=\"sev-error\"").count()
    );
    assert!(dom.matches("<mark class=\"sev-").count() > 0);

    // Escaping alone, without the policy's second line of defence.
    let policy_start = html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap_or_else(|| panic!("no policy"));
    let policy_end = policy_start + html[policy_start..].find('>').unwrap_or(0) + 1;
    let bare = format!("{}{}", &html[..policy_start], &html[policy_end..]);
    assert!(!bare.contains("Content-Security-Policy"));
    let bare_page = dir.path().join("no-policy.html");
    std::fs::write(&bare_page, bare).unwrap_or_else(|e| panic!("write: {e}"));
    let dom = browse(
        &chrome,
        &bare_page,
        &["--dump-dom", "--virtual-time-budget=2000"],
    );
    assert_eq!(title(&dom), "Tender report: 1 document");
    assert!(dom.contains("data-filters=\"ready\""));
    for live in ["<img", "<iframe", "<svg onload", "href=\"javascript:"] {
        assert!(!dom.contains(live), "{live} is live in the browser");
    }
}

/// Node.js and the audit's packages (`npm ci` in tests/browser), or None when the test
/// is to be skipped (a failure if CI requires the browser tests).
fn audit_tools() -> Option<PathBuf> {
    let dir = Path::new(ROOT).join("tests/browser");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let packages = ["axe-core", "playwright-core"]
        .iter()
        .all(|p| dir.join("node_modules").join(p).is_dir());
    if node && packages {
        return Some(dir);
    }
    if std::env::var("TENDERLINT_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!(
            "TENDERLINT_REQUIRE_BROWSER=1 but the audit cannot run: it needs Node.js and \
             `npm ci --prefix tests/browser` (axe-core and playwright-core)"
        );
    }
    eprintln!("\n*** skipped: Node.js or tests/browser/node_modules missing (npm ci --prefix tests/browser) ***\n");
    None
}

#[test]
fn reports_pass_axe_at_desktop_and_phone_widths_and_print_on_a4() {
    let Some(chrome) = chromium() else { return };
    let Some(tools) = audit_tools() else { return };
    let shots = artifacts();
    let root = Path::new(ROOT);
    for (name, path) in [
        ("single", "fixtures/performance-centric.md"),
        ("folder", "fixtures"),
        ("pack", "fixtures/packs/community-msk"),
    ] {
        let page = shots.join(format!("report-{name}.html"));
        write_report(root, &["--no-config", "--no-history", path], &page);
        let out = Command::new("node")
            .arg(tools.join("audit.mjs"))
            .arg(&page)
            .arg(&shots)
            .arg(format!("report-{name}"))
            .env("CHROMIUM", &chrome)
            .output()
            .unwrap_or_else(|e| panic!("node: {e}"));
        assert!(
            out.status.success(),
            "{name}: the audit failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let audit: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: audit output: {e}"));
        for width in ["desktop", "phone"] {
            let w = &audit["widths"][width];
            let violations = w["violations"].as_array().cloned().unwrap_or_default();
            assert!(
                violations.is_empty(),
                "{name} at {width}: axe-core reports {}",
                serde_json::to_string_pretty(&violations).unwrap_or_default()
            );
            assert!(
                w["sideways"].as_i64().is_some_and(|s| s <= 0),
                "{name} at {width}: the page scrolls sideways by {} px",
                w["sideways"]
            );
            assert_eq!(
                w["requests"].as_array().map(Vec::len),
                Some(0),
                "{name}: the page asked the network for {}",
                w["requests"]
            );
            let shot = std::fs::read(w["screenshot"].as_str().unwrap_or_default())
                .unwrap_or_else(|e| panic!("{name}: screenshot: {e}"));
            assert!(shot.starts_with(b"\x89PNG"), "{name}: not a PNG");
        }
        let pdf = std::fs::read(audit["pdf"]["path"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{name}: PDF: {e}"));
        assert!(
            pdf.starts_with(b"%PDF") && pdf.len() > 10_000,
            "{name}: PDF"
        );
        assert!(
            audit["pdf"]["sideways"].as_i64().is_some_and(|s| s <= 0),
            "{name}: printed, the page is wider than A4"
        );
        // Chromium cannot number the pages of cross-references (CSS target-counter):
        // it must drop the declaration whole, leaving no stray "(page" (tests/print.rs
        // checks the numbers with an engine that can).
        if let Ok(out) = std::process::Command::new("pdftotext")
            .arg(audit["pdf"]["path"].as_str().unwrap_or_default())
            .arg("-")
            .output()
        {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && text.len() > 1000,
                "{name}: pdftotext"
            );
            assert!(
                !text.contains("(page"),
                "{name}: a stray page reference in print"
            );
        }
    }
    eprintln!("screenshots and PDFs: {}", shots.display());
}

#[test]
fn the_filters_show_what_they_say_and_keep_the_counts() {
    let Some(chrome) = chromium() else { return };
    let Some(tools) = audit_tools() else { return };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let page = dir.path().join("report.html");
    write_report(
        Path::new(ROOT),
        &["--no-config", "--no-history", "fixtures/"],
        &page,
    );
    let out = Command::new("node")
        .arg(tools.join("filters.mjs"))
        .arg(&page)
        .env("CHROMIUM", &chrome)
        .output()
        .unwrap_or_else(|e| panic!("node: {e}"));
    assert!(
        out.status.success(),
        "the filters script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("filters output: {e}"));
    let notes = |k: &str| v[k]["notes"].as_array().cloned().unwrap_or_default();
    let all = notes("start").len();
    assert!(all > 50, "{all} notes at the start");
    assert_eq!(
        v["start"]["status"],
        format!("Showing {all} of {all} findings.")
    );

    // One rule: only its notes, its marks, and counts that say so.
    let rule = notes("rule");
    assert!(!rule.is_empty() && rule.len() < all);
    assert!(
        rule.iter().all(|n| n["rule"] == "service-credits"),
        "{rule:?}"
    );
    assert_eq!(
        v["rule"]["status"],
        format!("Showing {} of {all} findings.", rule.len())
    );
    assert!(v["rule"]["lit"].as_u64() < v["start"]["lit"].as_u64());
    let counts = v["rule"]["counts"].as_array().cloned().unwrap_or_default();
    assert!(
        counts
            .iter()
            .any(|c| c[1].as_str().is_some_and(|t| t.ends_with(" shown)"))),
        "{counts:?}"
    );

    // Errors only.
    let errors = notes("errors");
    assert!(!errors.is_empty() && errors.len() < all);

    // One file: the other documents are hidden, and every note shown is that file's.
    let id = v["file"]["id"].as_str().unwrap_or_default();
    assert_eq!(v["file"]["docs"], serde_json::json!([id]));
    assert!(notes("file").iter().all(|n| n["doc"] == id));

    // Only the paragraphs with findings: every body block still shown has a lit mark.
    assert_eq!(v["only"]["blocksWithoutMarks"], 0, "{}", v["only"]);
    assert!(v["only"]["blocksShown"].as_u64() < v["start"]["blocksShown"].as_u64());
    assert_eq!(notes("only").len(), all);
}
