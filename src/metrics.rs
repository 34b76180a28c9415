//! Figures about one document, for `check --stats` and the JSON `files` list: how many
//! performance-centric clauses it has, how many patient-outcome measures it names, which
//! partnership ingredients it carries, and an outcome-focus score that combines them.
//!
//! Everything comes from the rules as data, so user rules take part:
//! - a performance-centric clause is a clause-level finding (pattern or table rule) of a
//!   rule whose `category` is `performance-centric`, after suppressions;
//! - an outcome measure is a match of a `require` rule whose `category` is
//!   `patient-outcomes`;
//! - an ingredient is any `require` rule: present when the document satisfies it.
//!
//! The outcome-focus score, between 0 and 1, is the mean of two shares:
//! `ingredients present / ingredients` and
//! `outcome measures / (outcome measures + performance-centric clauses)` (0 when both
//! counts are 0). A tender with every ingredient and no performance-centric clause scores
//! 1; one with none of them and only penalty clauses scores 0.

use serde::Serialize;
use std::sync::Arc;

pub const PERFORMANCE_CENTRIC: &str = "performance-centric";
pub const PATIENT_OUTCOMES: &str = "patient-outcomes";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ingredient {
    /// The ingredient's short name: its rule id without `missing-`.
    pub name: String,
    /// The `require` rule that looks for it.
    pub rule: Arc<str>,
    pub present: bool,
    /// Where the document first says it: why the rule did not fire (or, below its `min`,
    /// the one mention it found). None when nothing matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// The first words of a document that match a `require` rule, as a finding would point
/// at them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The file, in a tender judged over several files; None for one document. In JSON a
    /// byte of its name that is not UTF-8 is U+FFFD, as in every `path` there.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "lossy_path")]
    pub path: Option<String>,
    /// 1-based, as the findings' `span.start` gives them (for Word, the paragraph).
    pub line: usize,
    pub column: usize,
    /// The words matched.
    pub text: String,
    /// Which of the files judged together holds it (see [`Metrics::name_files`]).
    #[serde(skip)]
    pub file: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub performance_clauses: usize,
    pub outcome_measures: usize,
    pub ingredients: Vec<Ingredient>,
    /// Between 0 and 1, rounded to two decimals; see the module documentation.
    pub outcome_focus: f64,
    /// The document's title: its first heading, else, for Word, the title in its properties
    /// (a report names the tender by it).
    #[serde(skip)]
    pub title: Option<String>,
}

impl Metrics {
    pub fn new(
        performance_clauses: usize,
        outcome_measures: usize,
        ingredients: Vec<Ingredient>,
    ) -> Self {
        let present = ingredients.iter().filter(|i| i.present).count();
        let balance = if outcome_measures + performance_clauses == 0 {
            0.0
        } else {
            outcome_measures as f64 / (outcome_measures + performance_clauses) as f64
        };
        let score = if ingredients.is_empty() {
            balance
        } else {
            (present as f64 / ingredients.len() as f64 + balance) / 2.0
        };
        Metrics {
            performance_clauses,
            outcome_measures,
            ingredients,
            outcome_focus: (score * 100.0).round() / 100.0,
            title: None,
        }
    }

    /// The ingredient's name for a `require` rule id.
    pub fn ingredient_name(rule: &str) -> String {
        rule.strip_prefix("missing-")
            .unwrap_or(rule)
            .replace('-', " ")
    }

    /// Names the file of each ingredient's evidence, for a tender judged over `paths`.
    pub fn name_files(&mut self, paths: &[String]) {
        for e in self
            .ingredients
            .iter_mut()
            .filter_map(|i| i.evidence.as_mut())
        {
            e.path = paths.get(e.file).cloned();
        }
    }

