//! Builds, when tenderlint is compiled, automata of the built-in rules' regexes (each
//! part of a pattern group, under the group's flags; the filters; the senses' regexes),
//! so that checking one document compiles few regexes or none. Two kinds:
//!
//! - exact: the forward and reverse DFAs that `regex_automata::dfa::regex::Regex`
//!   searches with, where both together stay under `EXACT_SIZE_LIMIT` (see
//!   `exact_dfas`), whole or in pieces (see `exact_automata`). At run time
//!   (`src/exact.rs`) the regex is searched with them and never compiled; they find
//!   what the compiled regex finds;
//! - for the rest, a DFA of a superset of the regex's language, loosened so that it
//!   stays small (see `loosen`). At run time (`src/supersets.rs`) a regex whose
//!   automaton finds nothing in a text is not compiled to say so; one that finds
//!   something is compiled and searched exactly, as before. So these automata change
//!   what is compiled, never what is found.
//!
//! The parts are the keys of `src/builtin_needed_words.json`, the filters and senses are listed in
//! `src/builtin_regexes.json`; the tests `builtin::tests::needed_words_are_current` and
//! `regexes_are_current` keep both equal to what the rules load. A pattern missing from
//! them (a stale list, or a user's rule file) has no automaton and is compiled as before.
//!
//! Only with the `automata` feature (part of `cli`): the browser build goes without,
//! for its download size.

use regex_automata::dfa::{dense, regex, sparse, StartKind};
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
/// An exact automaton may be this large while it is built (as a dense DFA, before it is
/// minimised and made sparse)...
const EXACT_BUILD_LIMIT: usize = 8 << 20;
/// ...and a regex's two exact automata, as kept (sparse), this large together: they cost
/// the program's size, and most are far smaller.
const EXACT_SIZE_LIMIT: usize = 1 << 20;
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
    let mut supersets = Blob::default();
    let mut exact = Blob::default();
    let mut pieces: Vec<(String, Vec<String>)> = Vec::new();
    // Each part of the built-in groups, and the words it needs.
    let list = std::fs::read_to_string("src/builtin_needed_words.json")
        .expect("src/builtin_needed_words.json is readable");
    let parts: std::collections::BTreeMap<String, Vec<Vec<String>>> =
        serde_json::from_str(&list).expect("src/builtin_needed_words.json maps parts to words");
    if std::env::var_os("CARGO_FEATURE_AUTOMATA").is_some() {
        let list = std::fs::read_to_string("src/builtin_regexes.json")
            .expect("src/builtin_regexes.json is readable");
        let filters: Vec<String> =
            serde_json::from_str(&list).expect("src/builtin_regexes.json is a JSON array");
        // All built-in groups are case-insensitive: a part's exact automata are built,
        // and found at run time, under the group's flags and the part together.
        let mut seen = std::collections::HashSet::new();
        let sources: Vec<String> = (parts.keys().map(|p| format!("(?i){p}")))
            .chain(filters.iter().cloned())
            .filter(|s| seen.insert(s.clone()))
            .collect();
        let mut covered = std::collections::HashSet::new();
        for (source, found) in on_all_cores(&sources, |s| exact_automata(s)) {
            match found {
                Exact::Whole(forward, reverse) => {
                    exact.add(source, &[&forward, &reverse]);
                    covered.insert(source.clone());
                }
                Exact::Pieces(list) => {
                    if list.iter().all(|(_, dfas)| dfas.is_some()) {
                        covered.insert(source.clone());
                    }
                    for (piece, dfas) in &list {
                        if let Some((forward, reverse)) = dfas {
                            exact.add(piece, &[forward, reverse]);
                        }
                    }
                    pieces.push((source.clone(), list.into_iter().map(|(p, _)| p).collect()));
                }
            }
        }
        // A regex searched with exact automata alone (a filter, or a part under its
        // group's flags) needs no superset.
        let mut seen = std::collections::HashSet::new();
        let sources: Vec<&String> = (parts.keys().chain(&filters))
            .filter(|s| seen.insert(*s))
            .filter(|s| !covered.contains(*s) && !covered.contains(&format!("(?i){s}")))
            .collect();
        for (source, bytes) in on_all_cores(&sources, |s| superset_dfa(s)) {
            supersets.add(source, &[&bytes]);
        }
    }
    supersets.write(&out, "supersets");
    needed_words_table(&parts, &out);
    exact.write(&out, "exact");
    pieces.sort();
    let mut table = String::from("&[\n");
    for (source, list) in &pieces {
        writeln!(table, "    ({source:?}, &{list:?}),").expect("writes to a String");
    }
    table.push(']');
    std::fs::write(out.join("exact_pieces.rs"), table).expect("OUT_DIR is writable");
}

