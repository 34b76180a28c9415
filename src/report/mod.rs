//! Diagnostics -> text. One file per output format.

pub mod human;
pub mod json;

use crate::diagnostic::{Diagnostic, Severity};
use crate::files::FileError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Annotated source excerpts for people, with a summary line.
    Human,
    /// One JSON object for editors and scripts.
    Json,
}

/// What checking one file produced.
#[derive(Debug)]
pub struct FileReport {
    pub path: String,
    pub result: Result<Vec<Diagnostic>, FileError>,
    /// Output rendered while the document was still in memory (human format only).
    pub rendered: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Files that could not be read (each also listed under `file_errors`).
    pub file_errors: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport], unreachable: &[FileError]) -> Summary {
        let mut s = Summary {
            file_errors: unreachable.len(),
            ..Summary::default()
        };
        for r in reports {
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
