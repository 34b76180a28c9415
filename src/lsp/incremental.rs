//! Re-linting a buffer after an edit by scanning again only the pieces the edit touched.
//!
//! The buffer is cut into pieces of about [`PIECE_BYTES`] where it is safe to cut (see
//! `document::pieces`), and each piece's scan is kept with the text it was made from,
//! the state the piece started with (its [`Carry`]: headings open, blocks so far, the
//! block before it) and the state it handed on. After an edit, the text before and after
//! the edit is found by comparing the new text with the old one. A piece wholly before
//! the edit, or wholly after it, has the same text as before; it is used again when it
//! also starts with the same carry (and the link and footnote labels defined in the
//! buffer are the same), its positions moved by the bytes and lines the edit added or
//! removed. Every other piece is parsed and scanned again: the pieces the edit touched,
//! and any later piece whose carry changed (an edit that adds a block renumbers the
//! paragraphs after it, so every later piece is scanned again). Document-level rules are
//! then judged on the merged facts, and suppression comments applied over the whole
//! buffer, as [`Linter::lint_scans`] does for a long file.
//!
//! The places where the edited text is cut again are found from the last cut before the
//! edit, up to the first old cut after the edit that is still a place to cut: from there
//! on, where the text may be cut depends only on the text, which is unchanged.

use crate::diagnostic::Diagnostic;
use crate::document::{parse_piece, Carry, Cutter, Labels};
use crate::engine::{Linter, PieceScan};
use crate::line_index::LineIndex;
use std::ops::Range;

/// The least size of a piece in the language server. Measured with
/// `examples/lsp_relint` on 1 MiB buffers: one keystroke cost the same CPU time with
/// pieces of 4, 8 and 16 KiB (what is left is judging, suppressions and the diagnostics'
/// JSON over the whole buffer), 1.4 to 1.6 times as much with 32 KiB and 2.2 to 2.4 times
/// with 64 KiB.
/// The largest of the best keeps a megabyte to about 64 pieces.
pub const PIECE_BYTES: usize = 16 << 10;

/// A buffer's pieces and their scans, from its last lint.
#[derive(Debug, Clone)]
pub struct Incremental {
    piece_bytes: usize,
    /// The text last linted.
    text: String,
    pieces: Vec<Kept>,
    /// The labels defined anywhere in the text (empty when not collected).
    labels: Labels,
    /// Makes the next lint panic, to test what a panic costs.
    #[cfg(test)]
    pub(crate) fail: bool,
}

/// One piece of the text last linted.
#[derive(Debug, Clone)]
struct Kept {
    range: Range<usize>,
    /// The line its first byte is on (0-based).
    line: usize,
    /// The labels it defines, when they were collected.
    labels: Option<Labels>,
    carry_in: Carry,
    carry_out: Carry,
    scan: PieceScan,
}

/// A piece of the new text, and the kept piece with the same text, if any.
#[derive(Debug, Clone)]
struct Planned {
    range: Range<usize>,
    kept: Option<usize>,
}

/// What was scanned again in the last lint, for tests and measurements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    pub pieces: usize,
    pub scanned: usize,
}

impl Incremental {
    /// An empty cache, for pieces of at least `piece_bytes`.
    pub fn new(piece_bytes: usize) -> Self {
        Incremental {
            piece_bytes,
            text: String::new(),
            pieces: Vec::new(),
            labels: Labels::default(),
            #[cfg(test)]
            fail: false,
        }
    }

