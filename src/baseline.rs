//! Baselines: record today's findings so that a check reports only new ones.
//!
//! A finding is keyed by its file (or, for a finding about a whole tender, the tender's
//! id), its rule and its fingerprint (the rule id plus the normalised text of its own
//! clause), never by line number, so editing other paragraphs or renumbering clauses
//! leaves the baseline valid. Keys are counted: two identical clauses in one file need
//! two entries.
//!
//! Version 2 fingerprints a finding by its numbered clause within the sentence (see
//! [`crate::document::numbered_clause`]): in text extracted from a PDF a whole numbered
//! list is one sentence, and version 1, which took the whole sentence, lost a finding
//! whenever another clause of the list was renumbered or edited. A version 1 baseline
//! is still read: its entries match a finding by either fingerprint, and writing the
//! baseline again (`--write-baseline`) makes it version 2.

// Without the `cli` feature (the browser build), writing a baseline is the command line's alone.
#![cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]

use crate::diagnostic::Diagnostic;
use crate::report::FileReport;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    /// For the reader of the file; not part of the key.
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// A loaded baseline, read-only, shared by the threads that check files.
#[derive(Debug, Default)]
pub struct Baseline {
    by_path: BTreeMap<String, Vec<Entry>>,
    /// Version 1 entries hold whole-sentence fingerprints.
    version: u32,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = crate::input::read_text(path, crate::input::BASELINE)
            .map_err(|e| format!("the baseline {} {e}", path.display()))?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is not a tenderlint baseline (line {}, column {}): {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if !(1..=VERSION).contains(&file.version) {
            return Err(format!(
                "{} is a version {} baseline; this tenderlint reads versions 1 to {VERSION}",
                path.display(),
                file.version
            ));
        }
        let mut by_path: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
        for e in file.findings {
            by_path.entry(e.path.clone()).or_default().push(e);
        }
        Ok(Baseline {
            by_path,
            version: file.version,
        })
    }

    /// Whether entry `e` records finding `d`.
    fn records(&self, e: &Entry, d: &Diagnostic) -> bool {
        *e.rule == *d.rule
            && (e.fingerprint == d.fingerprint
                || (self.version == 1
                    && d.sentence_fingerprint.as_deref() == Some(e.fingerprint.as_str())))
    }

    /// Removes from `diags` (the findings of the file at `path`) those the baseline
    /// records. Returns how many were hidden, and the entries that matched nothing:
    /// findings fixed since the baseline was written. A tender's findings are left for
    /// [`Baseline::apply_tender`].
    pub fn apply(&self, path: &str, diags: &mut Vec<Diagnostic>) -> (usize, Vec<Entry>) {
        self.remove(path, diags, |d| d.tender.is_none().then_some(d))
    }

    /// As [`Baseline::apply`] for the findings of one tender, wherever they are
    /// anchored: they are recorded under the tender's id, not a file's path, so that
    /// renaming files within the tender keeps them.
    pub fn apply_tender(
        &self,
        id: &str,
        found: &mut Vec<(usize, Diagnostic)>,
    ) -> (usize, Vec<Entry>) {
        self.remove(id, found, |(_, d)| Some(d))
    }

    /// Removes the items whose finding (`None`: not this key's to judge) has an entry.
    fn remove<T>(
        &self,
        key: &str,
        items: &mut Vec<T>,
        finding: impl Fn(&T) -> Option<&Diagnostic>,
    ) -> (usize, Vec<Entry>) {
        let mut left: Vec<Entry> = self.by_path.get(key).cloned().unwrap_or_default();
        let before = items.len();
        items.retain(|item| {
            let Some(d) = finding(item) else {
                return true;
            };
            let at = left.iter().position(|e| self.records(e, d));
            match at {
                Some(i) => {
                    left.swap_remove(i);
                    false
                }
                None => true,
            }
        });
        left.sort();
        (before - items.len(), left)
    }
}

impl Baseline {
    /// Which of `diags` (the findings of the file at `path`) the baseline records, in
    /// order, without removing them: the HTML report shows them, marked as known. A
    /// tender's finding is looked up under the tender's id.
    pub fn recorded(&self, path: &str, diags: &[Diagnostic]) -> Vec<bool> {
        let mut known = vec![false; diags.len()];
        let mut keys: Vec<&str> = diags
            .iter()
            .map(|d| d.tender.as_deref().unwrap_or(path))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let mut items: Vec<(usize, &Diagnostic)> = diags
                .iter()
                .enumerate()
                .filter(|(_, d)| d.tender.as_deref().unwrap_or(path) == key)
                .collect();
            let all: Vec<usize> = items.iter().map(|(i, _)| *i).collect();
            self.remove(key, &mut items, |(_, d)| Some(*d));
            for i in all {
                known[i] = !items.iter().any(|(k, _)| *k == i);
            }
        }
        known
    }
}

/// Writes every finding of `reports` as a baseline, atomically (the command line only).
#[cfg(feature = "cli")]
pub fn write(path: &Path, reports: &[FileReport]) -> Result<usize, String> {
    let mut findings: Vec<Entry> = reports
        .iter()
        .flat_map(|r| {
            let diags: &[Diagnostic] = r.result.as_deref().unwrap_or(&[]);
            diags.iter().map(|d| Entry {
                path: d.tender.as_deref().unwrap_or(&r.path).to_string(),
                rule: d.rule.to_string(),
                fingerprint: d.fingerprint.clone(),
                message: d.message.clone(),
            })
        })
        .collect();
    findings.sort();
    let n = findings.len();
    let mut text = serde_json::to_string_pretty(&File {
        version: VERSION,
        findings,
    })
    .map_err(|e| e.to_string())?;
    text.push('\n');
    crate::output::write(path, text.as_bytes())
        .map_err(|e| format!("cannot write the baseline {}: {e}", path.display()))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line_index::LineIndex;
    use std::sync::Arc;

    #[test]
    fn recorded_marks_what_apply_would_hide_one_entry_per_finding() {
        let text = "Service credits apply. Service credits apply. Deductions apply.";
        let lines = LineIndex::new(text);
        let finding = |rule: &str, at: usize, print: &str| Diagnostic {
            rule: Arc::from(rule),
            severity: crate::diagnostic::Severity::Error,
            message: String::new(),
            help: Arc::from(""),
            span: lines.span(text, at, at + 8),
            fingerprint: print.into(),
            sentence_fingerprint: None,
            tender: None,
            location: None,
        };
        let diags = vec![
            finding("service-credits", 0, "a"),
            finding("service-credits", 23, "a"),
            finding("payment-deduction", 46, "b"),
        ];
        let entry = |rule: &str, print: &str| Entry {
            path: "t.md".into(),
            rule: rule.into(),
            fingerprint: print.into(),
            message: String::new(),
        };
        let mut by_path = BTreeMap::new();
        by_path.insert(
            "t.md".to_string(),
            vec![
                entry("service-credits", "a"),
                entry("payment-deduction", "b"),
            ],
        );
        let b = Baseline {
            by_path,
            version: VERSION,
        };
        // Two identical clauses, one entry: only one of them is known.
        assert_eq!(b.recorded("t.md", &diags), vec![true, false, true]);
        assert_eq!(b.recorded("other.md", &diags), vec![false; 3]);
        let mut left = diags.clone();
        assert_eq!(b.apply("t.md", &mut left).0, 2);
    }
}