/// Writes `needed_words.rs`: `parts` (src/builtin_needed_words.json) as a table
/// sorted by part, of `(part, &[&[word, ...], ...])`, read by `builtin::needed_words`
/// without parsing JSON at each start (a seventh of the start-up's instructions).
fn needed_words_table(
    parts: &std::collections::BTreeMap<String, Vec<Vec<String>>>,
    out: &std::path::Path,
) {
    let mut table = String::from("&[\n");
    for (part, needs) in parts {
        let needs: Vec<String> = needs.iter().map(|words| format!("&{words:?}")).collect();
        writeln!(table, "    ({part:?}, &[{}]),", needs.join(", ")).expect("writes to a String");
    }
    table.push(']');
    std::fs::write(out.join("needed_words.rs"), table).expect("OUT_DIR is writable");
}

/// Serialised automata, one after another, and for each regex (its source) where its
/// automata start and how long each is.
#[derive(Default)]
struct Blob {
    bytes: Vec<u8>,
    index: Vec<(String, usize, Vec<usize>)>,
}

impl Blob {
    fn add(&mut self, source: &str, automata: &[&Vec<u8>]) {
        let lengths = automata.iter().map(|a| a.len()).collect();
        self.index
            .push((source.to_string(), self.bytes.len(), lengths));
        for a in automata {
            self.bytes.extend_from_slice(a);
        }
    }

    /// Writes `{name}.bin` and `{name}_index.rs`: a table sorted by source, of
    /// `(source, start, length, ...)`.
    fn write(mut self, out: &std::path::Path, name: &str) {
        self.index.sort();
        self.index.dedup_by(|a, b| a.0 == b.0);
        let mut table = String::from("&[\n");
        for (source, start, lengths) in &self.index {
            let lengths: Vec<String> = lengths.iter().map(|l| l.to_string()).collect();
            writeln!(table, "    ({source:?}, {start}, {}),", lengths.join(", "))
                .expect("writes to a String");
        }
        table.push(']');
        std::fs::write(out.join(format!("{name}.bin")), &self.bytes).expect("OUT_DIR is writable");
        std::fs::write(out.join(format!("{name}_index.rs")), table).expect("OUT_DIR is writable");
    }
}

/// A piece's pattern, and its forward and reverse automata if it has them.
type Piece = (String, Option<(Vec<u8>, Vec<u8>)>);

/// What a regex is searched with.
enum Exact {
    /// Its own exact automata, forward and reverse.
    Whole(Vec<u8>, Vec<u8>),
    /// Pieces, in order, each with its exact automata if they are small enough (else
    /// the piece is compiled at run time): the regex's leftmost-first match is the
    /// pieces' match that starts first, the earliest piece winning a tie.
    Pieces(Vec<Piece>),
}

