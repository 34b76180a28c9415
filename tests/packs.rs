//! Tender packs through the real binary: a tender's document-level rules are judged
//! over all its files and each finding is reported once; files outside the tender are
//! judged alone; a broken tender.toml fails the run without stopping the other files.

mod common;

use common::{assert_valid, expectations, parse, run, schema, tenderlint, tree, Run};
use serde_json::Value;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PACKS: &str = "fixtures/packs/";
const MSK: &str = "fixtures/packs/community-msk";
const SCHEDULES_OFF: [&str; 5] = [
    "--config",
    "fixtures/packs/without-schedules.toml",
    "fixtures/packs/community-msk/specification.md",
    "fixtures/packs/community-msk/pricing-schedule.md",
    "--format",
];

fn in_repo(args: &[&str]) -> Run {
    run(tenderlint(Path::new(ROOT)).arg("check").args(args))
}

/// `path line:column rule` for each diagnostic, paths relative to fixtures/packs.
fn found(json: &Value) -> Vec<String> {
    let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
    diags
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["path"].as_str().unwrap_or("?").trim_start_matches(PACKS),
                d["span"]["start"]["line"],
                d["span"]["start"]["column"],
                d["rule"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

fn ours(json: &Value) -> Value {
    let validator = schema(&Path::new(ROOT).join("schema/diagnostics.schema.json"));
    assert_valid(&validator, json, "the JSON report");
    json.clone()
}

#[test]
fn a_tender_is_judged_as_a_whole_and_files_outside_it_alone() {
    let r = in_repo(&["--no-config", "--format", "json", PACKS]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = ours(&parse(&r.stdout));
    assert_eq!(
        found(&json),
        expectations(&Path::new(ROOT).join("fixtures/packs/packs.expected"))
    );

    let tenders = json["tenders"].as_array().cloned().unwrap_or_default();
    assert_eq!(tenders.len(), 1, "{tenders:?}");
    let t = &tenders[0];
    assert_eq!(t["id"], MSK);
    assert_eq!(t["name"], "Community MSK partnership");
    assert_eq!(t["root"], MSK);
    // The main file first, then by name; the excluded draft is not the tender's.
    let files: Vec<&str> = t["files"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        files,
        [
            "specification.md",
            "governance-schedule.md",
            "kpi-schedule.md",
            "pricing-schedule.md"
        ]
        .map(|f| format!("{MSK}/{f}"))
    );
    assert_eq!(t["metrics"]["outcome_focus"], 0.9);
    assert!(t["metrics"]["ingredients"]
        .as_array()
        .is_some_and(|a| a.iter().all(|i| i["present"] == true)));
    // Each ingredient names the file of the tender where it is first said: the joint
    // board only in the governance schedule.
    let governance = t["metrics"]["ingredients"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["name"] == "joint governance"))
        .map(|i| i["evidence"].clone())
        .unwrap_or_default();
    assert_eq!(
        governance["path"],
        format!("{MSK}/governance-schedule.md"),
        "{governance}"
    );
    assert_eq!(governance["line"], 3, "{governance}");
    assert_eq!(
        governance["text"], "joint partnership board",
        "{governance}"
    );

    // Each file of the tender names it; a file that stands alone has its own figures.
    for f in json["files"].as_array().cloned().unwrap_or_default() {
        let path = f["path"].as_str().unwrap_or_default();
        if files.contains(&path) {
            assert_eq!(f["tender"], MSK, "{f}");
            assert!(f.get("metrics").is_none(), "{f}");
        } else {
            assert!(f.get("tender").is_none(), "{f}");
            assert_eq!(f["metrics"]["outcome_focus"], 0.0, "{f}");
        }
    }
}

#[test]
fn per_file_judges_each_file_of_a_tender_alone() {
    let r = in_repo(&["--no-config", "--per-file", "--format", "json", MSK]);
    let json = parse(&r.stdout);
    let got = found(&json);
    for rule in ["missing-patient-outcomes", "missing-joint-governance"] {
        let spec = format!("community-msk/specification.md 1:3 {rule}");
        assert!(got.contains(&spec), "{got:?}");
    }
    assert_eq!(json["tenders"], Value::Array(vec![]));
}

#[test]
fn a_tender_without_its_schedules_reports_each_finding_once_in_the_specification() {
    let mut args = SCHEDULES_OFF.to_vec();
    args.push("json");
    let r = in_repo(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = ours(&parse(&r.stdout));
    assert_eq!(
        found(&json),
        expectations(&Path::new(ROOT).join("fixtures/packs/without-schedules.expected"))
    );
    let name = "Community MSK partnership, without its schedules";
    for d in json["diagnostics"].as_array().cloned().unwrap_or_default() {
        let message = d["message"].as_str().unwrap_or_default();
        if d["rule"] == "service-credits" {
            assert!(d.get("tender").is_none(), "a clause stays the file's: {d}");
            continue;
        }
        assert_eq!(d["tender"], name, "{d}");
        assert!(
            message.ends_with(&format!(
                "(Searched all 2 files of the tender \"{name}\": community-msk/specification.md, community-msk/pricing-schedule.md.)"
            )),
            "{message}"
        );
    }

    // People see each finding once too, with the files searched.
    args.pop();
    args.push("human");
    let r = in_repo(&args);
    for rule in [
        "missing-patient-outcomes",
        "missing-joint-governance",
        "partnership-in-name-only",
    ] {
        assert_eq!(
            r.stdout.matches(&format!("\n{rule}\n")).count(),
            1,
            "{rule} once:\n{}",
            r.stdout
        );
    }
    assert_eq!(
        r.stdout
            .matches("Searched all 2 files of the tender")
            .count(),
        3,
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("[fixtures/packs/community-msk/specification.md:5:21]"));
}

#[test]
fn sarif_and_github_carry_a_tender_finding_once_with_its_files() {
    let mut args = SCHEDULES_OFF.to_vec();
    args.push("sarif");
    let sarif = parse(&in_repo(&args).stdout);
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let tender: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "missing-patient-outcomes")
        .collect();
    assert_eq!(tender.len(), 1, "{results:?}");
    let related: Vec<&str> = tender[0]["relatedLocations"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        related,
        [
            "fixtures/packs/community-msk/specification.md",
            "fixtures/packs/community-msk/pricing-schedule.md"
        ]
    );

    args.pop();
    args.push("github");
    let out = in_repo(&args).stdout;
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("missing-patient-outcomes"))
        .collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].starts_with("::error file=fixtures/packs/community-msk/specification.md,line=1,"),
        "{}",
        lines[0]
    );
}

