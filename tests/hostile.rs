//! Hostile input through the real binary, one case each. Every case is checked beside a
//! good document, to show that the rest of the run is still checked and reported, and
//! asserts the exact outcome: findings (rule, line, column), file errors, exit code.
//! The table in docs/hostile-input.md lists the same cases.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

/// Always beside the hostile file: one service-credit finding at 3:1, and an outcome
/// measure so that no document-level rule fires.
const GOOD: &str = "# Good\n\nService credits apply. EQ-5D-5L is reported annually.\n";

struct Run {
    code: i32,
    json: Value,
}

/// These tests are about reading hostile input, not about the partnership and
/// specification-shape rules, which every synthetic test document would trip: they are
/// left out.
const IGNORE_PARTNERSHIP: &str = "missing-patient-voice,missing-shared-goals,\
     missing-joint-governance,missing-data-sharing,rigid-specification";

fn check(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_tenderlint"))
        .current_dir(dir)
        .args(["check", "--no-config", "--format", "json"])
        .args(["--ignore", IGNORE_PARTNERSHIP])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run tenderlint: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"));
    assert!(
        !stderr.contains("panicked"),
        "tenderlint panicked: {stderr}"
    );
    Run {
        code: out.status.code().unwrap_or(-1),
        json,
    }
}

/// A folder holding good.md and `name` with `bytes`, checked whole.
fn beside_good(name: &str, bytes: &[u8]) -> (TempDir, Run) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("good.md"), GOOD).unwrap_or_else(|e| panic!("{e}"));
    if let Some(parent) = dir.path().join(name).parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(dir.path().join(name), bytes).unwrap_or_else(|e| panic!("{e}"));
    let run = check(dir.path(), &["."]);
    (dir, run)
}

