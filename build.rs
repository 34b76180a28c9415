//! Builds, when tenderlint is compiled, an automaton for each part of the built-in rules'
//! pattern groups: a DFA of a superset of the part's language, loosened so that it stays
//! small (see `loosen`). At run time (`src/supersets.rs`) a part whose automaton finds
//! nothing in a document is not compiled at all; one that finds something is compiled
//! and searched exactly, as before. So the automata change what is compiled, never what
//! is found.
//!
//! The rules' filters (`unless`, `with`, sections, table columns) and the senses'
//! regexes (negation, other senses) get one too: a regex whose automaton finds nothing
//! in a text does not match it, and is not compiled to say so.
//!
//! The parts are the keys of `src/builtin_needed_words.json`, the filters and senses are listed in
//! `src/builtin_regexes.json`; the tests `builtin::tests::needed_words_are_current` and
//! `regexes_are_current` keep both equal to what the rules load. A pattern missing from
//! them (a stale list, or a user's rule file) has no automaton and is compiled as before.
//!
//! Only with the `automata` feature (part of `cli`): the browser build goes without,
//! for its download size.

use regex_automata::dfa::{dense, sparse, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::MatchKind;
use regex_syntax::hir::{
    Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look,
    Repetition,
};
use regex_syntax::utf8::{Utf8Sequence, Utf8Sequences};
use std::fmt::Write as _;
use std::path::PathBuf;

/// A part whose automaton would be larger than this goes without one.
const DFA_SIZE_LIMIT: usize = 1 << 20;
/// Bounded repetitions up to this many are kept; longer ones become unbounded.
const KEPT_REPEAT: u32 = 3;
/// The characters beyond ASCII that `(?i)` matches with ASCII letters (the long s, the
/// Kelvin sign): left out of the automata, which are not asked about texts holding them.
/// The same list as `FOLDS_TO_ASCII` in src/matcher.rs (a test there checks both).
const FOLDS_TO_ASCII: [char; 2] = ['\u{17F}', '\u{212A}'];
/// A class with more UTF-8 sequences than this beyond ASCII is loosened to any character.
const WIDE_SEQUENCES: usize = 8;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/builtin_needed_words.json");
    println!("cargo:rerun-if-changed=src/builtin_regexes.json");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut blob: Vec<u8> = Vec::new();
    let mut index: Vec<(String, usize, usize)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if std::env::var_os("CARGO_FEATURE_AUTOMATA").is_some() {
        let list = std::fs::read_to_string("src/builtin_needed_words.json")
            .expect("src/builtin_needed_words.json is readable");
        let parts: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&list).expect("src/builtin_needed_words.json is a JSON object");
        let list = std::fs::read_to_string("src/builtin_regexes.json")
            .expect("src/builtin_regexes.json is readable");
        let filters: Vec<String> =
            serde_json::from_str(&list).expect("src/builtin_regexes.json is a JSON array");
        for source in parts.keys().chain(&filters) {
            if !seen.insert(source) {
                continue;
            }
            let Some(bytes) = superset_dfa(source) else {
                continue;
            };
            index.push((source.clone(), blob.len(), bytes.len()));
            blob.extend_from_slice(&bytes);
        }
    }
    index.sort();
    let mut table = String::from("&[\n");
    for (source, start, len) in &index {
        writeln!(table, "    ({source:?}, {start}, {len}),").expect("writes to a String");
    }
    table.push(']');
    std::fs::write(out.join("supersets.bin"), &blob).expect("OUT_DIR is writable");
    std::fs::write(out.join("supersets_index.rs"), table).expect("OUT_DIR is writable");
}

/// The part's loosened automaton, serialised; None if it is too large or fails to build.
/// The part is read as case-insensitive, a superset of the case-sensitive reading.
fn superset_dfa(source: &str) -> Option<Vec<u8>> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(source)
        .ok()?;
    if let Some(dfa) = dfa_of(&loosen(&hir, false)) {
        return Some(dfa);
    }
    let coarse = loosen(&hir, true);
    if let Some(dfa) = dfa_of(&coarse) {
        return Some(dfa);
    }
    // Still too large: a match of the whole holds a match of any run of its pieces
    // between gaps, so try two pieces in order, then one.
    let HirKind::Concat(all) = coarse.kind() else {
        return None;
    };
    let mut pieces: Vec<Vec<Hir>> = vec![Vec::new()];
    for h in all {
        match h.kind() {
            HirKind::Repetition(r) if r.max.is_none() => pieces.push(Vec::new()),
            _ => pieces.last_mut().expect("starts with one").push(h.clone()),
        }
    }
    pieces.retain(|p| !p.is_empty());
    let n = pieces.len();
    let join = |a: &[Hir], b: &[Hir]| Hir::concat([a, &[any_bytes()], b].concat());
    let tries = [
        (n >= 2).then(|| join(&pieces[n - 2], &pieces[n - 1])),
        (n >= 3).then(|| join(&pieces[0], &pieces[1])),
        (n >= 2).then(|| Hir::concat(pieces[n - 1].clone())),
        (n >= 2).then(|| Hir::concat(pieces[0].clone())),
    ];
    tries.into_iter().flatten().find_map(|h| dfa_of(&h))
}

