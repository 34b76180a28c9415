//! Every fixture through the real binary: the exact diagnostics in its `.expected`
//! file, the exit code they imply, and a snapshot of the whole JSON report.

mod common;

use assert_cmd::Command;
use common::{expected, fixtures};
use serde_json::Value;

fn tenderlint() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenderlint"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    cmd
}

fn json_report(rel: &str) -> (Value, i32) {
    let out = tenderlint()
        .args(["check", "--no-config", "--format", "json", rel])
        .output()
        .unwrap_or_else(|e| panic!("cannot run tenderlint: {e}"));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{rel}: stdout is not one JSON object ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (json, out.status.code().unwrap_or(-1))
}

#[test]
fn every_fixture_reports_exactly_its_expected_diagnostics() {
    for md in fixtures() {
        let name = md
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let rel = format!("fixtures/{name}");
        let (json, code) = json_report(&rel);
        let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
        let got: Vec<String> = diags
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {}",
                    d["span"]["start"]["line"],
                    d["span"]["start"]["column"],
                    d["rule"].as_str().unwrap_or("?")
                )
            })
            .collect();
        assert_eq!(got, expected(&md), "diagnostics of {rel}");

        // The span's text really is where line and column say, counted independently.
        let source = std::fs::read(&md).unwrap_or_default();
        for d in &diags {
            let offset = d["span"]["offset"].as_u64().unwrap_or(0) as usize;
            let before = String::from_utf8_lossy(&source[..offset]).to_string();
            let lines: Vec<&str> = before
                .split("\r\n")
                .flat_map(|l| l.split(['\n', '\r']))
                .collect();
            assert_eq!(
                d["span"]["start"]["line"].as_u64(),
                Some(lines.len() as u64),
                "{rel}: {d}"
            );
            let column = lines.last().map_or(0, |l| l.chars().count()) + 1;
            assert_eq!(
                d["span"]["start"]["column"].as_u64(),
                Some(column as u64),
                "{rel}: {d}"
            );
            assert_eq!(d["path"], rel.as_str());
        }

        let errors = json["summary"]["errors"].as_u64().unwrap_or(0);
        assert_eq!(code, if errors > 0 { 1 } else { 0 }, "exit code of {rel}");

        let text = serde_json::to_string_pretty(&json)
            .unwrap_or_default()
            .replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(name.trim_end_matches(".md").to_string(), text);
    }
}

#[test]
fn the_outcome_focused_specification_is_clean() {
    let (json, code) = json_report("fixtures/outcome-focused.md");
    assert_eq!(code, 0);
    assert_eq!(json["diagnostics"], Value::Array(vec![]));
    assert_eq!(json["summary"]["files"], 1);
}

#[test]
fn a_whole_folder_is_checked_in_a_stable_order() {
    let out = tenderlint()
        .args(["check", "--no-config", "--format", "json", "fixtures/"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    // The fixtures, and the files of the tender packs under fixtures/packs.
    let packs = walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/packs"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    assert!(packs >= 6, "the pack fixtures are missing");
    // And the Word fixtures under fixtures/word.
    let word = walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/word"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "docx"))
        .count();
    assert!(word >= 1, "the Word fixtures are missing");
    assert_eq!(
        json["summary"]["files"].as_u64(),
        Some((fixtures().len() + packs + word) as u64)
    );
    let paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["path"].as_str()).collect())
        .unwrap_or_default();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(
        paths, sorted,
        "diagnostics are grouped by file, files in name order"
    );
    assert!(paths.contains(&"fixtures/performance-centric.md"));
}
