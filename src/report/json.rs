//! `--format json`: exactly one JSON object on stdout; `--format json-lines`: one
//! diagnostic object per line. Both use the same diagnostic object.
//!
//! ```json
//! {"version": 1, "tool": {"name": "tenderlint", "version": "0.1.0"},
//!  "diagnostics": [{"path", "rule", "severity", "message", "help", "fingerprint",
//!                   "span": {"offset", "length", "start": {"line", "column"}, "end": {...}}}],
//!  "file_errors": [{"path", "message", "help"}],
//!  "summary": {"files", "errors", "warnings", "infos", "file_errors", "baselined"}}
//! ```
//! The schema is `schema/diagnostics.schema.json`.

use super::Outcome;
use crate::diagnostic::Diagnostic;
use crate::files::FileError;
use serde_json::{json, Value};

pub const VERSION: u32 = 1;

pub fn diagnostic(path: &str, d: &Diagnostic) -> Value {
    json!({
        "path": path,
        "rule": &*d.rule,
        "severity": d.severity,
        "message": d.message,
        "help": d.help,
        "fingerprint": d.fingerprint,
        "span": d.span,
    })
}

fn file_error(e: &FileError) -> Value {
    json!({ "path": e.path, "message": e.message, "help": e.help })
}

pub fn render(o: &Outcome) -> String {
    let doc = json!({
        "version": VERSION,
        "tool": { "name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION") },
        "diagnostics": o.diagnostics().map(|(p, d)| diagnostic(p, d)).collect::<Vec<_>>(),
        "file_errors": o.file_errors().map(file_error).collect::<Vec<_>>(),
        "summary": o.summary,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// One diagnostic per line. Files that could not be read are reported on stderr.
pub fn render_lines(o: &Outcome) -> String {
    let mut out = String::new();
    for (p, d) in o.diagnostics() {
        out.push_str(&diagnostic(p, d).to_string());
        out.push('\n');
    }
    out
}
