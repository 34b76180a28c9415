//! What a new user trips over on a first run (issue 22): front matter, files that are
//! not tenders, an empty folder, `--max-warnings`, `--select` over the configuration,
//! `unused-suppression` in `rules` and `explain`, SARIF for absolute paths. Every test
//! runs the real binary.

mod common;

use common::{parse, run, tenderlint, tree, PARTNERSHIP};
use serde_json::Value;

/// (line, rule) of each finding in a JSON report.
fn findings(stdout: &str) -> Vec<(u64, String)> {
    parse(stdout)["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnostics: {stdout}"))
        .iter()
        .map(|d| {
            (
                d["span"]["start"]["line"].as_u64().unwrap_or(0),
                d["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn toml_front_matter_is_not_linted_and_lines_after_it_stay_exact() {
    let text = format!(
        "+++\ntitle = \"Service credits apply\"\nnote = \"Service credits apply\"\n+++\n\n# Spec\n\nEQ-5D-5L is reported each year. {PARTNERSHIP}\n\nService credits apply.\n"
    );
    let dir = tree(&[("spec.md", &text)]);
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "spec.md"]));
    let credits: Vec<u64> = findings(&r.stdout)
        .into_iter()
        .filter(|(_, rule)| rule == "service-credits")
        .map(|(line, _)| line)
        .collect();
    assert_eq!(credits, vec![10], "{}", r.stdout);

    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let page = out.path().join("report.html");
    let r = run(tenderlint(dir.path())
        .args(["report", "spec.md", "-o"])
        .arg(&page));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("no report: {e}"));
    assert!(
        html.contains("<pre class=\"front-matter\"") && html.contains("title = "),
        "the report shows TOML front matter as front matter"
    );
}

#[test]
fn a_folder_walk_skips_readme_and_friends_but_a_named_one_is_checked() {
    let tender = "# Spec\n\nService credits apply.\n";
    let dir = tree(&[
        ("specs/tender.md", tender),
        ("specs/README.md", tender),
        ("specs/changelog.markdown", tender),
        ("specs/Licence.md", tender),
        ("specs/CODE_OF_CONDUCT.md", tender),
        ("specs/readme-notes.md", tender),
    ]);
    let paths = |stdout: &str| {
        let mut p: Vec<String> = parse(stdout)["diagnostics"]
            .as_array()
            .unwrap_or_else(|| panic!("no diagnostics: {stdout}"))
            .iter()
            .filter(|d| d["rule"] == "service-credits")
            .map(|d| d["path"].as_str().unwrap_or("").to_string())
            .collect();
        p.sort();
        p
    };
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "specs"]));
    assert_eq!(
        paths(&r.stdout),
        vec!["specs/readme-notes.md", "specs/tender.md"],
        "{}",
        r.stdout
    );
    assert_eq!(parse(&r.stdout)["summary"]["files"], 2);

    let r = run(tenderlint(dir.path()).args([
        "check",
        "--format",
        "json",
        "specs/README.md",
        "specs/changelog.markdown",
    ]));
    assert_eq!(
        paths(&r.stdout),
        vec!["specs/README.md", "specs/changelog.markdown"],
        "a file named on the command line is checked: {}",
        r.stdout
    );
}

#[test]
fn an_empty_folder_warns_that_nothing_was_checked_and_exits_0() {
    let dir = tree(&[
        ("empty/notes.txt", "not a tender"),
        ("specs/a.md", "# Spec\n"),
    ]);
    std::fs::create_dir(dir.path().join("none")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let r = run(tenderlint(dir.path()).args(["check", "empty", "none"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("0 files"), "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "warning: no Markdown or Word files (.md, .markdown, .docx) found under empty, none"
        ),
        "{}",
        r.stderr
    );
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "empty"]));
    assert_eq!(r.code, 0);
    assert_eq!(parse(&r.stdout)["summary"]["files"], 0, "stdout stays JSON");
    assert!(r.stderr.contains("found under empty"), "{}", r.stderr);

    let r = run(tenderlint(dir.path()).args(["check", "specs", "empty"]));
    assert!(
        !r.stderr.contains("warning"),
        "something was checked: {}",
        r.stderr
    );
}

