//! Exact automata of the built-in regexes, built with the program (`build.rs`) and read
//! in place: a regex that has them is searched without being compiled.
//!
//! Compiling regexes was three quarters of checking one tender alone (32 of 45 ms for a
//! 10 KB tender). Each built-in part of a pattern group (under its group's flags), each
//! filter and each sense's regex whose DFAs stay small has here the forward and reverse
//! DFAs that `regex_automata::dfa::regex::Regex` searches with: the forward one finds
//! where the leftmost-first match ends, the reverse one where it starts. They find
//! what the compiled regex finds (the test `each_automaton_finds_what_its_regex_finds`
//! compares them on every paragraph of the fixtures and corpora). The regexes without
//! them (their DFAs would be too large, or a user's rule file) are compiled as before.
//!
//! Only with the `automata` feature; without it (the browser build) no regex has one.

use regex_automata::dfa::{regex::Regex, sparse::DFA, Automaton as _};
use regex_automata::{Input, MatchError};
use std::ops::Range;
use std::sync::OnceLock;

/// The serialised automata, forward then reverse for each regex (sparse DFAs need no
/// alignment).
static BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/exact.bin"));

/// For each regex with automata (its complete pattern, flags included), in order: where
/// its forward automaton starts in `BLOB`, and how long it and the reverse one are.
static INDEX: &[(&str, usize, usize, usize)] =
    include!(concat!(env!("OUT_DIR"), "/exact_index.rs"));

/// For each regex searched in pieces (its complete pattern), in order: the pieces'
/// patterns, in order. The regex's leftmost-first match is the match that starts first
/// over its pieces, the earliest piece winning a tie (see build.rs); each piece has
/// automata in `INDEX`, or is compiled.
static PIECES: &[(&str, &[&str])] = include!(concat!(env!("OUT_DIR"), "/exact_pieces.rs"));

/// A regex searched with its automata, read in place.
pub type Exact = Regex<DFA<&'static [u8]>>;

/// Most bytes a question searches with the automata: a sparse DFA reads a byte at a
/// time and has no literal prefilter, so over longer text the compiled regex is faster.
pub const MAX_SEARCHED: usize = 1 << 18;

/// Most bytes a part of a pattern group searches with its automata in one document
/// (the blocks that hold its words); over more, it is compiled. Measured on single
/// documents (hyperfine, medians of 8, against the build that compiled every part):
/// with 256 KiB, the 234 KB and 197 KB tenders of the corpora took 115 and 122 ms
/// against 110 and 110; with 64 KiB, 90 and 104 ms, and the 10, 150 and 469 KB ones 26,
/// 66 and 149 ms against 46, 79 and 146. 4 and 16 KiB were no better.
pub const MAX_PLANNED: usize = 1 << 16;

/// The automata of the built-in regex `source` (its complete pattern), read the first
/// time they are asked for; None if it has none.
pub fn get(source: &str) -> Option<&'static Exact> {
    // Without the automata (the browser build) none is read, and the searching code is
    // left out of the program.
    if cfg!(not(feature = "automata")) {
        return None;
    }
    static READ: OnceLock<Vec<OnceLock<Option<Exact>>>> = OnceLock::new();
    let i = INDEX.binary_search_by(|(s, ..)| (*s).cmp(source)).ok()?;
    let read = READ.get_or_init(|| INDEX.iter().map(|_| OnceLock::new()).collect());
    read[i]
        .get_or_init(|| {
            let (_, start, forward, reverse) = INDEX[i];
            let middle = start + forward;
            let (forward, reverse) = (
                BLOB.get(start..middle)?,
                BLOB.get(middle..middle + reverse)?,
            );
            // SAFETY: both are what build.rs serialised with this version of
            // regex-automata, and checked with `DFA::from_bytes` there; the test
            // `every_automaton_is_valid` checks them all again.
            let forward = unsafe { DFA::from_bytes_unchecked(forward) }.ok()?.0;
            let reverse = unsafe { DFA::from_bytes_unchecked(reverse) }.ok()?.0;
            Some(Regex::builder().build_from_dfas(forward, reverse))
        })
        .as_ref()
}

