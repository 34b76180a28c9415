//! Never lose a run, through the real binary: the classes of input that used to panic
//! (Unicode spaces in the comments tenderlint reads, findings far along very long
//! lines, in documents and in rule files), control characters that must not reach a
//! terminal, a panic injected into one file's check (`TENDERLINT_FAULT`), which must
//! cost that file only, and work that used to grow with the square of the input
//! (suppression comments, a rule of a hundred thousand words).

mod common;

use common::{run, tenderlint, tree, write, PARTNERSHIP};
use serde_json::Value;
use std::time::Duration;

/// Every Unicode space that is not ASCII: Word pastes several of them.
fn unicode_spaces() -> Vec<char> {
    (0x80u32..0x3001)
        .chain([0xFEFF])
        .filter_map(char::from_u32)
        .filter(|c| c.is_whitespace())
        .collect()
}

/// One field of every diagnostic in a `--format json` run.
fn field<'a>(json: &'a Value, name: &str) -> Vec<&'a str> {
    json["diagnostics"]
        .as_array()
        .map(|d| d.iter().filter_map(|d| d[name].as_str()).collect())
        .unwrap_or_default()
}

fn no_panic(r: &common::Run) {
    assert_ne!(r.code, 101, "tenderlint panicked: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn unicode_spaces_in_suppression_comments_are_spaces() {
    let spaces = unicode_spaces();
    assert!(spaces.len() >= 15, "{spaces:?}");
    let mut doc = format!("# Payment\n\n{PARTNERSHIP} EQ-5D-5L is reported annually.\n\n");
    for s in &spaces {
        // The space in every place a comment has one: after `<!--`, between the
        // directive and the names, between names, and before `-->`.
        doc.push_str(&format!(
            "<!--{s}tenderlint-disable-next-line{s}payment-deduction,{s}service-credits{s}-->\nService credits apply.\n\n"
        ));
    }
    let dir = tree(&[("spaces.md", &doc)]);
    let r =
        run(tenderlint(dir.path()).args(["check", "--no-config", "--format", "json", "spaces.md"]));
    no_panic(&r);
    let json: Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    let rules = field(&json, "rule");
    // Every comment hides its line's finding; `payment-deduction` hides nothing there,
    // and each comment says so at the name's exact place.
    assert!(!rules.contains(&"service-credits"), "{rules:?}");
    assert_eq!(
        rules.iter().filter(|r| **r == "unused-suppression").count(),
        spaces.len()
    );
    for d in json["diagnostics"].as_array().into_iter().flatten() {
        let offset = d["span"]["offset"].as_u64().unwrap_or(0) as usize;
        let length = d["span"]["length"].as_u64().unwrap_or(0) as usize;
        assert_eq!(&doc[offset..offset + length], "payment-deduction", "{d}");
    }
    // And the human output of the same file.
    let r = run(tenderlint(dir.path()).args(["check", "--no-config", "spaces.md"]));
    no_panic(&r);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn findings_far_along_long_lines_are_shown_cut_to_their_surroundings() {
    // 60,000 characters of multi-byte text before the finding, and as many after.
    for filler in ["é — ", "x ", "日本語 "] {
        let line = format!(
            "{}Service credits of 5% apply.{}",
            filler.repeat(60_000 / filler.chars().count()),
            " ü".repeat(30_000)
        );
        let doc = format!("# Payment\n\n{line}\n");
        let dir = tree(&[("long.md", &doc)]);
        let r = run(tenderlint(dir.path()).args(["check", "--no-config", "long.md"]));
        no_panic(&r);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stdout.contains("Service credits of 5% apply."),
            "{}",
            r.stdout
        );
        // Each message shows a window of the line, not the line: far less than it.
        assert!(
            r.stdout.len() < 20_000,
            "{} bytes of output",
            r.stdout.len()
        );
        // The header still gives the finding's column in characters of the whole line.
        let column = line[..line.find("Service").unwrap_or(0)].chars().count() + 1;
        assert!(
            r.stdout.contains(&format!("long.md:3:{column}]")),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn errors_in_long_lines_of_rule_files_are_shown_cut() {
    let pattern = format!("{}(unclosed", "é".repeat(70_000));
    let rules = format!(
        "[[rule]]\nid = \"long-pattern\"\nkind = \"pattern\"\ncategory = \"payment\"\ntitle = \"t\"\n\
         rationale = \"r\"\nseverity = \"error\"\nmessage = \"m\"\nhelp = \"h\"\npatterns = [\"{pattern}\"]\n"
    );
    let dir = tree(&[("rules.toml", &rules), ("a.md", "# A\n")]);
    let r =
        run(tenderlint(dir.path()).args(["check", "--no-config", "--rules", "rules.toml", "a.md"]));
    no_panic(&r);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not a valid regular expression"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("rules.toml:10:13]"), "{}", r.stderr);
    assert!(r.stderr.len() < 5_000, "{} bytes", r.stderr.len());
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let nasty = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}]8;;http://x\u{1b}\\";
    let doc = format!("# Payment {nasty}\n\nService credits {nasty} apply.\n");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let name = "tender\u{1b}[31m\nforged.md";
    write(dir.path(), name, doc.as_bytes());
    for format in ["human", "github"] {
        let r = run(tenderlint(dir.path()).env("NO_COLOR", "1").args([
            "check",
            "--no-config",
            "--format",
            format,
            ".",
        ]));
        no_panic(&r);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{7}'),
            "{format}: {all:?}"
        );
        assert!(all.contains('␛'), "{format}: {all}");
    }
    // A file name with a line break cannot start a workflow command of its own.
    let r = run(tenderlint(dir.path()).args(["check", "--no-config", "--format", "github", "."]));
    assert!(
        r.stdout.lines().all(|l| l.starts_with("::")),
        "{}",
        r.stdout
    );
}