#[test]
fn more_warnings_than_max_warnings_says_so_on_stderr_in_every_format() {
    // Two volume-payment warnings and nothing else.
    let text = format!(
        "# Spec\n\nEQ-5D-5L is reported each year. {PARTNERSHIP}\n\nThe Provider is paid £30 per contact.\n\nThe Provider is paid £40 per attendance.\n"
    );
    let dir = tree(&[("a.md", &text)]);
    for format in ["human", "json", "sarif", "json-lines", "github", "junit"] {
        let r = run(tenderlint(dir.path()).args([
            "check",
            "--format",
            format,
            "--max-warnings",
            "1",
            "a.md",
        ]));
        assert_eq!(r.code, 1, "{format}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr
                .ends_with("2 warnings, more than --max-warnings 1\n"),
            "{format}: {}",
            r.stderr
        );
        assert!(!r.stdout.contains("more than --max-warnings"), "{format}");
        if format == "json" || format == "sarif" {
            let _: Value = parse(&r.stdout);
        }
    }
    let r = run(tenderlint(dir.path()).args(["check", "--max-warnings", "2", "a.md"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(!r.stderr.contains("--max-warnings"), "{}", r.stderr);
}

#[test]
fn select_runs_a_rule_the_configuration_turned_off_at_its_default_severity() {
    let dir = tree(&[
        (
            "tenderlint.toml",
            "[rules]\nservice-credits = \"off\"\nunused-suppression = \"off\"\n",
        ),
        (
            "a.md",
            "# Spec\n\nService credits apply.\n\n<!-- tenderlint-disable-next-line -->\nWe meet quarterly.\n",
        ),
    ]);
    let severities = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push("a.md");
        let r = run(tenderlint(dir.path()).args(&all));
        parse(&r.stdout)["diagnostics"]
            .as_array()
            .unwrap_or_else(|| panic!("no diagnostics: {}", r.stdout))
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["rule"].as_str().unwrap_or(""),
                    d["severity"].as_str().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
    };
    let all = severities(&[]);
    assert!(
        !all.iter()
            .any(|d| d.starts_with("service-credits") || d.starts_with("unused-suppression")),
        "the configuration turns them off: {all:?}"
    );
    assert_eq!(
        severities(&["--select", "service-credits"]),
        vec!["service-credits error"]
    );
    assert_eq!(
        severities(&["--select", "unused-suppression"]),
        vec!["unused-suppression info"]
    );
}

#[test]
fn unused_suppression_is_listed_by_rules_and_explained() {
    let dir = tree(&[]);
    let r = run(tenderlint(dir.path()).args(["rules"]));
    assert_eq!(r.code, 0);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("unused-suppression "))
        .unwrap_or_else(|| panic!("not listed:\n{}", r.stdout));
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        fields[..3],
        ["unused-suppression", "info", "suppression"],
        "{line}"
    );
    assert!(
        line.contains("Suppression comments that hide nothing"),
        "{line}"
    );

    // The configured severity is the one listed and explained.
    let dir = tree(&[(
        "tenderlint.toml",
        "[rules]\nunused-suppression = \"warning\"\n",
    )]);
    let r = run(tenderlint(dir.path()).args(["rules"]));
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("unused-suppression") && l.contains(" warning ")),
        "{}",
        r.stdout
    );

    let r = run(tenderlint(dir.path()).args(["explain", "unused-suppression"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "unused-suppression: Suppression comments that hide nothing\nwarning, suppression\n"
        ),
        "{}",
        r.stdout
    );
    for part in [
        "Why it matters\n",
        "misleads",
        "Flagged\n",
        "tenderlint-disable",
        "Better\n",
    ] {
        assert!(r.stdout.contains(part), "{part:?} missing:\n{}", r.stdout);
    }
}

