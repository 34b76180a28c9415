//! Automata of the built-in patterns, built with the program (`build.rs`), that say
//! which parts of a pattern group, filters and senses' regexes cannot match a text,
//! without compiling anything.
//!
//! Compiling the parts a document needs was three quarters of checking one tender
//! alone, and most parts compiled never matched: their words were in one block, but
//! not in the order or the nearness the pattern asks. Each built-in part has here a DFA
//! of a superset of its language (byte classes for character classes, long bounded
//! gaps unbounded; see `build.rs`), serialised when the program is built and read in
//! place. Where it finds nothing, the part cannot match, and is not compiled; where it
//! finds something, the part is compiled and searched exactly as before. So findings
//! never depend on these automata, only the work does.
//!
//! Only with the `automata` feature; without it (the browser build) every regex is
//! "maybe".

use crate::matcher::FOLDS_TO_ASCII;
use regex_automata::dfa::{sparse::DFA, Automaton as _};
use regex_automata::Input;
use std::sync::OnceLock;

/// The serialised automata, one after another (sparse DFAs need no alignment).
static BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/supersets.bin"));

/// For each regex with an automaton (a part without its group's flags, a filter or a
/// sense's regex with its own), in order: where its automaton is in `BLOB`, and how
/// long.
static INDEX: &[(&str, usize, usize)] = include!(concat!(env!("OUT_DIR"), "/supersets_index.rs"));

/// A serialised automaton, read in place.
type Automaton = DFA<&'static [u8]>;

/// Most bytes an automaton searches for one question: beyond, the answer is "maybe".
/// A byte-at-a-time search of the 34 MB word of the language server's test for a
/// buffer past its limit took longer than compiling and searching with the regexes.
const MAX_SEARCHED: usize = 1 << 18;

/// Where the regex `source` is in `INDEX`, if it has an automaton.
fn index(source: &str) -> Option<usize> {
    INDEX.binary_search_by(|(s, _, _)| (*s).cmp(source)).ok()
}

/// The automaton of the built-in regex `source`, read the first time it is asked for;
/// None if it has none.
fn automaton(source: &str) -> Option<&'static Automaton> {
    static READ: OnceLock<Vec<OnceLock<Option<Automaton>>>> = OnceLock::new();
    let i = index(source)?;
    let read = READ.get_or_init(|| INDEX.iter().map(|_| OnceLock::new()).collect());
    read[i]
        .get_or_init(|| {
            let (_, start, len) = INDEX[i];
            let bytes = BLOB.get(start..start + len)?;
            // SAFETY: `bytes` is what build.rs serialised with this version of
            // regex-automata, and checked with `DFA::from_bytes` there; the test
            // `every_automaton_is_valid` checks them all again. Checking the
            // transitions at each run was a tenth of checking one tender.
            unsafe { DFA::from_bytes_unchecked(bytes) }
                .ok()
                .map(|(dfa, _)| dfa)
        })
        .as_ref()
}

/// Whether the regex `source` has an automaton.
pub fn has(source: &str) -> bool {
    index(source).is_some()
}

