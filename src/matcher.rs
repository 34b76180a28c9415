//! Compiled patterns, built on first use and only as far as a document needs them.
//!
//! Compiling regexes is most of tenderlint's start-up: the built-in rules take about
//! 20 ms of CPU to compile whole, against 2 ms to lint a 10 KB document. So nothing is
//! compiled when the rules load. A [`LazyRegex`] compiles the first time it is used.
//! A [`Matcher`] (one pattern group: the alternation of its patterns and phrases)
//! knows, for each of its parts, words that any match must contain. Given the text
//! of a document, it compiles only the parts whose words occur there, which on a real
//! tender is a third to a half of them. The result is exact: a part whose words are
//! absent cannot match anywhere in the document, and dropping a branch that never
//! matches from a leftmost-first alternation changes no match.
//!
//! Runs over many documents compile every group whole, once (see
//! [`crate::rules::RuleSet::prepare`]), since each document would want another subset.

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_automata::meta::{self, BuildError, Regex};
use regex_automata::util::syntax;
use regex_automata::MatchKind;
use regex_syntax::hir::{Hir, HirKind, Look};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A regex compiled the first time it is used. Clones share the compiled regex.
#[derive(Clone)]
pub struct LazyRegex(Arc<LazyInner>);

struct LazyInner {
    /// The complete pattern, flags included.
    source: String,
    size_limit: usize,
    prefilter: bool,
    /// Shared, not cloned: a cloned regex starts with empty search caches, and its lazy
    /// DFA is built again (three times slower over the benchmark corpus).
    regex: OnceLock<Arc<Regex>>,
}

impl std::fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.0.source).finish()
    }
}

impl LazyRegex {
    /// A regex for short texts (a sentence, a heading, one document's blocks).
    pub fn new(source: String, size_limit: usize) -> Self {
        LazyRegex(Arc::new(LazyInner {
            source,
            size_limit,
            prefilter: false,
            regex: OnceLock::new(),
        }))
    }

