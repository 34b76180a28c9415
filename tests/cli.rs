//! The command-line program as a user meets it: paths, formats, configuration,
//! rule files, bad input and exit codes. Every test runs the real binary.

mod common;

use common::{run, tenderlint, tree, write, Run, PARTNERSHIP};
use serde_json::Value;
use std::path::Path;

const SERVICE_CREDIT_CLAUSE: &str = "# Spec\n\nService credits apply to every missed KPI.\n";
const CLEAN: &str = "# Spec\n\nWe measure quality of life with EQ-5D-5L, reported annually.\n";

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", r.stdout, r.stderr))
}

fn rules_of(v: &Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["path"].as_str().unwrap_or("").to_string(),
                        d["rule"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn human_output_points_at_the_clause_and_ends_with_a_summary() {
    let r = run(tenderlint(Path::new(env!("CARGO_MANIFEST_DIR"))).args([
        "check",
        "--no-config",
        "fixtures/performance-centric.md",
    ]));
    assert_eq!(r.code, 1);
    let out = &r.stdout;
    assert!(out.contains("service-credits"), "{out}");
    assert!(
        out.contains("× This clause sets up service credits (\"Service credits\")"),
        "{out}"
    );
    assert!(
        out.contains("[fixtures/performance-centric.md:19:5]"),
        "{out}"
    );
    assert!(
        out.contains("error service-credits"),
        "the label names the severity and rule: {out}"
    );
    assert!(out.contains("help: Replace the credit regime"), "{out}");
    assert!(
        out.contains("⚠ This clause pays for, or guarantees, volumes"),
        "warnings are marked: {out}"
    );
    assert!(
        out.ends_with("Checked 1 file: 8 errors, 12 warnings, 1 info.\n"),
        "{out}"
    );
    assert!(
        !out.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn human_output_counts_columns_in_characters_like_the_json() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = run(tenderlint(root).args([
        "check",
        "--no-config",
        "fixtures/edge-code-and-front-matter.md",
    ]));
    assert!(
        r.stdout
            .contains("[fixtures/edge-code-and-front-matter.md:18:24]"),
        "{}",
        r.stdout
    );
    let r = run(tenderlint(root).args(["check", "--no-config", "fixtures/edge-crlf.md"]));
    assert!(
        r.stdout.contains("[fixtures/edge-crlf.md:7:1]"),
        "a lone CR ends a line: {}",
        r.stdout
    );
}

#[test]
fn json_output_is_one_object_with_the_documented_shape() {
    let dir = tree(&[("tender.md", "# Spec\n\nCafé £5: service credits apply.\n")]);
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "tender.md"]));
    assert_eq!(r.code, 1);
    let v = json(&r);
    let keys: Vec<&String> = v
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "version",
            "tool",
            "diagnostics",
            "files",
            "tenders",
            "file_errors",
            "summary"
        ]
    );
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "tenderlint");
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 1, "errors": 2, "warnings": 3, "infos": 1, "file_errors": 0, "baselined": 0})
    );
    let d = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["rule"] == "service-credits"))
        .unwrap_or_else(|| panic!("no service-credits finding: {v}"));
    assert_eq!(d["path"], "tender.md");
    assert_eq!(d["rule"], "service-credits");
    assert_eq!(d["severity"], "error");
    assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()));
    // "Café £5: " is 9 characters and 11 bytes.
    assert_eq!(
        d["span"],
        serde_json::json!({"offset": 8 + 11, "length": 15, "start": {"line": 3, "column": 10}, "end": {"line": 3, "column": 25}})
    );
}

