//! The `check` flow, one file at a time and files in parallel:
//! path -> text ([`files`]) -> [`Document`] -> [`Linter::lint`] -> [`FileReport`].
//!
//! Each document is dropped as soon as its report is made, so memory follows the
//! largest file rather than the whole tree. A long Markdown document is parsed and
//! linted in pieces ([`Pieces`], [`Linter::lint_pieces`]), so that memory follows its
//! text rather than its parsed model.
//!
//! The files of a tender ([`crate::tender`]) take one step more: each is parsed and
//! scanned once, in parallel, into its findings and [`Facts`](crate::engine::Facts);
//! the documents are dropped; the tender's document-level rules are judged by merging
//! the facts ([`Linter::judge`]); each file's report is then finished from its text.
//! Memory follows the largest tender's text, not its parsed documents.

use crate::baseline::Baseline;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Located, Locator, Pieces, LONG_DOCUMENT, PIECE_BYTES};
use crate::engine::{Linter, Pack, Scanned};
use crate::files::{self, FileError};
use crate::isolate::{self, Panicked};
use crate::line_index::LineIndex;
use crate::par::prelude::*;
use crate::report::human::Human;
use crate::report::{FileReport, TenderReport};
use crate::source::{Format, Source};
use crate::tender::PackPlan;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// How to finish each file's report while its text is still in memory: hide the
/// findings the baseline records, then render what is left for people (as terminal
/// text, or as the document in HTML with its findings marked).
#[derive(Clone, Copy, Default)]
pub struct Finish<'a> {
    pub human: Option<&'a Human>,
    pub html: Option<&'a crate::report::html::Html<'a>>,
    pub baseline: Option<&'a Baseline>,
    /// Print each document's metrics under its findings (`check --stats`).
    pub stats: bool,
    /// The `[[overrides]]` of the configuration the files are checked under.
    pub overrides: Option<&'a crate::config::Overrides>,
}

/// Checks every file, in parallel, returning reports in the order of `paths`.
pub fn check_files(linter: &Linter, paths: &[PathBuf], finish: Finish) -> Vec<FileReport> {
    paths
        .par_iter()
        .map(|p| check_file(linter, p, finish))
        .collect()
}

pub fn check_file(linter: &Linter, path: &Path, finish: Finish) -> FileReport {
    let shown = files::display(path);
    let checked = isolate::run(|| match files::read_source(path) {
        Err(e) => unreadable(shown.clone(), e, finish),
        Ok(source) => check_source(linter, shown.clone(), &source, finish),
    });
    checked.unwrap_or_else(|p| crashed(shown, p, finish))
}

/// The report of a file whose check panicked: an error like an unreadable file's,
/// asking for a bug report (see [`isolate`]).
pub fn crashed(path: String, p: Panicked, finish: Finish) -> FileReport {
    let e = crash_error(&path, p);
    unreadable(path, e, finish)
}

fn crash_error(path: &str, p: Panicked) -> FileError {
    FileError {
        path: path.to_string(),
        message: "could not be checked: tenderlint failed with an internal error".into(),
        help: Some(p.help()),
    }
}

/// A fault injected for tests: with `TENDERLINT_FAULT` set, checking a text that holds
/// its value panics, so that tests can show a panic costs one file only.
pub(crate) fn injected_fault(text: &str) {
    static FAULT: OnceLock<Option<String>> = OnceLock::new();
    let fault = FAULT.get_or_init(|| {
        std::env::var("TENDERLINT_FAULT")
            .ok()
            .filter(|f| !f.is_empty())
    });
    if let Some(fault) = fault {
        if text.contains(fault.as_str()) {
            panic!("fault injected by TENDERLINT_FAULT");
        }
    }
}

/// The report of a file that could not be read as text.
pub fn unreadable(path: String, e: files::FileError, finish: Finish) -> FileReport {
    let rendered = finish.human.map(|h| h.render_error(&e)).unwrap_or_default();
    FileReport {
        path,
        result: Err(e),
        rendered,
        baselined: 0,
        fixed: Vec::new(),
        metrics: None,
        tender: None,
    }
}

