//! `--format json`: exactly one JSON object on stdout; `--format json-lines`: one
//! diagnostic object per line. Both use the same diagnostic object.
//!
//! ```json
//! {"version": 1, "tool": {"name": "tenderlint", "version": "0.1.0"},
//!  "diagnostics": [{"path", ("path_bytes"), "rule", "severity", "message", "help", "fingerprint",
//!                   "span": {"offset", "length", "start": {"line", "column"}, "end": {...}},
//!                   "location": {"paragraph", "section": [headings], "clause"},
//!                   "tender" (only on a finding about a whole tender)}],
//!  "files": [{"path", "metrics": {"performance_clauses", "outcome_measures",
//!             "ingredients": [{"name", "rule", "present", ("evidence": {("path"), "line",
//!                              "column", "text"})}], "outcome_focus"}}
//!            or, for a file of a tender, {"path", "tender"}],
//!  "tenders": [{"id", "name", "root", "files", "metrics"}],
//!  "file_errors": [{"path", ("path_bytes"), "message", "help"}],
//!  "summary": {"files", "errors", "warnings", "infos", "file_errors", "baselined"}}
//! ```
//! The schema is `schema/diagnostics.schema.json`. A path whose file name is not UTF-8
//! (Linux allows any bytes but `/` and NUL) is given in `path` with U+FFFD for each byte
//! that is not, and exactly in `path_bytes`, the path's bytes as numbers; `path_bytes` is
//! there only then (on diagnostics, files and file errors).

use super::{Outcome, Summary, TenderReport};
use crate::diagnostic::{Diagnostic, Location, Severity, Span};
use crate::files::{lossy, path_bytes};
use crate::metrics::Metrics;
use serde::Serialize;
use std::borrow::Cow;

pub const VERSION: u32 = 1;

/// One diagnostic as JSON. Borrowed, and serialised straight to text: a report with
/// 100,000 findings should not be built as a tree of values first.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    path: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<Vec<u8>>,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: &'a str,
    fingerprint: &'a str,
    span: &'a Span,
    location: Option<&'a Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tender: Option<&'a str>,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(path: &'a str, d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            path: lossy(path),
            path_bytes: path_bytes(path),
            rule: &d.rule,
            severity: d.severity,
            message: &d.message,
            help: &d.help,
            fingerprint: &d.fingerprint,
            span: &d.span,
            location: d.location.as_deref(),
            tender: d.tender.as_deref(),
        }
    }
}

/// A document that was checked: with its figures, or with the tender that has them.
#[derive(Serialize)]
struct JsonFile<'a> {
    path: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<Vec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tender: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<&'a Metrics>,
}

/// A file that could not be checked.
#[derive(Serialize)]
struct JsonFileError<'a> {
    path: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<Vec<u8>>,
    message: &'a str,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    files: Vec<JsonFile<'a>>,
    tenders: &'a [TenderReport],
    file_errors: Vec<JsonFileError<'a>>,
    summary: Summary,
}

/// Writes the report to `out` as it is serialised, without building it in memory.
pub fn write(o: &Outcome, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report(o))?;
    out.write_all(b"\n")
}

fn report<'a>(o: &'a Outcome) -> Report<'a> {
    Report {
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        diagnostics: o
            .diagnostics()
            .map(|(p, d)| JsonDiagnostic::new(p, d))
            .collect(),
        files: o
            .reports
            .iter()
            .filter(|r| r.result.is_ok())
            .map(|r| JsonFile {
                path: lossy(&r.path),
                path_bytes: path_bytes(&r.path),
                tender: r.tender.as_deref(),
                metrics: r.metrics.as_ref(),
            })
            .collect(),
        tenders: o.tenders,
        file_errors: o
            .file_errors()
            .map(|e| JsonFileError {
                path: lossy(&e.path),
                path_bytes: path_bytes(&e.path),
                message: &e.message,
                help: e.help.as_deref(),
            })
            .collect(),
        summary: o.summary,
    }
}

/// One diagnostic per line. Files that could not be read are reported on stderr.
pub fn render_lines(o: &Outcome) -> String {
    let mut out = String::new();
    for (p, d) in o.diagnostics() {
        out.push_str(&serde_json::to_string(&JsonDiagnostic::new(p, d)).unwrap_or_default());
        out.push('\n');
    }
    out
}
