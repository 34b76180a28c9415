//! Machine-readable output, standard input, baselines and `init`, through the real
//! binary: SARIF against the official 2.1.0 schema, JSON against our own schema, GitHub
//! workflow commands against their syntax, JUnit as parsed XML.

mod common;

use common::{assert_valid, parse, run, schema, tenderlint, tree, PARTNERSHIP};
use serde_json::Value;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn sarif_is_valid_against_the_official_schema_and_describes_every_rule() {
    let custom = tree(&[(
        "team.toml",
        "[[rule]]\nid = \"team-jargon\"\nkind = \"pattern\"\nseverity = \"info\"\ncategory = \"style\"\ntitle = \"Jargon\"\nmessage = \"Jargon.\"\nhelp = \"Plain words.\"\nrationale = \"Style guide.\"\nphrases = [\"synergy\"]\n",
    )]);
    let rules = custom.path().join("team.toml");
    let r = run(tenderlint(Path::new(ROOT))
        .args(["check", "--no-config", "--format", "sarif", "--rules"])
        .arg(&rules)
        .args(["--ignore", "volume-payment", "fixtures/", "missing.md"]));
    assert_eq!(
        r.code, 2,
        "a missing path still fails the run: {}",
        r.stderr
    );
    let sarif = parse(&r.stdout);
    let official = PathBuf::from(ROOT).join("../shared/schemas/sarif-schema-2.1.0.json");
    // The official schema lives in ../shared beside the checkout: a clone without it skips
    // the schema check with a note, and CI (which sets TENDERLINT_REQUIRE_CORPUS) requires it.
    if official.is_file() || std::env::var_os("TENDERLINT_REQUIRE_CORPUS").is_some() {
        let validator = schema(&official);
        assert_valid(&validator, &sarif, "SARIF output");
        // The official schema really is being applied: corrupt output fails it.
        let mut broken = sarif.clone();
        broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
        assert!(
            !validator.is_valid(&broken),
            "a level SARIF does not define must fail"
        );
    } else {
        println!(
            "note: ../shared/schemas is not beside the checkout: the SARIF schema check is skipped"
        );
    }

    let run0 = &sarif["runs"][0];
    let ids: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["id"].as_str()).collect())
        .unwrap_or_default();
    for id in [
        "service-credits",
        "payment-deduction",
        "volume-payment",
        "missing-patient-outcomes",
        "team-jargon",
        "unused-suppression",
    ] {
        assert!(
            ids.contains(&id),
            "{id} missing from tool.driver.rules: {ids:?}"
        );
    }
    // Each built-in rule (and the engine's check) links its page in docs/rules, which
    // exists; a user's own rule has no page, so no link.
    for rule in run0["tool"]["driver"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = rule["id"].as_str().unwrap_or_default();
        if id == "team-jargon" {
            assert_eq!(rule.get("helpUri"), None, "{rule}");
            continue;
        }
        let uri = rule["helpUri"].as_str().unwrap_or_default();
        let page = format!("docs/rules/{id}.md");
        assert!(
            uri.starts_with("https://") && uri.ends_with(&format!("/blob/main/{page}")),
            "{id}: {uri}"
        );
        assert!(Path::new(ROOT).join(&page).is_file(), "{page} is missing");
    }
    let results = run0["results"].as_array().cloned().unwrap_or_default();
    assert!(!results.is_empty());
    for res in &results {
        let i = res["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(
            run0["tool"]["driver"]["rules"][i]["id"], res["ruleId"],
            "ruleIndex points at the rule"
        );
        assert_ne!(res["ruleId"], "volume-payment", "--ignore applies");
        assert!(res["partialFingerprints"]["tenderlint/clause/v1"]
            .as_str()
            .is_some_and(|f| f.len() == 16));
    }
    // The multi-byte line: column in code points, offset and length in bytes.
    let r = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "fixtures/edge-code-and-front-matter.md"
                && r["ruleId"] == "service-credits"
        })
        .unwrap_or_else(|| panic!("no result for the multi-byte fixture"));
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(18), Some(24))
    );
    assert_eq!(
        (region["byteOffset"].as_u64(), region["byteLength"].as_u64()),
        (Some(439), Some(15))
    );
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let notes = &run0["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "missing.md"
    );
    assert_eq!(run0["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn sarif_fingerprints_survive_moved_lines_and_renumbered_clauses() {
    let fingerprints = |text: &str| -> Vec<String> {
        let dir = tree(&[("t.md", text)]);
        let sarif =
            parse(&run(tenderlint(dir.path()).args(["check", "--format", "sarif", "t.md"])).stdout);
        sarif["runs"][0]["results"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|r| {
                        r["partialFingerprints"]["tenderlint/clause/v1"]
                            .as_str()
                            .map(String::from)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = fingerprints(&format!(
        "# Spec\n\n3.1 Service credits apply to missed KPIs.\n\n{PARTNERSHIP}\n"
    ));
    let after = fingerprints(&format!(
        "# Spec\n\nA new opening paragraph.\n\n4.2 Service credits apply to missed KPIs.\n\n{PARTNERSHIP}\n"
    ));
    assert_eq!(before, after);
    assert_eq!(
        before.len(),
        2,
        "missing-patient-outcomes and service-credits"
    );
    let changed = fingerprints(&format!(
        "# Spec\n\n3.1 Service credits apply to every KPI.\n\n{PARTNERSHIP}\n"
    ));
    assert_ne!(
        before[1], changed[1],
        "a different clause is a different finding"
    );
}

#[test]
fn json_output_matches_the_published_schema() {
    let validator = schema(&PathBuf::from(ROOT).join("schema/diagnostics.schema.json"));
    let r = run(tenderlint(Path::new(ROOT)).args([
        "check",
        "--no-config",
        "--format",
        "json",
        "fixtures/",
        "missing.md",
    ]));
    let v = parse(&r.stdout);
    assert_valid(&validator, &v, "JSON output");
    assert!(v["diagnostics"].as_array().is_some_and(|a| a.len() > 10));
    assert_eq!(v["file_errors"][0]["path"], "missing.md");
    // The schema is strict enough to notice a broken report.
    let mut broken = v.clone();
    broken["diagnostics"][0]["span"]["start"]["line"] = Value::from(0);
    assert!(!validator.is_valid(&broken));
}

#[test]
fn json_lines_is_one_diagnostic_object_per_line() {
    let validator = schema(&PathBuf::from(ROOT).join("schema/diagnostics.schema.json"));
    let full = parse(
        &run(tenderlint(Path::new(ROOT)).args([
            "check",
            "--no-config",
            "--format",
            "json",
            "fixtures/",
        ]))
        .stdout,
    );
    let r = run(tenderlint(Path::new(ROOT)).args([
        "check",
        "--no-config",
        "--format",
        "json-lines",
        "fixtures/",
    ]));
    assert_eq!(r.code, 1);
    let lines: Vec<Value> = r.stdout.lines().map(parse).collect();
    assert_eq!(Value::Array(lines.clone()), full["diagnostics"]);
    let mut wrapped = full.clone();
    wrapped["diagnostics"] = Value::Array(lines);
    assert_valid(&validator, &wrapped, "json-lines objects");
}

#[test]
fn github_annotations_follow_the_workflow_command_syntax_and_escaping() {
    let dir = tree(&[
        (
            "odd.toml",
            "[[rule]]\nid = \"odd-message\"\nkind = \"pattern\"\nseverity = \"warning\"\ncategory = \"c\"\ntitle = \"t\"\nmessage = \"100% sure, really:\\nsecond line\"\nhelp = \"h\"\nrationale = \"r\"\nphrases = [\"synergy\"]\n",
        ),
        ("specs/a, b.md", &format!("# Spec\n\nSynergy. Service credits apply.\n\nPROMs are reported annually.\n\n{PARTNERSHIP}\n")),
    ]);
    let r = run(tenderlint(dir.path()).args([
        "check", "--format", "github", "--rules", "odd.toml", "specs",
    ]));
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    let syntax = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z-]+::[^\r\n]+$",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for l in &lines {
        assert!(syntax.is_match(l), "not a workflow command: {l}");
    }
    assert!(lines[0].starts_with("::warning file=specs/a%2C b.md,line=3,col=1,endLine=3,endColumn=8,title=odd-message::100%25 sure, really:%0Asecond line h"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("::error file=specs/a%2C b.md,line=3,col=10,"),
        "{}",
        lines[1]
    );
}

#[test]
fn junit_is_well_formed_with_a_case_per_finding() {
    let r = run(tenderlint(Path::new(ROOT)).args([
        "check",
        "--no-config",
        "--format",
        "junit",
        "fixtures/edge-crlf.md",
        "fixtures/outcome-focused.md",
        "missing.md",
    ]));
    assert_eq!(r.code, 2);
    let doc = roxmltree::Document::parse(&r.stdout)
        .unwrap_or_else(|e| panic!("not XML ({e}):\n{}", r.stdout));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        (
            root.attribute("tests"),
            root.attribute("failures"),
            root.attribute("errors")
        ),
        (Some("8"), Some("6"), Some("1"))
    );
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(
        suites
            .iter()
            .map(|s| s.attribute("name").unwrap_or(""))
            .collect::<Vec<_>>(),
        [
            "fixtures/edge-crlf.md",
            "fixtures/outcome-focused.md",
            "missing.md"
        ]
    );
    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let case = cases
        .iter()
        .find(|c| c.attribute("name") == Some("service-credits at 4:1"))
        .unwrap_or_else(|| panic!("no service-credits case"));
    let failure = case
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap_or_else(|| panic!("no failure"));
    assert!(
        failure
            .attribute("message")
            .is_some_and(|m| m.contains("(\"service credits\")")),
        "quotes survive escaping"
    );
}

#[test]
fn stdin_takes_the_name_and_configuration_of_the_file_it_stands_for() {
    let dir = tree(&[
        (
            "tenderlint.toml",
            "exclude = [\"drafts/\"]\n[rules]\nservice-credits = \"warning\"\n",
        ),
        ("specs/.keep", ""),
    ]);
    let text = format!("# Spec\n\nCafé — service credits apply.\n\n{PARTNERSHIP}\n");
    // Run from elsewhere: the configuration is found from the named file's folder.
    let elsewhere = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let name = dir.path().join("specs/unsaved.md");
    let r = run(tenderlint(elsewhere.path())
        .args(["check", "--format", "json", "--stdin", "--stdin-filename"])
        .arg(&name)
        .write_stdin(text.clone()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = parse(&r.stdout);
    let d = &v["diagnostics"][1];
    assert_eq!(d["path"], name.display().to_string());
    assert_eq!(d["rule"], "service-credits");
    assert_eq!(
        d["severity"], "warning",
        "the config beside the named file applies"
    );
    assert_eq!(
        d["span"]["start"],
        serde_json::json!({"line": 3, "column": 8})
    );
    assert_eq!(d["span"]["offset"], 8 + "Café — ".len());

    let r = run(tenderlint(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--stdin",
            "--stdin-filename",
            "drafts/x.md",
        ])
        .write_stdin(text));
    assert_eq!(r.code, 0, "an excluded name is not checked");
    assert_eq!(parse(&r.stdout)["summary"]["files"], 0);

    let r = run(tenderlint(dir.path())
        .args(["check", "--stdin"])
        .write_stdin(b"\x93quoted\x94".to_vec()));
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("<stdin> is not valid UTF-8"),
        "{}",
        r.stdout
    );
}

#[test]
fn baseline_round_trip_and_ratchet() {
    let original = &format!("# Spec\n\n1.1 Service credits apply to missed KPIs.\n\n1.2 Outcome: EQ-5D-5L, reported annually.\n\n{PARTNERSHIP}\n");
    let dir = tree(&[("t.md", original)]);
    let check = |args: &[&str]| {
        run(tenderlint(dir.path())
            .args(["check", "--format", "json"])
            .args(args)
            .arg("t.md"))
    };

    let r = check(&["--write-baseline", "base.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("Wrote 1 finding to the baseline base.json."),
        "{}",
        r.stderr
    );
    let saved = parse(&std::fs::read_to_string(dir.path().join("base.json")).unwrap_or_default());
    assert_eq!(saved["findings"][0]["rule"], "service-credits");
    assert!(
        !dir.path()
            .read_dir()
            .map(|d| d
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().contains(".tmp")))
            .unwrap_or(true),
        "no temporary file left"
    );

    // An unrelated paragraph and renumbered clauses: nothing new.
    std::fs::write(
        dir.path().join("t.md"),
        original
            .replace("# Spec\n", "# Spec\n\nAn unrelated new paragraph.\n")
            .replace("1.1", "2.1"),
    )
    .unwrap_or_default();
    let r = check(&["--baseline", "base.json"]);
    let v = parse(&r.stdout);
    assert_eq!(
        (r.code, v["diagnostics"].as_array().map(Vec::len)),
        (0, Some(0))
    );
    assert_eq!(v["summary"]["baselined"], 1);

    // A new service-credit clause: exactly one new finding.
    let with_new = original.replace(
        "1.2 Outcome",
        "1.3 Service credits also apply to late reports.\n\n1.2 Outcome",
    );
    std::fs::write(dir.path().join("t.md"), &with_new).unwrap_or_default();
    let r = check(&["--baseline", "base.json"]);
    let v = parse(&r.stdout);
    assert_eq!(r.code, 1);
    let new: Vec<&str> = v["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["rule"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(new, ["service-credits"]);
    assert_eq!(v["diagnostics"][0]["span"]["start"]["line"], 5);

    // Fixed but still in the baseline: fine without --ratchet, a failure with it.
    std::fs::write(
        dir.path().join("t.md"),
        "# Spec\n\n1.2 Outcome: EQ-5D-5L, reported annually.\n",
    )
    .unwrap_or_default();
    assert_eq!(check(&["--baseline", "base.json"]).code, 0);
    let r = check(&["--baseline", "base.json", "--ratchet"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("1 finding(s) in the baseline have been fixed"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("t.md service-credits"), "{}", r.stderr);

    std::fs::write(
        dir.path().join("bad.json"),
        "{\"version\": 1, \"findings\": 3}",
    )
    .unwrap_or_default();
    let r = check(&["--baseline", "bad.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.json is not a tenderlint baseline"),
        "{}",
        r.stderr
    );
}

#[test]
fn init_writes_a_valid_starter_config_and_never_overwrites_by_accident() {
    let dir = tree(&[(
        "t.md",
        "# Spec\n\nService credits apply. EQ-5D-5L is reported annually.\n",
    )]);
    let r = run(tenderlint(dir.path()).args(["init"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("tenderlint.toml")).unwrap_or_default();
    for line in [
        "service-credits = \"error\"",
        "volume-payment = \"warning\"",
        "missing-patient-outcomes = \"error\"",
        "unused-suppression = \"info\"",
    ] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
    // The file it writes is a configuration tenderlint accepts.
    assert_eq!(run(tenderlint(dir.path()).args(["check", "t.md"])).code, 1);

    std::fs::write(dir.path().join("tenderlint.toml"), "# mine\n").unwrap_or_default();
    let r = run(tenderlint(dir.path()).args(["init"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("already exists; use --force"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("tenderlint.toml")).unwrap_or_default(),
        "# mine\n"
    );
    assert_eq!(
        run(tenderlint(dir.path()).args(["init", "--force"])).code,
        0
    );
    assert!(std::fs::read_to_string(dir.path().join("tenderlint.toml"))
        .unwrap_or_default()
        .contains("[rules]"));
}

/// Every finding names its place as officers do: paragraph, section and clause, in JSON
/// (against our schema), in the human output and in SARIF's logical locations.
#[test]
fn findings_carry_paragraph_section_and_clause_in_every_format() {
    let dir = tree(&[(
        "spec.md",
        "# Tender\n\n## 3 Payment\n\n3.2 A service credit of 2% of the monthly charge applies for each KPI failure.\n\n1. first item\n2. The Authority shall deduct 5% of the monthly payment for each missed target.\n",
    )]);
    let json =
        run(tenderlint(dir.path()).args(["check", "--no-config", "--format", "json", "spec.md"]));
    let out = parse(&json.stdout);
    assert_valid(
        &schema(&PathBuf::from(ROOT).join("schema/diagnostics.schema.json")),
        &out,
        "JSON output",
    );
    let by_rule = |rule: &str| {
        out["diagnostics"]
            .as_array()
            .and_then(|a| a.iter().find(|d| d["rule"] == rule))
            .map(|d| d["location"].clone())
            .unwrap_or_else(|| panic!("no {rule} finding: {}", json.stdout))
    };
    let credit = by_rule("service-credits");
    assert_eq!(credit["paragraph"], 3);
    assert_eq!(
        credit["section"],
        serde_json::json!(["Tender", "3 Payment"])
    );
    assert_eq!(credit["clause"], "3.2");
    let deduction = by_rule("payment-deduction");
    assert_eq!(
        (
            deduction["paragraph"].as_u64(),
            deduction["clause"].as_str()
        ),
        (Some(5), Some("2"))
    );
    // A finding about the whole document sits on its first heading.
    let whole = by_rule("missing-patient-outcomes");
    assert_eq!(
        (whole["paragraph"].as_u64(), whole["clause"].is_null()),
        (Some(1), true)
    );

    let human = run(tenderlint(dir.path()).args(["check", "--no-config", "spec.md"]));
    assert!(
        human
            .stdout
            .contains("error service-credits, clause 3.2 in section \"3 Payment\""),
        "{}",
        human.stdout
    );
    let sarif = parse(
        &run(tenderlint(dir.path()).args(["check", "--no-config", "--format", "sarif", "spec.md"]))
            .stdout,
    );
    let names: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].as_str())
        .collect();
    assert!(
        names.contains(&"Tender > 3 Payment > clause 3.2"),
        "{names:?}"
    );
}

/// Microsoft's SARIF validator (`@microsoft/sarif-multitool`, installed by `npm ci` in
/// tests/browser), or None when the test is to be skipped (a failure when CI requires the
/// browser tests, whose packages it shares).
fn sarif_multitool() -> Option<std::path::PathBuf> {
    let tool = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/.bin/sarif-multitool");
    if tool.exists() {
        return Some(tool);
    }
    if std::env::var("TENDERLINT_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("TENDERLINT_REQUIRE_BROWSER=1 but the SARIF validator is missing: npm ci --prefix tests/browser");
    }
    eprintln!(
        "\n*** skipped: the SARIF validator is not installed (npm ci --prefix tests/browser) ***\n"
    );
    None
}

/// The results of validating `sarif` with the multitool, as (rule id, level).
fn validate_sarif(
    tool: &std::path::Path,
    dir: &std::path::Path,
    sarif: &str,
) -> Vec<(String, String)> {
    let input = dir.join("in.sarif");
    let output = dir.join("validation.sarif");
    std::fs::write(&input, sarif).unwrap_or_else(|e| panic!("write: {e}"));
    let _ = std::fs::remove_file(&output);
    // Invariant globalisation: the validator runs on a machine without ICU too.
    let out = std::process::Command::new(tool)
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .arg("validate")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .unwrap_or_else(|e| panic!("sarif-multitool: {e}"));
    assert!(
        output.exists(),
        "the validator wrote nothing: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&output).unwrap_or_default())
        .unwrap_or_else(|e| panic!("validation log: {e}"));
    log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                r["level"].as_str().unwrap_or("warning").to_string(),
            )
        })
        .collect()
}

#[test]
fn microsoft_s_sarif_validator_finds_nothing_for_relative_and_absolute_paths() {
    let Some(tool) = sarif_multitool() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    // A control the validator must reject: an absolute path under a uriBaseId (SARIF1004).
    let bad = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"originalUriBaseIds":{"SRC":{"uri":"file:///a/"}},"results":[{"message":{"text":"m"},"ruleId":"r","locations":[{"physicalLocation":{"artifactLocation":{"uri":"/abs/x.md","uriBaseId":"SRC"}}}]}]}]}"#;
    let found = validate_sarif(&tool, dir.path(), bad);
    assert!(
        found
            .iter()
            .any(|(id, level)| id == "SARIF1004" && level == "error"),
        "the validator missed the control: {found:?}"
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let absolute = root.join("fixtures/performance-centric.md");
    for target in [
        "fixtures/performance-centric.md".to_string(),
        absolute.display().to_string(),
    ] {
        let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_tenderlint"))
            .current_dir(root)
            .args(["check", "--no-config", "--format", "sarif", &target])
            .output()
            .unwrap_or_else(|e| panic!("tenderlint: {e}"));
        let sarif = String::from_utf8_lossy(&out.stdout);
        assert!(sarif.contains("\"results\""), "{target}: {sarif}");
        let found = validate_sarif(&tool, dir.path(), &sarif);
        assert!(
            found.is_empty(),
            "{target}: the validator reports {found:?}"
        );
    }
}
