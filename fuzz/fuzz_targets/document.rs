//! Bytes as a tender document, taken through the whole per-document path of the CLI:
//! decoded as `check` reads a file, parsed, linted with the built-in rules, and its
//! findings rendered in every output format (human with `--stats`, JSON, JSON lines,
//! GitHub, JUnit, SARIF, and the HTML report's document and page). No panic anywhere,
//! and:
//! - every diagnostic's span lies inside the text, on character boundaries, with a line
//!   and column that agree with its byte offset (counted independently here, in one pass,
//!   and by the library's slow reference for the first and last finding);
//! - the findings come sorted by position;
//! - the JSON output is valid JSON with one diagnostic per finding and the same spans;
//! - cut into pieces wherever a cut is allowed, the text gives the same findings,
//!   locations and metrics as parsed whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tenderlint::check::{check_text, Finish};
use tenderlint::diagnostic::Diagnostic;
use tenderlint::document::{Document, Locator, Pieces};
use tenderlint::engine::Linter;
use tenderlint::history::History;
use tenderlint::line_index::{reference_position, LineIndex};
use tenderlint::report::html::{Html, Page, Section};
use tenderlint::report::human::Human;
use tenderlint::report::{github, json, junit, sarif, Outcome, Summary};
use tenderlint::rules::RuleSet;

const PATH: &str = "fuzz.md";

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| match RuleSet::load(&tenderlint::builtin::files()) {
        Ok(set) => Linter::new(set),
        Err(e) => panic!("built-in rules do not load: {e:?}"),
    })
}

/// (line, column) of each offset in `sorted` (ascending), in one pass over `text`, with
/// the conventions of `reference_position`: `\n`, `\r\n` and a lone `\r` end a line, a
/// `\r` just before the offset has ended its line, a byte order mark takes no column.
fn positions(text: &str, sorted: &[usize]) -> Vec<(usize, usize)> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut out = Vec::with_capacity(sorted.len());
    let (mut line, mut column, mut cr) = (1, 1, false);
    let mut want = sorted.iter().peekable();
    let mut chars = text.char_indices().skip_while(|&(i, _)| i < bom).peekable();
    loop {
        let at = chars.peek().map_or(text.len(), |&(i, _)| i);
        while let Some(&&o) = want.peek() {
            if o > at {
                break;
            }
            // Offsets inside the byte order mark count as its start.
            out.push(if cr { (line + 1, 1) } else { (line, column) });
            want.next();
        }
        let Some((_, c)) = chars.next() else { break };
        if cr {
            cr = false;
            (line, column) = (line + 1, 1);
            if c == '\n' {
                continue;
            }
        }
        match c {
            '\r' => cr = true,
            '\n' => (line, column) = (line + 1, 1),
            _ => column += 1,
        }
    }
    out
}

fn check_spans(text: &str, diags: &[Diagnostic]) {
    let mut offsets = Vec::with_capacity(diags.len() * 2);
    for d in diags {
        let s = &d.span;
        let end = s
            .offset
            .checked_add(s.length)
            .expect("span length overflows");
        assert!(end <= text.len(), "span past the end: {d:?}");
        assert!(
            text.is_char_boundary(s.offset) && text.is_char_boundary(end),
            "span splits a character: {d:?}"
        );
        offsets.push(s.offset);
        offsets.push(end);
    }
    for w in diags.windows(2) {
        assert!(
            w[0].span.offset <= w[1].span.offset,
            "findings out of order: {:?} before {:?}",
            w[0],
            w[1]
        );
    }
    offsets.sort_unstable();
    offsets.dedup();
    let found = positions(text, &offsets);
    let at = |o: usize| found[offsets.binary_search(&o).unwrap_or_else(|_| unreachable!())];
    for d in diags {
        let s = &d.span;
        assert_eq!(
            at(s.offset),
            (s.start.line, s.start.column),
            "start of {d:?}"
        );
        assert_eq!(
            at(s.offset + s.length),
            (s.end.line, s.end.column),
            "end of {d:?}"
        );
    }
    // The library's own reference, counted from the start for each offset: slow, so for
    // the first and last findings only (it also holds the one-pass count above to it).
    for d in diags.first().into_iter().chain(diags.last()) {
        let s = &d.span;
        let end = s.offset + s.length;
        assert_eq!(
            reference_position(text, s.offset),
            (s.start.line, s.start.column),
            "start of {d:?}"
        );
        assert_eq!(
            reference_position(text, end),
            (s.end.line, s.end.column),
            "end of {d:?}"
        );
    }
}