#[test]
fn sarif_for_an_absolute_path_has_file_uris_and_stays_valid() {
    let dir = tree(&[("my specs/spec é.md", "# Spec\n\nService credits apply.\n")]);
    let abs = dir.path().join("my specs/spec é.md");
    let r = run(tenderlint(dir.path())
        .args(["check", "--no-config", "--format", "sarif"])
        .arg(&abs));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let sarif = parse(&r.stdout);
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert!(
        driver["informationUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://")),
        "{driver}"
    );
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!results.is_empty(), "{sarif}");
    for res in &results {
        let loc = &res["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = loc["uri"].as_str().unwrap_or("");
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(uri.ends_with("/my%20specs/spec%20%C3%A9.md"), "{uri}");
        assert!(
            loc.get("uriBaseId").is_none(),
            "an absolute URI takes no base: {loc}"
        );
    }

    // Relative stays relative.
    let r = run(tenderlint(dir.path()).args([
        "check",
        "--no-config",
        "--format",
        "sarif",
        "my specs/spec é.md",
    ]));
    let relative = parse(&r.stdout);
    let uri = &relative["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"];
    assert_eq!(uri, "my%20specs/spec%20%C3%A9.md");

    let official = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/schemas/sarif-schema-2.1.0.json");
    if official.is_file() || std::env::var_os("TENDERLINT_REQUIRE_CORPUS").is_some() {
        let validator = common::schema(&official);
        common::assert_valid(&validator, &sarif, "SARIF for an absolute path");
        common::assert_valid(&validator, &relative, "SARIF for a relative path");
    } else {
        println!(
            "note: ../shared/schemas is not beside the checkout: the SARIF schema check is skipped"
        );
    }
}

#[test]
fn stdin_filename_without_stdin_is_a_usage_error() {
    let dir = tree(&[("spec.md", "# Spec\n\nService credits apply.\n")]);
    let r = run(tenderlint(dir.path()).args(["check", "--stdin-filename", "spec.md"]));
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("--stdin"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "nothing was checked: {}", r.stdout);
}

/// A payment clause as a PDF extraction gives it: a numbered list run into one sentence.
fn run_on(numbers: [&str; 4], report: &str, credits: &str) -> String {
    let [head, a, b, c] = numbers;
    format!(
        "{head} Payment {a} {credits} {b} The provider reports {report} {c} Invoices are paid within 30 days\n"
    )
}

fn with_outcomes(clause: &str, before: bool) -> String {
    let outcomes = format!("EQ-5D-5L is reported each year. {PARTNERSHIP}\n");
    if before {
        format!("# Spec\n\n{clause}\n{outcomes}")
    } else {
        format!("# Spec\n\n{outcomes}\n{clause}")
    }
}