#[test]
fn no_path_checks_the_current_folder_and_skips_hidden_and_build_folders() {
    let dir = tree(&[
        ("a.md", SERVICE_CREDIT_CLAUSE),
        ("sub/b.markdown", SERVICE_CREDIT_CLAUSE),
        ("notes.txt", SERVICE_CREDIT_CLAUSE),
        (".git/c.md", SERVICE_CREDIT_CLAUSE),
        (".hidden.md", SERVICE_CREDIT_CLAUSE),
        ("target/d.md", SERVICE_CREDIT_CLAUSE),
        ("node_modules/e.md", SERVICE_CREDIT_CLAUSE),
    ]);
    let v = json(&run(
        tenderlint(dir.path()).args(["check", "--format", "json"])
    ));
    let mut paths: Vec<String> = rules_of(&v).into_iter().map(|(p, _)| p).collect();
    paths.dedup();
    assert_eq!(paths, ["a.md", "sub/b.markdown"]);
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn a_file_that_is_not_utf8_is_named_and_the_others_are_still_checked() {
    let dir = tree(&[("good.md", SERVICE_CREDIT_CLAUSE)]);
    write(
        dir.path(),
        "word.md",
        b"# Spec\n\nThe \x93service credits\x94 apply.\n",
    );
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "."]));
    assert_eq!(r.code, 2, "an unreadable file makes the run fail with 2");
    let v = json(&r);
    assert_eq!(
        rules_of(&v),
        [
            ("good.md".into(), "missing-data-sharing".into()),
            ("good.md".into(), "missing-joint-governance".into()),
            ("good.md".into(), "missing-patient-outcomes".into()),
            ("good.md".into(), "missing-patient-voice".into()),
            ("good.md".into(), "missing-shared-goals".into()),
            ("good.md".into(), "service-credits".into())
        ]
    );
    assert_eq!(v["file_errors"][0]["path"], "word.md");
    assert_eq!(
        v["file_errors"][0]["message"],
        "is not valid UTF-8: byte 0x93 on line 3, column 5"
    );
    assert!(v["file_errors"][0]["help"]
        .as_str()
        .is_some_and(|h| h.contains("Windows-1252") && h.contains("Save the file as UTF-8")));
    assert_eq!(v["summary"]["file_errors"], 1);

    let r = run(tenderlint(dir.path()).args(["check", "."]));
    assert_eq!(r.code, 2);
    assert!(
        r.stdout
            .contains("word.md is not valid UTF-8: byte 0x93 on line 3, column 5"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Checked 1 file: 2 errors, 3 warnings, 1 info. 1 file could not be checked."),
        "{}",
        r.stdout
    );
}