/// Checks text that is already in memory (a file, or standard input), reported under
/// the name `path`.
pub fn check_text(linter: &Linter, path: String, text: &str, finish: Finish) -> FileReport {
    let shown = path.clone();
    isolate::run(|| checked_text(linter, path, text, finish))
        .unwrap_or_else(|p| crashed(shown, p, finish))
}

/// Checks a document read from a file, Markdown or Word.
pub fn check_source(linter: &Linter, path: String, source: &Source, finish: Finish) -> FileReport {
    let shown = path.clone();
    isolate::run(|| {
        injected_fault(&source.text);
        match source.format {
            Format::Markdown => checked_markdown(linter, path, &source.text, finish),
            Format::Word => {
                let doc = source.document();
                let mut linted = Linted::whole(linter, &doc, true);
                // Without a heading, the title in the document's properties names it.
                if linted.metrics.title.is_none() {
                    linted.metrics.title.clone_from(&source.title);
                }
                checked(path, &source.text, linted, finish)
            }
        }
    })
    .unwrap_or_else(|p| crashed(shown, p, finish))
}

fn checked_text(linter: &Linter, path: String, text: &str, finish: Finish) -> FileReport {
    injected_fault(text);
    checked_markdown(linter, path, text, finish)
}

/// A Markdown document: parsed whole, or in pieces when it is long
/// ([`crate::document::Pieces`]), so that memory stays near the size of its text.
fn checked_markdown(linter: &Linter, path: String, text: &str, finish: Finish) -> FileReport {
    let Some(piece_bytes) = in_pieces(text) else {
        let doc = Document::parse(text);
        return checked(path, text, Linted::whole(linter, &doc, false), finish);
    };
    let lines = LineIndex::new(text);
    let pieces = Pieces::new(text, &lines, piece_bytes);
    let (diagnostics, metrics) = linter.lint_pieces(text, &lines, pieces);
    let linted = Linted {
        diagnostics,
        metrics,
        lines: &lines,
        doc: None,
    };
    checked(path, text, linted, finish)
}

/// Whether a Markdown text is long enough to be parsed in pieces, and of what size.
/// For tests, `TENDERLINT_PIECE_BYTES=N` parses every text over N bytes in pieces of at
/// least N bytes (0: every text, cut wherever it can be), so that the whole test suite
/// can run through the pieces.
fn in_pieces(text: &str) -> Option<usize> {
    static SET: OnceLock<Option<usize>> = OnceLock::new();
    let set = SET.get_or_init(|| {
        std::env::var("TENDERLINT_PIECE_BYTES")
            .ok()
            .and_then(|n| n.parse().ok())
    });
    match *set {
        Some(n) => (text.len() > n || n == 0).then_some(n),
        None => (text.len() > LONG_DOCUMENT).then_some(PIECE_BYTES),
    }
}

/// A document's findings, located, with what rendering them needs: the line index of
/// its text and, for a Word document, its model.
struct Linted<'a> {
    diagnostics: Vec<Diagnostic>,
    metrics: crate::metrics::Metrics,
    lines: &'a LineIndex,
    doc: Option<&'a Document<'a>>,
}

impl<'a> Linted<'a> {
    /// `doc` linted whole, its findings located; `model`: rendered from its blocks (a
    /// Word document) rather than from its Markdown text.
    fn whole(linter: &Linter, doc: &'a Document<'a>, model: bool) -> Self {
        let (mut diagnostics, metrics) = linter.lint_with_metrics(doc);
        Locator::new(doc).locate_all(&mut diagnostics);
        Linted {
            diagnostics,
            metrics,
            lines: &doc.lines,
            doc: model.then_some(doc),
        }
    }
}

