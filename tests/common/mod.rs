//! Helpers shared by the integration tests that run the real binary.
#![allow(dead_code)] // each test crate uses its own subset

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The built binary, run in `dir`, with colour left to its own decision.
pub fn tenderlint(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenderlint"));
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

/// A scratch folder holding `files` (path, text), folders created as needed.
pub fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (name, text) in files {
        write(dir.path(), name, text.as_bytes());
    }
    dir
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
    }
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {name}: {e}"));
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run tenderlint: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A sentence that satisfies the partnership rules (patient voice, shared goals, joint
/// governance, data sharing), so that a test document reports only what the test is about.
pub const PARTNERSHIP: &str =
    "The joint board, with patient representatives, owns our shared goals and the data sharing agreement.";

/// Every fixture document, in name order.
pub fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "fixtures are missing: {files:?}");
    files
}

/// The lines of a fixture's `.expected` file (`line:column rule`), comments left out.
pub fn expected(md: &Path) -> Vec<String> {
    expectations(&md.with_extension("expected"))
}

/// The lines of an expectations file, comments and blank lines left out.
pub fn expectations(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the expectations {}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

pub fn schema(path: &Path) -> jsonschema::Validator {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read the schema {} ({e}); CI keeps ../shared beside the checkout",
            path.display()
        )
    });
    jsonschema::validator_for(&parse(&text))
        .unwrap_or_else(|e| panic!("bad schema {}: {e}", path.display()))
}

pub fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}",
        errors.join("\n")
    );
}

/// The texts of the Markdown fixtures (`fixtures/*.md`), in the order of their names:
/// findings, clean clauses, tables, lists, suppression comments, front matter, code,
/// CRLF lines. Run from the repository's root, as cargo runs tests.
pub fn markdown_fixtures() -> Vec<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .unwrap_or_else(|e| panic!("fixtures: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}