/// A folder of three files; `crash.md` holds the injected fault's marker.
fn three_files() -> tempfile::TempDir {
    let good =
        format!("# Good\n\n{PARTNERSHIP} EQ-5D-5L is reported annually. Service credits apply.\n");
    tree(&[
        ("a.md", &good),
        (
            "crash.md",
            "# Spec\n\nINJECTED-FAULT. Service credits apply.\n",
        ),
        ("z.md", &good),
    ])
}

#[test]
fn a_panic_costs_one_file_and_every_other_file_is_reported() {
    let dir = three_files();
    let r = run(tenderlint(dir.path())
        .env("TENDERLINT_FAULT", "INJECTED-FAULT")
        .args(["check", "--no-config", "--format", "json", "."]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let json: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}"));
    let errors = json["file_errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], "crash.md");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("internal error"));
    let help = errors[0]["help"].as_str().unwrap_or("");
    assert!(
        help.contains("Please report it") && help.contains("fault injected"),
        "{help}"
    );
    let paths = field(&json, "path");
    assert!(
        paths.contains(&"a.md") && paths.contains(&"z.md"),
        "{paths:?}"
    );

    // Human output: the other files' findings, the failed file by name, exit 2.
    let r = run(tenderlint(dir.path())
        .env("TENDERLINT_FAULT", "INJECTED-FAULT")
        .args(["check", "--no-config", "."]));
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("a.md:3:") && r.stdout.contains("z.md:3:"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("crash.md could not be checked"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 file could not be checked."),
        "{}",
        r.stdout
    );
}

#[test]
fn a_panic_in_one_file_of_a_tender_costs_that_file() {
    let dir = three_files();
    write(
        dir.path(),
        "tender.toml",
        b"name = \"Community services\"\n",
    );
    let r = run(tenderlint(dir.path())
        .env("TENDERLINT_FAULT", "INJECTED-FAULT")
        .args(["check", "--no-config", "--format", "json", "."]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let json: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["file_errors"][0]["path"], "crash.md", "{json}");
    let paths = field(&json, "path");
    assert!(
        paths.contains(&"a.md") && paths.contains(&"z.md"),
        "{paths:?}"
    );
}

#[test]
fn a_panic_still_leaves_a_report_page() {
    let dir = three_files();
    let r = run(tenderlint(dir.path())
        .env("TENDERLINT_FAULT", "INJECTED-FAULT")
        .args(["report", "--no-config", ".", "-o", "report.html"]));
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let page = std::fs::read_to_string(dir.path().join("report.html")).unwrap_or_default();
    assert!(
        page.contains("crash.md") && page.contains("internal error"),
        "{}",
        r.stderr
    );
    assert!(page.contains("a.md") && page.contains("z.md"));
}

/// Generous: the linear work takes a second or two; the quadratic work it replaced took
/// minutes on these inputs.
const PATIENCE: Duration = Duration::from_secs(60);

#[test]
fn tens_of_thousands_of_suppression_comments_cost_linear_time() {
    let n = 40_000;
    let mut doc = format!("# Payment\n\n{PARTNERSHIP} EQ-5D-5L is reported annually.\n\n");
    for i in 0..n {
        // A region that never ends, and a next-line comment, above every clause.
        doc.push_str(&format!(
            "<!-- tenderlint-disable payment-deduction -->\n<!-- tenderlint-disable-next-line service-credits -->\nClause {i}: service credits apply.\n\n"
        ));
    }
    let dir = tree(&[("many.md", &doc)]);
    let r = run(tenderlint(dir.path()).timeout(PATIENCE).args([
        "check",
        "--no-config",
        "--format",
        "json",
        "many.md",
    ]));
    no_panic(&r);
    let json: Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    let rules = field(&json, "rule");
    // Every credit hidden; every `disable payment-deduction` hides nothing.
    assert!(!rules.contains(&"service-credits"));
    assert_eq!(
        rules.iter().filter(|r| **r == "unused-suppression").count(),
        n
    );
}

#[test]
fn a_rule_of_a_hundred_thousand_words_loads_or_is_refused_quickly() {
    let words: Vec<String> = (0..100_000).map(|i| format!("w{i}x")).collect();
    let rule = |body: String| {
        format!(
            "[[rule]]\nid = \"many-words\"\nkind = \"pattern\"\ncategory = \"payment\"\ntitle = \"t\"\n\
             rationale = \"r\"\nseverity = \"error\"\nmessage = \"m\"\nhelp = \"h\"\n{body}\n"
        )
    };
    let phrases = rule(format!(
        "phrases = [{}]",
        words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let pattern = rule(format!(
        "patterns = [\"\\\\b(?:{})\\\\b\"]",
        words.join("|")
    ));
    let dir = tree(&[
        ("phrases.toml", &phrases),
        ("pattern.toml", &pattern),
        ("a.md", "# A\n\nThe word w99999x is here.\n"),
    ]);
    let r = run(tenderlint(dir.path()).timeout(PATIENCE).args([
        "check",
        "--no-config",
        "--select",
        "many-words",
        "--rules",
        "phrases.toml",
        "a.md",
    ]));
    no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("many-words"), "{}", r.stdout);
    let r = run(tenderlint(dir.path()).timeout(PATIENCE).args([
        "check",
        "--no-config",
        "--rules",
        "pattern.toml",
        "a.md",
    ]));
    no_panic(&r);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("too large"), "{}", r.stderr);
}

#[test]
fn json_lines_are_written_while_the_run_goes_on() {
    // A file that cannot be read, first in order, then more good files than one batch:
    // its error (on standard error) must come out between the findings of the first
    // batch and those of the next. Before, the whole run was held in memory and
    // written at its end, and the error came after every finding.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "a0000-binary.md", b"\0\x01binary");
    let n = 5_000;
    for i in 0..n {
        let text = format!(
            "# Tender {i}\n\n{PARTNERSHIP} EQ-5D-5L is reported annually. Service credits apply.\n"
        );
        write(dir.path(), &format!("f{i:05}.md"), text.as_bytes());
    }
    let tenderlint = env!("CARGO_BIN_EXE_tenderlint");
    let r = run(assert_cmd::Command::new("sh")
        .current_dir(dir.path())
        .timeout(PATIENCE)
        .args([
            "-c",
            &format!("'{tenderlint}' check --no-config --format json-lines . 2>&1"),
        ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), n + 1);
    let error = lines
        .iter()
        .position(|l| l.starts_with("error: a0000-binary.md"))
        .unwrap_or_else(|| panic!("no error line"));
    assert!(
        error > 0 && error < n,
        "the error is line {error} of {}",
        n + 1
    );
    assert!(
        lines
            .iter()
            .filter(|l| l.contains("\"rule\":\"service-credits\""))
            .count()
            == n
    );
}

#[test]
fn links_out_of_the_tree_are_marked_in_the_report_and_not_followed_with_no_follow() {
    let dir = tree(&[
        ("docs/spec.md", "# Spec\n\nService credits apply.\n"),
        (
            "elsewhere/secret.md",
            "# Secret\n\nPayments are withheld.\n",
        ),
    ]);
    std::os::unix::fs::symlink("../elsewhere", dir.path().join("docs/linked"))
        .unwrap_or_else(|e| panic!("{e}"));
    let page = |extra: &[&str]| {
        let r = run(tenderlint(dir.path())
            .args(["report", "--no-config", "--no-history", "docs", "-o", "-"])
            .args(extra));
        no_panic(&r);
        r.stdout
    };
    let followed = page(&[]);
    assert!(
        followed.contains("docs/linked/secret.md"),
        "the link is followed by default"
    );
    assert_eq!(followed.matches("Outside the folders checked").count(), 1);
    let real = std::fs::canonicalize(dir.path().join("elsewhere/secret.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        followed.contains(&real.display().to_string()),
        "the page says where it is"
    );
    let not_followed = page(&["--no-follow"]);
    assert!(!not_followed.contains("secret.md") && not_followed.contains("docs/spec.md"));
    let r = run(tenderlint(dir.path()).args([
        "check",
        "--no-config",
        "--no-follow",
        "--format",
        "json",
        "docs",
    ]));
    let json: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["files"].as_array().map(Vec::len), Some(1), "{json}");
}