#[test]
fn binary_files_missing_paths_folders_named_md_and_symlink_loops() {
    let dir = tree(&[("good.md", CLEAN), ("x.md/inner.md", CLEAN)]);
    write(dir.path(), "image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(dir.path(), dir.path().join("loop"));
        let _ = std::os::unix::fs::symlink(
            dir.path().join("nowhere.md"),
            dir.path().join("dangling.md"),
        );
    }
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", ".", "missing.md"]));
    assert_eq!(r.code, 2);
    let v = json(&r);
    let errors: Vec<(String, String)> = v["file_errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["path"].as_str().unwrap_or("").into(),
                        e["message"].as_str().unwrap_or("").into(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        errors.contains(&("missing.md".into(), "does not exist".into())),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(p, m)| p == "image.md" && m.starts_with("looks like a binary file")),
        "{errors:?}"
    );
    #[cfg(unix)]
    {
        assert!(
            errors
                .iter()
                .any(|(p, m)| p.ends_with("loop") && m.contains("points back to a folder")),
            "{errors:?}"
        );
        assert!(
            errors.contains(&(
                "dangling.md".into(),
                "is a symbolic link to a file that does not exist".into()
            )),
            "{errors:?}"
        );
    }
    // The folder named x.md is walked, not read as a file; both real documents are checked.
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn config_is_found_above_the_current_folder_and_changes_rules() {
    let dir = tree(&[
        (
            "tenderlint.toml",
            "extend = [\"team.toml\"]\nexclude = [\"drafts/\"]\n\n[rules]\nservice-credits = \"warning\"\nmissing-patient-outcomes = \"off\"\n",
        ),
        (
            "team.toml",
            "[[rule]]\nid = \"no-framework-jargon\"\nkind = \"pattern\"\nseverity = \"info\"\ncategory = \"plain-english\"\ntitle = \"Jargon\"\nmessage = \"Jargon: {match}.\"\nhelp = \"Say what you mean.\"\nrationale = \"Team style guide.\"\nphrases = [\"synergy\"]\n",
        ),
        ("specs/tender.md", "# Spec\n\nService credits apply. We value synergy.\n"),
        ("drafts/old.md", SERVICE_CREDIT_CLAUSE),
    ]);
    let r = run(tenderlint(&dir.path().join("specs")).args(["check", "--format", "json", ".."]));
    assert_eq!(
        r.code, 0,
        "service credits were lowered to a warning: {}",
        r.stderr
    );
    let v = json(&r);
    let got: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["rule"].as_str().unwrap_or("").into(),
                        d["severity"].as_str().unwrap_or("").into(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        got,
        [
            ("missing-data-sharing".into(), "info".into()),
            ("missing-joint-governance".into(), "warning".into()),
            ("missing-patient-voice".into(), "warning".into()),
            ("missing-shared-goals".into(), "warning".into()),
            ("service-credits".into(), "warning".into()),
            ("no-framework-jargon".into(), "info".into())
        ]
    );
    assert_eq!(v["summary"]["files"], 1, "drafts/ is excluded");

    let r = run(tenderlint(&dir.path().join("specs")).args([
        "check",
        "--no-config",
        "--format",
        "json",
        "tender.md",
    ]));
    assert_eq!(r.code, 1, "--no-config restores the built-in severities");
}

#[test]
fn an_invalid_config_points_at_the_offending_line() {
    let dir = tree(&[
        (
            "tenderlint.toml",
            "[rules]\nservice-credits = \"warning\"\nservice-credit = \"off\"\n",
        ),
        ("a.md", CLEAN),
    ]);
    let r = run(tenderlint(dir.path()).args(["check"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.is_empty(),
        "nothing is checked with a broken config: {}",
        r.stdout
    );
    assert!(
        r.stderr.contains("there is no rule `service-credit`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("tenderlint.toml:3:1"),
        "points at line 3, column 1: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Did you mean `service-credits`?"),
        "{}",
        r.stderr
    );

    let dir = tree(&[
        ("tenderlint.toml", "[rules]\nservice-credits = 3\n"),
        ("a.md", CLEAN),
    ]);
    let r = run(tenderlint(dir.path()).args(["check"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("tenderlint.toml:2:19"), "{}", r.stderr);
}

#[test]
fn an_invalid_rule_file_points_at_the_offending_line_and_column() {
    let rule = |extra: &str| {
        format!("[[rule]]\nid = \"my-rule\"\nkind = \"pattern\"\nseverity = \"warning\"\ncategory = \"c\"\ntitle = \"t\"\nmessage = \"m\"\nhelp = \"h\"\nrationale = \"r\"\n{extra}")
    };
    let cases = [
        (
            rule("patterns = ['ok', '(unclosed']\n"),
            "this pattern is not a valid regular expression",
            "bad.toml:10:19",
        ),
        (
            rule("phrases = [\"x\"]\nshade = 1\n"),
            "unknown field `shade`",
            "bad.toml:11:1",
        ),
        (rule("phrases = \"x\"\n"), "invalid type", "bad.toml:10:11"),
        (
            rule("phrases = [\"x\"]\n").replace("\"pattern\"", "\"regex\""),
            "unknown variant `regex`",
            "bad.toml:3:8",
        ),
        (
            rule("phrases = [\"x\"]\n").replace("\"my-rule\"", "\"service-credits\""),
            "the rule id `service-credits` is used twice",
            "bad.toml:2:6",
        ),
        (
            rule("patterns = ['a{1000}{1000}']\n"),
            "this pattern is too large to compile",
            "bad.toml:10:13",
        ),
    ];
    let dir = tree(&[("a.md", CLEAN)]);
    for (text, message, at) in cases {
        write(dir.path(), "bad.toml", text.as_bytes());
        let r = run(tenderlint(dir.path()).args(["check", "--rules", "bad.toml", "a.md"]));
        assert_eq!(r.code, 2, "{text}");
        assert!(
            r.stderr.contains(message),
            "expected {message:?} in:\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(at),
            "expected the pointer {at:?} in:\n{}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn select_ignore_and_max_warnings() {
    let dir = tree(&[(
        "a.md",
        "# Spec\n\nService credits apply. The Provider is paid £30 per contact.\n",
    )]);
    let rules = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push("a.md");
        let r = run(tenderlint(dir.path()).args(&all));
        (
            rules_of(&json(&r))
                .into_iter()
                .map(|(_, r)| r)
                .collect::<Vec<_>>(),
            r.code,
        )
    };
    assert_eq!(
        rules(&["--select", "volume-payment"]),
        (vec!["volume-payment".to_string()], 0)
    );
    assert_eq!(
        rules(&["--select", "volume-payment", "--max-warnings", "0"]),
        (vec!["volume-payment".to_string()], 1)
    );
    assert_eq!(
        rules(&[
            "--ignore",
            "service-credits,missing-patient-outcomes,missing-patient-voice,\
             missing-shared-goals,missing-joint-governance,missing-data-sharing"
        ]),
        (vec!["volume-payment".to_string()], 0)
    );
    let r = run(tenderlint(dir.path()).args(["check", "--select", "service-credit", "a.md"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("there is no rule `service-credit`. Did you mean `service-credits`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tree(&[("a.md", CLEAN)]);
    assert_eq!(
        run(tenderlint(dir.path()).args(["check", "--format", "xml"])).code,
        2
    );
    assert_eq!(run(tenderlint(dir.path()).args(["frobnicate"])).code, 2);
}

#[test]
fn rules_and_explain() {
    let dir = tree(&[]);
    let r = run(tenderlint(dir.path()).args(["rules"]));
    assert_eq!(r.code, 0);
    for id in [
        "service-credits",
        "payment-deduction",
        "volume-payment",
        "missing-patient-outcomes",
    ] {
        assert!(
            r.stdout.lines().any(|l| l.starts_with(id)),
            "{id} not listed:\n{}",
            r.stdout
        );
    }
    let r = run(tenderlint(dir.path()).args(["explain", "service-credits"]));
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Tim Coney"),
        "the rationale cites the brief: {}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Flagged\n") && r.stdout.contains("Better\n"),
        "{}",
        r.stdout
    );
    let r = run(tenderlint(dir.path()).args(["explain", "service-credit"]));
    assert_eq!(r.code, 2);
}

#[test]
fn code_never_produces_findings_even_in_a_directory_run() {
    let text = format!("# Spec\n\nEQ-5D-5L is reported each year. {PARTNERSHIP}\n\n```\nservice credits\n```\n\n`liquidated damages`\n");
    let dir = tree(&[("a.md", &text)]);
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(r.code, 0);
    assert_eq!(json(&r)["diagnostics"], Value::Array(vec![]));
}

#[test]
fn empty_and_whitespace_files_have_nothing_to_judge() {
    let dir = tree(&[
        ("empty.md", ""),
        ("blank.md", "  \n\n\t\n"),
        ("front.md", "---\ntitle: x\n---\n"),
    ]);
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v = json(&r);
    assert_eq!(v["summary"]["files"], 3);
    assert_eq!(v["diagnostics"], Value::Array(vec![]));
}

/// Colour on a terminal, never with NO_COLOR. `script` (util-linux, on every Debian
/// machine) gives the program a pseudo-terminal.
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let root = env!("CARGO_MANIFEST_DIR");
    let command = format!(
        "{} check --no-config fixtures/edge-crlf.md",
        env!("CARGO_BIN_EXE_tenderlint")
    );
    let on_tty = |no_color: bool| {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"]).current_dir(root);
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("`script` is needed for this test: {e}"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = on_tty(false);
    assert!(coloured.contains("service-credits"), "{coloured}");
    assert!(
        coloured.contains('\u{1b}'),
        "a terminal gets colour: {coloured}"
    );
    let plain = on_tty(true);
    assert!(plain.contains("service-credits"), "{plain}");
    assert!(
        !plain.contains('\u{1b}'),
        "NO_COLOR turns colour off: {plain}"
    );
}

#[test]
fn json_stats_and_the_report_say_where_each_ingredient_was_found() {
    // A present ingredient names its first mention: line and column counted in characters
    // (the "£" and the em dash before it are one column each), the words matched; a
    // control character in them is shown as a visible stand-in in human output.
    let text = "# Plan\n\nCosts £5 — a patient panel meets.\n\nShared goals:\u{1b}[2J agreed.\n";
    let dir = tree(&[("plan.md", text)]);
    let r =
        run(tenderlint(dir.path()).args(["check", "--no-config", "--format", "json", "plan.md"]));
    let json: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}"));
    let ingredients = json["files"][0]["metrics"]["ingredients"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let evidence = |name: &str| {
        ingredients
            .iter()
            .find(|i| i["name"] == name)
            .map(|i| i["evidence"].clone())
            .unwrap_or_default()
    };
    let voice = evidence("patient voice");
    assert_eq!(voice["line"], 3, "{voice}");
    assert_eq!(voice["column"], 14, "{voice}");
    assert_eq!(voice["text"], "patient panel", "{voice}");
    assert!(
        voice.get("path").is_none(),
        "one document: no path ({voice})"
    );
    assert_eq!(evidence("shared goals")["line"], 5);
    // Nothing matched: no evidence at all.
    assert!(evidence("joint governance").is_null(), "{ingredients:?}");

    let r = run(tenderlint(dir.path()).args(["check", "--no-config", "--stats", "plan.md"]));
    assert!(
        r.stdout.contains("patient voice (line 3: “patient panel”)"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);

    let out = dir.path().join("report.html");
    let r = run(tenderlint(dir.path())
        .args(["report", "--no-config", "-o"])
        .arg(&out)
        .arg("plan.md"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(page.contains("(line 3: “patient panel”)"), "{page}");

    // In a report of several documents, each present cell of the summary table says it.
    std::fs::write(
        dir.path().join("other.md"),
        "# Other

Nothing here.
",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = run(tenderlint(dir.path())
        .args(["report", "--no-config", "-o"])
        .arg(&out)
        .args(["plan.md", "other.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(
        page.contains("<span class=\"where\">line 3: “patient panel”</span>"),
        "{page}"
    );
}
