//! A long document is parsed in pieces (`src/document/pieces.rs`) so that memory stays
//! near its size. These tests cut documents at every place a cut is allowed (pieces of
//! at least 0 bytes) and check that the findings, their positions and locations, and
//! the metrics are those of the document parsed whole: over the fixtures, the fuzzing
//! corpus, documents built to carry state across cuts, and generated documents.
//! `tests/hostile.rs` checks the same through the binary on a long document.

use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;
use tenderlint::document::{Document, Locator, Pieces};
use tenderlint::engine::Linter;
use tenderlint::line_index::LineIndex;
use tenderlint::rules::RuleSet;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| {
        Linter::new(
            RuleSet::load(&tenderlint::builtin::files()).unwrap_or_else(|e| panic!("{e:?}")),
        )
    })
}

/// The findings (as JSON, locations included) and metrics of `text` parsed whole.
fn whole(text: &str) -> String {
    let doc = Document::parse(text);
    let (mut diagnostics, metrics) = linter().lint_with_metrics(&doc);
    Locator::new(&doc).locate_all(&mut diagnostics);
    shown(&diagnostics, &metrics)
}

/// The same in pieces of at least `bytes`, and how many pieces there were.
fn in_pieces(text: &str, bytes: usize) -> (String, usize) {
    let lines = LineIndex::new(text);
    let count = Pieces::new(text, &lines, bytes).count();
    let pieces = Pieces::new(text, &lines, bytes);
    let (diagnostics, metrics) = linter().lint_pieces(text, &lines, pieces);
    (shown(&diagnostics, &metrics), count)
}

fn shown(d: &[tenderlint::diagnostic::Diagnostic], m: &tenderlint::metrics::Metrics) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap();
    s.push_str(&format!("\n{m:?}"));
    s
}

/// Asserts the pieces give what the whole gives; returns the number of pieces.
fn same(name: &str, text: &str) -> usize {
    let (pieces, count) = in_pieces(text, 0);
    assert_eq!(
        pieces,
        whole(text),
        "{name}: in {count} pieces the findings differ"
    );
    count
}

fn markdown_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            markdown_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

#[test]
fn every_fixture_in_pieces_is_the_whole() {
    let mut files = Vec::new();
    markdown_files(Path::new("fixtures"), &mut files);
    assert!(files.len() >= 10);
    let mut cut = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        if same(&f.display().to_string(), &text) > 1 {
            cut += 1;
        }
    }
    assert!(cut >= 5, "only {cut} fixtures were cut at all");
    // All the fixtures as one document, as a long tender is made.
    let all: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap() + "\n\n")
        .collect();
    let n = same("all fixtures", &all);
    assert!(n > 20, "{n} pieces");
}

/// The inputs fuzzing kept for the document target that are UTF-8 text: name and text.
fn fuzzing_inputs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("tests/fuzz-corpus/document")
        .unwrap()
        .flatten()
    {
        if let Ok(text) = String::from_utf8(std::fs::read(entry.path()).unwrap()) {
            out.push((entry.path().display().to_string(), text));
        }
    }
    out
}

#[test]
fn every_fuzzing_input_in_pieces_is_the_whole() {
    let mut n = 0;
    for (name, text) in fuzzing_inputs() {
        // An input that is not cut is its whole document: nothing to compare.
        let lines = LineIndex::new(&text);
        if Pieces::new(&text, &lines, 0).nth(1).is_none() {
            continue;
        }
        same(&name, &text);
        n += 1;
    }
    assert!(n > 50, "only {n} inputs were cut");
}

#[test]
fn every_fuzzing_input_renders_in_pieces_as_whole() {
    // The HTML report renders a long text a piece at a time (here: cut wherever it can
    // be); its page must be the one the whole text gives, for every input fuzzing kept.
    let html = tenderlint::report::html::Html::new(&linter().catalogue, None);
    let inputs = fuzzing_inputs();
    assert!(inputs.len() > 1000, "only {} inputs", inputs.len());
    for (name, text) in inputs {
        let doc = Document::parse(&text);
        let mut diagnostics = linter().lint(&doc);
        Locator::new(&doc).locate_all(&mut diagnostics);
        let whole = html.render_document("t.md", &text, &diagnostics, None);
        let pieces = html.render_document("t.md", &text, &diagnostics, Some(0));
        assert!(
            whole == pieces,
            "{name}: the page in pieces differs from the whole text's"
        );
    }
}

