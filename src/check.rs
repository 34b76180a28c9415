//! The `check` flow, one file at a time and files in parallel:
//! path -> text ([`files`]) -> [`Document`] -> [`Linter::lint`] -> [`FileReport`].
//!
//! Each document is dropped as soon as its report is made, so memory follows the
//! largest file rather than the whole tree.

use crate::baseline::Baseline;
use crate::document::Document;
use crate::engine::Linter;
use crate::files;
use crate::report::human::Human;
use crate::report::FileReport;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

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
    match files::read(path) {
        Err(e) => unreadable(shown, e, finish),
        Ok(text) => check_text(linter, shown, &text, finish),
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
    }
}

/// Checks text that is already in memory (a file, or standard input), reported under
/// the name `path`.
pub fn check_text(linter: &Linter, path: String, text: &str, finish: Finish) -> FileReport {
    let doc = Document::parse(text);
    let (mut diagnostics, metrics) = linter.lint_with_metrics(&doc);
    let (baselined, fixed) = match finish.baseline {
        Some(b) => b.apply(&path, &mut diagnostics),
        None => (0, Vec::new()),
    };
    let mut rendered = match (finish.human, finish.html) {
        (Some(h), _) => h.render_file(&path, text, &doc.lines, &diagnostics),
        (None, Some(h)) => h.render_document(&path, &doc, &diagnostics),
        (None, None) => String::new(),
    };
    if finish.stats && finish.human.is_some() {
        rendered.push_str(&format!("{path}\n{}\n", metrics.describe()));
    }
    FileReport {
        path,
        result: Ok(diagnostics),
        rendered,
        baselined,
        fixed,
        metrics: Some(metrics),
    }
}
