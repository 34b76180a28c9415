//! Which configuration judges each file (issue 22): the nearest `tenderlint.toml` above
//! the file, as ruff does, whichever way the file is checked (`check PATH`, a folder,
//! `--stdin-filename`); `--config` for every file; and `[[overrides]]` by glob, later
//! entries winning. Every test runs the real binary.

mod common;

use common::{parse, run, tenderlint, tree, PARTNERSHIP};

/// A tender whose only finding worth watching is `service-credits`.
fn spec() -> String {
    format!("# Spec\n\nEQ-5D-5L is reported each year. {PARTNERSHIP}\n\nService credits apply.\n")
}

/// (path, severity) of every `service-credits` finding in a JSON report, sorted.
fn credits(stdout: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = parse(stdout)["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnostics: {stdout}"))
        .iter()
        .filter(|d| d["rule"] == "service-credits")
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").to_string(),
                d["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn pair(path: &str, severity: &str) -> (String, String) {
    (path.to_string(), severity.to_string())
}

/// A repository with a configuration at its top, and a nearer one in `sub/`; the
/// current folder (above `proj/`) has a third that must not judge `proj/`'s files.
fn project() -> tempfile::TempDir {
    let text = spec();
    tree(&[
        ("tenderlint.toml", "[rules]\nservice-credits = \"info\"\n"),
        (
            "proj/tenderlint.toml",
            "exclude = [\"drafts/\"]\n\n[rules]\nservice-credits = \"warning\"\n",
        ),
        ("proj/specs/spec.md", &text),
        ("proj/drafts/old.md", &text),
        (
            "proj/sub/.tenderlint.toml",
            "[rules]\nservice-credits = \"off\"\n",
        ),
        ("proj/sub/x.md", &text),
        ("proj/sub/drafts/kept.md", &text),
    ])
}

#[test]
fn each_file_takes_the_nearest_configuration_above_it() {
    let dir = project();
    // A folder: each file under its own configuration; proj's exclude applies to
    // proj/drafts but not to sub/drafts, which sub's configuration judges.
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "proj"]));
    assert_eq!(
        credits(&r.stdout),
        [pair("proj/specs/spec.md", "warning")],
        "{}",
        r.stderr
    );
    let files = parse(&r.stdout)["summary"]["files"].clone();
    assert_eq!(files, 3, "spec.md, sub/x.md and sub/drafts/kept.md");

    // A file named from outside its project.
    let r = run(tenderlint(dir.path()).args([
        "check",
        "--format",
        "json",
        "proj/specs/spec.md",
        "proj/sub/x.md",
    ]));
    assert_eq!(credits(&r.stdout), [pair("proj/specs/spec.md", "warning")]);

    // From inside the nearer folder, the same.
    let r = run(tenderlint(&dir.path().join("proj/specs")).args([
        "check",
        "--format",
        "json",
        "spec.md",
        "../sub/x.md",
    ]));
    assert_eq!(credits(&r.stdout), [pair("spec.md", "warning")]);

    // The current folder's own files still take its configuration.
    common::write(dir.path(), "top.md", spec().as_bytes());
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "top.md", "proj/specs"]));
    assert_eq!(
        credits(&r.stdout),
        [
            pair("proj/specs/spec.md", "warning"),
            pair("top.md", "info")
        ]
    );
}

#[test]
fn stdin_filename_judges_as_check_does_for_the_same_path() {
    let dir = project();
    for path in [
        "proj/specs/spec.md",
        "proj/sub/x.md",
        "proj/sub/drafts/kept.md",
    ] {
        let on_disk = run(tenderlint(dir.path()).args(["check", "--format", "json", path]));
        let piped = run(tenderlint(dir.path())
            .args([
                "check",
                "--format",
                "json",
                "--stdin",
                "--stdin-filename",
                path,
            ])
            .write_stdin(spec()));
        assert_eq!(
            parse(&on_disk.stdout)["diagnostics"],
            parse(&piped.stdout)["diagnostics"],
            "{path}: check and --stdin-filename disagree"
        );
    }
    // An excluded path is excluded both ways... when walked; standard input named as an
    // excluded file is skipped, as an editor's buffer of it is.
    let piped = run(tenderlint(dir.path())
        .args(["check", "--format", "json", "--stdin", "--stdin-filename"])
        .arg("proj/drafts/old.md")
        .write_stdin(spec()));
    assert_eq!(credits(&piped.stdout), Vec::<(String, String)>::new());
}

#[test]
fn an_explicit_config_judges_every_file_and_no_config_none() {
    let dir = project();
    common::write(
        dir.path(),
        "ci.toml",
        b"[rules]\nservice-credits = \"info\"\n",
    );
    let r = run(tenderlint(dir.path()).args([
        "check",
        "--format",
        "json",
        "--config",
        "ci.toml",
        "proj/specs",
        "proj/sub/x.md",
    ]));
    assert_eq!(
        credits(&r.stdout),
        [
            pair("proj/specs/spec.md", "info"),
            pair("proj/sub/x.md", "info")
        ]
    );
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "--no-config", "proj"]));
    // No exclude either: proj/drafts is checked too.
    assert_eq!(credits(&r.stdout).len(), 4, "{}", r.stdout);
}

