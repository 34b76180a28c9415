//! `tenderlint report`, through the real binary: every finding `check --format json`
//! reports is marked and explained in the page, the page is well nested and loads
//! nothing, hostile tender text stays text, and the longest-standing findings come
//! first by their git history.

mod common;

use common::{run, tenderlint, tree, write, PARTNERSHIP};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Rules whose findings are about the whole document (require, conditional, metric).
const DOCUMENT_RULES: [&str; 7] = [
    "missing-patient-outcomes",
    "missing-patient-voice",
    "missing-shared-goals",
    "missing-joint-governance",
    "missing-data-sharing",
    "partnership-in-name-only",
    "rigid-specification",
];

/// The report of `args`, written to a file in a scratch folder and read back.
fn report(dir: &Path, args: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let page = out.path().join("report.html");
    let r = run(tenderlint(dir)
        .arg("report")
        .args(args)
        .arg("-o")
        .arg(&page));
    assert_eq!(r.code, 0, "report failed: {}", r.stderr);
    assert!(r.stderr.contains("Wrote "), "{}", r.stderr);
    std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("no report written: {e}"))
}

/// The id the page gives a document (as `doc_id` in the renderer).
fn doc_id(path: &str) -> String {
    let mut id = String::from("doc-");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() {
            id.push(char::from(b));
        } else {
            id.push_str(&format!("_{b:02x}"));
        }
    }
    id
}

/// The `<article>` of one document.
fn article<'h>(html: &'h str, path: &str) -> &'h str {
    let open = format!("<article class=\"doc\" id=\"{}\"", doc_id(path));
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no article for {path}"));
    let end = html[start..]
        .find("</article>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// Checks that every element is closed, in order (void elements aside), outside the
/// style sheet and the script; returns how many elements of each name there are.
fn assert_well_nested(html: &str) -> BTreeMap<String, usize> {
    let void = [
        "br", "hr", "meta", "input", "rect", "line", "!doctype", "!DOCTYPE",
    ];
    let mut stack: Vec<String> = Vec::new();
    let mut counts = BTreeMap::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let close = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        assert!(
            !name.is_empty(),
            "a bare `<` in the markup: {}",
            &rest[..rest.len().min(80)]
        );
        if void.contains(&name.as_str()) {
            continue;
        }
        if close {
            let open = stack.pop();
            assert_eq!(
                open.as_deref(),
                Some(name.as_str()),
                "misnested before: {}",
                &rest[..rest.len().min(120)]
            );
        } else {
            *counts.entry(name.clone()).or_insert(0) += 1;
            // Style and script bodies are not markup.
            if name == "style" || name == "script" {
                let end = rest
                    .find(&format!("</{name}>"))
                    .unwrap_or_else(|| panic!("unclosed <{name}>"));
                rest = &rest[end + 2 + name.len() + 1..];
                continue;
            }
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    counts
}

fn check_json(dir: &Path, args: &[&str]) -> Value {
    let r = run(tenderlint(dir)
        .args(["check", "--format", "json"])
        .args(args));
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stderr))
}

