//! Compiled patterns, built on first use and only as far as a text needs them.
//!
//! Compiling regexes was most of tenderlint's start-up: the built-in rules take about
//! 15 ms of CPU to compile whole, against 2 ms to lint a 10 KB document. So nothing is
//! compiled when the rules load. A [`LazyRegex`] compiles the first time it is used,
//! unless the automata built with the program answer for it (see [`crate::exact`]).
//! A [`Matcher`] is one pattern group: the alternation of its patterns and phrases.
//! [`Words`] knows, for each part of each group, words that any match must contain,
//! and finds them all in a text in one Aho-Corasick pass. It decides:
//!
//! - for a document checked alone, which parts of each group may match, and in which
//!   blocks. A [`Plan`] searches those blocks with the built-in parts' exact automata
//!   ([`crate::exact`]), and compiles only the other parts, less those whose superset's
//!   automaton ([`crate::supersets`]) finds nothing there: on the bench's 10 KB tender,
//!   6 parts or pieces where 42 regexes were compiled before the exact automata;
//! - over many documents, where every group is compiled whole once, which groups
//!   search each block (this replaced a combined regex of all groups, which cost 10 ms
//!   to compile and 13 MB of search caches, and skipped fewer blocks).
//!
//! All are exact: a part missing a needed word, or whose automaton of a superset of its
//! language finds nothing, cannot match anywhere in the text, and dropping a branch
//! that never matches from a leftmost-first alternation changes no match; a [`Plan`]
//! merges its parts' matches as the alternation finds them.

use crate::exact::{self, Exact};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_automata::meta::{self, BuildError, Regex};
use regex_automata::util::syntax;
use regex_automata::MatchKind;
use regex_syntax::hir::{Hir, HirKind, Look};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock, Weak};

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
    /// Whether the built-in regex has exact automata, whole or in pieces (see
    /// [`crate::exact`]), looked up on first use.
    exact: OnceLock<bool>,
}

impl std::fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.0.source).finish()
    }
}

impl LazyRegex {
    /// A regex for short texts (a sentence, a heading, one document's blocks).
    pub fn new(source: String, size_limit: usize) -> Self {
        LazyRegex::shared_with(source, size_limit, false)
    }

    /// A regex for searching many documents: with the literal prefilter.
    pub fn searching(source: String, size_limit: usize) -> Self {
        LazyRegex::shared_with(source, size_limit, true)
    }

    /// Equal regexes are one: rules often share a filter (five skip the definitions
    /// section), and it compiles once for all of them.
    fn shared_with(source: String, size_limit: usize, prefilter: bool) -> Self {
        type Live = HashMap<(String, usize, bool), Weak<LazyInner>>;
        static LIVE: OnceLock<Mutex<Live>> = OnceLock::new();
        let mut live = LIVE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let key = (source, size_limit, prefilter);
        if let Some(inner) = live.get(&key).and_then(Weak::upgrade) {
            return LazyRegex(inner);
        }
        live.retain(|_, weak| weak.strong_count() > 0);
        let inner = Arc::new(LazyInner {
            source: key.0.clone(),
            size_limit,
            prefilter,
            regex: OnceLock::new(),
            exact: OnceLock::new(),
        });
        live.insert(key, Arc::downgrade(&inner));
        LazyRegex(inner)
    }

    pub fn as_str(&self) -> &str {
        &self.0.source
    }

    /// Compiles now, so that a rule file's errors are reported when it loads.
    pub fn compile(&self) -> Result<&Regex, Box<BuildError>> {
        if let Some(re) = self.0.regex.get() {
            return Ok(re);
        }
        let re = self.0.build()?;
        Ok(self.0.regex.get_or_init(|| Arc::new(re)))
    }