fn checked(path: String, text: &str, linted: Linted, finish: Finish) -> FileReport {
    let Linted {
        mut diagnostics,
        metrics,
        lines,
        doc,
    } = linted;
    if let Some(o) = finish.overrides {
        crate::resolve::overridden(o, Path::new(&path), &mut diagnostics);
    }
    let (baselined, fixed) = match finish.baseline {
        Some(b) => b.apply(&path, &mut diagnostics),
        None => (0, Vec::new()),
    };
    let mut rendered = match (finish.human, finish.html, doc) {
        (Some(h), _, _) => h.render_file(&path, text, lines, &diagnostics),
        (None, Some(h), Some(doc)) => h.render_blocks(&path, doc, &diagnostics),
        (None, Some(h), None) => h.render_document(&path, text, &diagnostics, in_pieces(text)),
        (None, None, _) => String::new(),
    };
    if finish.stats && finish.human.is_some() {
        let shown = crate::excerpt::escape(&path);
        rendered.push_str(&format!("{shown}\n{}\n", metrics.describe()));
    }
    FileReport {
        path,
        result: Ok(diagnostics),
        rendered,
        baselined,
        fixed,
        metrics: Some(metrics),
        tender: None,
    }
}

/// One file of a tender: scanned, its document dropped, waiting for the tender's
/// judgement.
struct Member {
    path: String,
    text: String,
    lines: LineIndex,
    located: Located,
    scanned: Scanned,
    wanted: bool,
}