#[test]
fn the_fixtures_report_marks_and_explains_every_finding_check_reports() {
    let root = Path::new(ROOT);
    let html = report(root, &["--no-config", "fixtures/"]);
    let json = check_json(root, &["--no-config", "fixtures/"]);
    let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
    assert!(diags.len() > 50, "the fixtures have many findings");

    // Findings of each file, numbered from 1 in the order check reports them.
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &diags {
        let path = d["path"].as_str().unwrap_or_default().to_string();
        let rule = d["rule"].as_str().unwrap_or_default().to_string();
        by_file.entry(path).or_default().push(rule);
    }
    let mut marked = 0;
    for (path, rules) in &by_file {
        let doc = article(&html, path);
        let id = doc_id(path);
        for (i, rule) in rules.iter().enumerate() {
            let k = i + 1;
            let note = format!("id=\"{id}-f{k}\" data-rule=\"{rule}\"");
            assert!(
                doc.contains(&note),
                "{path}: no note for finding {k} ({rule})"
            );
            if DOCUMENT_RULES.contains(&rule.as_str()) {
                let boxed = doc
                    .split("<section class=\"doc-level\"")
                    .nth(1)
                    .and_then(|b| b.split("</section>").next())
                    .unwrap_or_default();
                assert!(
                    boxed.contains(&note),
                    "{path}: {rule} is not in the box at the top"
                );
                assert!(
                    !doc.contains(&format!("id=\"{id}-r{k}\"")),
                    "{path}: {rule} marked in the text"
                );
            } else {
                // A badge in the text links to the note, and a mark covers the finding.
                let badge = format!("id=\"{id}-r{k}\" href=\"#{id}-f{k}\"");
                assert!(
                    doc.contains(&badge),
                    "{path}: no badge for finding {k} ({rule})"
                );
                let has_mark = doc.split("<mark class=\"sev-").skip(1).any(|m| {
                    m.split('"')
                        .nth(2)
                        .is_some_and(|f| f.split(' ').any(|n| n == k.to_string()))
                });
                assert!(has_mark, "{path}: finding {k} ({rule}) has no <mark>");
                marked += 1;
            }
        }
        // Nothing more than check reports.
        assert_eq!(
            doc.matches("<li class=\"note ").count(),
            rules.len(),
            "{path}: notes"
        );
    }
    assert!(
        marked > 30,
        "clause findings are marked in the text: {marked}"
    );
    assert!(html.contains("<section class=\"doc-level\""));

    let counts = assert_well_nested(&html);
    assert_eq!(
        counts.get("mark").copied().unwrap_or(0),
        html.matches("</mark>").count()
    );
    assert_eq!(counts.get("script"), Some(&1), "only the page's own script");

    // Self-contained: nothing is fetched.
    for needle in ["src=", "<link", "url(", "@import", "<img", "<iframe"] {
        assert!(!html.contains(needle), "the page loads something: {needle}");
    }
    assert!(
        html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
    );

    // The summary: headings, chart, ingredients and the run's totals.
    for needle in [
        "<html lang=\"en\">",
        "<main id=\"main\">",
        "<nav aria-labelledby=\"contents-title\">",
        "<h1>Tender report</h1>",
        "<h2 id=\"summary-title\">All documents</h2>",
        "role=\"img\" aria-label=\"Outcome focus 1.00 out of 1\"",
        "<title>Outcome focus 0.00 out of 1</title>",
        "\u{2713}</span> present",
        "\u{2717}</span> missing",
        "@media print",
    ] {
        assert!(html.contains(needle), "the page lacks {needle}");
    }
    let s = &json["summary"];
    let totals = format!(
        "<tfoot><tr><th scope=\"row\">Total</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        s["errors"],
        s["warnings"],
        s["infos"],
        diags.len()
    );
    assert!(html.contains(&totals), "run totals {totals}");
    // Every tender's score, at the head of its section, and in the summary table.
    for t in json["tenders"].as_array().cloned().unwrap_or_default() {
        let name = t["name"].as_str().unwrap_or_default();
        let score = t["metrics"]["outcome_focus"].as_f64().unwrap_or(-1.0);
        let title = format!("\">Tender: {name}</h2>\n<div class=\"doc-summary\">");
        let at = html
            .find(&title)
            .unwrap_or_else(|| panic!("no section for the tender {name}"));
        let number = format!("<span class=\"score-number\">{score:.2}</span>");
        assert!(html[at..].starts_with(&title), "{name}");
        assert!(
            html[at..at + 2000].contains(&number),
            "{name}: score {score}"
        );
        assert!(
            html.contains(&format!("\">Tender: {name}</a></th>")),
            "{name} in the summary"
        );
    }
    // Every other document's score, as text beside its bar.
    for f in json["files"].as_array().cloned().unwrap_or_default() {
        if f.get("tender").is_some() {
            continue;
        }
        let score = f["metrics"]["outcome_focus"].as_f64().unwrap_or(-1.0);
        let doc = article(&html, f["path"].as_str().unwrap_or_default());
        assert!(
            doc.contains(&format!("<span class=\"score-number\">{score:.2}</span>")),
            "{}: score {score}",
            f["path"]
        );
    }
}