#[test]
fn state_is_carried_across_pieces() {
    // Headings open across cuts (section paths), a title written as a paragraph, link
    // definitions after their use in another piece (and a label in another case),
    // footnotes defined elsewhere, a disable region from one piece to another, a
    // disable-next-line before a cut, a clause continued from the block before the cut,
    // headings inside fences and HTML comments, a finding before the first block.
    let text = "\
<!-- tenderlint-disable service-credits -->

# Payment

Service credits apply, see [the schedule][Sched] and note[^1].

## Deductions

PAYMENT MECHANISM

A service credit of 2% of the monthly charge applies for each KPI failure.

```
# not a heading

[sched]: https://example.org
```

# Performance

<!-- tenderlint-enable service-credits -->

A service credit of 2% applies for each KPI failure.

<!--

# inside a comment

-->

## Outcomes

The provider will improve patient outcomes, measured by EQ-5D-5L.

<!-- tenderlint-disable-next-line -->

# Deductions apply

Liquidated damages of £500 apply.

[SCHED]: https://example.org/schedule
[^1]: The provider shall pay service credits.
";
    assert!(same("carried", text) > 6);
}

#[test]
fn footnotes_defined_in_another_piece_before_front_matter_and_an_unclosed_fence() {
    // The first piece refers to a note defined in the last, which ends in a fence that
    // never closes (so nothing can follow its text); the last refers to one defined in
    // the first, whose front matter must stay first.
    let text = "---\ntitle: x\n---\n\nService credits apply[^late] to each KPI failure.\n\n[^early]: Deductions of 5% apply.\n\n# Payment\n\nLiquidated damages[^early] apply. Service credits[^none] apply.\n\n[^late]: A service credit of 2% applies.\n\n```\nnever closed\n";
    assert!(same("footnotes", text) > 2);
}

#[test]
fn metadata_blocks_further_down_are_never_cut() {
    // pulldown-cmark reads `---` then a line of text as a metadata block wherever a
    // block starts, up to the next `---` or `...`, across blank lines.
    let text = "# Payment\n\nService credits apply.\n\n---\nService credits apply.\n\nA service credit of 2% applies.\n\n# Hidden\n\n---\n\nLiquidated damages apply.\n\nTitle\n---\nService credits apply.\n\nDeductions apply.\n\n...\n\nService credits apply.\n\n+++\nkey = 1\n\nService credits apply.\n+++\n\nService credits apply.\n";
    assert!(same("metadata", text) > 2);
}

#[test]
fn a_document_whose_first_piece_has_no_block() {
    let text = "<div>\n\n</div>\n\n```\ncode\n```\n\n# Service credits\n\nA service credit of 2% applies for each KPI failure.\n\n<!-- tenderlint-disablex -->\n";
    assert!(same("blockless first piece", text) > 1);
    let text = "---\ntitle: x\n---\n\n# \n\nA service credit of 2% applies.\n\n# KPI\n\nDeductions of 5% apply.\n";
    assert!(same("front matter and an empty heading", text) > 1);
}

#[test]
fn long_documents_are_cut_into_pieces_of_the_size_asked_for() {
    let part = "# Payment\n\nA service credit of 2% of the monthly charge applies for each KPI failure.\n\n";
    let text = part.repeat(20_000);
    let (pieces, count) = in_pieces(&text, 256 << 10);
    assert_eq!(count, text.len().div_ceil(256 << 10));
    assert_eq!(pieces, whole(&text));
}

