//! Word documents through the real binary: the same findings as the Markdown they were
//! written from, exact paragraph positions and clause numbers from Word's automatic
//! numbering, what is not read (comments, tracked deletions, footnotes as clauses),
//! folders that mix Markdown and Word, and Word files that cannot be read costing one
//! file. The reader's own cases (numbering, tables, hostile packages) are unit tests in
//! `src/docx/tests.rs`.

mod common;

use common::{expectations, parse, run, tenderlint, tree, write};
use serde_json::Value;
use std::io::Write;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let r = run(tenderlint(dir)
        .args(["check", "--no-config", "--format", "json"])
        .args(args));
    (r.code, parse(&r.stdout))
}

fn diagnostics(out: &Value) -> Vec<Value> {
    out["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// (rule, clause) of every finding, sorted.
fn rules_and_clauses(out: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = diagnostics(out)
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["location"]["clause"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_word_tender_gives_the_findings_of_its_markdown_twin_at_exact_paragraphs() {
    let root = Path::new(ROOT);
    let (code, docx) = json(root, &["fixtures/word/performance-centric.docx"]);
    assert_eq!(code, 1, "findings of error severity: {docx}");
    let (_, md) = json(root, &["fixtures/performance-centric.md"]);
    assert!(diagnostics(&docx).len() > 15);
    // Same clauses, same rules, same clause numbers: Word's automatic numbering gives
    // "3.2" where the Markdown typed it.
    assert_eq!(rules_and_clauses(&docx), rules_and_clauses(&md));
    // Positions: the paragraph as the line, the character in it as the column.
    let got: Vec<String> = diagnostics(&docx)
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["span"]["start"]["line"],
                d["span"]["start"]["column"],
                d["rule"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let want = expectations(&root.join("fixtures/word/performance-centric.expected"));
    assert_eq!(got, want);
    // The paragraph number in `location` is the line, and the section is the heading
    // path from Word's heading styles.
    for d in diagnostics(&docx) {
        assert_eq!(
            d["location"]["paragraph"], d["span"]["start"]["line"],
            "{d}"
        );
    }
    let deduction = diagnostics(&docx)
        .into_iter()
        .find(|d| d["rule"] == "payment-deduction" && d["location"]["clause"] == "3.2")
        .expect("the deduction in clause 3.2");
    assert_eq!(
        deduction["location"]["section"],
        serde_json::json!([
            "Community Musculoskeletal Service: Service Specification",
            "Performance regime"
        ])
    );
    // Clause 3.2 reads "shall [never, deleted] deduct 5% of the [monthly, inserted]
    // payment": the deletion is not read (it would negate the deduction), and the
    // column counts the characters of the text as it now reads.
    assert_eq!(deduction["span"]["start"]["column"], 92);
    // A reviewer's comment ("Liquidated damages and service credits ...") and the
    // footnote ("service credits are counted in it") are not clauses of the tender.
    for d in diagnostics(&docx) {
        let message = d["message"].as_str().unwrap_or_default();
        assert!(!message.contains("Liquidated"), "a comment was linted: {d}");
        assert!(
            d["span"]["start"]["line"].as_u64() < Some(32),
            "a footnote was linted: {d}"
        );
    }

    let human = run(tenderlint(root).args([
        "check",
        "--no-config",
        "fixtures/word/performance-centric.docx",
    ]));
    assert!(
        human
            .stdout
            .contains("error payment-deduction, clause 3.2 in section \"Performance regime\""),
        "{}",
        human.stdout
    );
}

/// A minimal Word package holding `document` as word/document.xml.
fn docx(document: &str) -> Vec<u8> {
    docx_with(document, &[])
}

/// A minimal Word package holding `document` as word/document.xml, and `extra` parts.
fn docx_with(document: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default();
        let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
        let parts = [("_rels/.rels", rels), ("word/document.xml", document)];
        for &(name, text) in parts.iter().chain(extra) {
            z.start_file(name, opts).expect("zip entry");
            z.write_all(text.as_bytes()).expect("zip write");
        }
        z.finish().expect("zip finish");
    }
    out.into_inner()
}

fn body(paragraphs: &[&str]) -> String {
    let ps: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect();
    format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{ps}</w:body></w:document>"#
    )
}

#[test]
fn folders_mix_markdown_and_word_and_a_bad_word_file_costs_that_file() {
    let dir = tree(&[(
        "specs/a.md",
        "# A\n\nA service credit of 2% of the monthly charge applies for each KPI failure.\n",
    )]);
    let specs = dir.path().join("specs");
    write(
        &specs,
        "b.docx",
        &docx(&body(&[
            "Payment",
            "The Authority shall deduct 5% of the monthly payment for each missed target.",
        ])),
    );
    // Word's lock file beside an open document is not a document.
    write(&specs, "~$b.docx", b"\x0bjunk");
    write(&specs, "broken.docx", b"PK\x03\x04 this zip stops here");
    write(&specs, "renamed.docx", b"# A Markdown file renamed .docx\n");
    write(
        &specs,
        "entity.docx",
        &docx(
            r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x "credit">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>service &x;</w:t></w:r></w:p></w:body></w:document>"#,
        ),
    );
    let (code, out) = json(dir.path(), &["specs"]);
    assert_eq!(code, 2, "files that could not be read: {out}");
    let checked: Vec<&str> = out["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(checked, ["specs/a.md", "specs/b.docx"], "{out}");
    let errors: Vec<(String, String)> = out["file_errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["path"].as_str().unwrap_or_default().to_string(),
                e["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let message = |name: &str| {
        errors
            .iter()
            .find(|(p, _)| p.ends_with(name))
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("no error for {name}: {errors:?}"))
    };
    assert!(message("broken.docx").contains("damaged"), "{errors:?}");
    assert!(
        message("renamed.docx").contains("not a zip archive"),
        "{errors:?}"
    );
    assert!(
        message("entity.docx").contains("word/document.xml"),
        "{errors:?}"
    );
    assert!(!errors.iter().any(|(p, _)| p.contains("~$")), "{errors:?}");
    let rules: Vec<(String, String)> = diagnostics(&out)
        .iter()
        .filter(|d| d["severity"] == "error" && d["location"]["paragraph"] != 1)
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        rules.contains(&("specs/a.md".into(), "service-credits".into())),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("specs/b.docx".into(), "payment-deduction".into())),
        "{rules:?}"
    );
}

#[test]
fn an_old_or_protected_word_file_is_named_with_what_to_do() {
    let dir = tree(&[]);
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    write(dir.path(), "old.doc", &ole);
    let r = run(tenderlint(dir.path()).args(["check", "--no-config", "old.doc"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(said.contains("old.doc"), "{said}");
    assert!(said.contains("Word 97-2003"), "{said}");
    assert!(said.contains("save it as .docx"), "{said}");
}

#[test]
fn the_report_shows_a_word_tender_as_headings_numbered_clauses_and_a_table() {
    let dir = tree(&[]);
    let page = dir.path().join("report.html");
    let r = run(tenderlint(Path::new(ROOT))
        .args([
            "report",
            "--no-config",
            "fixtures/word/performance-centric.docx",
            "-o",
        ])
        .arg(&page));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&page).unwrap_or_default();
    let body = &html[html.find("<div class=\"doc-body\">").unwrap_or(0)..];
    assert!(
        body.contains(
            "<h5 class=\"md-h2\"><span class=\"clause\">3.</span> Performance regime</h5>"
        ),
        "{body}"
    );
    // Word's automatic numbers are shown before the clause, as Word shows them.
    assert!(
        body.contains("<span class=\"clause\">3.2</span> Where the Provider"),
        "{body}"
    );
    // The KPI table is a table: four header cells, then rows of four cells.
    assert!(body.contains(">KPI</mark></th>"), "{body}");
    assert!(
        body.contains("<td>Calls answered within 30 seconds</td>"),
        "{body}"
    );
    assert_eq!(body.matches("<th scope=\"col\">").count(), 4, "{body}");
    assert_eq!(body.matches("<td>").count(), 12, "{body}");
    // Findings are marked in the text, as for Markdown.
    assert!(
        body.contains("deduct 5% of the monthly payment</mark>"),
        "{body}"
    );
}

#[test]
fn a_word_tender_without_headings_is_named_by_the_title_in_its_properties() {
    // Officers often type a title in large bold letters rather than in a heading style:
    // the report then names the tender by File > Info > Title, not by its file name.
    let dir = tree(&[]);
    let core = r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Community Diabetes Service Specification</dc:title></cp:coreProperties>"#;
    let text = body(&[
        "COMMUNITY DIABETES SERVICE",
        "A service credit of 2% of the monthly charge applies for each KPI failure.",
    ]);
    write(
        dir.path(),
        "titled.docx",
        &docx_with(&text, &[("docProps/core.xml", core)]),
    );
    write(dir.path(), "untitled.docx", &docx(&text));
    let r = run(tenderlint(dir.path()).args([
        "report",
        "--no-config",
        "--no-history",
        "titled.docx",
        "untitled.docx",
        "-o",
        "report.html",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap_or_default();
    let card = |title: &str| format!("\">{title}</a></h3>");
    assert!(
        html.contains(&card("Community Diabetes Service Specification")),
        "{html}"
    );
    // Without a title in its properties, the file's name stands for it.
    assert!(html.contains(&card("untitled.docx")), "{html}");
}

#[test]
fn a_tender_pack_judges_markdown_and_word_files_together() {
    let dir = tree(&[
        ("msk/tender.toml", "name = \"MSK\"\nmain = \"specification.md\"\n"),
        (
            "msk/specification.md",
            "# Specification\n\nThe service treats adults with back pain. A service credit of 2% of the monthly charge applies for each KPI failure.\n",
        ),
    ]);
    let msk = dir.path().join("msk");
    // The governance schedule, in Word, holds what the specification lacks.
    write(
        &msk,
        "governance.docx",
        &docx(&body(&[
            "Governance",
            "A joint partnership board with patient representatives meets quarterly.",
            "Our shared goals: people live well at home. A data sharing agreement covers the shared dataset.",
            "The board reviews the change in EQ-5D-5L scores each year.",
        ])),
    );
    let (code, out) = json(dir.path(), &["msk"]);
    assert_eq!(code, 1, "{out}");
    let rules: Vec<String> = diagnostics(&out)
        .iter()
        .filter_map(|d| d["rule"].as_str().map(str::to_string))
        .collect();
    assert_eq!(rules, ["service-credits"], "judged over both files: {out}");
    let files: Vec<&str> = out["tenders"][0]["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str())
        .collect();
    assert_eq!(
        files,
        ["msk/specification.md", "msk/governance.docx"],
        "{out}"
    );
}

#[test]
fn a_word_file_on_standard_input_is_read_as_word_when_named_so() {
    let root = Path::new(ROOT);
    let bytes = std::fs::read(root.join("fixtures/word/performance-centric.docx"))
        .unwrap_or_else(|e| panic!("{e}"));
    let piped = run(tenderlint(root)
        .args(["check", "--no-config", "--format", "json", "--stdin"])
        .args(["--stdin-filename", "spec.docx"])
        .write_stdin(bytes.clone()));
    let (_, file) = json(root, &["fixtures/word/performance-centric.docx"]);
    let piped = parse(&piped.stdout);
    assert_eq!(rules_and_clauses(&piped), rules_and_clauses(&file));
    assert_eq!(diagnostics(&piped)[0]["path"], "spec.docx");
    // Named as Markdown, the same bytes are refused as binary, not misread.
    let r = run(tenderlint(root)
        .args([
            "check",
            "--no-config",
            "--stdin",
            "--stdin-filename",
            "spec.md",
        ])
        .write_stdin(bytes));
    assert_eq!(r.code, 2, "{}", r.stdout);
}

/// The text of a zip entry.
fn entry(docx: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let mut f = z.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = String::new();
    std::io::Read::read_to_string(&mut f, &mut out).expect("UTF-8 XML");
    out
}

#[test]
fn review_writes_each_finding_as_a_word_comment_on_its_own_words() {
    let dir = tree(&[]);
    let original = std::fs::read(Path::new(ROOT).join("fixtures/word/performance-centric.docx"))
        .unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "spec.docx", &original);
    let r = run(tenderlint(dir.path()).args(["review", "--no-config", "spec.docx"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Wrote spec.reviewed.docx: 21 comments"),
        "{}",
        r.stderr
    );
    // The original is read, never changed.
    assert_eq!(
        std::fs::read(dir.path().join("spec.docx")).ok(),
        Some(original.clone())
    );
    let reviewed = std::fs::read(dir.path().join("spec.reviewed.docx")).unwrap_or_default();

    // The copy reads as the same document: same paragraphs, same text.
    let before = tenderlint::docx::read(&original).expect("the fixture reads");
    let after = tenderlint::docx::read(&reviewed).expect("the reviewed copy reads");
    let texts = |w: &tenderlint::docx::Word| -> Vec<String> {
        w.paragraphs.iter().map(|p| p.text.clone()).collect()
    };
    assert_eq!(texts(&before), texts(&after));

    // One comment per finding, by tenderlint, and the reviewer's comment kept.
    let comments = entry(&reviewed, "word/comments.xml");
    assert_eq!(comments.matches("<w:comment ").count(), 22, "{comments}");
    assert_eq!(comments.matches("w:author=\"tenderlint\"").count(), 21);
    assert!(comments.contains("Liquidated damages and service credits should be discussed here."));
    assert!(comments.contains(
        "What to write instead: Say how the parties will understand and fix a shortfall together"
    ));
    // Anchored on the finding's own words: the run "deduct 5% of the " was cut at the
    // start of "deduct", and the comment's range opens right before it.
    let document = entry(&reviewed, "word/document.xml");
    let at = document.find(">deduct 5% of the <").expect("the cut run");
    let before_run = &document[..at];
    let opened = before_run
        .rfind("<w:commentRangeStart")
        .expect("a range start");
    assert!(
        !before_run[opened..].contains("</w:r>"),
        "the range opens just before the run: {}",
        &document[opened..at + 20]
    );
    // The copy is a Word package Word can open: the relationship and content type.
    assert!(entry(&reviewed, "word/_rels/document.xml.rels").contains("relationships/comments"));
    assert!(entry(&reviewed, "[Content_Types].xml").contains("/word/comments.xml"));
    // And tenderlint reads it as it read the original.
    let (_, again) = json(dir.path(), &["spec.reviewed.docx"]);
    let (_, first) = json(dir.path(), &["spec.docx"]);
    assert_eq!(rules_and_clauses(&again), rules_and_clauses(&first));
}

#[test]
fn review_refuses_markdown_and_never_replaces_the_original() {
    let dir = tree(&[("spec.md", "# Spec\n\nService credits apply.\n")]);
    let r = run(tenderlint(dir.path()).args(["review", "--no-config", "spec.md"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a Word document"), "{}", r.stderr);
    write(
        dir.path(),
        "spec.docx",
        &docx(&body(&[
            "Service credits of 2% of the monthly charge apply for each KPI failure.",
        ])),
    );
    let r = run(tenderlint(dir.path()).args([
        "review",
        "--no-config",
        "spec.docx",
        "-o",
        "./spec.docx",
    ]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("would replace"), "{}", r.stderr);
    write(dir.path(), "broken.docx", b"PK\x03\x04 no more");
    let r = run(tenderlint(dir.path()).args(["review", "--no-config", "broken.docx"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("broken.docx"), "{}", r.stderr);
    assert!(!dir.path().join("broken.reviewed.docx").exists());
}

/// LibreOffice, when installed: it opens the reviewed copy as a word processor would.
fn soffice() -> Option<&'static str> {
    let found = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    if found.is_none() {
        if std::env::var("TENDERLINT_REQUIRE_OFFICE").is_ok_and(|v| v == "1") {
            panic!("TENDERLINT_REQUIRE_OFFICE=1 but LibreOffice (soffice) was not found: apt-get install libreoffice-writer-nogui");
        }
        eprintln!("\n*** skipped: LibreOffice not installed (set TENDERLINT_REQUIRE_OFFICE=1 to require it) ***\n");
    }
    found
}

#[test]
fn libreoffice_opens_the_reviewed_copy_with_every_comment_on_its_words() {
    let Some(office) = soffice() else { return };
    let dir = tree(&[]);
    let original = std::fs::read(Path::new(ROOT).join("fixtures/word/performance-centric.docx"))
        .unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "spec.docx", &original);
    let r = run(tenderlint(dir.path()).args(["review", "--no-config", "spec.docx"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Converted to OpenDocument by LibreOffice: each Word comment becomes an annotation
    // with its range end, so LibreOffice read every one of them, anchored.
    let profile = dir.path().join("profile");
    let out = std::process::Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "odt", "--outdir"])
        .arg(dir.path().join("odt"))
        .arg(dir.path().join("spec.reviewed.docx"))
        .output()
        .unwrap_or_else(|e| panic!("soffice: {e}"));
    let odt = std::fs::read(dir.path().join("odt/spec.reviewed.odt")).unwrap_or_else(|e| {
        panic!(
            "LibreOffice did not convert the copy ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let content = entry(&odt, "content.xml");
    assert_eq!(
        content.matches("<office:annotation ").count(),
        22,
        "{content}"
    );
    assert_eq!(content.matches("<office:annotation-end ").count(), 22);
    assert_eq!(
        content
            .matches("<dc:creator>tenderlint</dc:creator>")
            .count(),
        21
    );
}

#[test]
fn a_baseline_records_a_word_tenders_findings_and_every_format_reads_it() {
    let dir = tree(&[]);
    let original = std::fs::read(Path::new(ROOT).join("fixtures/word/performance-centric.docx"))
        .unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "spec.docx", &original);
    let r = run(tenderlint(dir.path()).args([
        "check",
        "--no-config",
        "spec.docx",
        "--write-baseline",
        "base.json",
    ]));
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let r = run(tenderlint(dir.path()).args([
        "check",
        "--no-config",
        "spec.docx",
        "--baseline",
        "base.json",
    ]));
    assert_eq!(r.code, 0, "every finding is in the baseline: {}", r.stdout);
    assert!(
        r.stdout.contains("21 findings in the baseline not shown"),
        "{}",
        r.stdout
    );
    // Every output format takes a Word file.
    for format in ["human", "json", "json-lines", "github", "junit", "sarif"] {
        let r = run(tenderlint(dir.path()).args([
            "check",
            "--no-config",
            "--format",
            format,
            "spec.docx",
        ]));
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert!(r.stdout.contains("spec.docx"), "{format}: {}", r.stdout);
    }
}