/// How the regex `source` is searched with exact automata; None if neither it nor its
/// pieces have them.
///
/// A regex too large for them whole is cut at its alternation: `L(?:A|B|C)R` matches as
/// `LAR|LBR|LCR` does when `L` and `R` are literals and look-arounds, which match one
/// way only (so the order in which the alternation's leftmost-first search tries its
/// paths is the same), and the alternatives are kept together in runs as long as the
/// automata of a run stay small.
fn exact_automata(source: &str) -> Option<Exact> {
    if let Some((forward, reverse)) = exact_dfas(source) {
        return Some(Exact::Whole(forward, reverse));
    }
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    let (before, alternatives, after) = cut(&hir)?;
    let piece = |run: &[Hir]| {
        let middle = Hir::alternation(run.to_vec());
        Hir::concat([before, &[middle], after].concat()).to_string()
    };
    let mut list = Vec::new();
    runs(&alternatives, &piece, &mut list);
    list.iter()
        .any(|(_, d)| d.is_some())
        .then_some(Exact::Pieces(list))
}

/// `hir` as `L`, the alternatives of `(?:A|B|...)`, and `R` (see [`exact_automata`]).
fn cut(hir: &Hir) -> Option<(&[Hir], Vec<Hir>, &[Hir])> {
    let items: &[Hir] = match hir.kind() {
        HirKind::Concat(items) => items,
        HirKind::Capture(c) => return cut(&c.sub),
        _ => std::slice::from_ref(hir),
    };
    let at = items
        .iter()
        .position(|h| matches!(h.kind(), HirKind::Alternation(_)))?;
    let one_way = |h: &Hir| matches!(h.kind(), HirKind::Look(_) | HirKind::Literal(_));
    if !items[..at].iter().all(one_way) || !items[at + 1..].iter().all(one_way) {
        return None;
    }
    let HirKind::Alternation(alternatives) = items[at].kind() else {
        return None;
    };
    Some((&items[..at], alternatives.clone(), &items[at + 1..]))
}

/// The alternatives `all` in runs whose automata are small enough, in order, each with
/// its automata: the whole run if they fit, else each half in turn. A single
/// alternative that does not fit is kept without them.
fn runs(all: &[Hir], piece: &impl Fn(&[Hir]) -> String, out: &mut Vec<Piece>) {
    let source = piece(all);
    match exact_dfas(&source) {
        Some(dfas) => out.push((source, Some(dfas))),
        None if all.len() == 1 => out.push((source, None)),
        None => {
            let (first, second) = all.split_at(all.len() / 2);
            runs(first, piece, out);
            runs(second, piece, out);
        }
    }
}

/// `work` done for each of `items` on every core, the items with an answer, in order.
fn on_all_cores<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> Option<R> + Sync,
) -> Vec<(&T, R)> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return done;
                        };
                        done.extend(work(item).map(|r| (i, r)));
                    }
                })
            })
            .collect();
        (workers.into_iter())
            .flat_map(|w| w.join().expect("a build thread finishes"))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(i, r)| (&items[i], r)).collect()
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

/// The regex `source`'s exact automata, forward and reverse (as `dfa::regex::Regex`
/// pairs them), minimised and serialised; None if they are larger than
/// `EXACT_SIZE_LIMIT` together, or the regex can match the empty text (whose matches
/// the search at run time does not step over).
fn exact_dfas(source: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    if hir.properties().minimum_len().is_none_or(|n| n == 0) {
        return None;
    }
    let re = regex::Builder::new()
        .dense(
            dense::Config::new()
                .minimize(true)
                .dfa_size_limit(Some(EXACT_BUILD_LIMIT))
                .determinize_size_limit(Some(2 * EXACT_BUILD_LIMIT)),
        )
        .build(source)
        .ok()?;
    let forward = re.forward().to_sparse().ok()?.to_bytes_little_endian();
    let reverse = re.reverse().to_sparse().ok()?.to_bytes_little_endian();
    if forward.len() + reverse.len() > EXACT_SIZE_LIMIT {
        return None;
    }
    // Checked once here, so that the program reads them in place without checking.
    sparse::DFA::from_bytes(&forward).ok()?;
    sparse::DFA::from_bytes(&reverse).ok()?;
    Some((forward, reverse))
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
