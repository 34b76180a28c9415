//! The GitHub Action's check step (`action/run.sh`), run as a runner would run it: the
//! inputs in the environment, `$RUNNER_TEMP` and `$GITHUB_OUTPUT` set, and the built
//! tenderlint first on the PATH. Paths with spaces, SARIF asked for two ways, formats
//! the action cannot show, and exit codes.

mod common;

use common::{run, tree, PARTNERSHIP};
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `action/run.sh` in `dir` with `env`, as a runner runs the step.
fn step(dir: &Path, env: &[(&str, &str)]) -> common::Run {
    let bin = Path::new(env!("CARGO_BIN_EXE_tenderlint"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap_or(Path::new(".")).display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = assert_cmd::Command::new("bash");
    cmd.arg(Path::new(ROOT).join("action/run.sh"))
        .current_dir(dir)
        .env("PATH", path)
        .env("RUNNER_TEMP", dir)
        .env("GITHUB_OUTPUT", dir.join("github-output"))
        .env_remove("TENDERLINT_PATHS")
        .env_remove("TENDERLINT_ARGS")
        .env_remove("TENDERLINT_SARIF");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

fn outputs(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("github-output")).unwrap_or_default()
}

#[test]
fn paths_with_spaces_are_one_path_each_and_findings_are_annotations() {
    let dir = tree(&[
        (
            "specs dir/spec one.md",
            "# Spec\n\nService credits apply to each missed KPI.\n",
        ),
        ("clean/ok.md", &format!("# Fine\n\n{PARTNERSHIP}\n")),
    ]);
    let r = step(
        dir.path(),
        &[
            ("TENDERLINT_PATHS", "specs dir/spec one.md\n"),
            ("TENDERLINT_ARGS", "--no-config"),
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("::error file=specs dir/spec one.md,line=3"),
        "{}",
        r.stdout
    );
    assert!(
        !outputs(dir.path()).contains("sarif_file"),
        "no SARIF asked for"
    );

    // The old form: several paths on one line, split at spaces.
    let r = step(
        dir.path(),
        &[
            ("TENDERLINT_PATHS", "clean/ok.md clean"),
            ("TENDERLINT_ARGS", "--no-config --select service-credits"),
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Two lines: two paths, each whole.
    let r = step(
        dir.path(),
        &[
            ("TENDERLINT_PATHS", "clean/ok.md\nspecs dir"),
            ("TENDERLINT_ARGS", "--no-config --select service-credits"),
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

#[test]
fn sarif_is_written_and_named_for_the_upload_step_whichever_way_it_is_asked_for() {
    let dir = tree(&[(
        "spec.md",
        "# Spec\n\nService credits apply to each missed KPI.\n",
    )]);
    for env in [
        vec![
            ("TENDERLINT_SARIF", "true"),
            ("TENDERLINT_ARGS", "--no-config"),
        ],
        vec![("TENDERLINT_ARGS", "--no-config --format sarif")],
        vec![("TENDERLINT_ARGS", "--format=sarif --no-config")],
    ] {
        let _ = std::fs::remove_file(dir.path().join("github-output"));
        let r = step(
            dir.path(),
            &[&env[..], &[("TENDERLINT_PATHS", "spec.md")]].concat(),
        );
        assert_eq!(r.code, 1, "{env:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("::error file=spec.md"),
            "{env:?}: annotations too"
        );
        let out = outputs(dir.path());
        let file = out
            .lines()
            .find_map(|l| l.strip_prefix("sarif_file="))
            .unwrap_or_else(|| panic!("{env:?}: no sarif_file in {out:?}"));
        let sarif: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}")),
        )
        .unwrap_or_else(|e| panic!("{env:?}: SARIF: {e}"));
        assert_eq!(sarif["version"], "2.1.0");
        assert!(
            sarif["runs"][0]["results"]
                .as_array()
                .is_some_and(|r| r.iter().any(|x| x["ruleId"] == "service-credits")),
            "{env:?}"
        );
    }
}

#[test]
fn another_format_is_warned_of_and_a_broken_run_exits_2() {
    let dir = tree(&[("spec.md", &format!("# Fine\n\n{PARTNERSHIP}\n"))]);
    let r = step(
        dir.path(),
        &[
            ("TENDERLINT_PATHS", "spec.md"),
            (
                "TENDERLINT_ARGS",
                "--no-config --format json --select service-credits",
            ),
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r
        .stdout
        .contains("::warning title=tenderlint::--format json is ignored"));
    // A path that does not exist: tenderlint's own exit code, not a shell's.
    let r = step(dir.path(), &[("TENDERLINT_PATHS", "missing.md\n")]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
}

#[test]
fn the_action_caches_the_build_and_runs_the_tested_script() {
    let yml = std::fs::read_to_string(Path::new(ROOT).join("action.yml"))
        .unwrap_or_else(|e| panic!("action.yml: {e}"));
    for needle in [
        "uses: actions/cache@v4",
        "if: steps.cache.outputs.cache-hit != 'true'",
        "run: bash \"$GITHUB_ACTION_PATH/action/run.sh\"",
        "TENDERLINT_PATHS: ${{ inputs.paths }}",
        "uses: github/codeql-action/upload-sarif@v3",
    ] {
        assert!(yml.contains(needle), "action.yml lacks {needle}");
    }
    // No input is pasted into a script.
    for line in yml.lines().filter(|l| l.trim_start().starts_with("run:")) {
        assert!(!line.contains("${{"), "an input in a script: {line}");
    }
}