/// (rule, line, column) of every finding in `path`.
fn findings(run: &Run, path: &str) -> Vec<(String, u64, u64)> {
    run.json["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|d| d["path"] == path)
                .map(|d| {
                    let s = &d["span"]["start"];
                    (
                        d["rule"].as_str().unwrap_or("").to_string(),
                        s["line"].as_u64().unwrap_or(0),
                        s["column"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn file_error(run: &Run, path: &str) -> Option<(String, String)> {
    run.json["file_errors"]
        .as_array()?
        .iter()
        .find(|e| e["path"] == path)
        .map(|e| {
            (
                e["message"].as_str().unwrap_or("").to_string(),
                e["help"].as_str().unwrap_or("").to_string(),
            )
        })
}

fn sc(line: u64, column: u64) -> (String, u64, u64) {
    ("service-credits".to_string(), line, column)
}

/// The good file was checked and reported, whatever happened to the other.
fn good_still_checked(run: &Run) {
    assert_eq!(
        findings(run, "good.md"),
        vec![sc(3, 1)],
        "good.md must still be reported"
    );
}

#[test]
fn empty_whitespace_and_front_matter_only_files_are_checked_and_clean() {
    for (name, text) in [
        ("empty.md", ""),
        ("blank.md", " \n\t\n\r\n   "),
        (
            "front.md",
            "---\ntitle: Service credits schedule\nstatus: draft\n---\n",
        ),
    ] {
        let (_d, run) = beside_good(name, text.as_bytes());
        good_still_checked(&run);
        assert_eq!(findings(&run, name), vec![], "{name}");
        assert_eq!(
            run.json["summary"]["files"], 2,
            "{name} is counted as checked"
        );
        assert_eq!(run.code, 1, "{name}: exit code comes from good.md alone");
    }
}

#[test]
fn front_matter_never_closed_is_read_as_ordinary_text() {
    let (_d, run) = beside_good("open.md", b"---\ntitle: x\n\nService credits apply.\n");
    good_still_checked(&run);
    let got = findings(&run, "open.md");
    assert!(got.contains(&sc(4, 1)), "{got:?}");
}

#[test]
fn windows_1252_text_is_refused_with_its_line_and_likely_encoding() {
    let (_d, run) = beside_good(
        "word.md",
        b"# Spec\n\nThe Provider\x92s \x93service credits\x94 apply.\n",
    );
    good_still_checked(&run);
    let (message, help) =
        file_error(&run, "word.md").unwrap_or_else(|| panic!("no error: {}", run.json));
    assert_eq!(
        message,
        "is not valid UTF-8: byte 0x92 on line 3, column 13"
    );
    assert!(
        help.contains("Windows-1252") && help.contains("Save the file as UTF-8"),
        "{help}"
    );
    assert_eq!(run.code, 2);
}

#[test]
fn a_utf8_byte_order_mark_is_accepted_and_takes_no_column() {
    let (_d, run) = beside_good("bom.md", "\u{feff}Service credits apply.\n".as_bytes());
    good_still_checked(&run);
    assert_eq!(
        findings(&run, "bom.md"),
        vec![sc(1, 1), ("missing-patient-outcomes".into(), 1, 1)]
    );
    let offset = run.json["diagnostics"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|d| d["path"] == "bom.md" && d["rule"] == "service-credits")
        })
        .map(|d| d["span"]["offset"].clone());
    assert_eq!(offset, Some(Value::from(3)), "offsets stay file offsets");
}

#[test]
fn a_binary_file_with_a_markdown_name_is_refused() {
    let (_d, run) = beside_good("logo.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
    good_still_checked(&run);
    let (message, _) =
        file_error(&run, "logo.md").unwrap_or_else(|| panic!("no error: {}", run.json));
    assert_eq!(
        message,
        "looks like a binary file, not a Markdown document (it holds a NUL byte on line 3)"
    );
    assert_eq!(run.code, 2);
}

#[test]
fn a_100_mb_file_is_checked() {
    let para = "The Provider shall deliver the service described in this schedule to every eligible patient.\n\n";
    let mut text = String::from("# Large\n\n");
    while text.len() < 100 * 1024 * 1024 {
        text.push_str(para);
    }
    let last_line = text.lines().count() as u64 + 1;
    text.push_str("Service credits apply.\n");
    let (_d, run) = beside_good("large.md", text.as_bytes());
    good_still_checked(&run);
    let got = findings(&run, "large.md");
    assert_eq!(
        got.last(),
        Some(&sc(last_line, 1)),
        "the clause at the very end is found"
    );
}

#[test]
fn a_10_mb_line_without_a_newline() {
    let mut text = "word ".repeat(2 * 1024 * 1024);
    text.push_str("service credits");
    let (_d, run) = beside_good("line.md", text.as_bytes());
    good_still_checked(&run);
    assert_eq!(
        findings(&run, "line.md"),
        vec![
            ("missing-patient-outcomes".into(), 1, 1),
            sc(1, 10 * 1024 * 1024 + 1)
        ]
    );
}

#[test]
fn deep_nesting_many_rows_and_many_columns() {
    let cases: Vec<(&str, String, (String, u64, u64))> = vec![
        (
            "quotes.md",
            format!("{}service credits\n", "> ".repeat(10_000)),
            // Without a heading, a finding about the document sits on its first prose.
            ("missing-patient-outcomes".into(), 1, 20_001),
        ),
        (
            "lists.md",
            format!("{}service credits\n", "- ".repeat(10_000)),
            sc(1, 20_001),
        ),
        (
            "rows.md",
            format!(
                "| KPI | Target |\n|---|---|\n{}",
                "| Triage | service credits |\n".repeat(100_000)
            ),
            sc(100_002, 12),
        ),
        (
            "columns.md",
            format!(
                "|{}|\n|{}|\n|{}|\n",
                (0..1000)
                    .map(|i| format!("c{i}"))
                    .collect::<Vec<_>>()
                    .join("|"),
                vec!["---"; 1000].join("|"),
                vec!["x"; 999].join("|") + "|service credits"
            ),
            sc(3, 2000),
        ),
    ];
    for (name, text, last) in cases {
        let (_d, run) = beside_good(name, text.as_bytes());
        good_still_checked(&run);
        let got = findings(&run, name);
        assert_eq!(
            got.last(),
            Some(&last),
            "{name}: last of {} findings",
            got.len()
        );
    }
}

#[test]
fn line_endings_tabs_combining_marks_emoji_and_right_to_left_text() {
    let cases: [(&str, &str, (String, u64, u64)); 5] = [
        (
            "crlf.md",
            "# T\r\n\r\nA\r\nservice credits apply.\r\n",
            sc(4, 1),
        ),
        ("cr.md", "# T\r\rA\rservice credits apply.\r", sc(4, 1)),
        ("tab.md", "# T\n\nA\tB\tservice credits apply.\n", sc(3, 5)),
        // e + combining acute is two characters; the emoji is one.
        (
            "marks.md",
            "# T\n\ne\u{301}e\u{301} 👩‍⚕️ service credits apply.\n",
            sc(3, 11),
        ),
        (
            "rtl.md",
            "# T\n\nمرحبا עברית \u{200f}service credits apply.\n",
            sc(3, 14),
        ),
    ];
    for (name, text, expected) in cases {
        let (_d, run) = beside_good(name, text.as_bytes());
        good_still_checked(&run);
        assert!(
            findings(&run, name).contains(&expected),
            "{name}: {:?}",
            findings(&run, name)
        );
    }
}

#[test]
fn unreadable_files_dangling_links_loops_and_folders_named_md() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path();
    std::fs::write(p.join("good.md"), GOOD).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(p.join("x.md")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(p.join("x.md/inner.md"), GOOD).unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(p.join("nowhere.md"), p.join("dangling.md"))
            .unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(p, p.join("loop")).unwrap_or_else(|e| panic!("{e}"));
    }
    // A read that fails for every user, root included: an I/O error from the kernel.
    let run = check(p, &[".", "/proc/self/mem"]);
    good_still_checked(&run);
    assert_eq!(
        findings(&run, "x.md/inner.md"),
        vec![sc(3, 1)],
        "a folder named x.md is walked"
    );
    assert_eq!(
        file_error(&run, "/proc/self/mem").map(|e| e.0),
        Some("cannot be read: Input/output error (os error 5)".into())
    );
    #[cfg(unix)]
    {
        assert_eq!(
            file_error(&run, "dangling.md").map(|e| e.0),
            Some("is a symbolic link to a file that does not exist".into())
        );
        assert!(
            file_error(&run, "loop")
                .is_some_and(|e| e.0.contains("points back to a folder that contains it")),
            "{}",
            run.json
        );
    }
    assert_eq!(run.code, 2);
    assert_eq!(run.json["summary"]["files"], 2);
}

#[cfg(unix)]
#[test]
fn a_file_without_read_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("good.md"), GOOD).unwrap_or_else(|e| panic!("{e}"));
    let locked = dir.path().join("locked.md");
    std::fs::write(&locked, GOOD).unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = check(dir.path(), &["."]);
    good_still_checked(&run);
    if std::fs::read(&locked).is_ok() {
        // Running as root (as CI does): permissions do not stop reading, so it is checked.
        assert_eq!(findings(&run, "locked.md"), vec![sc(3, 1)]);
        assert_eq!(run.code, 1);
    } else {
        let (message, help) =
            file_error(&run, "locked.md").unwrap_or_else(|| panic!("no error: {}", run.json));
        assert_eq!(message, "cannot be read: permission denied");
        assert!(help.contains("read access"), "{help}");
        assert_eq!(run.code, 2);
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tenderlint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--no-config", "fixtures/"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .unwrap_or_else(|e| panic!("{e}"));
    // The reader is dropped here, as `| head -1` would.
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(!first.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "nothing on stderr, no panic: {stderr}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the exit code still reports the findings"
    );
}

#[test]
fn a_file_that_disappears_before_it_is_read_is_reported() {
    let set = tenderlint::rules::RuleSet::load(&tenderlint::builtin::files())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let linter = tenderlint::engine::Linter::new(set);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("gone.md");
    std::fs::write(&path, GOOD).unwrap_or_else(|e| panic!("{e}"));
    let found = vec![path.clone()];
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let reports =
        tenderlint::check::check_files(&linter, &found, tenderlint::check::Finish::default());
    let err = reports[0].result.as_ref().err().map(|e| e.message.clone());
    assert_eq!(err.as_deref(), Some("does not exist"));
}

/// A realistic long tender: the fixture tenders one after another, their headings
/// numbered as parts, until the text is `bytes` long.
fn long_tender(bytes: usize) -> String {
    let mut fixtures: Vec<String> = std::fs::read_dir("fixtures")
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    fixtures.sort();
    let mut text = String::with_capacity(bytes + 64 * 1024);
    let mut part = 0;
    while text.len() < bytes {
        for f in &fixtures {
            part += 1;
            for line in f.split_inclusive('\n') {
                match line.find(|c| c != '#') {
                    Some(n) if n > 0 && line[n..].starts_with(' ') => {
                        text.push_str(&line[..n]);
                        text.push_str(&format!(" Part {part}:"));
                        text.push_str(&line[n..]);
                    }
                    _ => text.push_str(line),
                }
            }
            text.push_str("\n\n");
        }
    }
    text
}

/// Peak resident memory, in bytes, of `tenderlint check --format json file` with two
/// rules, measured by `/usr/bin/time`. The fixtures hold a finding every 500 bytes (a
/// real tender one every 10 KB), and each finding costs its message and location: with
/// two rules, what is measured is the document, not its findings.
fn peak_memory(dir: &Path, file: &str) -> u64 {
    let args = ["check", "--no-config", "--format", "json", file];
    peak_memory_of(
        dir,
        &args,
        &["--select", "rigid-specification,vague-outcome"],
    )
}

/// Peak memory in bytes of `tenderlint ARGS MORE` run in `dir`, from /usr/bin/time.
fn peak_memory_of(dir: &Path, args: &[&str], more: &[&str]) -> u64 {
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M", env!("CARGO_BIN_EXE_tenderlint")])
        .args(args)
        .args(more)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run /usr/bin/time: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kib: u64 = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory from /usr/bin/time: {stderr}"));
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    kib * 1024
}

#[test]
fn a_long_tender_costs_at_most_twice_its_size_in_memory() {
    // A long document is parsed in pieces (src/document/pieces.rs). Parsed whole, a
    // tender cost 5 to 8 times its size: the parser's tree and the blocks' copies of the
    // text. What grows with the document now is its text, its line index and its
    // findings. Measured as the growth from a 4 MB tender to a 24 MB one, so that what
    // every run costs (the binary, the rules, the regex caches) cancels out.
    if !Path::new("/usr/bin/time").exists() {
        eprintln!("skipped: /usr/bin/time is not installed, to measure peak memory");
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (small, big) = (long_tender(4_000_000), long_tender(24_000_000));
    std::fs::write(dir.path().join("small.md"), &small).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("big.md"), &big).unwrap_or_else(|e| panic!("{e}"));
    let (m_small, m_big) = (
        peak_memory(dir.path(), "small.md"),
        peak_memory(dir.path(), "big.md"),
    );
    let grown = m_big.saturating_sub(m_small);
    let added = (big.len() - small.len()) as u64;
    eprintln!(
        "peak memory: {} MB for {} MB, {} MB for {} MB",
        m_small >> 20,
        small.len() >> 20,
        m_big >> 20,
        big.len() >> 20
    );
    assert!(
        grown <= 2 * added,
        "peak memory grew by {} MB for {} MB more text ({} MB for {} MB, {} MB for {} MB)",
        grown >> 20,
        added >> 20,
        m_small >> 20,
        small.len() >> 20,
        m_big >> 20,
        big.len() >> 20
    );
}

#[test]
fn a_folder_report_holds_each_rendered_document_once() {
    // The page is written in parts, each document's rendered text from where it was
    // rendered (report::html::Parts). Copied into one page string, every document cost
    // its rendered size twice: the page of 24 documents of 1 MB grew by 2.6 bytes per
    // byte of page, and by 1.5 in parts (debug builds). Measured as the growth from a folder of 4 documents to
    // one of 24, against the growth of the page, so that what every run costs cancels
    // out.
    if !Path::new("/usr/bin/time").exists() {
        eprintln!("skipped: /usr/bin/time is not installed, to measure peak memory");
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let one = long_tender(1_000_000);
    let (mut peaks, mut pages) = (Vec::new(), Vec::new());
    for (name, files) in [("small", 4), ("big", 24)] {
        let folder = dir.path().join(name);
        std::fs::create_dir(&folder).unwrap_or_else(|e| panic!("{e}"));
        for i in 0..files {
            std::fs::write(folder.join(format!("part-{i:02}.md")), &one)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let out = format!("{name}.html");
        let args = ["report", "--no-config", "--no-history", name, "-o", &out];
        peaks.push(peak_memory_of(dir.path(), &args, &[]));
        let page = std::fs::read_to_string(dir.path().join(&out)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.matches("<article class=\"doc\"").count(), files);
        pages.push(page.len() as u64);
    }
    let grown = peaks[1].saturating_sub(peaks[0]);
    let page = pages[1] - pages[0];
    eprintln!(
        "peak memory: {} MB for a page of {} MB, {} MB for {} MB",
        peaks[0] >> 20,
        pages[0] >> 20,
        peaks[1] >> 20,
        pages[1] >> 20
    );
    assert!(
        // 1.5 times in parts; 2.6 times copied into one string.
        grown <= 2 * page,
        "peak memory grew by {} MB for {} MB more page",
        grown >> 20,
        page >> 20
    );
}