fn block() -> impl Strategy<Value = String> {
    let words = prop::collection::vec(
        prop_oneof![
            Just("The Provider shall"),
            Just("service credits"),
            Just("a service credit of 2% applies"),
            Just("for each KPI failure."),
            Just("liquidated damages"),
            Just("improve patient outcomes"),
            Just("[link][a]"),
            Just("[b]"),
            Just("note[^n]"),
            Just("e.g."),
            Just("—"),
        ],
        1..6,
    )
    .prop_map(|w| w.join(" "));
    prop_oneof![
        3 => words.clone().prop_map(|w| format!("# {w}")),
        2 => words.clone().prop_map(|w| format!("## {w}")),
        4 => words.clone(),
        1 => words.clone().prop_map(|w| format!("- {w}\n- {w}")),
        1 => words.clone().prop_map(|w| format!("| KPI | Credit |\n|---|---|\n| {w} | 2% |")),
        1 => words.clone().prop_map(|w| format!("> {w}")),
        1 => Just("PAYMENT MECHANISM".to_string()),
        1 => Just("```\n\n# code\n\n```".to_string()),
        1 => Just("<!-- tenderlint-disable -->".to_string()),
        1 => Just("<!-- tenderlint-enable -->".to_string()),
        1 => Just("<!-- tenderlint-disable-next-line service-credits -->".to_string()),
        1 => Just("<!--\n\n# comment\n\n-->".to_string()),
        1 => Just("[a]: https://example.org\n[B]: https://example.org".to_string()),
        1 => words.clone().prop_map(|w| format!("[^n]: {w}")),
        // What pulldown-cmark may read as a metadata block, anywhere.
        1 => words.clone().prop_map(|w| format!("---\n{w}")),
        1 => words.prop_map(|w| format!("Heading\n---\n{w}")),
        1 => Just("---".to_string()),
        1 => Just("+++\nkey = 1".to_string()),
        1 => Just("...".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn generated_documents_in_pieces_are_the_whole(blocks in prop::collection::vec(block(), 1..24)) {
        let text = blocks.join("\n\n");
        let (pieces, _) = in_pieces(&text, 0);
        prop_assert_eq!(pieces, whole(&text));
    }
}

#[test]
fn the_binary_cutting_every_document_into_pieces_reports_the_same() {
    // `TENDERLINT_PIECE_BYTES=0` parses every Markdown document in pieces, cut wherever
    // it can be: documents checked alone, the files of tender packs, standard input.
    let run = |args: &[&str], pieces: bool, stdin: Option<&str>| {
        let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_tenderlint"));
        cmd.args(args).env("NO_COLOR", "1");
        if pieces {
            cmd.env("TENDERLINT_PIECE_BYTES", "0");
        } else {
            cmd.env_remove("TENDERLINT_PIECE_BYTES");
        }
        if let Some(text) = stdin {
            cmd.write_stdin(text);
        }
        let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let all: String = std::fs::read_dir("fixtures")
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap() + "\n\n")
        .collect();
    for (args, stdin) in [
        (&["check", "--format", "json", "fixtures"][..], None),
        (&["check", "--format", "json", "fixtures/packs"][..], None),
        (&["check", "fixtures"][..], None),
        (&["check", "--format", "sarif", "fixtures"][..], None),
        (
            &["check", "--format", "json", "--stdin"][..],
            Some(all.as_str()),
        ),
    ] {
        let whole = run(args, false, stdin);
        assert!(whole.1.len() > 1000, "{args:?}: {}", whole.1);
        assert_eq!(run(args, true, stdin), whole, "{args:?}");
    }
}

#[test]
fn a_table_flattened_into_bold_lines_is_never_cut_from_its_body() {
    // A PDF conversion writes a table's header cells as lines in bold, and the body cells
    // after them; the document model reads them as one table. A cut between the bold
    // lines and the first body cell (a paragraph starting with a letter) would lose the
    // table and its findings in pieces.
    let text = "# Plan\n\nSome intro text here.\n\n**Success measure**\n\n**Target**\n\nEmergency readmissions within 30 days\n\nFewer than last year\n\n## Second\n\n__Indicator__\n\n## **Baseline**\n\nPatients back at work\n";
    let whole = whole(text);
    assert!(whole.contains("incomplete-measure"), "{whole}");
    assert!(same("flattened", text) > 1);
}

#[test]
fn the_report_lays_out_a_document_in_pieces_as_the_whole_one() {
    // `report` gives a long Markdown text to the parser a piece at a time, cut where
    // `check` cuts it, so that the parser's tree never holds the whole text. The page is
    // the same: links and footnotes whose definitions are in other pieces, tables, code
    // and raw HTML included. `TENDERLINT_PIECE_BYTES=0` cuts every document wherever it
    // can be cut; the text written here holds reference links and footnotes defined
    // far from their use, and a label defined twice.
    let dir = tempfile::tempdir().unwrap();
    let far = dir.path().join("far.md");
    std::fs::write(
        &far,
        "# Outcomes\n\nRead [the guidance][g] and the note.[^n]\n\n# Later\n\nThe Provider \
         shall pay a service credit of 2% of the monthly charge for each KPI failure.\n\n\
         [g]: https://example.org/guidance \"Guidance\"\n\n[^n]: A note defined far away.\n\n\
         # Again\n\nThe [guidance][g] once more.\n\n[g]: https://example.org/other\n",
    )
    .unwrap();
    // A table's last row short of a cell at the very end of the text: the parser pads
    // it with an empty cell at the text's end (found by fuzzing).
    let short = dir.path().join("short-row.md");
    std::fs::write(
        &short,
        "# Table\n\n| Measure | Consequence |\n|---|---\nTriage",
    )
    .unwrap();
    let mut pages = Vec::new();
    for pieces in [false, true] {
        let out = dir.path().join(format!("report-{pieces}.html"));
        let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_tenderlint"));
        cmd.args(["report", "--no-config", "-o"])
            .arg(&out)
            .args(["fixtures", "fixtures/packs"])
            .arg(&far)
            .arg(&short);
        if pieces {
            cmd.env("TENDERLINT_PIECE_BYTES", "0");
        } else {
            cmd.env_remove("TENDERLINT_PIECE_BYTES");
        }
        cmd.assert().success();
        let page = std::fs::read_to_string(&out).unwrap();
        // The page says when it was written, to the minute: the two runs may straddle one.
        let line = page.find("Written on").unwrap();
        let end = page[line..].find('.').unwrap() + line;
        pages.push(format!("{}{}", &page[..line], &page[end..]));
    }
    assert!(pages[0].len() > 100_000, "{}", pages[0].len());
    assert!(
        pages[0].contains("href=\"https://example.org/guidance\""),
        "{}",
        pages[0]
    );
    // A label defined again in a later piece keeps its first destination, as in the
    // whole text.
    assert!(!pages[0].contains("example.org/other"), "{}", pages[0]);
    assert_eq!(pages[0], pages[1]);
}