    /// The regex's exact automata, whole, to search `text` with: a built-in regex's,
    /// until it is compiled (then the compiled regex answers), and over short texts only.
    fn exact_for(&self, text: &str) -> Option<&'static Exact> {
        if self.0.regex.get().is_some() || text.len() > exact::MAX_SEARCHED {
            return None;
        }
        exact::get(&self.0.source)
    }

    /// Whether the regex matches somewhere in `text`. A built-in regex is searched with
    /// its exact automata (see [`crate::exact`]) if it has them; else, until it is
    /// compiled, it asks its superset's automaton first (see [`crate::supersets`]):
    /// where that finds nothing, the regex cannot match, and is not compiled for the
    /// answer.
    pub fn is_match(&self, text: &str) -> bool {
        if let Some(found) = self.answer(text) {
            return found;
        }
        self.may_match(text) && self.get().is_match(text)
    }

    /// Whether the regex matches in `text`, answered by its exact automata (whole or
    /// in pieces) until it is compiled; None if they cannot answer.
    fn answer(&self, text: &str) -> Option<bool> {
        if self.0.regex.get().is_some() || !*self.0.exact.get_or_init(|| exact::has(&self.0.source))
        {
            return None;
        }
        exact::answer(&self.0.source, text)
    }

    /// False if the regex surely does not match in `text`: its exact automata or its
    /// superset's automaton find nothing there. Asked only until the regex is
    /// compiled, which then answers itself.
    pub fn may_match(&self, text: &str) -> bool {
        if let Some(found) = self.answer(text) {
            return found;
        }
        self.0.regex.get().is_some() || crate::supersets::may_match(&self.0.source, &[text])
    }

    /// Every match in `text`, in order, as `find_iter` gives them: searched with the
    /// exact automata where the regex has them (see [`LazyRegex::is_match`]).
    pub fn find_all(&self, text: &str) -> Vec<Range<usize>> {
        if let Some(Ok(found)) = self.exact_for(text).map(|re| exact::find_all(re, text)) {
            return found;
        }
        self.get().find_iter(text).map(|m| m.range()).collect()
    }

    /// The first match in `text`, as [`LazyRegex::find_all`] finds it.
    pub fn find(&self, text: &str) -> Option<Range<usize>> {
        if let Some(Ok(found)) = self.exact_for(text).map(|re| exact::find_at(re, text, 0)) {
            return found;
        }
        self.get().find(text).map(|m| m.range())
    }

    /// Whether the regex has automata built with the program, exact or of a superset,
    /// which answer most questions without compiling it.
    pub fn has_automaton(&self) -> bool {
        exact::has(&self.0.source) || crate::supersets::has(&self.0.source)
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
            let re = self.0.build();
            Arc::new(re.unwrap_or_else(|e| panic!("a pattern that loaded does not compile: {e}")))
        })
    }
}

impl LazyInner {
    fn build(&self) -> Result<Regex, Box<BuildError>> {
        build(&self.source, self.size_limit, self.prefilter)
    }
}

/// Several regexes asked together which of them match a text, compiled the first time
/// they are asked: one search of the text instead of one per regex.
#[derive(Debug, Clone, Default)]
pub struct LazySet {
    /// Each regex's complete pattern, flags included.
    sources: Vec<String>,
    size_limit: usize,
    set: OnceLock<Arc<regex::RegexSet>>,
}

impl LazySet {
    pub fn new(sources: Vec<String>, size_limit: usize) -> Self {
        LazySet {
            sources,
            size_limit,
            set: OnceLock::new(),
        }
    }

    /// The indices of the regexes that match somewhere in `text`, in order. Until the
    /// set is compiled, a short text is searched with the regexes' exact automata (see
    /// [`crate::exact`]) if every one has them, and the set is not compiled for it.
    pub fn matching(&self, text: &str) -> Vec<usize> {
        if self.set.get().is_none() {
            let found: Option<Vec<bool>> = (self.sources.iter())
                .map(|s| exact::answer(s, text))
                .collect();
            if let Some(found) = found {
                return (found.iter().enumerate().filter(|(_, f)| **f))
                    .map(|(i, _)| i)
                    .collect();
            }
        }
        self.get().matches(text).into_iter().collect()
    }

    /// The indices of the regexes that may match somewhere in `text`, in order: all
    /// that do, and, until the set is compiled, those whose exact automata find a match
    /// there, or whose superset's automaton (see [`crate::supersets`]) finds something
    /// there, or that have neither.
    pub fn maybe_matching(&self, text: &str) -> Vec<usize> {
        if self.set.get().is_some() {
            return self.matching(text);
        }
        let maybe = |source: &str| {
            exact::answer(source, text)
                .unwrap_or_else(|| crate::supersets::may_match(source, &[text]))
        };
        (self.sources.iter().enumerate())
            .filter(|(_, s)| maybe(s))
            .map(|(i, _)| i)
            .collect()
    }