    /// A regex for searching many documents: with the literal prefilter.
    pub fn searching(source: String, size_limit: usize) -> Self {
        LazyRegex(Arc::new(LazyInner {
            source,
            size_limit,
            prefilter: true,
            regex: OnceLock::new(),
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0.source
    }

    /// Compiles now, so that a rule file's errors are reported when it loads.
    pub fn compile(&self) -> Result<&Regex, Box<BuildError>> {
        if let Some(re) = self.0.regex.get() {
            return Ok(re);
        }
        let re = build(
            &self.0.source,
            self.0.size_limit,
            self.0.size_limit,
            self.0.prefilter,
        )?;
        Ok(self.0.regex.get_or_init(|| Arc::new(re)))
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.get().is_match(text)
    }

    /// The regex, compiled on first use.
    pub fn get(&self) -> &Regex {
        self.shared()
    }

    /// The regex, compiled on first use, to keep.
    pub fn shared(&self) -> &Arc<Regex> {
        self.0.regex.get_or_init(|| {
            // Rule files are checked when they load: user files by compiling them, the
            // built-in ones by the test suite (`builtin::tests`).
            let re = build(
                &self.0.source,
                self.0.size_limit,
                self.0.size_limit,
                self.0.prefilter,
            );
            Arc::new(re.unwrap_or_else(|e| panic!("a pattern that loaded does not compile: {e}")))
        })
    }
}

/// Compiles as the regex crate's `Regex` does (leftmost-first, UTF-8, Unicode), with or
/// without the literal prefilter. The prefilter speeds up searching long texts for
/// rare words, and costs a third of the compile time (14 against 9 ms for the built-in
/// groups): it pays only over many documents.
/// `size_limit` bounds the compiled program, `cache` the lazy DFA's memory.
pub fn build(
    source: &str,
    size_limit: usize,
    cache: usize,
    prefilter: bool,
) -> Result<Regex, Box<BuildError>> {
    let config = meta::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .nfa_size_limit(Some(size_limit))
        .hybrid_cache_capacity(cache)
        .auto_prefilter(prefilter);
    meta::Builder::new()
        .configure(config)
        .syntax(syntax::Config::new().utf8(true))
        .build(source)
        .map_err(Box::new)
}

/// One pattern group: the alternation of its parts, each part a pattern or a phrase.
#[derive(Clone)]
pub struct Matcher(Arc<MatcherInner>);

struct MatcherInner {
    /// `(?i)` or nothing.
    flags: &'static str,
    /// Each part as a regex without the flags, in order.
    parts: Vec<String>,
    /// For each part, words a match must contain: every inner list must have one of
    /// its words in the text (indexes into `words`).
    needs: Vec<Vec<Vec<usize>>>,
    /// The needed words, ASCII, lower-case.
    words: Vec<String>,
    finder: OnceLock<Option<AhoCorasick>>,
    whole: LazyRegex,
    /// Regexes of some of the parts, by which parts they hold, for editors that lint
    /// the same buffer again and again.
    subsets: Mutex<HashMap<Vec<bool>, Arc<Regex>>>,
}

/// Subsets kept per group (an editor re-lints one buffer as it changes); past this,
/// new subsets are compiled each time and not kept.
const SUBSETS_KEPT: usize = 16;

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_tuple("Matcher").field(&self.0.whole).finish()
    }
}

impl Matcher {
    /// `parts`: each part's regex (without flags) and its syntax tree, parsed without
    /// the case flag. `prefilter`: whether the whole group compiles with the literal
    /// prefilter, to search many documents.
    pub fn new(
        parts: Vec<(String, &Hir)>,
        case_insensitive: bool,
        size_limit: usize,
        prefilter: bool,
    ) -> Self {
        let flags = if case_insensitive { "(?i)" } else { "" };
        let mut words: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut needs = Vec::new();
        let mut sources = Vec::new();
        for (source, hir) in parts {
            let clauses = needed_words(hir)
                .into_iter()
                .map(|clause| {
                    clause
                        .into_iter()
                        .map(|w| {
                            *index.entry(w.clone()).or_insert_with(|| {
                                words.push(w);
                                words.len() - 1
                            })
                        })
                        .collect()
                })
                .collect();
            needs.push(clauses);
            sources.push(source);
        }
        let source = format!("{flags}{}", sources.join("|"));
        let whole = if prefilter {
            LazyRegex::searching(source, size_limit)
        } else {
            LazyRegex::new(source, size_limit)
        };
        Matcher(Arc::new(MatcherInner {
            flags,
            parts: sources,
            needs,
            words,
            finder: OnceLock::new(),
            whole,
            subsets: Mutex::new(HashMap::new()),
        }))
    }

    /// The whole group as one regex.
    pub fn whole(&self) -> &LazyRegex {
        &self.0.whole
    }

    pub fn as_str(&self) -> &str {
        self.0.whole.as_str()
    }

    /// A regex finding every match of this group in `text`, or None when the group
    /// cannot match there: only the parts whose words occur, without the prefilter.
    pub fn for_text(&self, text: &Haystack) -> Option<Arc<Regex>> {
        let m = &*self.0;
        let wanted: Vec<bool> = if text.folds_to_ascii {
            vec![true; m.parts.len()]
        } else {
            let present = self.words_present(text);
            let wanted = m.needs.iter().map(|clauses| {
                clauses
                    .iter()
                    .all(|clause: &Vec<usize>| clause.iter().any(|&w| present[w]))
            });
            wanted.collect()
        };
        if !wanted.contains(&true) {
            return None;
        }
        let subsets = || m.subsets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(re) = subsets().get(&wanted) {
            return Some(re.clone());
        }
        let source: Vec<&str> = m
            .parts
            .iter()
            .zip(&wanted)
            .filter(|(_, w)| **w)
            .map(|(p, _)| p.as_str())
            .collect();
        let source = format!("{}{}", m.flags, source.join("|"));
        // No larger than the whole group, which compiled within the same limit.
        let re = match build(&source, m.whole.0.size_limit, m.whole.0.size_limit, false) {
            Ok(re) => Arc::new(re),
            Err(_) => m.whole.shared().clone(),
        };
        let mut kept = subsets();
        if kept.len() < SUBSETS_KEPT {
            kept.insert(wanted, re.clone());
        }
        Some(re)
    }