    /// A few lines for people, as `check --stats` prints them under each file.
    pub fn describe(&self) -> String {
        let present: Vec<String> = self
            .ingredients
            .iter()
            .filter(|i| i.present)
            .map(|i| match &i.evidence {
                Some(e) => format!("{} ({})", i.name, e.describe()),
                None => i.name.clone(),
            })
            .collect();
        let missing: Vec<&str> = self
            .ingredients
            .iter()
            .filter(|i| !i.present)
            .map(|i| i.name.as_str())
            .collect();
        fn list<S: AsRef<str>>(v: &[S]) -> String {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ")
            }
        }
        format!(
            "  outcome focus {:.2}: {} outcome measure(s) against {} performance-centric clause(s); \
             {} of {} partnership ingredients\n    present: {}\n    missing: {}\n",
            self.outcome_focus,
            self.outcome_measures,
            self.performance_clauses,
            present.len(),
            self.ingredients.len(),
            list(&present),
            list(&missing)
        )
    }
}

fn lossy_path<S: serde::Serializer>(path: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(p) => s.serialize_str(&crate::files::lossy(p)),
        None => s.serialize_none(),
    }
}

impl Evidence {
    /// "line 12: “patient panel”", with the file first in a tender of several.
    /// Control characters are shown as visible stand-ins, as in all human output.
    pub fn describe(&self) -> String {
        let words = self.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let text: String = words.chars().take(60).collect();
        let cut = if text.len() < words.len() { "…" } else { "" };
        let text = crate::excerpt::escape(&text);
        match &self.path {
            Some(p) => {
                let p = crate::excerpt::escape(p);
                format!("{p} line {}: “{text}{cut}”", self.line)
            }
            None => format!("line {}: “{text}{cut}”", self.line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingredients(present: usize, of: usize) -> Vec<Ingredient> {
        (0..of)
            .map(|i| Ingredient {
                name: format!("i{i}"),
                rule: Arc::from(format!("missing-i{i}")),
                present: i < present,
                evidence: None,
            })
            .collect()
    }

    #[test]
    fn the_score_is_the_mean_of_ingredients_and_balance() {
        assert_eq!(Metrics::new(0, 4, ingredients(5, 5)).outcome_focus, 1.0);
        assert_eq!(Metrics::new(9, 0, ingredients(0, 5)).outcome_focus, 0.0);
        assert_eq!(Metrics::new(0, 0, ingredients(0, 5)).outcome_focus, 0.0);
        // 2 of 5 ingredients (0.4) and 1 measure against 3 clauses (0.25): 0.325.
        assert_eq!(Metrics::new(3, 1, ingredients(2, 5)).outcome_focus, 0.33);
        // With no require rule enabled, the balance alone.
        assert_eq!(Metrics::new(1, 1, vec![]).outcome_focus, 0.5);
    }

    #[test]
    fn evidence_is_described_on_one_line_with_controls_shown() {
        let mut e = Evidence {
            path: None,
            line: 12,
            column: 3,
            text: "patient\n  panel\u{1b}[2J".to_string(),
            file: 1,
        };
        assert_eq!(e.describe(), "line 12: “patient panel␛[2J”");
        e.text = "x".repeat(70);
        assert_eq!(e.describe(), format!("line 12: “{}…”", "x".repeat(60)));
        let mut m = Metrics::new(0, 1, ingredients(1, 1));
        m.ingredients[0].evidence = Some(e);
        m.name_files(&["a.md".to_string(), "b.md".to_string()]);
        let shown = m.describe();
        assert!(shown.contains("present: i0 (b.md line 12: “"), "{shown}");
    }

    #[test]
    fn a_file_name_that_is_not_utf8_is_given_as_every_json_path_is() {
        // Inside a run a byte that is not UTF-8 is a private-use character.
        let e = Evidence {
            path: Some("caf\u{10FFE9}.md".to_string()),
            line: 1,
            column: 1,
            text: "x".to_string(),
            file: 0,
        };
        let json = serde_json::to_string(&e).unwrap_or_default();
        assert!(json.contains("\"path\":\"caf\u{FFFD}.md\""), "{json}");
    }

    #[test]
    fn ingredient_names_drop_the_missing_prefix() {
        assert_eq!(
            Metrics::ingredient_name("missing-joint-governance"),
            "joint governance"
        );
        assert_eq!(Metrics::ingredient_name("team-rule"), "team rule");
    }
}