#[test]
fn relative_paths_in_a_configuration_are_relative_to_its_folder() {
    let text = "# Spec\n\nWe value synergy.\n";
    let dir = tree(&[
        (
            "proj/tenderlint.toml",
            "extend = [\"rules/team.toml\"]\n\n[[overrides]]\nfiles = [\"specs/*.md\"]\nrules = { no-framework-jargon = \"error\" }\n",
        ),
        (
            "proj/rules/team.toml",
            "[[rule]]\nid = \"no-framework-jargon\"\nkind = \"pattern\"\nseverity = \"info\"\ncategory = \"plain-english\"\ntitle = \"Jargon\"\nmessage = \"Jargon: {match}.\"\nhelp = \"Say what you mean.\"\nrationale = \"Team style guide.\"\nphrases = [\"synergy\"]\n",
        ),
        ("proj/specs/a.md", text),
        ("proj/b.md", text),
    ]);
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "proj"]));
    let mut got: Vec<(String, String)> = parse(&r.stdout)["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("{}{}", r.stdout, r.stderr))
        .iter()
        .filter(|d| d["rule"] == "no-framework-jargon")
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").into(),
                d["severity"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [pair("proj/b.md", "info"), pair("proj/specs/a.md", "error")]
    );
}

#[test]
fn overrides_by_glob_later_entries_winning() {
    let text = spec();
    let dir = tree(&[
        (
            "tenderlint.toml",
            "[rules]\nservice-credits = \"warning\"\n\n\
             [[overrides]]\nfiles = [\"schedules/*.md\"]\nrules = { service-credits = \"off\" }\n\n\
             [[overrides]]\nfiles = [\"schedules/pricing.md\"]\nrules = { service-credits = \"error\" }\n",
        ),
        ("spec.md", &text),
        ("schedules/kpi.md", &text),
        ("schedules/pricing.md", &text),
    ]);
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(
        credits(&r.stdout),
        [
            pair("schedules/pricing.md", "error"),
            pair("spec.md", "warning")
        ],
        "{}",
        r.stderr
    );
    // Run from elsewhere, the globs are still relative to the configuration's folder;
    // standard input named as the file is judged the same.
    let sub = dir.path().join("schedules");
    let r = run(tenderlint(&sub).args(["check", "--format", "json", "kpi.md", "pricing.md"]));
    assert_eq!(credits(&r.stdout), [pair("pricing.md", "error")]);
    let r = run(tenderlint(&sub)
        .args([
            "check",
            "--format",
            "json",
            "--stdin",
            "--stdin-filename",
            "kpi.md",
        ])
        .write_stdin(text.clone()));
    assert_eq!(credits(&r.stdout), Vec::<(String, String)>::new());
    // `--select` names a rule, and it runs even where an override turns it off.
    let r = run(tenderlint(dir.path()).args([
        "check",
        "--format",
        "json",
        "--select",
        "service-credits",
        "schedules/kpi.md",
    ]));
    assert_eq!(credits(&r.stdout).len(), 1, "{}", r.stdout);
}

#[test]
fn an_override_can_turn_on_a_rule_the_configuration_turns_off() {
    let text = spec();
    let dir = tree(&[
        (
            "tenderlint.toml",
            "[rules]\nservice-credits = \"off\"\n\n[[overrides]]\nfiles = [\"contracts/\"]\nrules = { service-credits = \"warning\" }\n",
        ),
        ("spec.md", &text),
        ("contracts/terms.md", &text),
    ]);
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(
        credits(&r.stdout),
        [pair("contracts/terms.md", "warning")],
        "{}",
        r.stderr
    );
}

#[test]
fn a_wrong_override_is_an_error_pointing_at_its_line() {
    let cases = [
        (
            "[[overrides]]\nfiles = [\"a.md\"]\nrules = { service-credit = \"off\" }\n",
            "there is no rule `service-credit`",
            "tenderlint.toml:3:",
        ),
        (
            "[[overrides]]\nfiles = [\"a[.md\"]\nrules = { service-credits = \"off\" }\n",
            "not a valid glob",
            "tenderlint.toml:2:",
        ),
        (
            "\n[[overrides]]\nfiles = [\"a.md\"]\nrules = { service-credits = { max = 2 } }\n",
            "an override takes only a severity",
            "tenderlint.toml:4:",
        ),
        (
            "[[overrides]]\nfiles = [\"a.md\"]\nrules = { service-credits = \"loud\" }\n",
            "unknown severity `loud`",
            "tenderlint.toml:3:",
        ),
        (
            "[[overrides]]\nrules = { service-credits = \"off\" }\n",
            "missing field `files`",
            "tenderlint.toml:1:",
        ),
    ];
    for (config, message, at) in cases {
        let dir = tree(&[("tenderlint.toml", config), ("a.md", &spec())]);
        let r = run(tenderlint(dir.path())
            .env("NO_COLOR", "1")
            .args(["check", "a.md"]));
        assert_eq!(r.code, 2, "{config}: {}", r.stdout);
        assert!(r.stderr.contains(message), "{config}: {}", r.stderr);
        assert!(r.stderr.contains(at), "{config}: not at {at}: {}", r.stderr);
    }
}
