//! The rule pages in `docs/rules`: up to date with the rule data, and every page's worked
//! example run through the real binary, which must print what the page says and report
//! the page's rule. Regenerate them with `cargo run -- docs --out docs/rules`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const REGENERATE: &str = "cargo run -- docs --out docs/rules";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tenderlint(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenderlint"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    out.sort();
    out
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn the_committed_pages_are_what_the_generator_writes() {
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = tenderlint(root())
        .args(["docs", "--out"])
        .arg(out.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let fresh = pages(out.path());
    let committed = pages(&root().join("docs/rules"));
    let names = |v: &[PathBuf]| v.iter().map(|p| name(p)).collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&fresh),
        "docs/rules has other pages than the generator writes; run `{REGENERATE}`"
    );
    for (c, f) in committed.iter().zip(&fresh) {
        let want = std::fs::read_to_string(f).unwrap_or_default();
        let have = std::fs::read_to_string(c).unwrap_or_default();
        assert!(
            have == want,
            "docs/rules/{} is out of date; run `{REGENERATE}`",
            name(c)
        );
    }
}

/// Every rule `tenderlint rules` lists has a page, linked from the index.
#[test]
fn every_rule_has_a_page_in_the_index() {
    let run = tenderlint(root())
        .args(["rules", "--no-config"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let listed = String::from_utf8_lossy(&run.stdout).into_owned();
    let index = std::fs::read_to_string(root().join("docs/rules/README.md")).unwrap_or_default();
    let ids: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(ids.len() >= 16, "{listed}");
    for id in ids {
        assert!(
            root().join(format!("docs/rules/{id}.md")).is_file(),
            "no page for {id}"
        );
        assert!(
            index.contains(&format!("]({id}.md)")),
            "{id} is not in the index"
        );
    }
}

/// The text between "```LANG\n" and the next "\n```" after `from`.
fn block<'a>(text: &'a str, lang: &str, from: &str) -> &'a str {
    let at = text.find(from).unwrap_or_else(|| panic!("no {from:?}"));
    text[at..]
        .split_once(&format!("```{lang}\n"))
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(b, _)| b)
        .unwrap_or_else(|| panic!("no ```{lang} block after {from:?}"))
}

/// Each rule's page in `docs/rules` (not the index): its rule id and its text.
fn rule_pages() -> Vec<(String, String)> {
    pages(&root().join("docs/rules"))
        .into_iter()
        .map(|page| {
            let id = name(&page).trim_end_matches(".md").to_string();
            (id, std::fs::read_to_string(&page).unwrap_or_default())
        })
        .filter(|(id, _)| id != "README")
        .collect()
}

#[test]
fn every_example_prints_what_its_page_says_and_triggers_its_rule() {
    for (id, text) in rule_pages() {
        for section in [
            "## What it finds",
            "## Example",
            "## Why it matters",
            "## What to write instead",
            "## Configuration",
            "## When it does not apply",
        ] {
            assert!(text.contains(section), "{id}: no {section:?}");
        }
        let example = format!("{}\n", block(&text, "markdown", "## Example"));
        let shown = block(&text, "text", "## Example");
        let (command, output) = shown.split_once('\n').unwrap_or_default();
        let args: Vec<&str> = command
            .strip_prefix("$ tenderlint ")
            .unwrap_or_else(|| panic!("{id}: the output starts with `$ tenderlint`"))
            .split_whitespace()
            .collect();
        assert_eq!(
            args,
            ["check", "--select", &id, "example.md"],
            "{id}: the example is checked for its own rule"
        );

        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("example.md"), &example).unwrap_or_else(|e| panic!("{e}"));
        let run = tenderlint(dir.path())
            .args(&args)
            .arg("--no-config")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            String::from_utf8_lossy(&run.stdout).trim_end(),
            output,
            "{id}: the page's output is not what tenderlint prints; run `{REGENERATE}`"
        );

        // And the finding is the page's rule, in the JSON too.
        let run = tenderlint(dir.path())
            .args(["check", "--no-config", "--format", "json", "example.md"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let json: Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| panic!("{e}"));
        let rules: Vec<&str> = json["diagnostics"]
            .as_array()
            .map(|a| a.iter().filter_map(|d| d["rule"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            rules.contains(&id.as_str()),
            "{id}: its example reports {rules:?}"
        );
    }
}

/// Every configuration a page shows is one tenderlint accepts: each ```toml block of the
/// "Configuration" section, written as `tenderlint.toml` beside the page's example, loads
/// and checks the example (exit 0 or 1, never 2, the exit code of a broken configuration).
#[test]
fn every_configuration_a_page_shows_loads() {
    let pages = rule_pages();
    assert!(pages.len() >= 15, "{} rule pages", pages.len());
    for (id, text) in pages {
        let example = format!("{}\n", block(&text, "markdown", "## Example"));
        let at = text
            .find("## Configuration")
            .unwrap_or_else(|| panic!("{id}: no configuration section"));
        let section = &text[at..];
        let section = &section[..section[2..].find("\n## ").map_or(section.len(), |e| e + 2)];
        let blocks: Vec<&str> = section
            .split("```toml\n")
            .skip(1)
            .filter_map(|b| b.split_once("\n```").map(|(b, _)| b))
            .collect();
        // Severity and overrides, and the parameter's own example where the rule has one.
        let wanted = if section.contains("parameter") { 3 } else { 1 };
        assert!(
            blocks.len() >= wanted,
            "{id}: {} configuration examples, fewer than {wanted}",
            blocks.len()
        );
        for config in blocks {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(dir.path().join("example.md"), &example)
                .unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(dir.path().join("tenderlint.toml"), config)
                .unwrap_or_else(|e| panic!("{e}"));
            let run = tenderlint(dir.path())
                .args(["check", "example.md"])
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(
                matches!(run.status.code(), Some(0 | 1)),
                "{id}: the page's configuration\n{config}\nis refused:\n{}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
    }
}

/// Pages cite publications by name, never "the domain brief", and no rule file paths.
#[test]
fn pages_speak_to_the_officer() {
    for page in pages(&root().join("docs/rules")) {
        let text = std::fs::read_to_string(&page).unwrap_or_default();
        let why = text
            .split_once("## Why it matters")
            .map(|(_, s)| s)
            .unwrap_or_default();
        assert!(!text.contains("domain brief"), "{}", name(&page));
        assert!(!text.contains("rules/payment.toml"), "{}", name(&page));
        if name(&page) != "README.md" && name(&page) != "unused-suppression.md" {
            assert!(
                ["Tim Coney", "Practicus", "Health Foundation", "ImproveWell"]
                    .iter()
                    .any(|p| why.contains(p)),
                "{}: cites no publication",
                name(&page)
            );
        }
    }
}

/// `explain` says where the rule's page is, and no longer where the rule is defined.
#[test]
fn explain_points_at_the_page() {
    for id in [
        "service-credits",
        "missing-patient-outcomes",
        "unused-suppression",
    ] {
        let run = tenderlint(root())
            .args(["explain", "--no-config", id])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let out = String::from_utf8_lossy(&run.stdout);
        assert!(out.contains(&format!("docs/rules/{id}.md")), "{out}");
        assert!(
            out.contains(&format!("/blob/main/docs/rules/{id}.md")),
            "{out}"
        );
        assert!(
            !out.contains("Defined in") && !out.contains(".toml"),
            "{out}"
        );
        assert!(!out.contains("domain brief"), "{out}");
    }
}