    /// Each regex's complete pattern, in order.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The set, compiled on first use.
    pub fn get(&self) -> &regex::RegexSet {
        self.set.get_or_init(|| {
            // Each pattern was checked when its file loaded (see `LazyRegex::shared`).
            let set = regex::RegexSetBuilder::new(&self.sources)
                .size_limit(self.size_limit.saturating_mul(self.sources.len().max(1)))
                .build();
            Arc::new(set.unwrap_or_else(|e| panic!("patterns that loaded do not compile: {e}")))
        })
    }
}

/// Compiles as the regex crate's `Regex` does (leftmost-first, UTF-8, Unicode), with or
/// without the literal prefilter. The prefilter speeds up searching long texts for
/// rare words, and costs a third of the compile time (14 against 9 ms for the built-in
/// groups): it pays only over many documents. `size_limit` bounds both the compiled
/// program and the lazy DFA's memory.
fn build(source: &str, size_limit: usize, prefilter: bool) -> Result<Regex, Box<BuildError>> {
    meta::Builder::new()
        .configure(config(size_limit, prefilter))
        .syntax(syntax::Config::new().utf8(true))
        .build(source)
        .map_err(Box::new)
}

/// The configuration of [`build`] and [`build_many`].
fn config(size_limit: usize, prefilter: bool) -> meta::Config {
    meta::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .nfa_size_limit(Some(size_limit))
        .hybrid_cache_capacity(size_limit)
        .auto_prefilter(prefilter)
}

/// Compiles `sources` as [`build`] does, as one regex of a pattern each: its
/// leftmost-first match is the alternation's, and says which pattern matched.
fn build_many(
    sources: &[&str],
    size_limit: usize,
    prefilter: bool,
) -> Result<Regex, Box<BuildError>> {
    meta::Builder::new()
        .configure(config(size_limit, prefilter))
        .syntax(syntax::Config::new().utf8(true))
        .build_many(sources)
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
    /// its words in the text. ASCII, lower-case.
    needs: Vec<Needs>,
    whole: LazyRegex,
    /// Regexes of some of the parts, by which parts they hold, for editors that lint
    /// the same buffer again and again.
    subsets: Mutex<HashMap<SubsetKey, Arc<Regex>>>,
}

/// Which parts and pieces a subset holds, and whether it has the prefilter.
type SubsetKey = (Vec<Key>, bool);

/// Text longer than this is searched with the literal prefilter: it skips most of a
/// long text quickly, and repays its compile time (a re-lint of 1 MiB took 43 ms
/// without it, 35 ms with it).
const PREFILTER_BYTES: usize = 100_000;

/// Subsets kept per group (an editor re-lints one buffer as it changes); past this,
/// new subsets are compiled each time and not kept.
const SUBSETS_KEPT: usize = 16;

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_tuple("Matcher").field(&self.0.whole).finish()
    }
}