    /// Where the pieces of the text last linted lie.
    pub fn ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.pieces.iter().map(|p| p.range.clone())
    }

    /// Lints `text` (whose line index is `lines`) with `linter`, which must be the linter
    /// of every earlier lint with this cache: the findings, each with its location, as
    /// [`Linter::lint`] and [`crate::document::Locator`] give them for the whole text.
    pub fn lint(
        &mut self,
        linter: &Linter,
        text: &str,
        lines: &LineIndex,
    ) -> (Vec<Diagnostic>, Work) {
        #[cfg(test)]
        assert!(!self.fail, "a failure asked for by a test");
        let old = std::mem::take(&mut self.text);
        let mut old_pieces = std::mem::take(&mut self.pieces);
        let (prefix, suffix) = unchanged(&old, text);
        let delta = text.len() as isize - old.len() as isize;
        let mut plan = self.plan(&old, &old_pieces, text, prefix, suffix, delta);

        let (labels, mut piece_labels) = collect_labels(text, &mut plan, &old_pieces);
        let same_labels = labels == self.labels;

        // A buffer of one piece compiles only the parts of the patterns it needs, as a
        // document linted whole does; pieces of a longer one would each need others.
        let whole_groups = linter.whole_groups || plan.len() > 1;
        let mut work = Work::default();
        let mut carry = Carry::default();
        let mut pieces: Vec<Kept> = Vec::with_capacity(plan.len());
        let mut i = 0;
        while i < plan.len() {
            let range = plan[i].range.clone();
            let line = lines.line_of(range.start);
            let old_start = plan[i].kept.map(|k| old_pieces[k].range.start);
            let by = old_start.map_or(0, |s| range.start as isize - s as isize);
            // Blocks added or removed before the piece renumber its paragraphs only.
            let reused = plan[i].kept.and_then(|k| {
                let blocks = carry.blocks() as isize - old_pieces[k].carry_in.blocks() as isize;
                let carry_in = old_pieces[k].carry_in.shifted(by, blocks);
                (same_labels && carry_in == carry).then_some((k, blocks))
            });
            if let Some((k, blocks)) = reused {
                // Each kept piece is planned once at most: its scan is moved, not copied.
                let k = &mut old_pieces[k];
                let mut scan = std::mem::take(&mut k.scan);
                scan.shift(by, line as isize - k.line as isize, blocks);
                let carry_in = std::mem::replace(&mut carry, k.carry_out.shifted(by, blocks));
                pieces.push(Kept {
                    range,
                    line,
                    labels: piece_labels[i].take(),
                    carry_in,
                    carry_out: carry.clone(),
                    scan,
                });
                i += 1;
                continue;
            }
            let Some((doc, next)) = parse_piece(text, lines, range.clone(), &carry, &labels) else {
                // Not a boundary after all: joined to the next piece.
                join(&mut plan, i);
                if let Some(next) = piece_labels.remove(i + 1) {
                    if let Some(l) = &mut piece_labels[i] {
                        l.extend(&next);
                    }
                }
                continue;
            };
            work.scanned += 1;
            let scan = linter.scan_piece(&doc, whole_groups);
            drop(doc);
            pieces.push(Kept {
                range,
                line,
                labels: piece_labels[i].take(),
                carry_in: std::mem::replace(&mut carry, next.clone()),
                carry_out: next,
                scan,
            });
            i += 1;
        }
        work.pieces = pieces.len();
        let scans = pieces.iter().map(|p| p.scan.clone());
        let (diagnostics, _) = linter.lint_scans(text, lines, scans);
        // The old text's memory is re-used: a fresh megabyte costs page faults.
        let mut kept_text = old;
        kept_text.clear();
        kept_text.push_str(text);
        self.text = kept_text;
        self.pieces = pieces;
        self.labels = labels;
        (diagnostics, work)
    }

    /// The pieces of the new text: the kept pieces wholly before the edit (and whose
    /// end is still a place to cut), the text from there cut again up to the first kept
    /// cut after the edit that is still a place to cut, and the kept pieces from there.
    fn plan(
        &self,
        old: &str,
        kept: &[Kept],
        text: &str,
        prefix: usize,
        suffix: usize,
        delta: isize,
    ) -> Vec<Planned> {
        let mut plan = Vec::new();
        // Kept pieces before the edit: their text is unchanged, and so is the start of
        // the line after them, which decides whether their end is a place to cut (a
        // letter, or one to six `#` and a space, a tab or the end of the line): its first
        // eight bytes, or all of it and its line break when shorter.
        let mut from = 0;
        for (k, p) in kept.iter().enumerate() {
            let end = p.range.end;
            let still_a_cut = end < old.len()
                && old[end..]
                    .find(['\n', '\r'])
                    .is_some_and(|e| (end + e + 1).min(end + 8) <= prefix);
            if !still_a_cut {
                break;
            }
            plan.push(Planned {
                range: p.range.clone(),
                kept: Some(k),
            });
            from = p.range.end;
        }
        // Kept pieces after the edit, by where they start in the new text.
        let after_edit = text.len() - suffix;
        let first_after = kept.partition_point(|p| p.range.start < old.len() - suffix);
        let starts: Vec<usize> = kept[first_after..]
            .iter()
            .map(|p| p.range.start.saturating_add_signed(delta))
            .collect();
        let mut last = from;
        let cutter = match from {
            0 => Cutter::new(text),
            _ => Cutter::after(text, from),
        };
        for at in cutter {
            if at >= after_edit {
                if let Ok(j) = starts.binary_search(&at) {
                    plan.push(Planned {
                        range: last..at,
                        kept: None,
                    });
                    for (k, p) in kept.iter().enumerate().skip(first_after + j) {
                        let start = p.range.start.saturating_add_signed(delta);
                        let end = p.range.end.saturating_add_signed(delta);
                        plan.push(Planned {
                            range: start..end,
                            kept: Some(k),
                        });
                    }
                    return plan;
                }
            }
            if at - last >= self.piece_bytes {
                plan.push(Planned {
                    range: last..at,
                    kept: None,
                });
                last = at;
            }
        }
        if last < text.len() || plan.is_empty() {
            plan.push(Planned {
                range: last..text.len(),
                kept: None,
            });
        }
        plan
    }
}

