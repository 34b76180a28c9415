//! Diagnostics -> text. One file per output format; each renders an [`Outcome`].

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod verdict;

use crate::diagnostic::{Diagnostic, Severity};
use crate::files::FileError;
use crate::rules::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Annotated source excerpts for people, with a summary line.
    Human,
    /// One JSON object for editors and scripts.
    Json,
    /// One JSON object per diagnostic, one per line.
    JsonLines,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// JUnit XML, for CI systems that read test reports.
    Junit,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// What checking one file produced.
#[derive(Debug)]
pub struct FileReport {
    pub path: String,
    pub result: Result<Vec<Diagnostic>, FileError>,
    /// Output rendered while the document was still in memory (human format, or the
    /// HTML report's marked-up document).
    pub rendered: String,
    /// Findings hidden because the baseline records them.
    pub baselined: usize,
    /// Baseline entries for this file that matched no finding: fixed since.
    pub fixed: Vec<crate::baseline::Entry>,
    /// Figures about the document (None when it could not be read, or when it belongs
    /// to a tender, which has the figures instead).
    pub metrics: Option<crate::metrics::Metrics>,
    /// The id of the tender the file belongs to, if any.
    pub tender: Option<std::sync::Arc<str>>,
}

/// A tender whose files were judged together ([`crate::tender`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TenderReport {
    /// What the baseline knows it by: its folder, or its name in `tenderlint.toml`.
    pub id: std::sync::Arc<str>,
    pub name: String,
    /// The folder its globs are relative to.
    pub root: String,
    /// Every file of the tender, main file first, as checked.
    pub files: Vec<String>,
    /// Figures of the tender as a whole.
    pub metrics: crate::metrics::Metrics,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Files that could not be read (each also listed under `file_errors`).
    pub file_errors: usize,
    /// Findings hidden because the baseline already records them.
    pub baselined: usize,
}

impl Summary {
    /// Adds the figures of another part of the run.
    pub fn add(&mut self, other: &Summary) {
        self.files += other.files;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.file_errors += other.file_errors;
        self.baselined += other.baselined;
    }

    pub fn of<'r>(
        reports: impl IntoIterator<Item = &'r FileReport>,
        unreadable: &[FileError],
    ) -> Summary {
        let mut s = Summary {
            file_errors: unreadable.len(),
            ..Summary::default()
        };
        for r in reports {
            s.baselined += r.baselined;
            match &r.result {
                Ok(diags) => {
                    s.files += 1;
                    for d in diags {
                        match d.severity {
                            Severity::Error => s.errors += 1,
                            Severity::Warning => s.warnings += 1,
                            Severity::Info => s.infos += 1,
                        }
                    }
                }
                Err(_) => s.file_errors += 1,
            }
        }
        s
    }
}

/// Everything a run produced, as every machine-readable format needs it.
pub struct Outcome<'a> {
    pub reports: &'a [FileReport],
    /// Paths that failed before any file could be read (missing, symlink loops).
    pub unreadable: &'a [FileError],
    pub summary: Summary,
    /// The tenders whose files were judged together.
    pub tenders: &'a [TenderReport],
    /// Every rule loaded, enabled or not, for formats that describe the rules (SARIF).
    pub catalogue: &'a [Rule],
}

impl Outcome<'_> {
    /// Every diagnostic with its file's path, in report order.
    pub fn diagnostics(&self) -> impl Iterator<Item = (&str, &Diagnostic)> {
        self.reports.iter().flat_map(|r| {
            let diags: &[Diagnostic] = r.result.as_deref().unwrap_or(&[]);
            diags.iter().map(move |d| (r.path.as_str(), d))
        })
    }

    /// Every file that could not be checked.
    pub fn file_errors(&self) -> impl Iterator<Item = &FileError> {
        self.unreadable
            .iter()
            .chain(self.reports.iter().filter_map(|r| r.result.as_ref().err()))
    }
}