impl Matcher {
    /// `parts`: each part's regex (without flags) and the words any match of it
    /// contains ([`needed_words`]). `prefilter`: whether the whole group compiles with
    /// the literal prefilter, to search many documents.
    pub fn new(
        parts: Vec<(String, Needs)>,
        case_insensitive: bool,
        size_limit: usize,
        prefilter: bool,
    ) -> Self {
        let flags = if case_insensitive { "(?i)" } else { "" };
        let (sources, needs): (Vec<String>, _) = parts.into_iter().unzip();
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
            whole,
            subsets: Mutex::new(HashMap::new()),
        }))
    }

    /// Each part's regex (without flags) and the words it needs, in order.
    pub fn parts(&self) -> impl Iterator<Item = (&str, &Needs)> {
        self.0.parts.iter().map(String::as_str).zip(&self.0.needs)
    }

    /// `(?i)` or nothing.
    pub fn flags(&self) -> &'static str {
        self.0.flags
    }

    /// The whole group as one regex.
    pub fn whole(&self) -> &LazyRegex {
        &self.0.whole
    }

    pub fn as_str(&self) -> &str {
        self.0.whole.as_str()
    }

    /// How the group searches one document's blocks `texts` (`bytes` in all), given
    /// where its parts' words are (see [`Words::places`]). A part whose words no block
    /// holds is left out. The others are searched with their exact automata (see
    /// [`crate::exact`]), whole or in pieces, in the blocks that hold their words, if
    /// those blocks are short; the rest (parts, or pieces without automata), but for
    /// those whose superset's automaton (see [`crate::supersets`]) finds nothing in
    /// those blocks, are compiled together.
    pub fn plan(&self, places: &[Place], texts: &[&str], bytes: usize) -> Plan {
        self.plan_where(places, texts, bytes, |_| true)
    }

    /// [`Matcher::plan`], searching with the automata of only the parts and pieces
    /// `exact_ok` allows, by their place (part, piece).
    pub(crate) fn plan_where(
        &self,
        places: &[Place],
        texts: &[&str],
        bytes: usize,
        exact_ok: impl Fn(Key) -> bool,
    ) -> Plan {
        let m = &*self.0;
        let mut exact = Vec::new();
        let mut rest: Vec<(Key, String)> = Vec::new();
        let mut rest_blocks = Some(Vec::new());
        for (p, (part, place)) in m.parts.iter().zip(places).enumerate() {
            let blocks = match place {
                Place::In(blocks) if blocks.is_empty() => continue,
                Place::In(blocks) => Some(blocks),
                Place::Anywhere => None,
            };
            let searched: Vec<&str> = match blocks {
                Some(blocks) => blocks.iter().map(|&b| texts[b]).collect(),
                None => texts.to_vec(),
            };
            let source = format!("{}{part}", m.flags);
            // The part whole, or its pieces; each with its automata, if it is searched
            // with them.
            let short = searched.iter().map(|t| t.len()).sum::<usize>() <= exact::MAX_PLANNED;
            let whole = short.then(|| exact::get(&source)).flatten();
            let list = (short && whole.is_none())
                .then(|| exact::pieces(&source))
                .flatten();
            let pieces: Vec<(Key, String, Option<&'static Exact>)> = match (whole, list) {
                (Some(re), _) => vec![((p, 0), source, Some(re))],
                (None, Some(list)) => (list.iter().enumerate())
                    .map(|(k, piece)| ((p, k), piece.to_string(), exact::get(piece)))
                    .collect(),
                (None, None) => vec![((p, 0), source, None)],
            };
            let pieces: Vec<_> = (pieces.into_iter())
                .map(|(key, source, re)| (key, source, re.filter(|_| exact_ok(key))))
                .collect();
            if pieces.iter().any(|(_, _, re)| re.is_none())
                && !crate::supersets::may_match(part, &searched)
            {
                continue;
            }
            for (key, source, re) in pieces {
                match re {
                    Some(re) => exact.push((key, re, blocks.cloned())),
                    None => {
                        rest.push((key, source));
                        rest_blocks = match (rest_blocks, blocks) {
                            (Some(mut all), Some(blocks)) => {
                                all.extend(blocks);
                                Some(all)
                            }
                            _ => None,
                        };
                    }
                }
            }
        }
        let rest = match rest.is_empty() {
            true => None,
            false => {
                let Some(re) = self.compiled(&rest, bytes) else {
                    return Plan::Whole(m.whole.shared().clone());
                };
                let blocks = rest_blocks.map(|mut blocks| {
                    blocks.sort_unstable();
                    blocks.dedup();
                    blocks
                });
                Some(Rest {
                    re,
                    keys: rest.into_iter().map(|(key, _)| key).collect(),
                    blocks,
                })
            }
        };
        Plan::Parts {
            matcher: self.clone(),
            exact,
            rest,
        }
    }

    /// The patterns `wanted` compiled as one regex of a pattern each, to search `bytes`
    /// of text (only a long text gets the prefilter); None if it does not compile
    /// within the group's size limit.
    fn compiled(&self, wanted: &[(Key, String)], bytes: usize) -> Option<Arc<Regex>> {
        let m = &*self.0;
        let key = (
            wanted.iter().map(|(k, _)| *k).collect(),
            bytes > PREFILTER_BYTES,
        );
        let subsets = || m.subsets.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(re) = subsets().get(&key) {
            return Some(re.clone());
        }
        let sources: Vec<&str> = wanted.iter().map(|(_, s)| s.as_str()).collect();
        let re = Arc::new(build_many(&sources, m.whole.0.size_limit, key.1).ok()?);
        let mut kept = subsets();
        if kept.len() < SUBSETS_KEPT {
            kept.insert(key, re.clone());
        }
        Some(re)
    }
}