/// The labels defined anywhere in `text`, as `Pieces` collects them (when there is more
/// than one piece and the text may define any), and those of each planned piece: the
/// kept pieces' as they were, the others' read now. A piece that is found not to end at
/// a boundary is joined to the next.
fn collect_labels(
    text: &str,
    plan: &mut Vec<Planned>,
    old_pieces: &[Kept],
) -> (Labels, Vec<Option<Labels>>) {
    let mut labels = Labels::default();
    let mut piece_labels = vec![None; plan.len()];
    if plan.len() < 2 || !text.contains("]:") {
        return (labels, piece_labels);
    }
    let mut i = 0;
    while i < plan.len() {
        let known = plan[i].kept.and_then(|k| old_pieces[k].labels.clone());
        let found = known.or_else(|| {
            let r = &plan[i].range;
            Labels::of_piece(text, r.start, r.end)
        });
        match found {
            Some(l) => {
                labels.extend(&l);
                piece_labels[i] = Some(l);
                i += 1;
            }
            None => {
                join(plan, i);
                piece_labels.remove(i + 1);
            }
        }
    }
    (labels, piece_labels)
}

/// Joins piece `i` of the plan to the next one (the last piece always ends a text, so
/// never runs over).
fn join(plan: &mut Vec<Planned>, i: usize) {
    let next = plan.remove(i + 1);
    plan[i].range.end = next.range.end;
    plan[i].kept = None;
}

/// The lengths of the longest common prefix and suffix of `a` and `b`, not overlapping.
fn unchanged(a: &str, b: &str) -> (usize, usize) {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    // Compared a block at a time (`memcmp`), then byte by byte.
    const BLOCK: usize = 256;
    let mut prefix = 0;
    while prefix + BLOCK <= n && a[prefix..prefix + BLOCK] == b[prefix..prefix + BLOCK] {
        prefix += BLOCK;
    }
    prefix += common(a[prefix..n].iter(), b[prefix..n].iter());
    let most = n - prefix;
    let (ea, eb) = (a.len(), b.len());
    let mut suffix = 0;
    while suffix + BLOCK <= most
        && a[ea - suffix - BLOCK..ea - suffix] == b[eb - suffix - BLOCK..eb - suffix]
    {
        suffix += BLOCK;
    }
    let rest = most - suffix;
    suffix += common(
        a[ea - suffix - rest..ea - suffix].iter().rev(),
        b[eb - suffix - rest..eb - suffix].iter().rev(),
    );
    (prefix, suffix)
}

fn common<'a>(a: impl Iterator<Item = &'a u8>, b: impl Iterator<Item = &'a u8>) -> usize {
    a.zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unchanged_start_and_end_of_an_edited_text() {
        let long = "a".repeat(1000);
        for (a, b) in [
            ("", ""),
            ("abc", "abc"),
            ("abc", "abxc"),
            ("abc", "c"),
            ("aaa", "aaaa"),
            (long.as_str(), "aaaa"),
            (&format!("{long}x{long}"), &format!("{long}{long}")),
            (&format!("{long}xy{long}b"), &format!("{long}z{long}b")),
        ] {
            let (p, s) = unchanged(a, b);
            // One byte at a time.
            let (a, b) = (a.as_bytes(), b.as_bytes());
            let n = a.len().min(b.len());
            let p0 = common(a.iter(), b.iter());
            let s0 = common(a[p0..].iter().rev(), b[p0..].iter().rev()).min(n - p0);
            assert_eq!((p, s), (p0, s0), "{a:?} {b:?}");
            assert!(p + s <= n);
        }
    }
}