/// Whether the built-in regex `source` (a part of a group, without its flags, or a
/// filter or sense's regex, with them) may match somewhere in one of `texts`: false is
/// sure, true is maybe, and always true for a regex without an automaton.
pub fn may_match(source: &str, texts: &[&str]) -> bool {
    let Some(dfa) = automaton(source) else {
        return true;
    };
    // Over long text, compiling the regex costs less than this search, which has no
    // literal prefilter to skip text with.
    if texts.iter().map(|t| t.len()).sum::<usize>() > MAX_SEARCHED {
        return true;
    }
    // The automata leave out the letters that `(?i)` folds to ASCII (see build.rs).
    if texts.iter().any(|t| t.contains(FOLDS_TO_ASCII)) {
        return true;
    }
    texts.iter().any(|text| {
        // An error (the automaton gave up) counts as a match: compile the part.
        !matches!(
            dfa.try_search_fwd(&Input::new(text).earliest(true)),
            Ok(None)
        )
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::matcher::Place;
    use crate::rules::RuleSet;
    use std::path::Path;

    /// What `automaton` trusts: each automaton, checked in full.
    #[test]
    fn every_automaton_is_valid() {
        for (source, start, len) in INDEX {
            let bytes = &BLOB[*start..start + len];
            let (_, read) = DFA::from_bytes(bytes).unwrap_or_else(|e| panic!("{source}: {e}"));
            assert_eq!(read, *len, "{source}");
        }
    }

    /// The paragraphs of the fixtures, and of the real and development corpora when
    /// `../shared` is beside the checkout (one in `corpus_step` of those); and whether
    /// the corpora were there.
    pub(crate) fn paragraphs_with(corpus_step: usize) -> (Vec<String>, bool) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |folder: &Path| {
            let mut texts = Vec::new();
            for file in std::fs::read_dir(folder).into_iter().flatten().flatten() {
                if file.path().extension().is_some_and(|e| e == "md") {
                    let text = std::fs::read_to_string(file.path()).expect("UTF-8 Markdown");
                    texts.extend(text.split("\n\n").map(str::to_string));
                }
            }
            texts
        };
        let mut texts = read(&root.join("fixtures"));
        let mut corpus = Vec::new();
        for folder in ["../shared/corpus/real", "../shared/corpus/dev"] {
            for source in std::fs::read_dir(root.join(folder))
                .into_iter()
                .flatten()
                .flatten()
            {
                corpus.extend(read(&source.path()));
            }
        }
        let found = !corpus.is_empty();
        texts.extend(corpus.into_iter().step_by(corpus_step));
        (texts, found)
    }

    fn paragraphs() -> (Vec<String>, bool) {
        paragraphs_with(1)
    }

    fn builtin() -> RuleSet {
        RuleSet::load(&crate::builtin::files()).expect("the built-in rules load")
    }

    /// The automata are supersets: wherever a built-in part, filter or sense's regex
    /// matches a paragraph, its automaton finds something there too. Else a part would
    /// be left out, or a filter or sense answer no, where it matches, and a finding lost
    /// or made.
    #[test]
    fn each_automaton_finds_something_wherever_its_part_matches() {
        let (texts, corpus) = paragraphs();
        let mut checked = 0;
        let rules = builtin();
        // The parts of each group, with the group's flags for the exact regex, and the
        // filters and senses' regexes, which carry their flags.
        let mut sets: Vec<(Vec<&str>, Vec<String>)> = (rules.matchers.iter())
            .map(|m| {
                let parts: Vec<&str> = m.parts().map(|(p, _)| p).collect();
                let flagged = parts.iter().map(|p| format!("{}{p}", m.flags())).collect();
                (parts, flagged)
            })
            .collect();
        let filters = crate::builtin::filters_and_senses(&rules);
        // A few at a time: one set of them all overflows its search cache.
        for few in filters.chunks(4) {
            sets.push((few.to_vec(), few.iter().map(|f| f.to_string()).collect()));
        }
        for (parts, flagged) in &sets {
            // One search of each paragraph for every regex of the set.
            let exact = regex::RegexSet::new(flagged).expect("compiles");
            for text in &texts {
                for i in exact.matches(text).iter() {
                    if automaton(parts[i]).is_some() {
                        assert!(may_match(parts[i], &[text]), "{}\nin {text:?}", parts[i]);
                        checked += 1;
                    }
                }
            }
        }
        assert!(
            checked > if corpus { 100 } else { 10 },
            "only {checked} matches checked"
        );
    }

    /// build.rs leaves out of the automata the letters that `may_match` does not ask
    /// about: the same list.
    #[test]
    fn build_leaves_out_the_letters_folded_to_ascii() {
        let build = include_str!("../build.rs");
        let listed: Vec<String> = FOLDS_TO_ASCII
            .iter()
            .map(|c| format!("'\\u{{{:X}}}'", *c as u32))
            .collect();
        let line = format!(
            "const FOLDS_TO_ASCII: [char; {}] = [{}];",
            listed.len(),
            listed.join(", ")
        );
        assert!(build.contains(&line), "build.rs lacks {line}");
    }

    /// Letters that `(?i)` folds to ASCII are left out of the automata, so a text
    /// holding them is searched by the exact part; so is a long text.
    #[cfg(feature = "automata")]
    #[test]
    fn a_text_with_the_long_s_or_a_long_text_is_maybe() {
        let (source, _, _) = INDEX
            .iter()
            .find(|(s, _, _)| s.contains("credit"))
            .expect("a part");
        assert!(!may_match(source, &["nothing here"]));
        assert!(may_match(source, &["nothing ſ here"]));
        // Long text is left to the regex.
        let long = "nothing ".repeat(MAX_SEARCHED / 8 + 1);
        assert!(may_match(source, &[&long]));
    }

    /// The automata built with the program leave few parts to compile: nearly every
    /// built-in part has exact automata (whole or in pieces, see [`crate::exact`]) or a
    /// superset's, and on this fixture, dense with findings, fewer than a quarter of
    /// the parts whose words a block holds are compiled (pieces without automata
    /// counted one by one).
    #[cfg(feature = "automata")]
    #[test]
    fn the_automata_leave_few_parts_to_compile() {
        let rules = builtin();
        let parts: std::collections::HashSet<&str> = rules
            .matchers
            .iter()
            .flat_map(|m| m.parts().map(|(p, _)| p))
            .collect();
        let exact = |p: &str| {
            let source = format!("(?i){p}");
            crate::exact::has(&source) || crate::exact::pieces(&source).is_some()
        };
        let with = parts
            .iter()
            .filter(|p| automaton(p).is_some() || exact(p))
            .count();
        assert!(
            with * 10 > parts.len() * 9,
            "{with} of {} parts",
            parts.len()
        );
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text =
            std::fs::read_to_string(root.join("fixtures/performance-centric.md")).expect("fixture");
        let texts: Vec<&str> = text.split("\n\n").collect();
        let places = rules.words().places(&texts);
        let (mut placed, mut compiled) = (0, 0);
        for (m, places) in rules.matchers.iter().zip(&places) {
            placed += places.iter().filter(|p| **p != Place::In(vec![])).count();
            compiled += m.plan(places, &texts, text.len()).compiled();
        }
        assert!(
            compiled * 4 < placed,
            "{compiled} of {placed} parts still to compile"
        );
    }
}