/// A part's place in its group, and a piece's in its part (0 for a part searched whole).
type Key = (usize, usize);

/// How one group searches one document checked alone (see [`Matcher::plan`]).
pub enum Plan {
    /// Each block searched with the whole group, compiled (the parts that could match
    /// did not compile within the size limit).
    Whole(Arc<Regex>),
    /// The parts that can match, searched with their exact automata or compiled.
    Parts {
        matcher: Matcher,
        /// Each part or piece with automata: its place, its automata, and the blocks
        /// that can hold a match (None: all).
        exact: Vec<(Key, &'static Exact, Option<Vec<usize>>)>,
        /// The other parts and pieces, compiled together.
        rest: Option<Rest>,
    },
}

/// The parts and pieces of a [`Plan`] without automata, compiled together.
pub struct Rest {
    /// A pattern for each.
    re: Arc<Regex>,
    /// Each pattern's place.
    keys: Vec<Key>,
    /// The blocks that can hold a match of one of them (None: all).
    blocks: Option<Vec<usize>>,
}

/// Where a search of one part or piece (or of the compiled rest) will next match: not
/// searched yet, no match, or its match and its place.
#[derive(Clone, Copy)]
enum Next {
    Unknown,
    Never,
    At(usize, usize, Key),
}

impl Plan {
    /// How many patterns are compiled to search the document (the maximum for the
    /// whole group).
    pub fn compiled(&self) -> usize {
        match self {
            Plan::Whole(_) => usize::MAX,
            Plan::Parts { rest, .. } => rest.as_ref().map_or(0, |r| r.keys.len()),
        }
    }