fn check_json(out: &[u8], diags: &[Diagnostic]) {
    let v: serde_json::Value = serde_json::from_slice(out).expect("the JSON output is not JSON");
    let listed = v["diagnostics"].as_array().expect("no diagnostics array");
    assert_eq!(
        listed.len(),
        diags.len(),
        "JSON lists another number of findings"
    );
    for (j, d) in listed.iter().zip(diags) {
        assert_eq!(j["rule"].as_str(), Some(&*d.rule));
        assert_eq!(j["span"]["offset"].as_u64(), Some(d.span.offset as u64));
        assert_eq!(j["span"]["length"].as_u64(), Some(d.span.length as u64));
    }
}

/// The text cut into pieces wherever a cut is allowed (as a long document is, and the
/// language server's buffers) gives the findings, locations and metrics of the text
/// parsed whole.
fn same_in_pieces(linter: &Linter, text: &str) {
    let doc = Document::parse(text);
    let (mut whole, whole_metrics) = linter.lint_with_metrics(&doc);
    Locator::new(&doc).locate_all(&mut whole);
    let lines = LineIndex::new(text);
    let (pieces, piece_metrics) = linter.lint_pieces(text, &lines, Pieces::new(text, &lines, 0));
    assert_eq!(
        whole, pieces,
        "findings in pieces differ from the whole text's"
    );
    assert_eq!(
        format!("{whole_metrics:?}"),
        format!("{piece_metrics:?}"),
        "metrics in pieces differ"
    );
}

fuzz_target!(|data: &[u8]| {
    let linter = linter();
    let human = Human::new(false);
    let report = match tenderlint::files::decode(data.to_vec()) {
        Ok(text) => {
            let mut report = check_text(
                linter,
                PATH.into(),
                &text,
                Finish {
                    human: Some(&human),
                    stats: true,
                    ..Finish::default()
                },
            );
            let diags = report
                .result
                .as_deref()
                .expect("text that decoded must be checked");
            check_spans(&text, diags);
            same_in_pieces(linter, &text);
            // What `report` renders for the same findings while the text is in memory.
            let html = Html::new(&linter.catalogue, None);
            report.rendered = html.render_document(PATH, &text, diags, None);
            // As it renders a long text, a piece at a time (cut wherever it can be): the
            // same page.
            let pieces = html.render_document(PATH, &text, diags, Some(0));
            assert!(
                pieces == report.rendered,
                "the page rendered in pieces differs from the whole text's"
            );
            report
        }
        // Refused input is reported as an unreadable file, in every format too.
        Err((message, help)) => {
            let e = tenderlint::files::FileError {
                path: PATH.into(),
                message,
                help: Some(help),
            };
            tenderlint::check::unreadable(
                PATH.into(),
                e,
                Finish {
                    human: Some(&human),
                    ..Finish::default()
                },
            )
        }
    };

    let reports = std::slice::from_ref(&report);
    let outcome = Outcome {
        reports,
        unreadable: &[],
        summary: Summary::of(reports, &[]),
        tenders: &[],
        catalogue: &linter.catalogue,
    };
    let mut out = Vec::new();
    json::write(&outcome, &mut out).expect("writing to memory cannot fail");
    if let Ok(diags) = &report.result {
        check_json(&out, diags);
    }
    let _ = json::render_lines(&outcome);
    let _ = github::render(&outcome);
    let _ = junit::render(&outcome);
    let _ = sarif::render(&outcome);

    let html = Html::new(&linter.catalogue, None);
    let sections = [Section {
        title: "The documents".into(),
        files: vec![&report],
        metrics: None,
    }];
    let page = html.page(&Page {
        sections: &sections,
        unreadable: &[],
        history: &History::default(),
        history_asked: false,
        date: "2026-01-01".into(),
    });
    assert!(page.ends_with("</html>\n"), "the HTML page is cut short");
});
