//! `--format json`: exactly one JSON object on stdout.
//!
//! ```json
//! {"version": 1, "tool": {"name": "tenderlint", "version": "0.1.0"},
//!  "diagnostics": [{"path", "rule", "severity", "message", "help",
//!                   "span": {"offset", "length", "start": {"line", "column"}, "end": {...}}}],
//!  "file_errors": [{"path", "message", "help"}],
//!  "summary": {"files", "errors", "warnings", "infos", "file_errors"}}
//! ```

use super::{FileReport, Summary};
use crate::files::FileError;
use serde_json::{json, Value};

pub const VERSION: u32 = 1;

pub fn render(reports: &[FileReport], unreachable: &[FileError], summary: &Summary) -> String {
    let mut diagnostics = Vec::new();
    let mut file_errors: Vec<Value> = unreachable.iter().map(error).collect();
    for r in reports {
        match &r.result {
            Ok(diags) => diagnostics.extend(diags.iter().map(|d| {
                json!({
                    "path": r.path,
                    "rule": &*d.rule,
                    "severity": d.severity,
                    "message": d.message,
                    "help": d.help,
                    "span": d.span,
                })
            })),
            Err(e) => file_errors.push(error(e)),
        }
    }
    let doc = json!({
        "version": VERSION,
        "tool": { "name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION") },
        "diagnostics": diagnostics,
        "file_errors": file_errors,
        "summary": summary,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn error(e: &FileError) -> Value {
    json!({ "path": e.path, "message": e.message, "help": e.help })
}