/// The Community MSK tender without schedules, in a scratch folder, for tests that
/// change files.
fn scratch_pack(toml: &str) -> tempfile::TempDir {
    let read =
        |f: &str| std::fs::read_to_string(Path::new(ROOT).join(MSK).join(f)).unwrap_or_default();
    tree(&[
        ("pack/tender.toml", toml),
        ("pack/specification.md", &read("specification.md")),
        ("pack/pricing-schedule.md", &read("pricing-schedule.md")),
        (
            "alone.md",
            "# Note\n\nService credits apply to late reports.\n",
        ),
    ])
}

#[test]
fn a_broken_tender_file_fails_the_run_and_its_files_are_checked_alone() {
    let dir = scratch_pack("name = \"MSK\"\nmian = \"specification.md\"\n");
    let r = run(tenderlint(dir.path()).args(["check", "--format", "json", "."]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Pointed at the offending line, as a broken configuration is.
    assert!(r.stderr.contains("pack/tender.toml:2:1"), "{}", r.stderr);
    assert!(r.stderr.contains("mian"), "{}", r.stderr);
    let json = parse(&r.stdout);
    assert_eq!(json["file_errors"][0]["path"], "pack/tender.toml");
    let got = found(&json);
    for expected in [
        "alone.md 3:1 service-credits",
        "pack/pricing-schedule.md 1:3 missing-patient-outcomes",
        "pack/pricing-schedule.md 5:5 service-credits",
        "pack/specification.md 1:3 missing-patient-outcomes",
    ] {
        assert!(got.contains(&expected.to_string()), "{expected}: {got:?}");
    }

    // A `main` that names no file of the tender is an error at `main`.
    let dir = scratch_pack("main = \"spec.md\"\n");
    let r = run(tenderlint(dir.path()).args(["check", "."]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("pack/tender.toml:1:8"), "{}", r.stderr);
    assert!(
        r.stderr.contains("not a Markdown file of this tender"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_baselined_tender_finding_survives_renaming_files_within_the_tender() {
    let dir = scratch_pack("name = \"MSK\"\n");
    let root = dir.path();
    let r = run(tenderlint(root).args(["check", "--write-baseline", "base.json", "pack"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let saved = parse(&std::fs::read_to_string(root.join("base.json")).unwrap_or_default());
    let keys: Vec<String> = saved["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    format!(
                        "{} {}",
                        e["path"].as_str().unwrap_or("?"),
                        e["rule"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        keys.contains(&"pack missing-patient-outcomes".to_string()),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"pack/pricing-schedule.md service-credits".to_string()),
        "{keys:?}"
    );

    std::fs::rename(
        root.join("pack/specification.md"),
        root.join("pack/a-service-spec.md"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = run(tenderlint(root).args([
        "check",
        "--baseline",
        "base.json",
        "--format",
        "json",
        "pack",
    ]));
    let json = parse(&r.stdout);
    assert_eq!(found(&json), Vec::<String>::new(), "{}", r.stdout);
    assert_eq!(
        json["summary"]["baselined"].as_u64(),
        Some(keys.len() as u64)
    );
    assert_eq!(r.code, 0);
}

#[test]
fn standard_input_is_judged_with_its_sibling_files_on_disk() {
    let kpi = format!("{MSK}/kpi-schedule.md");
    let stdin = |text: &str| {
        run(tenderlint(Path::new(ROOT))
            .args([
                "check",
                "--no-config",
                "--format",
                "json",
                "--stdin",
                "--stdin-filename",
                &kpi,
            ])
            .write_stdin(text.to_string()))
    };
    // The schedule as saved: the tender has everything, and the buffer has no finding.
    let saved = std::fs::read_to_string(Path::new(ROOT).join(&kpi)).unwrap_or_default();
    let r = stdin(&saved);
    assert_eq!(
        found(&parse(&r.stdout)),
        Vec::<String>::new(),
        "{}",
        r.stderr
    );
    // The buffer replaces the file: with the measures deleted, the tender has none.
    let r = stdin("# Schedule 3: Outcome measures\n\nTo follow.\n");
    assert_eq!(
        found(&parse(&r.stdout)),
        ["community-msk/specification.md 1:3 missing-patient-outcomes"]
    );
}

#[test]
fn a_metric_rule_measures_the_tender_as_one_text() {
    // Each file has 600 words, below the 1,000 words from which a high share of
    // shall-sentences counts as rigid; together they have 1,200.
    let part = |name: &str| {
        let clauses: Vec<String> = (1..=100)
            .map(|n| format!("The Provider shall keep record {n}."))
            .collect();
        format!("# {name}\n\n{}\n", clauses.join(" "))
    };
    let (a, b) = (part("Part A"), part("Part B"));
    let dir = tree(&[
        ("pack/tender.toml", "name = \"Records\"\n"),
        ("pack/a.md", &a),
        ("pack/b.md", &b),
    ]);
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--no-config", "--select", "rigid-specification"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--format", "json", "pack"]);
        found(&parse(&run(tenderlint(dir.path()).args(&args)).stdout))
    };
    assert_eq!(check(&[]), ["pack/a.md 1:3 rigid-specification"]);
    assert_eq!(check(&["--per-file"]), Vec::<String>::new());
}
