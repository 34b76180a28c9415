//! The built-in rule packs: the files in `rules/`, embedded in the binary.
//! They use exactly the format users write, and load through the same path.

use crate::error::TomlFile;
use crate::matcher::Needs;

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

/// The words each part of the built-in rules' pattern groups needs (see
/// [`crate::matcher::needed_words`]), by the part's regex, sorted: what loading found by
/// parsing every pattern at every start. `src/builtin_needed_words.json` holds them,
/// written by the test `needed_words_are_current`, which fails when the packs change
/// until it is run with `TENDERLINT_BLESS=1`; build.rs makes this table of it. A part
/// that is not listed is parsed, as a user's pattern is, so a stale list costs time, not
/// findings.
static NEEDED_WORDS: &[(&str, &[&[&str]])] = include!(concat!(env!("OUT_DIR"), "/needed_words.rs"));

/// The words the built-in part `source` needs, if listed.
pub fn needed_words(source: &str) -> Option<Needs> {
    let i = NEEDED_WORDS
        .binary_search_by(|(s, _)| (*s).cmp(source))
        .ok()?;
    let words = |list: &&[&str]| list.iter().map(|w| w.to_string()).collect();
    Some(NEEDED_WORDS[i].1.iter().map(words).collect())
}

pub fn files() -> Vec<TomlFile> {
    PACKS
        .iter()
        .map(|(name, text)| TomlFile {
            trusted: true,
            ..TomlFile::new(*name, *text)
        })
        .collect()
}

/// The complete patterns of the rules' filters (`unless`, `with`, sections, table
/// columns) and senses (negation, other senses' triggers and cues), sorted, each once:
/// those that build.rs builds automata of, besides the groups' parts.
#[cfg(test)]
pub(crate) fn filters_and_senses(set: &crate::rules::RuleSet) -> Vec<&str> {
    let filters = set.rules.iter().flat_map(|r| r.filters());
    let filters = filters.map(|f| f.as_str()).chain(set.senses.sources());
    let mut all: Vec<&str> = filters.collect();
    all.sort();
    all.dedup();
    all
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
    /// The packs as a user's files: every pattern checked when it loads.
    fn load_untrusted() -> crate::rules::RuleSet {
        let untrusted: Vec<TomlFile> = PACKS
            .iter()
            .map(|(name, text)| TomlFile::new(*name, *text))
            .collect();
        crate::rules::RuleSet::load(&untrusted).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn every_built_in_pattern_compiles() {
        assert!(files().iter().all(|f| f.trusted));
        load_untrusted();
    }

    /// The list of each built-in part's needed words is what parsing finds now.
    #[test]
    fn needed_words_are_current() {
        let set = load_untrusted();
        let mut parts: Vec<(&str, &Needs)> = set.matchers.iter().flat_map(|m| m.parts()).collect();
        parts.sort();
        parts.dedup();
        let mut json = String::from("{\n");
        // One part a line, in order, so that a change to the packs is a readable diff.
        for (i, (source, needs)) in parts.iter().enumerate() {
            let key = serde_json::to_string(source).unwrap_or_default();
            let value = serde_json::to_string(needs).unwrap_or_default();
            let end = if i + 1 < parts.len() { "," } else { "" };
            json.push_str(&format!("  {key}: {value}{end}\n"));
        }
        json.push_str("}\n");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/builtin_needed_words.json");
        if std::env::var_os("TENDERLINT_BLESS").is_some() {
            // The next build embeds it.
            std::fs::write(path, &json).unwrap_or_else(|e| panic!("{path}: {e}"));
            return;
        }
        assert!(
            include_str!("builtin_needed_words.json") == json,
            "src/builtin_needed_words.json is not what the rules need now: run \
             `TENDERLINT_BLESS=1 cargo test --lib builtin::tests`"
        );
        // And the table build.rs made of it says the same.
        assert_eq!(NEEDED_WORDS.len(), parts.len());
        for (source, needs) in parts {
            assert_eq!(needed_words(source).as_ref(), Some(needs), "{source}");
        }
    }

    /// The list of the built-in rules' filters (`unless`, `with`, sections, table
    /// columns) and senses (negation, other senses' triggers and cues), whose automata
    /// build.rs builds, is what the rules load now.
    #[test]
    fn regexes_are_current() {
        let set = load_untrusted();
        let filters = filters_and_senses(&set);
        let lines: Vec<String> = filters
            .iter()
            .map(|f| format!("  {}", serde_json::to_string(f).unwrap_or_default()))
            .collect();
        let json = format!("[\n{}\n]\n", lines.join(",\n"));
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/builtin_regexes.json");
        if std::env::var_os("TENDERLINT_BLESS").is_some() {
            std::fs::write(path, &json).unwrap_or_else(|e| panic!("{path}: {e}"));
            return;
        }
        let listed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            listed == json,
            "src/builtin_regexes.json is not what the rules load now: run \
             `TENDERLINT_BLESS=1 cargo test --lib builtin::tests`"
        );
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