/// Whether the built-in regex `source` has automata, whole or for every piece.
pub fn has(source: &str) -> bool {
    INDEX.binary_search_by(|(s, ..)| (*s).cmp(source)).is_ok()
        || pieces(source).is_some_and(|list| list.iter().all(|p| get(p).is_some()))
}

/// The pieces the built-in regex `source` is searched in, if it is (see `PIECES`).
pub fn pieces(source: &str) -> Option<&'static [&'static str]> {
    if cfg!(not(feature = "automata")) {
        return None;
    }
    let i = PIECES.binary_search_by(|(s, _)| (*s).cmp(source)).ok()?;
    Some(PIECES[i].1)
}

/// Whether the built-in regex `source` matches somewhere in `text`, answered by its
/// automata, whole or every piece's; None if they cannot answer (it has none, a piece
/// has none, the text is too long, or an automaton gave up).
pub fn answer(source: &str, text: &str) -> Option<bool> {
    if text.len() > MAX_SEARCHED {
        return None;
    }
    if let Some(re) = get(source) {
        return is_match(re, text).ok();
    }
    let list = pieces(source)?;
    let automata: Option<Vec<&Exact>> = list.iter().map(|p| get(p)).collect();
    for re in automata? {
        if is_match(re, text).ok()? {
            return Some(true);
        }
    }
    Some(false)
}

/// The leftmost-first match of `re` in `text` that starts at or after `from`, as the
/// compiled regex finds it searching `text` from there. An error means the automaton
/// gave up (these have no byte to give up on; the callers then compile the regex).
pub fn find_at(re: &Exact, text: &str, from: usize) -> Result<Option<Range<usize>>, MatchError> {
    let found = re.try_search(&Input::new(text).range(from..))?;
    Ok(found.map(|m| m.range()))
}

/// Whether `re` matches somewhere in `text`.
pub fn is_match(re: &Exact, text: &str) -> Result<bool, MatchError> {
    let found = re
        .forward()
        .try_search_fwd(&Input::new(text).earliest(true))?;
    Ok(found.is_some())
}