fn dfa_of(hir: &Hir) -> Option<Vec<u8>> {
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().utf8(false).shrink(true))
        .build_from_hir(hir)
        .ok()?;
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Unanchored)
                .minimize(true)
                .dfa_size_limit(Some(DFA_SIZE_LIMIT))
                .determinize_size_limit(Some(8 * DFA_SIZE_LIMIT)),
        )
        .build_from_nfa(&nfa)
        .ok()?;
    let bytes = dfa.to_sparse().ok()?.to_bytes_little_endian();
    // Checked once here, so that the program reads it in place without checking.
    sparse::DFA::from_bytes(&bytes).ok()?;
    Some(bytes)
}

/// A superset of `hir`'s language with a small automaton. Each step only adds strings:
/// - a character class keeps its ASCII members as bytes; its other members become their
///   UTF-8 sequences if there are few, else any run of bytes of 0x80 and above. The long
///   s and the Kelvin sign, which `(?i)` adds to s and k, are left out: a text holding
///   them is not asked (`src/supersets.rs`);
/// - a bounded repetition of more than `KEPT_REPEAT` becomes unbounded: the gaps such as
///   `(?:[^.;]){0,60}?` are what make exact automata large. `coarse` also makes every
///   repetition of more than one a run of any bytes, for the parts still too large;
/// - Unicode word boundaries, which DFAs cannot search, match everywhere; ASCII ones,
///   which the built-in patterns use, are kept;
/// - groups are unwrapped.
fn loosen(hir: &Hir, coarse: bool) -> Hir {
    let loose = |h: &Hir| loosen(h, coarse);
    match hir.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0.clone()),
        HirKind::Class(Class::Bytes(c)) => Hir::class(Class::Bytes(c.clone())),
        HirKind::Class(Class::Unicode(c)) => {
            let ascii = (c.ranges().iter())
                .filter(|r| r.start().is_ascii())
                .map(|r| bytes(r.start() as u8, r.end().min('\x7f') as u8));
            let mut choices: Vec<Hir> = ascii.collect();
            let mut beyond = c.clone();
            beyond.difference(&ClassUnicode::new(
                FOLDS_TO_ASCII.map(|c| ClassUnicodeRange::new(c, c)),
            ));
            let wide: Vec<Utf8Sequence> = (beyond.ranges().iter())
                .filter(|r| !r.end().is_ascii())
                .flat_map(|r| Utf8Sequences::new(r.start().max('\u{80}'), r.end()))
                .collect();
            if wide.len() > WIDE_SEQUENCES {
                choices.push(repeat(1, bytes(0x80, 0xff)));
            } else {
                for seq in wide {
                    let seq = seq.as_slice().iter().map(|r| bytes(r.start, r.end));
                    choices.push(Hir::concat(seq.collect()));
                }
            }
            Hir::alternation(choices)
        }
        HirKind::Look(
            Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode,
        ) => Hir::empty(),
        HirKind::Look(look) => Hir::look(*look),
        HirKind::Repetition(r) if coarse && r.max.is_none_or(|m| m > 1) => any_bytes(),
        HirKind::Repetition(r) => match r.max.is_none_or(|m| m > KEPT_REPEAT) {
            true => repeat(0, loose(&r.sub)),
            false => Hir::repetition(Repetition {
                min: r.min,
                max: r.max,
                greedy: true,
                sub: Box::new(loose(&r.sub)),
            }),
        },
        HirKind::Capture(c) => loose(&c.sub),
        HirKind::Concat(v) => Hir::concat(v.iter().map(loose).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(loose).collect()),
    }
}

/// The bytes from `start` to `end`.
fn bytes(start: u8, end: u8) -> Hir {
    Hir::class(Class::Bytes(ClassBytes::new([ClassBytesRange::new(
        start, end,
    )])))
}

/// `min` or more of `sub`.
fn repeat(min: u32, sub: Hir) -> Hir {
    Hir::repetition(Repetition {
        min,
        max: None,
        greedy: true,
        sub: Box::new(sub),
    })
}

/// Any bytes, or none.
fn any_bytes() -> Hir {
    repeat(0, bytes(0, 0xff))
}
