//! The verdict a report opens with, as Lighthouse opens with its scores: one plain
//! sentence, the outcome-focus band, and the changes that matter most, which are the
//! findings grouped by rule, the most serious and the most frequent first. Nothing here
//! knows of HTML: the HTML report renders it, and another format could.

use crate::diagnostic::{Diagnostic, Severity};
use crate::metrics::Metrics;

/// A band of the outcome-focus score, as the report's legend names it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub name: &'static str,
    /// The lowest score in the band (the next band's `from` ends it; the last ends at 1).
    pub from: f64,
    pub meaning: &'static str,
}

/// The bands, lowest first. The HTML score bar colours itself by the same cuts.
pub const BANDS: [Band; 3] = [
    Band {
        name: "performance-centric",
        from: 0.0,
        meaning: "penalties, credits and volumes outweigh patient-outcome measures, and most partnership ingredients are missing",
    },
    Band {
        name: "mixed",
        from: 0.4,
        meaning: "some partnership ingredients and outcome measures, alongside performance-centric clauses",
    },
    Band {
        name: "outcome-focused",
        from: 0.7,
        meaning: "patient-outcome measures lead, and most partnership ingredients are in place",
    },
];

/// The band `score` falls in.
pub fn band(score: f64) -> &'static Band {
    BANDS
        .iter()
        .rev()
        .find(|b| score >= b.from)
        .unwrap_or(&BANDS[0])
}

/// What each severity asks of the officer, in the order the report shows them.
pub const SEVERITY_MEANINGS: [(Severity, &str); 3] = [
    (Severity::Error, "change before publishing"),
    (Severity::Warning, "review before publishing"),
    (Severity::Info, "worth considering"),
];

/// How the outcome-focus score is made, in words (see [`crate::metrics`]).
pub const SCORE_METHOD: &str = "The outcome-focus score runs from 0 to 1. Half of it is the share of the five \
partnership ingredients the tender has (patient-outcome measures, the patient's voice, shared goals, joint \
governance, meaningful data); the other half is the share of patient-outcome measures among outcome measures and \
performance-centric clauses together. The tick on the bar marks 0.5, the midpoint.";

/// The findings of one rule: where they are, as indices into the findings they were
/// grouped from.
#[derive(Debug)]
pub struct Group<'d> {
    pub rule: &'d str,
    pub severity: Severity,
    /// (index of the file, index of the finding in that file), in document order.
    pub places: Vec<(usize, usize)>,
    pub first: &'d Diagnostic,
}

/// Groups the findings of one or more files (a tender's files together) by rule: the
/// most serious first, then the most frequent, then in document order. `keep` chooses
/// which findings take part (the clause-level ones, or the document-level ones).
pub fn groups<'d>(
    files: &[&'d [Diagnostic]],
    keep: impl Fn(&Diagnostic) -> bool,
) -> Vec<Group<'d>> {
    let mut out: Vec<Group<'d>> = Vec::new();
    for (f, diags) in files.iter().enumerate() {
        for (i, d) in diags.iter().enumerate() {
            if !keep(d) {
                continue;
            }
            match out.iter_mut().find(|g| g.rule == &*d.rule) {
                Some(g) => {
                    g.places.push((f, i));
                    g.severity = g.severity.max(d.severity);
                }
                None => out.push(Group {
                    rule: &d.rule,
                    severity: d.severity,
                    places: vec![(f, i)],
                    first: d,
                }),
            }
        }
    }
    // A stable sort keeps document order among equals.
    out.sort_by_key(|g| {
        (
            std::cmp::Reverse(g.severity),
            std::cmp::Reverse(g.places.len()),
        )
    });
    out
}

/// Where a finding is, in the fewest words an officer cites it by: its clause number
/// ("3.2"), else its paragraph, else its line.
pub fn place(d: &Diagnostic) -> String {
    match &d.location {
        Some(at) => match &at.clause {
            Some(c) => c.clone(),
            None => format!("paragraph {}", at.paragraph),
        },
        None => format!("line {}", d.span.start.line),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The verdict in one sentence, from the severities of the findings and the figures.
pub fn sentence(errors: usize, warnings: usize, infos: usize, metrics: Option<&Metrics>) -> String {
    let mut s = if errors > 0 {
        let mut s = format!(
            "Not ready to publish: {} to change first",
            count(errors, "finding", "findings")
        );
        if warnings > 0 {
            s.push_str(&format!(
                ", and {} to review",
                count(warnings, "more", "more")
            ));
        }
        s
    } else if warnings > 0 {
        format!(
            "Review before publishing: {} to look at",
            count(warnings, "finding", "findings")
        )
    } else if infos > 0 {
        format!(
            "Ready to publish, with {} worth considering",
            count(infos, "suggestion", "suggestions")
        )
    } else {
        "Ready to publish: nothing needs changing".to_string()
    };
    s.push('.');
    if let Some(m) = metrics {
        let present = m.ingredients.iter().filter(|i| i.present).count();
        s.push_str(&format!(
            " Its outcome focus is {:.2}, {}",
            m.outcome_focus,
            band(m.outcome_focus).name
        ));
        if !m.ingredients.is_empty() {
            s.push_str(&format!(
                ", with {present} of {} partnership ingredients",
                m.ingredients.len()
            ));
        }
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Location, Position, Span};
    use std::sync::Arc;

    fn finding(rule: &str, severity: Severity, clause: Option<&str>) -> Diagnostic {
        let at = Position { line: 3, column: 1 };
        Diagnostic {
            rule: Arc::from(rule),
            severity,
            message: String::new(),
            help: Arc::from("Say what both parties review. Then agree a plan."),
            span: Span {
                offset: 0,
                length: 1,
                start: at,
                end: at,
            },
            fingerprint: String::new(),
            sentence_fingerprint: None,
            tender: None,
            location: Some(Box::new(Location {
                paragraph: 7,
                section: Vec::new(),
                clause: clause.map(str::to_string),
            })),
        }
    }

    #[test]
    fn groups_put_the_most_serious_then_the_most_frequent_first() {
        let a = [
            finding("volume-payment", Severity::Warning, Some("2.1")),
            finding("service-credits", Severity::Error, Some("3.1")),
            finding("volume-payment", Severity::Warning, Some("2.2")),
            finding("reporting-burden", Severity::Warning, None),
        ];
        let b = [finding("service-credits", Severity::Error, Some("3.2"))];
        let g = groups(&[&a, &b], |_| true);
        let order: Vec<&str> = g.iter().map(|g| g.rule).collect();
        assert_eq!(
            order,
            ["service-credits", "volume-payment", "reporting-burden"]
        );
        assert_eq!(g[0].places, [(0, 1), (1, 0)]);
        assert_eq!(place(&a[0]), "2.1");
        assert_eq!(place(&a[3]), "paragraph 7");
    }

    #[test]
    fn the_sentence_says_what_to_do_first() {
        assert!(sentence(2, 1, 0, None).starts_with("Not ready to publish: 2 findings"));
        assert!(sentence(0, 1, 0, None).starts_with("Review before publishing: 1 finding"));
        assert_eq!(
            sentence(0, 0, 0, None),
            "Ready to publish: nothing needs changing."
        );
        let m = Metrics::new(9, 0, Vec::new());
        assert!(
            sentence(1, 0, 0, Some(&m)).ends_with("outcome focus is 0.00, performance-centric.")
        );
        assert_eq!(band(0.4).name, "mixed");
        assert_eq!(band(0.39).name, "performance-centric");
        assert_eq!(band(1.0).name, "outcome-focused");
    }
}