    /// Adds to `out` the group's matches in block `block`, whose text is `text`: the
    /// matches the whole group's `find_iter` gives, in order.
    ///
    /// A leftmost-first alternation's match is the one that starts first over its
    /// parts, the earliest part winning a tie, and the next is looked for from its end
    /// (and so for a part's pieces). So each part's or piece's (or the compiled rest's)
    /// next match is kept, and looked for again only once the search has passed its
    /// start.
    pub fn search(&self, block: usize, text: &str, out: &mut Vec<Range<usize>>) {
        let (matcher, exact, rest) = match self {
            Plan::Whole(re) => return out.extend(re.find_iter(text).map(|m| m.range())),
            Plan::Parts {
                matcher,
                exact,
                rest,
            } => (matcher, exact, rest),
        };
        let here = |blocks: &Option<Vec<usize>>| {
            blocks
                .as_ref()
                .is_none_or(|b| b.binary_search(&block).is_ok())
        };
        let exact: Vec<&(Key, &Exact, _)> = exact.iter().filter(|e| here(&e.2)).collect();
        let rest = rest.as_ref().filter(|r| here(&r.blocks));
        if exact.is_empty() && rest.is_none() {
            return;
        }
        let mut next = vec![Next::Unknown; exact.len() + 1];
        if rest.is_none() {
            next[exact.len()] = Next::Never;
        }
        let start = out.len();
        let mut at = 0;
        loop {
            let mut first: Option<(usize, usize, Key)> = None;
            for (i, n) in next.iter_mut().enumerate() {
                if matches!(*n, Next::At(s, _, _) if s < at) || matches!(n, Next::Unknown) {
                    let found = match (exact.get(i), rest) {
                        (Some((key, re, _)), _) => match exact::find_at(re, text, at) {
                            Ok(m) => m.map(|m| (m.start, m.end, *key)),
                            // The automaton gave up: the whole group searches the block.
                            Err(_) => return whole(matcher, text, start, out),
                        },
                        (None, Some(rest)) => rest
                            .re
                            .search(&regex_automata::Input::new(text).range(at..))
                            .map(|m| (m.start(), m.end(), rest.keys[m.pattern().as_usize()])),
                        (None, None) => None,
                    };
                    *n = found.map_or(Next::Never, |(s, e, key)| Next::At(s, e, key));
                }
                if let Next::At(s, e, key) = *n {
                    if first.is_none_or(|(fs, _, fkey)| (s, key) < (fs, fkey)) {
                        first = Some((s, e, key));
                    }
                }
            }
            let Some((s, e, _)) = first else {
                return;
            };
            if e == s {
                // An empty match (no built-in part has one): the whole group decides
                // how the search steps over it.
                return whole(matcher, text, start, out);
            }
            out.push(s..e);
            at = e;
        }
    }
}

/// The whole group's matches in `text`, in place of those found from `start` of `out`.
fn whole(matcher: &Matcher, text: &str, start: usize, out: &mut Vec<Range<usize>>) {
    out.truncate(start);
    out.extend(matcher.whole().get().find_iter(text).map(|m| m.range()));
}

/// Every word that some part of some group needs, found in a text in one pass: which
/// parts of each group can match in a document, and which groups in a block.
#[derive(Clone, Debug)]
pub struct Words {
    /// Finds the words without regard to ASCII case; None if it could not be built.
    finder: Option<AhoCorasick>,
    /// For each group, for each part, its requirements as word ids.
    needs: Vec<Vec<Vec<Vec<usize>>>>,
    /// For each word, the (group, part) pairs that need it.
    users: Vec<Vec<(usize, usize)>>,
    /// Groups with a part that needs no word, which can match anywhere.
    anywhere: Vec<usize>,
}

impl Words {
    pub fn new(matchers: &[Matcher]) -> Words {
        let mut words: Vec<String> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut users: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut anywhere = Vec::new();
        let mut needs = Vec::new();
        for (g, matcher) in matchers.iter().enumerate() {
            let mut parts = Vec::new();
            for (p, clauses) in matcher.0.needs.iter().enumerate() {
                if clauses.is_empty() && anywhere.last() != Some(&g) {
                    anywhere.push(g);
                }
                let mut part = Vec::new();
                for clause in clauses {
                    let mut word_ids = Vec::new();
                    for w in clause {
                        let id = *ids.entry(w.clone()).or_insert_with(|| {
                            words.push(w.clone());
                            users.push(Vec::new());
                            words.len() - 1
                        });
                        if users[id].last() != Some(&(g, p)) {
                            users[id].push((g, p));
                        }
                        word_ids.push(id);
                    }
                    part.push(word_ids);
                }
                parts.push(part);
            }
            needs.push(parts);
        }
        // A contiguous NFA, not a DFA: with the shared vocabulary's words, building the
        // DFA was an eighth of a one-file run, and searched a corpus only 3% faster.
        let finder = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&words)
            .ok();
        Words {
            finder,
            needs,
            users,
            anywhere,
        }
    }

    /// For each group, for each part, the texts (blocks) that hold all its words. A
    /// match lies in one block, so a part is compiled only if one block holds all its
    /// words, not where they are spread over the document (a fifth fewer instructions
    /// for a 16 KB NHS tender checked alone), and its automaton (see
    /// [`Matcher::possible`]) searches only those blocks.
    pub fn places(&self, texts: &[&str]) -> Vec<Vec<Place>> {
        let mut places: Vec<Vec<Place>> = (self.needs.iter())
            .map(|parts| {
                // Parts that need no word can match anywhere.
                let place = |part: &Vec<Vec<usize>>| {
                    if part.is_empty() {
                        Place::Anywhere
                    } else {
                        Place::In(Vec::new())
                    }
                };
                parts.iter().map(place).collect()
            })
            .collect();
        let mut found = Found::default();
        for (t, text) in texts.iter().enumerate() {
            if !self.find(&[text], &mut found) {
                return (self.needs.iter())
                    .map(|parts| vec![Place::Anywhere; parts.len()])
                    .collect();
            }
            for &w in &found.list {
                for &(g, p) in &self.users[w] {
                    if let Place::In(blocks) = &mut places[g][p] {
                        if blocks.last() != Some(&t) && satisfied(&self.needs[g][p], &found.present)
                        {
                            blocks.push(t);
                        }
                    }
                }
            }
        }
        places
    }

