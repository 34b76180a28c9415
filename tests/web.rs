//! The browser page (web/, issue 21) in Chromium: every fixture, Markdown and Word, is
//! given to `web/dist/index.html` through its file input, opened from file:// with the
//! page's own Content-Security-Policy; the findings its report shows (`data-rule`,
//! `data-line`) must be those of `tenderlint check --format json` on the same file, and
//! the page must make no request outside its own files. Also prints the time to first
//! findings for a 100 KB tender, loading included.
//!
//! Needs `web/dist` (built by `bash web/build.sh`), Chromium and Node.js with the
//! packages of tests/browser (`npm ci` there). Without them the test says loudly that it
//! is skipped, unless `TENDERLINT_REQUIRE_WEB=1` (set by CI) makes that a failure.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Why the test cannot run here, if it cannot.
fn missing() -> Option<String> {
    let root = Path::new(ROOT);
    if !root.join("web/dist/index.html").is_file() {
        return Some("web/dist is not built (run `bash web/build.sh`)".into());
    }
    let chromium =
        std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from);
    if !chromium.is_file() {
        return Some(format!("no Chromium at {}", chromium.display()));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("Node.js is not installed".into());
    }
    if !root
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        return Some("playwright-core is not installed (run `npm ci` in tests/browser)".into());
    }
    None
}

/// The fixtures the page is given: every Markdown fixture and every Word one.
fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (dir, ext) in [("fixtures", "md"), ("fixtures/word", "docx")] {
        let entries = std::fs::read_dir(Path::new(ROOT).join(dir))
            .unwrap_or_else(|e| panic!("read {dir}: {e}"));
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// (rule, line) of each finding `tenderlint check --format json` reports, sorted.
fn cli_findings(path: &Path) -> Vec<(String, u64)> {
    let out = Command::new(env!("CARGO_BIN_EXE_tenderlint"))
        .args(["check", "--format", "json", "--no-config"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("run tenderlint: {e}"));
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--format json of {}: {e}", path.display()));
    let mut found: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnostics array for {}", path.display()))
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["span"]["start"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    found.sort();
    found
}

/// A tender of about 100 KB: the Markdown fixtures one after another, repeated.
fn large_tender(dir: &Path) -> PathBuf {
    let parts: Vec<String> = fixtures()
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read: {e}")))
        .collect();
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 100_000 {
        text.push_str(&parts[i % parts.len()]);
        text.push_str("\n\n");
        i += 1;
    }
    let path = dir.join("tender-100k.md");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write: {e}"));
    path
}

#[test]
fn the_page_shows_the_findings_of_check_and_makes_no_request() {
    if let Some(why) = missing() {
        if std::env::var("TENDERLINT_REQUIRE_WEB").is_ok_and(|v| v == "1") {
            panic!("TENDERLINT_REQUIRE_WEB=1 but the browser page cannot be tested: {why}");
        }
        eprintln!("\n*** skipped: the browser page's tests, because {why} (set TENDERLINT_REQUIRE_WEB=1 to require them) ***\n");
        return;
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let timed = large_tender(tmp.path());
    let documents = fixtures();
    assert!(documents
        .iter()
        .any(|p| p.extension().is_some_and(|x| x == "docx")));
    let out = Command::new("node")
        .current_dir(Path::new(ROOT).join("tests/browser"))
        .arg("web.mjs")
        .arg(Path::new(ROOT).join("web/dist"))
        .arg(tmp.path())
        .arg(&timed)
        .args(&documents)
        .output()
        .unwrap_or_else(|e| panic!("run node: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "web.mjs failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert!(
        result["error"].is_null(),
        "the page failed: {}",
        result["error"]
    );
    assert_eq!(
        result["requests"],
        serde_json::json!([]),
        "requests left the page"
    );
    assert_eq!(
        result["problems"],
        serde_json::json!([]),
        "errors on the page"
    );
    // Each document as checked before the rules were compiled ahead, and after.
    let checks = documents
        .iter()
        .flat_map(|p| [("documents", p), ("warmed", p)]);
    for (when, path) in checks {
        let shown = &result[when][path.to_string_lossy().as_ref()];
        let mut page: Vec<(String, u64)> = shown["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("no findings read for {}: {shown}", path.display()))
            .iter()
            .map(|f| {
                let line = f["line"].as_u64();
                assert!(line.is_some(), "a finding without data-line: {f}");
                (
                    f["rule"].as_str().unwrap_or_default().to_string(),
                    line.unwrap_or_default(),
                )
            })
            .collect();
        page.sort();
        assert_eq!(
            page,
            cli_findings(path),
            "{} ({when}): the page against check --format json",
            path.display()
        );
        let word = path.extension().is_some_and(|x| x == "docx");
        assert_eq!(shown["downloads"]["report"], true, "{}", path.display());
        assert_eq!(shown["downloads"]["review"], word, "{}", path.display());
    }
    let timing = &result["timing"];
    let shown = timing["shown"].as_f64().unwrap_or(f64::MAX);
    eprintln!(
        "web page, 100 KB tender: checker loaded at {:.0} ms, findings shown at {shown:.0} ms after navigation ({} findings; the check itself {:.0} ms)",
        timing["loaded"].as_f64().unwrap_or_default(),
        timing["findings"],
        timing["checked"].as_f64().unwrap_or_default() - timing["start"].as_f64().unwrap_or_default(),
    );
    let warm = &result["warmTiming"];
    let given = warm["start"].as_f64().unwrap_or_default();
    let warm_shown = warm["shown"].as_f64().unwrap_or(f64::MAX) - given;
    eprintln!(
        "web page, 100 KB tender given after the page warmed up (rules compiled at {:.0} ms): findings shown {warm_shown:.0} ms after it was given ({} findings; the check itself {:.0} ms)",
        warm["warmed"].as_f64().unwrap_or_default(),
        warm["findings"],
        warm["checked"].as_f64().unwrap_or_default() - given,
    );
    // The budget is 500 ms on an idle machine; CI shares its cores, so only a gross
    // regression fails here.
    assert!(shown < 10_000.0, "first findings after {shown} ms");
    assert!(
        warm_shown < 5_000.0,
        "findings after {warm_shown} ms on a warmed page"
    );
    assert_eq!(warm["findings"], timing["findings"]);
}