/// Every match of `re` in `text`, in order, as the compiled regex's `find_iter` gives
/// them (the automata exist only for regexes that cannot match the empty text, so each
/// search starts where the last match ended).
pub fn find_all(re: &Exact, text: &str) -> Result<Vec<Range<usize>>, MatchError> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(m) = find_at(re, text, at)? {
        at = m.end;
        out.push(m);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    /// What `get` trusts: each automaton, checked in full.
    #[test]
    fn every_automaton_is_valid() {
        for (source, start, forward, reverse) in INDEX {
            let middle = start + forward;
            for bytes in [&BLOB[*start..middle], &BLOB[middle..middle + reverse]] {
                let (_, read) = DFA::from_bytes(bytes).unwrap_or_else(|e| panic!("{source}: {e}"));
                assert_eq!(read, bytes.len(), "{source}");
            }
        }
    }

    fn builtin() -> RuleSet {
        RuleSet::load(&crate::builtin::files()).expect("the built-in rules load")
    }

    /// The paragraphs of the fixtures and corpora (see `supersets::tests`); in a debug
    /// build, where searching with the automata is not optimised, one in `DEBUG_STEP`
    /// of the corpora's. And whether the corpora were there.
    fn paragraphs() -> (Vec<String>, bool) {
        let step = if cfg!(debug_assertions) {
            DEBUG_STEP
        } else {
            1
        };
        crate::supersets::tests::paragraphs_with(step)
    }

    /// One paragraph in this many is searched by the tests of a debug build (`cargo
    /// test`): all of them took 8 minutes. `cargo test --release --lib exact::` searches
    /// them all in about 30 seconds.
    const DEBUG_STEP: usize = 8;

    /// Every built-in filter and sense's regex with automata, whole or in pieces, finds
    /// with them what it finds compiled, in the paragraphs of the fixtures and corpora:
    /// the same matches one for one, or the same answer to whether it matches. Else a
    /// finding would be lost, moved or made. (The parts of pattern groups are searched
    /// through their group's plan, checked below.)
    #[test]
    fn each_automaton_finds_what_its_regex_finds() {
        let (texts, corpus) = paragraphs();
        let rules = builtin();
        let filters = crate::builtin::filters_and_senses(&rules);
        let mut sources: Vec<String> = filters.iter().map(|f| f.to_string()).collect();
        sources.sort();
        sources.dedup();
        let (mut whole, mut in_pieces, mut matches) = (0, 0, 0);
        for source in &sources {
            let re = regex::Regex::new(source).expect("compiles");
            let exact = get(source);
            match (exact, pieces(source)) {
                (Some(_), _) => whole += 1,
                (None, Some(_)) => in_pieces += 1,
                (None, None) => continue,
            }
            for text in &texts {
                let want: Vec<Range<usize>> = re.find_iter(text).map(|m| m.range()).collect();
                if let Some(exact) = exact {
                    if !want.is_empty() || is_match(exact, text) != Ok(false) {
                        let got = find_all(exact, text).expect("searches");
                        assert_eq!(got, want, "{source}\nin {text:?}");
                    }
                }
                if let Some(found) = answer(source, text) {
                    assert_eq!(found, !want.is_empty(), "{source}\nin {text:?}");
                }
                matches += want.len();
            }
        }
        // Without the `automata` feature there are none to check.
        if cfg!(feature = "automata") {
            let with = whole + in_pieces;
            assert!(with * 10 > sources.len() * 9, "{with} of {}", sources.len());
            let enough = if corpus { 100 } else { 10 };
            assert!(
                in_pieces > 0 && matches > enough,
                "{in_pieces} in pieces, {matches} matches"
            );
        }
    }

    /// Each built-in group, searched as for a document checked alone (parts and pieces
    /// with automata searched with them, the rest compiled together; see
    /// [`crate::matcher::Plan`]), finds what the whole group compiled finds, match for
    /// match, in every paragraph; and so when only every other part or piece is
    /// searched with its automata, which mixes the two kinds more.
    #[test]
    fn each_group_searched_in_parts_finds_what_it_finds_whole() {
        let (texts, corpus) = paragraphs();
        let rules = builtin();
        let words = rules.words();
        let mut checked = 0;
        // Documents of paragraphs short enough to be searched with the automata.
        let mut documents: Vec<Vec<&str>> = vec![Vec::new()];
        let mut bytes = 0;
        for text in &texts {
            if bytes + text.len() > MAX_PLANNED {
                documents.push(Vec::new());
                bytes = 0;
            }
            bytes += text.len();
            documents.last_mut().expect("one").push(text);
        }
        for blocks in &documents {
            let places = words.places(blocks);
            let size = blocks.iter().map(|t| t.len()).sum();
            for (m, places) in rules.matchers.iter().zip(&places) {
                let plans = [
                    m.plan(places, blocks, size),
                    m.plan_where(places, blocks, size, |(p, k)| (p + k) % 2 == 0),
                ];
                for (i, text) in blocks.iter().enumerate() {
                    let want: Vec<Range<usize>> =
                        m.whole().get().find_iter(text).map(|m| m.range()).collect();
                    for plan in &plans {
                        let mut got = Vec::new();
                        plan.search(i, text, &mut got);
                        assert_eq!(got, want, "{}\nin {text:?}", m.as_str());
                    }
                    checked += want.len();
                }
            }
        }
        let enough = if corpus { 500 } else { 20 };
        assert!(checked > enough, "only {checked} matches checked");
    }
}
