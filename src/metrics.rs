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

    /// A few lines for people, as `check --stats` prints them under each file.
    pub fn describe(&self) -> String {
        let present: Vec<&str> = self
            .ingredients
            .iter()
            .filter(|i| i.present)
            .map(|i| i.name.as_str())
            .collect();
        let missing: Vec<&str> = self
            .ingredients
            .iter()
            .filter(|i| !i.present)
            .map(|i| i.name.as_str())
            .collect();
        let list = |v: &[&str]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ingredients(present: usize, of: usize) -> Vec<Ingredient> {
        (0..of)
            .map(|i| Ingredient {
                name: format!("i{i}"),
                rule: Arc::from(format!("missing-i{i}")),
                present: i < present,
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
    fn ingredient_names_drop_the_missing_prefix() {
        assert_eq!(
            Metrics::ingredient_name("missing-joint-governance"),
            "joint governance"
        );
        assert_eq!(Metrics::ingredient_name("team-rule"), "team rule");
    }
}