    /// Sets `out[g]` for each group `g` that can match somewhere in `text`. `found` is
    /// scratch space, kept between calls.
    pub fn groups(&self, text: &str, found: &mut Found, out: &mut [bool]) {
        if !self.find(&[text], found) {
            out.fill(true);
            return;
        }
        out.fill(false);
        for &g in &self.anywhere {
            out[g] = true;
        }
        for &w in &found.list {
            for &(g, p) in &self.users[w] {
                if !out[g] && satisfied(&self.needs[g][p], &found.present) {
                    out[g] = true;
                }
            }
        }
    }

    /// Finds which words occur in `texts`. False when the search cannot tell: the
    /// finder is missing, or the text holds a letter that `(?i)` equates with an ASCII
    /// one (the long s and the Kelvin sign), which an ASCII search would miss.
    fn find(&self, texts: &[&str], found: &mut Found) -> bool {
        for &w in &found.list {
            found.present[w] = false;
        }
        found.list.clear();
        found.present.resize(self.users.len(), false);
        let Some(finder) = &self.finder else {
            return false;
        };
        if texts.iter().any(|t| t.contains(FOLDS_TO_ASCII)) {
            return false;
        }
        for t in texts {
            for m in finder.find_overlapping_iter(*t) {
                let w = m.pattern().as_usize();
                if !found.present[w] {
                    found.present[w] = true;
                    found.list.push(w);
                }
            }
        }
        true
    }
}

/// The words found in a text: a flag per word, and the list of those set.
#[derive(Default)]
pub struct Found {
    present: Vec<bool>,
    list: Vec<usize>,
}

/// Where in a document a part of a pattern group can match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// In these texts (indices, ascending); none if the list is empty.
    In(Vec<usize>),
    /// In any text: the part needs no word, or the word search could not tell.
    Anywhere,
}

/// Whether every requirement of a part has one of its words present.
fn satisfied(part: &[Vec<usize>], present: &[bool]) -> bool {
    part.iter().all(|clause| clause.iter().any(|&w| present[w]))
}

/// The non-ASCII characters that `(?i)` matches with ASCII letters; a test checks the
/// list against the regex crate's case folding.
pub(crate) const FOLDS_TO_ASCII: [char; 2] = ['\u{17F}', '\u{212A}'];

/// Shortest word worth looking for: shorter ones occur in almost any text.
const MIN_WORD: usize = 3;
/// Most alternatives one requirement may list before it is not worth checking.
const MAX_CHOICES: usize = 512;

/// Words any match of a pattern contains, as a list of requirements that must all hold,
/// each satisfied by any one of its words (see [`needed_words`]).
pub type Needs = Vec<Vec<String>>;