#[test]
fn the_report_follows_select_and_ignore() {
    let root = Path::new(ROOT);
    let html = report(
        root,
        &[
            "--no-config",
            "--no-history",
            "--select",
            "service-credits",
            "fixtures/performance-centric.md",
        ],
    );
    let doc = article(&html, "fixtures/performance-centric.md");
    let notes = doc.matches("<li class=\"note ").count();
    assert_eq!(notes, doc.matches("data-rule=\"service-credits\"").count());
    assert!(notes >= 3, "{notes}");
    assert!(!doc.contains("<section class=\"doc-level\""));
}

const HOSTILE: &str = "# Hostile tender\n\n\
<script>document.title='pwned'</script>\n\n\
Text with <img src=x onerror=\"document.title='pwned'\"> inline, and a \
[click](javascript:alert(1)) link, and <a href=\"javascript:alert(2)\">raw</a>.\n\n\
<div onclick=\"document.title='pwned'\"><b>An HTML block</b></div>\n\n\
3.1 Service credits will apply for each missed KPI.\n";

#[test]
fn hostile_text_and_file_names_are_shown_as_text() {
    let name = "it's \"quoted\" <b>.md";
    let dir = tree(&[(name, &format!("{HOSTILE}\n{PARTNERSHIP}\n"))]);
    let html = report(dir.path(), &["--no-config", "--no-history", "."]);

    assert!(
        !html.contains("<script>document"),
        "a tender script is live"
    );
    assert!(!html.contains("onerror=\""), "an event handler is live");
    assert!(!html.contains("onclick=\""), "an event handler is live");
    assert!(!html.contains("<img"), "an image is loaded");
    assert!(
        !html.contains("href=\"javascript:"),
        "a javascript: link is live"
    );
    assert!(!html.contains("<div onclick"));
    assert!(
        !html.contains("\"quoted\" <b>"),
        "the file name is not escaped"
    );
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );

    // The same text, escaped, is there for the reader.
    for text in [
        "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;",
        "&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;",
        "&lt;div onclick=&quot;document.title=&#39;pwned&#39;&quot;&gt;&lt;b&gt;An HTML block&lt;/b&gt;&lt;/div&gt;",
        "<span class=\"link\">click</span>",
        "it&#39;s &quot;quoted&quot; &lt;b&gt;.md",
    ] {
        assert!(html.contains(text), "missing, escaped: {text}");
    }
    // The finding is still marked.
    assert!(html.contains("data-rule=\"service-credits\""));
    assert!(html.contains("<mark class=\"sev-error\""));
    assert_well_nested(&html);
}

