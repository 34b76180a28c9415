//! The built-in rule packs: the files in `rules/`, embedded in the binary.
//! They use exactly the format users write, and load through the same path.

use crate::error::TomlFile;

/// Every file in `rules/`. A test checks that this list and the directory agree.
pub const PACKS: &[(&str, &str)] = &[
    (
        "rules/concepts.toml",
        include_str!("../rules/concepts.toml"),
    ),
    ("rules/payment.toml", include_str!("../rules/payment.toml")),
    (
        "rules/specification.toml",
        include_str!("../rules/specification.toml"),
    ),
    (
        "rules/outcomes.toml",
        include_str!("../rules/outcomes.toml"),
    ),
    (
        "rules/partnership.toml",
        include_str!("../rules/partnership.toml"),
    ),
];

pub fn files() -> Vec<TomlFile> {
    PACKS
        .iter()
        .map(|(name, text)| TomlFile {
            trusted: true,
            ..TomlFile::new(*name, *text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_rules_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| format!("rules/{}", e.file_name().to_string_lossy()))
                    .filter(|n| n.ends_with(".toml"))
                    .collect()
            })
            .unwrap_or_default();
        on_disk.sort();
        let mut embedded: Vec<String> = PACKS.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    /// The built-in files load trusted: their patterns compile on first use, not when
    /// they load. This is the check that loading skips: every one of them compiles, as
    /// a user's rule file must.
    #[test]
    fn every_built_in_pattern_compiles() {
        let untrusted: Vec<TomlFile> = PACKS
            .iter()
            .map(|(name, text)| TomlFile::new(*name, *text))
            .collect();
        assert!(files().iter().all(|f| f.trusted));
        if let Err(e) = crate::rules::RuleSet::load(&untrusted) {
            panic!("{e:?}");
        }
    }

    #[test]
    fn built_in_rules_load() {
        let set = crate::rules::RuleSet::load(&files()).unwrap_or_else(|e| panic!("{e:?}"));
        for id in [
            "service-credits",
            "payment-deduction",
            "volume-payment",
            "missing-patient-outcomes",
        ] {
            assert!(set.get(id).is_some(), "missing built-in rule {id}");
        }
    }

    /// `tenderlint explain` shows each rule's example and better wording: the example
    /// must be flagged by that rule and the better wording must not be.
    #[test]
    fn every_explain_example_is_flagged_and_every_better_wording_is_not() {
        let set = crate::rules::RuleSet::load(&files()).unwrap_or_else(|e| panic!("{e:?}"));
        let linter = crate::engine::Linter::new(set.clone());
        for rule in &set.rules {
            // A metric rule's example describes a whole document; the fixture
            // fixtures/rigid-specification.md is the flagged example.
            if rule.kind == crate::rules::Kind::Metric {
                continue;
            }
            let fires = |text: &str| {
                let doc = crate::document::Document::parse(text);
                linter.lint(&doc).iter().any(|d| d.rule == rule.id)
            };
            let example = rule
                .example
                .as_deref()
                .unwrap_or_else(|| panic!("{} has no example", rule.id));
            let better = rule
                .better
                .as_deref()
                .unwrap_or_else(|| panic!("{} has no better wording", rule.id));
            assert!(
                fires(example),
                "{}: its example is not flagged: {example}",
                rule.id
            );
            assert!(
                !fires(better),
                "{}: its better wording is flagged: {better}",
                rule.id
            );
            // The officer has the publications, not the brief that summarises them.
            let cited = ["Tim Coney", "Practicus", "Health Foundation", "ImproveWell"];
            assert!(
                cited.iter().any(|p| rule.rationale.contains(p)),
                "{}: the rationale must cite a publication by name",
                rule.id
            );
            assert!(
                !rule.rationale.contains("domain brief") && !rule.rationale.contains("finding "),
                "{}: the rationale cites the publication, not the brief's numbering",
                rule.id
            );
        }
    }

    /// Start-up is mostly regex compilation. A Unicode `\w` or `\d` compiles to a large
    /// automaton, repeated for every copy of a bounded repetition such as
    /// `(?:[^.;]|\.\d){0,60}`: `\w` was about a fifth of the built-in rules' compile
    /// time, `\d` a third. The built-in rules spell them `[[:word:]]` and `[0-9]`, which
    /// are ASCII. Measured on the real corpus and CUAD: the same findings either way.
    #[test]
    fn built_in_patterns_use_ascii_word_and_digit_classes() {
        for f in files() {
            for class in ["\\w", "\\d"] {
                let unicode = f
                    .text
                    .match_indices(class)
                    .filter(|(i, _)| !f.text[..*i].ends_with('\\'));
                assert_eq!(
                    unicode.count(),
                    0,
                    "{}: {class} is Unicode; use an ASCII class",
                    f.name
                );
            }
        }
    }
}