#[test]
fn a_baselined_finding_is_known_by_its_own_numbered_clause() {
    let credits = "Service credits apply to every missed KPI";
    let first = with_outcomes(
        &run_on(["1.4", "1.4.1", "1.4.2", "1.4.3"], "monthly", credits),
        false,
    );
    let dir = tree(&[("spec.md", &first)]);
    let r = run(tenderlint(dir.path()).args(["check", "--write-baseline", "base.json", "spec.md"]));
    assert!(r.stderr.contains("Wrote 1 finding"), "{}", r.stderr);
    let base = std::fs::read_to_string(dir.path().join("base.json")).unwrap_or_default();
    assert!(base.contains("\"version\": 2"), "{base}");

    let check = |text: &str, ratchet: bool| {
        common::write(dir.path(), "spec.md", text.as_bytes());
        let mut cmd = tenderlint(dir.path());
        cmd.args([
            "check",
            "--format",
            "json",
            "--baseline",
            "base.json",
            "spec.md",
        ]);
        if ratchet {
            cmd.arg("--ratchet");
        }
        let r = run(&mut cmd);
        let found: Vec<String> = findings(&r.stdout).into_iter().map(|(_, id)| id).collect();
        (found, r.code, r.stderr)
    };
    let unchanged = [
        // Renumbered: the clause and the list around it.
        with_outcomes(
            &run_on(["2.4", "2.4.1", "2.4.2", "2.4.3"], "monthly", credits),
            false,
        ),
        // Another clause of the same run-on sentence edited.
        with_outcomes(
            &run_on(["1.4", "1.4.1", "1.4.2", "1.4.3"], "each quarter", credits),
            false,
        ),
        // The paragraph moved above another.
        with_outcomes(
            &run_on(["1.4", "1.4.1", "1.4.2", "1.4.3"], "monthly", credits),
            true,
        ),
        // All three at once, with lettered items instead of numbers.
        with_outcomes(
            &run_on(["3.1", "(a)", "(b)", "(c)"], "each month", credits),
            true,
        ),
    ];
    for text in &unchanged {
        let (found, code, stderr) = check(text, true);
        assert_eq!(found, Vec::<String>::new(), "came back as new:\n{text}");
        assert_eq!(code, 0, "--ratchet called it fixed:\n{text}\n{stderr}");
    }
    // A real change to the flagged clause is a new finding, and the old one is fixed.
    let changed = with_outcomes(
        &run_on(
            ["1.4", "1.4.1", "1.4.2", "1.4.3"],
            "monthly",
            "Service credits apply to every missed KPI and late report",
        ),
        false,
    );
    let (found, code, stderr) = check(&changed, true);
    assert_eq!(found, ["service-credits"], "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("have been fixed"), "{stderr}");
}

#[test]
fn a_version_1_baseline_still_hides_its_findings() {
    let clause = run_on(
        ["1.4", "1.4.1", "1.4.2", "1.4.3"],
        "monthly",
        "Service credits apply to every missed KPI",
    );
    // Version 1 fingerprinted the whole run-on sentence.
    let old = tenderlint::diagnostic::fingerprint("service-credits", clause.trim());
    let base = format!(
        "{{\"version\": 1, \"findings\": [{{\"path\": \"spec.md\", \"rule\": \"service-credits\", \"fingerprint\": \"{old}\"}}]}}\n"
    );
    let dir = tree(&[
        ("spec.md", &with_outcomes(&clause, false)),
        ("v1.json", &base),
    ]);
    let r = run(tenderlint(dir.path()).args([
        "check",
        "--format",
        "json",
        "--baseline",
        "v1.json",
        "--ratchet",
        "spec.md",
    ]));
    assert_eq!(
        findings(&r.stdout),
        Vec::<(u64, String)>::new(),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(tenderlint(dir.path()).args(["check", "--write-baseline", "v1.json", "spec.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("v1.json")).unwrap_or_default();
    assert!(
        text.contains("\"version\": 2") && !text.contains(&old),
        "{text}"
    );
}

/// The README's sample output, under "What it looks like", is what its command prints:
/// the first finding word for word, then `...`, then the summary line.
#[test]
fn the_readme_sample_is_what_its_command_prints() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let section = readme
        .split_once("## What it looks like")
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("README has no \"What it looks like\""));
    let block = section
        .split_once("```text\n")
        .and_then(|(_, s)| s.split_once("\n```"))
        .map(|(b, _)| b)
        .unwrap_or_else(|| panic!("no sample block"));
    let (command, sample) = block.split_once('\n').unwrap_or_default();
    let args: Vec<&str> = command
        .strip_prefix("$ tenderlint ")
        .unwrap_or_else(|| panic!("the sample starts with `$ tenderlint`: {command}"))
        .split_whitespace()
        .collect();
    let r = run(tenderlint(root).env("NO_COLOR", "1").args(&args));
    let out = r.stdout.trim_end();
    // What the block should hold: the first finding, `...`, the summary.
    let first_end = out
        .find("  help:")
        .and_then(|h| out[h..].find("\n\n").map(|e| h + e))
        .unwrap_or(out.len());
    let summary = out.lines().last().unwrap_or_default();
    let want = format!("{}\n...\n{summary}", &out[..first_end]);
    assert_eq!(
        sample, want,
        "the README's sample under \"What it looks like\" is out of date; it should read:\n{command}\n{want}"
    );
}