#[test]
fn output_to_stdout_exit_codes_and_unreadable_files() {
    let dir = tree(&[
        ("good.md", "Service credits apply to every missed KPI.\n"),
        ("tenderlint.toml", "[rules]\nservice-credit = \"off\"\n"),
    ]);
    write(dir.path(), "latin1.md", b"Caf\xe9 service credits.\n");

    // A configuration error: exit 2, no page.
    let r = run(tenderlint(dir.path()).args(["report", "-o", "-", "."]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("service-credit"), "{}", r.stderr);

    // An unknown rule on the command line: exit 2.
    let r =
        run(tenderlint(dir.path()).args(["report", "--no-config", "--select", "nope", "-o", "-"]));
    assert_eq!(r.code, 2, "{}", r.stderr);

    // A file that cannot be read is listed; the others are still reported; exit 0.
    let r =
        run(tenderlint(dir.path()).args(["report", "--no-config", "--no-history", "-o", "-", "."]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("<!DOCTYPE html>"),
        "the page goes to stdout"
    );
    assert!(r.stderr.contains("could not be checked"), "{}", r.stderr);
    let bad = article(&r.stdout, "latin1.md");
    assert!(bad.contains("Not checked"), "{bad}");
    assert!(bad.contains("UTF-8"), "{bad}");
    assert!(r
        .stdout
        .contains("<h3 id=\"file-errors-title\">Files that could not be checked</h3>"));
    assert!(article(&r.stdout, "good.md").contains("data-rule=\"service-credits\""));

    // The default output file.
    let r = run(tenderlint(dir.path()).args(["report", "--no-config", "--no-history", "good.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page =
        std::fs::read_to_string(dir.path().join("tenderlint-report.html")).unwrap_or_default();
    assert!(
        page.contains("<title>Tender report: 1 document</title>"),
        "{page}"
    );

    // A folder that cannot be written to: exit 2.
    let r = run(tenderlint(dir.path()).args([
        "report",
        "--no-config",
        "good.md",
        "-o",
        "no/such/dir/r.html",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// Satisfies every document rule, so the test documents have one finding each.
const COMPLETE: &str = "We measure the change in EQ-5D-5L scores each year.";

fn git(dir: &Path, args: &[&str], date: &str) -> bool {
    Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The rows of the longest-standing table: (since, rule id of the linked note, where).
fn oldest_rows(html: &str) -> Vec<String> {
    let table = html
        .split("<table class=\"oldest\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap_or_default();
    table
        .split("<tr class=")
        .skip(1)
        .map(|row| {
            let text: String = row
                .split('<')
                .filter_map(|p| p.split_once('>').map(|(_, t)| t))
                .collect();
            text.trim().to_string()
        })
        .collect()
}

#[test]
fn the_longest_standing_findings_come_first() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let dir = tree(&[]);
    let d = dir.path();
    assert!(git(d, &["init", "-q"], "2020-01-01T12:00:00Z"));
    // The old clause in the last file, the new one in the first: document order would
    // put them the other way round.
    write(
        d,
        "z-old.md",
        format!("Service credits apply to the old KPIs.\n\n{PARTNERSHIP}\n\n{COMPLETE}\n")
            .as_bytes(),
    );
    assert!(git(d, &["add", "."], "2020-01-01T12:00:00Z"));
    assert!(git(d, &["commit", "-qm", "old"], "2020-01-01T12:00:00Z"));
    write(
        d,
        "a-new.md",
        format!("We shall deduct 5% of the monthly payment.\n\n{PARTNERSHIP}\n\n{COMPLETE}\n")
            .as_bytes(),
    );
    assert!(git(d, &["add", "."], "2023-06-30T12:00:00Z"));
    assert!(git(d, &["commit", "-qm", "new"], "2023-06-30T12:00:00Z"));
    // Not committed yet: last of all.
    write(
        d,
        "b-draft.md",
        format!("Liquidated damages apply.\n\n{PARTNERSHIP}\n\n{COMPLETE}\n").as_bytes(),
    );
    assert!(git(d, &["add", "b-draft.md"], "2023-06-30T12:00:00Z"));

    let html = report(d, &["--no-config", "."]);
    let rows = oldest_rows(&html);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows[0].starts_with("2020-01-01") && rows[0].ends_with("z-old.md, paragraph 1"),
        "{rows:?}"
    );
    assert!(
        rows[1].starts_with("2023-06-30") && rows[1].ends_with("a-new.md, paragraph 1"),
        "{rows:?}"
    );
    assert!(
        rows[2].starts_with("not yet committed") && rows[2].ends_with("b-draft.md, paragraph 1"),
        "{rows:?}"
    );

    // The table is an appendix, after the documents, and listed in the contents.
    let appendix = html.find("<section id=\"history\"").unwrap_or(0);
    assert!(appendix > html.find("<article class=\"doc\"").unwrap_or(usize::MAX));
    assert!(html.contains("<a href=\"#history\">Appendix: longest-standing findings</a>"));

    // Without the history the table would say nothing: there is none.
    let html = report(d, &["--no-config", "--no-history", "."]);
    assert!(oldest_rows(&html).is_empty());
    assert!(!html.contains("id=\"history\""));

    // A finding the baseline records counts as older than any other, and stays shown.
    let r = run(tenderlint(d).args([
        "check",
        "--no-config",
        "--write-baseline",
        "base.json",
        "a-new.md",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = report(d, &["--no-config", "--baseline", "base.json", "."]);
    let rows = oldest_rows(&html);
    assert!(
        rows[0].starts_with("2023-06-30 (in the baseline)")
            && rows[0].ends_with("a-new.md, paragraph 1"),
        "{rows:?}"
    );
    assert!(rows[1].ends_with("z-old.md, paragraph 1"), "{rows:?}");
    assert!(html.contains("known: recorded in the baseline"));

    // Every finding from the same day: the table would say nothing, and is left out.
    let dir = tree(&[]);
    let d = dir.path();
    assert!(git(d, &["init", "-q"], "2020-01-01T12:00:00Z"));
    for (name, clause) in [
        ("a.md", "Service credits apply."),
        ("b.md", "Liquidated damages apply."),
    ] {
        write(
            d,
            name,
            format!("{clause}\n\n{PARTNERSHIP}\n\n{COMPLETE}\n").as_bytes(),
        );
    }
    assert!(git(d, &["add", "."], "2020-01-01T12:00:00Z"));
    assert!(git(
        d,
        &["commit", "-qm", "one day"],
        "2020-01-01T12:00:00Z"
    ));
    let html = report(d, &["--no-config", "."]);
    assert!(!html.contains("id=\"history\""), "a table of equal dates");
}

#[test]
fn the_verdict_comes_first_with_the_changes_that_matter_most() {
    let html = report(
        Path::new(ROOT),
        &[
            "--no-config",
            "--no-history",
            "fixtures/performance-centric.md",
        ],
    );
    assert_well_nested(&html);
    let verdict = html.find("<section id=\"verdict\"").expect("a verdict");
    let documents = html.find("<article class=\"doc\"").expect("the document");
    assert!(verdict < documents, "the verdict comes before the text");
    let card = &html[verdict..documents];
    // The tender's title (its first heading), one sentence, the score and its band.
    assert!(card.contains(">Community Musculoskeletal Service: Service Specification</a></h3>"));
    assert!(card.contains("<p class=\"verdict-line\">Not ready to publish: "));
    assert!(card.contains("<span class=\"band\">performance-centric</span>"));
    assert!(card.contains("Missing: patient outcomes, patient voice"));
    // Three changes, the most serious first, each naming its places by clause and
    // linking to notes that exist.
    let changes = card
        .split("<ol class=\"changes\">")
        .nth(1)
        .and_then(|c| c.split("</ol>").next())
        .expect("changes");
    assert_eq!(changes.matches("<li>").count(), 3, "{changes}");
    assert!(changes.contains("Service credits: money taken off payment"));
    assert!(changes.contains("3 places ("), "{changes}");
    let first = changes.find("sev-error").unwrap_or(usize::MAX);
    let warning = changes.find("sev-warning").unwrap_or(usize::MAX);
    assert!(first < warning, "errors before warnings: {changes}");
    for link in changes.split("href=\"#").skip(1) {
        let id = link.split('"').next().unwrap_or_default();
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "a link to nowhere: #{id}"
        );
    }
    assert!(changes.contains(">3.1</a>"), "places by clause: {changes}");
    // The scale is explained once.
    for needle in [
        "change before publishing",
        "review before publishing",
        "0.40 to 0.69: mixed",
        "The tick on the bar marks 0.5",
    ] {
        assert!(card.contains(needle), "the legend lacks {needle}");
    }
    // The document's own list groups its findings by rule.
    let doc = article(&html, "fixtures/performance-centric.md");
    assert!(doc.contains("<p class=\"panel-title\">Findings by rule</p>"));
    // Notes beside the text show their heading and fold the message and advice away, so
    // that they open no gap in the text; the notes about the whole document stay open.
    let folded = doc
        .matches("<details><summary>Why, and what to write instead</summary>")
        .count();
    let notes = doc.matches("<li class=\"note ").count();
    let whole = doc
        .split("<section class=\"doc-level\"")
        .nth(1)
        .and_then(|b| b.split("</section>").next())
        .unwrap_or_default();
    let in_whole = whole.matches("<li class=\"note ").count();
    assert!(in_whole > 0 && !whole.contains("<details>"));
    assert_eq!(folded, notes - in_whole, "{folded} of {notes} notes folded");
    assert!(
        html.contains("id=\"f-open\""),
        "no way to open every explanation"
    );
    // Each note links its rule's page.
    assert!(
        doc.contains("<a class=\"rule-id\" href=\"https://"),
        "no rule page link"
    );
    assert!(doc.contains(
        "/docs/rules/service-credits.md\" title=\"About this rule\">(service-credits)</a>"
    ));
    // No absolute path anywhere, nor the old history table.
    assert!(!html.contains(ROOT), "an absolute path");
    assert!(!html.contains("Longest-standing"));
    // Named by its absolute path, a file beneath the current folder is shown relative.
    let absolute = format!("{ROOT}/fixtures/performance-centric.md");
    let html = report(Path::new(ROOT), &["--no-config", "--no-history", &absolute]);
    assert!(!html.contains(ROOT), "an absolute path");
    assert!(html.contains(">fixtures/performance-centric.md</h3>"));
    // Outside the current folder, with `..` steps.
    let html = report(
        &Path::new(ROOT).join("fixtures/packs"),
        &["--no-config", "--no-history", &absolute],
    );
    assert!(!html.contains(ROOT), "an absolute path");
    assert!(html.contains(">../performance-centric.md</h3>"));
}

#[test]
fn a_folder_of_documents_that_lack_the_same_things_is_told_of_tender_toml() {
    let dir = tree(&[
        (
            "tender/spec.md",
            "# Specification\n\nThe Provider shall deliver the service.\n",
        ),
        (
            "tender/pricing.md",
            "# Pricing\n\nThe price is fixed for the term.\n",
        ),
    ]);
    let html = report(dir.path(), &["--no-config", "--no-history", "."]);
    assert_well_nested(&html);
    let hint = html
        .split("<div class=\"hint\">")
        .nth(1)
        .and_then(|h| h.split("</div>").next())
        .expect("a hint");
    assert!(
        hint.contains("The 2 documents in tender each lack the same things"),
        "{hint}"
    );
    assert!(hint.contains("# tender/tender.toml"), "{hint}");
    // Each document's "missing" box has a name of its own.
    let names: Vec<&str> = html
        .split("What this document is missing<span class=\"vh\"> (")
        .skip(1)
        .map(|s| s.split(')').next().unwrap_or_default())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_ne!(names[0], names[1]);
}

#[test]
fn a_tender_is_one_section_with_its_findings_about_the_whole_tender_shown_once() {
    let html = report(
        Path::new(ROOT),
        &[
            "--config",
            "fixtures/packs/without-schedules.toml",
            "fixtures/packs/community-msk/specification.md",
            "fixtures/packs/community-msk/pricing-schedule.md",
        ],
    );
    assert_well_nested(&html);
    let name = "Community MSK partnership, without its schedules";
    assert_eq!(html.matches("<h2 id=\"section-").count(), 1, "one section");
    assert!(html.contains(&format!(">Tender: {name}</h2>")));
    let spec = article(&html, "fixtures/packs/community-msk/specification.md");
    let pricing = article(&html, "fixtures/packs/community-msk/pricing-schedule.md");
    assert!(spec.contains("What this tender is missing, judged over all its files"));
    for rule in [
        "missing-patient-outcomes",
        "missing-joint-governance",
        "partnership-in-name-only",
    ] {
        let note = format!("data-rule=\"{rule}\"");
        assert_eq!(html.matches(&note).count(), 1, "{rule} once in the page");
        assert!(spec.contains(&note), "{rule} in the specification");
    }
    assert!(!pricing.contains("What this"), "{pricing}");
    // The tender's files in its order: the main file first.
    let at = |path: &str| html.find(&format!("<article class=\"doc\" id=\"{}\"", doc_id(path)));
    assert!(
        at("fixtures/packs/community-msk/specification.md")
            < at("fixtures/packs/community-msk/pricing-schedule.md")
    );
    assert!(pricing.contains("data-rule=\"service-credits\""));
}