/// Words any match of `hir` contains, as a list of requirements that must all hold,
/// each satisfied by any one of its words. `hir` is parsed without the case flag; the
/// words are lower-cased, and are looked for without regard to ASCII case. Only
/// certain requirements are listed: a pattern whose needs are unknown gets none.
pub fn needed_words(hir: &Hir) -> Needs {
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
            // Too many to be worth checking, even after dropping redundant words; and
            // the redundancy check below is quadratic (100,000 words took a minute).
            if any.len() > 4 * MAX_CHOICES {
                return vec![];
            }
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
        Matcher::new(
            parts
                .iter()
                .map(|p| (p.to_string(), needed_words(&hir(p))))
                .collect(),
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
        let none = matcher(&[r"performance\s+points?", r"liquidated\s+damages"]);
        let words = Words::new(&[m.clone(), none.clone()]);
        let text = ["The SERVICE Credits apply.", "Fees rise 5%."];
        let places = words.places(&text);
        assert_eq!(
            places,
            [
                vec![Place::In(vec![0]), Place::In(vec![]), Place::Anywhere],
                vec![Place::In(vec![]), Place::In(vec![])]
            ]
        );
        let plan = m.plan(&places[0], &text, 100);
        // The liquidated damages part was left out.
        assert_eq!(plan.compiled(), 2);
        let found = |plan: &Plan, block: usize, text: &str| {
            let mut out = Vec::new();
            plan.search(block, text, &mut out);
            out.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>()
        };
        assert_eq!(found(&plan, 0, text[0]), [(4, 19)]);
        assert_eq!(found(&plan, 1, text[1]), [(10, 12)]);
        assert!(found(&plan, 0, "Liquidated damages").is_empty());
        // The same compiled patterns come from the cache.
        let again = m.plan(&places[0], &text, 100);
        let rest = |plan: &Plan| match plan {
            Plan::Parts {
                rest: Some(rest), ..
            } => rest.re.clone(),
            _ => panic!("compiles some parts"),
        };
        assert!(Arc::ptr_eq(&rest(&plan), &rest(&again)));
        assert_eq!(none.plan(&places[1], &text, 100).compiled(), 0);
        // Words spread over two blocks: no block can hold a match.
        let spread = ["The service is new.", "Credits apply."];
        let places = &words.places(&spread)[0];
        assert_eq!(m.plan(places, &spread, 100).compiled(), 1);
    }

    /// A group's matches in a block are its parts' in order, the earliest part winning
    /// a tie, each looked for again from the end of the last: as the alternation finds
    /// them.
    #[test]
    fn a_plan_finds_the_alternations_matches() {
        let m = matcher(&[r"credit\s+points", r"service\s+credit", r"credit"]);
        let text = "service credit points; credit points and service credits";
        let plan = m.plan(&vec![Place::Anywhere; 3], &[text], text.len());
        let mut got = Vec::new();
        plan.search(0, text, &mut got);
        let want: Vec<Range<usize>> = m.whole().get().find_iter(text).map(|m| m.range()).collect();
        assert_eq!(got, want);
        assert_eq!(got, [0..14, 23..36, 41..55]);
    }

    #[test]
    fn a_block_is_searched_by_the_groups_whose_words_it_holds() {
        let credits = matcher(&[r"service\s+credits?"]);
        let damages = matcher(&[r"liquidated\s+damages", r"delay\s+payments?"]);
        let anywhere = matcher(&[r"[0-9]+%"]);
        let words = Words::new(&[credits, damages, anywhere]);
        let (mut found, mut out) = (Found::default(), vec![false; 3]);
        words.groups("Delay payments and service credits", &mut found, &mut out);
        assert_eq!(out, [true, true, true]);
        // The scratch space is reset between blocks.
        words.groups(
            "Only a service here; credit elsewhere",
            &mut found,
            &mut out,
        );
        assert_eq!(out, [true, false, true]);
        words.groups("Nothing", &mut found, &mut out);
        assert_eq!(out, [false, false, true], "a part that needs no word");
    }

    /// The Kelvin sign and the long s match k and s under `(?i)`; the ASCII word search
    /// cannot see them, so a text holding them gets every part of every group.
    #[test]
    fn letters_that_fold_to_ascii_get_the_whole_group() {
        let m = matcher(&[r"service\s+credits?", r"liquidated\s+damages"]);
        let words = Words::new(std::slice::from_ref(&m));
        let text = "ſervice credit";
        assert!(m.whole().get().is_match(text));
        assert_eq!(words.places(&[text]), [vec![Place::Anywhere; 2]]);
        let mut out = vec![false];
        words.groups(text, &mut Found::default(), &mut out);
        assert_eq!(out, [true]);
    }

    #[test]
    fn equal_regexes_are_compiled_once() {
        let a = LazyRegex::new("(?i)glossary|definitions".into(), 1 << 20);
        let b = LazyRegex::new("(?i)glossary|definitions".into(), 1 << 20);
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert!(std::ptr::eq(a.get(), b.get()));
        let searching = LazyRegex::searching("(?i)glossary|definitions".into(), 1 << 20);
        assert!(
            !Arc::ptr_eq(&a.0, &searching.0),
            "the prefilter is part of the key"
        );
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
