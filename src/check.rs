//! The `check` flow, one file at a time and files in parallel:
//! path -> text ([`files`]) -> [`Document`] -> [`Linter::lint`] -> [`FileReport`].
//!
//! Each document is dropped as soon as its report is made, so memory follows the
//! largest file rather than the whole tree.

use crate::document::Document;
use crate::engine::Linter;
use crate::files;
use crate::report::human::Human;
use crate::report::FileReport;
use rayon::prelude::*;
use std::path::PathBuf;

/// Checks every file, in parallel, returning reports in the order of `paths`.
/// `human` renders each file's findings while its text is still in memory.
pub fn check_files(linter: &Linter, paths: &[PathBuf], human: Option<&Human>) -> Vec<FileReport> {
    paths
        .par_iter()
        .map(|p| check_file(linter, p, human))
        .collect()
}

pub fn check_file(linter: &Linter, path: &std::path::Path, human: Option<&Human>) -> FileReport {
    let shown = files::display(path);
    match files::read(path) {
        Err(e) => {
            let rendered = human.map(|h| h.render_error(&e)).unwrap_or_default();
            FileReport {
                path: shown,
                result: Err(e),
                rendered,
            }
        }
        Ok(text) => check_text(linter, shown, &text, human),
    }
}

/// Checks text that is already in memory, reported under the name `path`.
pub fn check_text(linter: &Linter, path: String, text: &str, human: Option<&Human>) -> FileReport {
    let doc = Document::parse(text);
    let diagnostics = linter.lint(&doc);
    let rendered = human
        .map(|h| h.render_file(&path, text, &doc.lines, &diagnostics))
        .unwrap_or_default();
    FileReport {
        path,
        result: Ok(diagnostics),
        rendered,
    }
}