    fn words_present(&self, text: &Haystack) -> Vec<bool> {
        let m = &*self.0;
        let mut present = vec![false; m.words.len()];
        let finder = m.finder.get_or_init(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&m.words)
                .ok()
        });
        let Some(finder) = finder else {
            present.fill(true);
            return present;
        };
        let mut left = m.words.len();
        for t in &text.texts {
            for found in finder.find_overlapping_iter(*t) {
                let seen = &mut present[found.pattern().as_usize()];
                if !*seen {
                    *seen = true;
                    left -= 1;
                    if left == 0 {
                        return present;
                    }
                }
            }
        }
        present
    }
}

/// The text a document's patterns run over, for [`Matcher::for_text`].
pub struct Haystack<'a> {
    texts: Vec<&'a str>,
    /// Whether the text holds a non-ASCII letter that case-insensitive matching equates
    /// with an ASCII one (the Kelvin sign and the long s), which the word search, being
    /// ASCII, would miss.
    folds_to_ascii: bool,
}

/// The non-ASCII characters that `(?i)` matches with ASCII letters; a test checks the
/// list against the regex crate's case folding.
const FOLDS_TO_ASCII: [char; 2] = ['\u{17F}', '\u{212A}'];

impl<'a> Haystack<'a> {
    pub fn new(texts: Vec<&'a str>) -> Self {
        let folds_to_ascii = texts.iter().any(|t| t.contains(FOLDS_TO_ASCII));
        Haystack {
            texts,
            folds_to_ascii,
        }
    }
}

/// Shortest word worth looking for: shorter ones occur in almost any text.
const MIN_WORD: usize = 3;
/// Most alternatives one requirement may list before it is not worth checking.
const MAX_CHOICES: usize = 64;

/// Words any match of `hir` contains, as a list of requirements that must all hold,
/// each satisfied by any one of its words. `hir` is parsed without the case flag; the
/// words are lower-cased, and are looked for without regard to ASCII case. Only
/// certain requirements are listed: a pattern whose needs are unknown gets none.
fn needed_words(hir: &Hir) -> Vec<Vec<String>> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            // Any piece of a literal is needed; the longest ASCII piece is the best clue.
            let piece = lit
                .0
                .split(|b| !b.is_ascii())
                .max_by_key(|p| p.len())
                .unwrap_or_default();
            if piece.len() >= MIN_WORD {
                vec![vec![String::from_utf8_lossy(piece).to_ascii_lowercase()]]
            } else {
                vec![]
            }
        }
        HirKind::Capture(c) => needed_words(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => needed_words(&r.sub),
        HirKind::Concat(items) => items.iter().flat_map(needed_words).collect(),
        HirKind::Alternation(alternatives) => {
            let mut any = Vec::new();
            for alternative in alternatives {
                // The most selective requirement of each alternative: its shortest word
                // is the longest.
                let best = needed_words(alternative)
                    .into_iter()
                    .max_by_key(|c| c.iter().map(String::len).min().unwrap_or(0));
                match best {
                    Some(c) => any.extend(c),
                    None => return vec![],
                }
            }
            any.sort();
            any.dedup();
            // A word that holds another is found whenever it is: "payment" adds
            // nothing to "pay".
            let redundant: Vec<bool> = any
                .iter()
                .map(|w| any.iter().any(|v| v != w && w.contains(v.as_str())))
                .collect();
            let mut keep = redundant.iter().map(|r| !r);
            any.retain(|_| keep.next().unwrap_or(true));
            if any.len() <= MAX_CHOICES {
                vec![any]
            } else {
                vec![]
            }
        }
        _ => vec![],
    }
}