/// Checks the files of one tender together. `buffer` is text that replaces a file's
/// contents on disk (an editor's buffer, or standard input). Reports are made for the
/// files asked for, and for any other file that a finding about the tender is anchored
/// in; a file that cannot be read is reported whether asked for or not, since the
/// tender was judged without it.
pub fn check_pack(
    linter: &Linter,
    plan: &PackPlan,
    buffer: Option<(&Path, &Source)>,
    finish: Finish,
) -> (Vec<FileReport>, TenderReport) {
    let tender = &plan.tender;
    let buffer = buffer.map(|(p, source)| (files::absolute(p), source));
    let read: Vec<Result<Member, FileError>> = plan
        .files
        .par_iter()
        .zip(&plan.wanted)
        .map(|(path, &wanted)| {
            let scan = || {
                let source = match &buffer {
                    Some((p, source)) if *p == files::absolute(path) => (*source).clone(),
                    _ => files::read_source(path)?,
                };
                injected_fault(&source.text);
                let pieces = match source.format {
                    Format::Markdown => in_pieces(&source.text),
                    Format::Word => None,
                };
                // A long document is scanned in pieces, as when it is checked alone.
                let (lines, scanned, located) = match pieces {
                    Some(bytes) => {
                        let lines = LineIndex::new(&source.text);
                        let pieces = Pieces::new(&source.text, &lines, bytes);
                        let (scanned, places) = linter.scan_pieces(&source.text, &lines, pieces);
                        (lines, scanned, Located::Pieces(places))
                    }
                    None => {
                        let doc = source.document();
                        let scanned = linter.scan(&doc);
                        let located = Located::Whole(Locator::new(&doc));
                        (doc.lines.into_owned(), scanned, located)
                    }
                };
                Ok(Member {
                    path: files::display(path),
                    text: source.text,
                    lines,
                    located,
                    scanned,
                    wanted,
                })
            };
            isolate::run(scan).unwrap_or_else(|p| Err(crash_error(&files::display(path), p)))
        })
        .collect();
    let mut members = Vec::new();
    let mut reports = Vec::new();
    let mut searched = Vec::new();
    for (path, r) in plan.files.iter().zip(read) {
        match r {
            Ok(m) => {
                searched.push(tender.short_name(path));
                members.push(m);
            }
            Err(e) => reports.push(unreadable(e.path.clone(), e, finish)),
        }
    }
    let pack = Pack {
        id: tender.id.clone(),
        name: tender.name.clone(),
        files: searched,
    };

    let facts: Vec<_> = members.iter().map(|m| &m.scanned.facts).collect();
    // A panic while judging the tender costs the tender's own findings, reported
    // against its tender.toml; each file's own findings still follow.
    let mut judged = match isolate::run(|| linter.judge(&facts, Some(&pack))) {
        Ok(judged) => judged,
        Err(p) => {
            let path = files::display(&tender.root.join(crate::tender::FILE_NAME));
            reports.push(crashed(path, p, finish));
            Vec::new()
        }
    };
    // Suppression comments in the file a tender's finding is anchored in apply to it.
    judged.retain(|(i, d)| !members[*i].scanned.suppressions.hides(d));
    let (baselined, fixed) = match finish.baseline {
        Some(b) => b.apply_tender(&tender.id, &mut judged),
        None => (0, Vec::new()),
    };
    for (i, d) in judged {
        members[i].scanned.diagnostics.push(d);
    }
    let crashes: Vec<Option<FileReport>> = members
        .par_iter_mut()
        .map(|m| {
            let s = &mut m.scanned;
            let done = isolate::run(|| {
                linter.finish(&m.text, &m.lines, &mut s.suppressions, &mut s.diagnostics);
                m.located.locate_all(&mut s.diagnostics);
            });
            done.err().map(|p| crashed(m.path.clone(), p, finish))
        })
        .collect();
    // A file whose findings could not be finished is reported as failed, not as clean.
    let mut failed = crashes.iter().map(Option::is_some);
    members.retain(|_| !failed.next().unwrap_or(false));
    reports.extend(crashes.into_iter().flatten());
    let facts: Vec<_> = members.iter().map(|m| &m.scanned.facts).collect();
    let all = members.iter().flat_map(|m| &m.scanned.diagnostics);
    let mut metrics = linter.metrics(&facts, all);
    let paths: Vec<String> = members.iter().map(|m| m.path.clone()).collect();
    metrics.name_files(&paths);

    let finished: Vec<FileReport> = members
        .into_par_iter()
        .filter_map(|m| {
            let path = m.path.clone();
            isolate::run(|| finish_member(m, tender.id.clone(), finish))
                .unwrap_or_else(|p| Some(crashed(path, p, finish)))
        })
        .collect();
    reports.extend(finished);
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    // The tender's own baseline figures go with its first report, for the summary.
    if let Some(first) = reports.first_mut() {
        first.baselined += baselined;
        first.fixed.extend(fixed);
    }
    let report = TenderReport {
        id: tender.id.clone(),
        name: tender.name.clone(),
        root: files::display(&tender.root),
        files: plan.files.iter().map(|p| files::display(p)).collect(),
        metrics,
    };
    (reports, report)
}

/// The report of one file of a tender: a file not asked for keeps only the tender's
/// findings anchored in it, and has no report when there are none.
fn finish_member(m: Member, tender: std::sync::Arc<str>, finish: Finish) -> Option<FileReport> {
    let mut diagnostics: Vec<Diagnostic> = m.scanned.diagnostics;
    if let Some(o) = finish.overrides {
        crate::resolve::overridden(o, Path::new(&m.path), &mut diagnostics);
    }
    if !m.wanted {
        diagnostics.retain(|d| d.tender.is_some());
        if diagnostics.is_empty() {
            return None;
        }
    }
    let (baselined, fixed) = match finish.baseline {
        Some(b) => b.apply(&m.path, &mut diagnostics),
        None => (0, Vec::new()),
    };
    let rendered = match (finish.human, finish.html) {
        (Some(h), _) => h.render_file(&m.path, &m.text, &m.lines, &diagnostics),
        (None, Some(h)) => h.render_document(&m.path, &m.text, &diagnostics, in_pieces(&m.text)),
        (None, None) => String::new(),
    };
    Some(FileReport {
        path: m.path,
        result: Ok(diagnostics),
        rendered,
        baselined,
        fixed,
        metrics: None,
        tender: Some(tender),
    })
}