/// Whether `hir` matches the empty text (an empty file, or an empty search window).
pub fn matches_empty(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty => true,
        HirKind::Literal(_) | HirKind::Class(_) => false,
        // At the start and end of empty text: no word character on either side.
        HirKind::Look(look) => !matches!(
            look,
            Look::WordAscii
                | Look::WordUnicode
                | Look::WordStartAscii
                | Look::WordEndAscii
                | Look::WordStartUnicode
                | Look::WordEndUnicode
        ),
        HirKind::Repetition(r) => r.min == 0 || matches_empty(&r.sub),
        HirKind::Capture(c) => matches_empty(&c.sub),
        HirKind::Concat(items) => items.iter().all(matches_empty),
        HirKind::Alternation(items) => items.iter().any(matches_empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hir(pattern: &str) -> Hir {
        regex_syntax::Parser::new()
            .parse(pattern)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn matcher(parts: &[&str]) -> Matcher {
        let trees: Vec<Hir> = parts.iter().map(|p| hir(p)).collect();
        Matcher::new(
            parts.iter().map(|p| p.to_string()).zip(&trees).collect(),
            true,
            1 << 20,
            true,
        )
    }

    #[test]
    fn needed_words_are_what_every_match_contains() {
        assert_eq!(
            needed_words(&hir(r"service\s+credits?")),
            [["service"], ["credit"]]
        );
        assert_eq!(
            needed_words(&hir(r"(?:pay|paid|payment)\b.{0,40}penalt(?:y|ies)")),
            vec![
                vec!["paid".to_string(), "pay".into()],
                vec!["penalt".into()]
            ]
        );
        // Optional parts, short words and classes need nothing.
        assert!(needed_words(&hir(r"(?:service)?\s*[a-z]+\s+of")).is_empty());
        // An alternative with no needs makes the alternation need nothing.
        assert!(needed_words(&hir(r"(?:credit|[0-9]+%)")).is_empty());
        // A literal gives its longest ASCII piece: ’ and é fold by other rules.
        assert_eq!(needed_words(&hir("provider’s café")), [["provider"]]);
    }

    #[test]
    fn only_the_parts_whose_words_occur_are_compiled() {
        let m = matcher(&[r"service\s+credits?", r"liquidated\s+damages", r"[0-9]+%"]);
        let text = ["The SERVICE Credits apply.", "Fees rise 5%."];
        let re = m
            .for_text(&Haystack::new(text.to_vec()))
            .expect("can match");
        // The liquidated damages part was left out.
        assert!(!re.is_match("Liquidated damages"));
        assert!(re.is_match(text[0]) && re.is_match(text[1]));
        // The same subset comes from the cache.
        let again = m
            .for_text(&Haystack::new(text.to_vec()))
            .expect("can match");
        assert!(Arc::ptr_eq(&again, &re));

        let none = matcher(&[r"service\s+credits?", r"liquidated\s+damages"]);
        assert!(none
            .for_text(&Haystack::new(vec!["Nothing here."]))
            .is_none());
    }

    /// The Kelvin sign and the long s match k and s under `(?i)`; the ASCII word search
    /// cannot see them, so a text holding them gets the whole group.
    #[test]
    fn letters_that_fold_to_ascii_get_the_whole_group() {
        let m = matcher(&[r"service\s+credits?", r"liquidated\s+damages"]);
        let text = "ſervice credit";
        assert!(m.whole().get().is_match(text));
        let re = m
            .for_text(&Haystack::new(vec![text]))
            .expect("must not skip");
        assert!(re.is_match("liquidated damages"), "every part was compiled");
    }

    #[test]
    fn the_fold_list_is_the_regex_crates() {
        let tree = regex_syntax::Parser::new()
            .parse("(?i)[a-z]")
            .unwrap_or_else(|e| panic!("{e}"));
        let HirKind::Class(regex_syntax::hir::Class::Unicode(class)) = tree.kind() else {
            panic!("not a Unicode class: {tree:?}")
        };
        let non_ascii: Vec<char> = class
            .iter()
            .flat_map(|r| r.start()..=r.end())
            .filter(|c| !c.is_ascii())
            .collect();
        assert_eq!(non_ascii, FOLDS_TO_ASCII);
    }

    #[test]
    fn matching_empty_text_is_read_from_the_syntax() {
        for (pattern, empty) in [
            ("(credits)?", true),
            ("x*", true),
            ("^", true),
            (r"\B", true),
            (r"\b", false),
            (r"(?-u:\b)x?", false),
            ("a|b*", true),
            ("credit", false),
        ] {
            assert_eq!(matches_empty(&hir(pattern)), empty, "{pattern}");
            assert_eq!(
                Regex::new(pattern).map(|r| r.is_match("")).ok(),
                Some(empty),
                "{pattern}"
            );
        }
    }
}
