//! A long document linted piece by piece: what each piece gives ([`PieceScan`]), and
//! the document's findings made of them.
//!
//! A piece's scan is kept apart from the others so that a caller that keeps them (the
//! language server, between edits) can scan again only the pieces an edit touched, and
//! move the others to where the edit put them ([`PieceScan::shift`]).

use super::{Facts, Linter, RuleFacts, Scanned};
use crate::diagnostic::{Diagnostic, Location, Span};
use crate::document::{Document, Locator, Places};
use crate::line_index::LineIndex;
use crate::metrics::Metrics;
use crate::suppress;
use std::ops::Range;

/// What one piece of a long document gives: its clause-level findings (before
/// suppressions, each with its location), its facts, its raw HTML (where suppression
/// comments live), and the locations of the places later findings can point at.
#[derive(Debug, Clone, Default)]
pub struct PieceScan {
    diagnostics: Vec<Diagnostic>,
    facts: Facts,
    html: Vec<Range<usize>>,
    /// Where the piece's whole-document finding would sit (its anchor), and its location.
    anchor: (usize, Option<Location>),
    /// The suppression comments of the piece, and their locations.
    places: Vec<(usize, Option<Location>)>,
    /// The location of the piece's first block, and its first real heading's text.
    first: Option<Location>,
    title: Option<String>,
}

impl PieceScan {
    /// The same scan in a text where the piece moved by `bytes` bytes and `lines` lines,
    /// its own text unchanged (the piece starts a line, so columns stay), and where
    /// `paragraphs` blocks more (or fewer) come before it.
    pub fn shift(&mut self, bytes: isize, lines: isize, paragraphs: isize) {
        if paragraphs != 0 {
            self.renumber(paragraphs);
        }
        if bytes == 0 && lines == 0 {
            return;
        }
        let at = |x: &mut usize| *x = x.saturating_add_signed(bytes);
        let span = |s: &mut Span| {
            at(&mut s.offset);
            s.start.line = s.start.line.saturating_add_signed(lines);
            s.end.line = s.end.line.saturating_add_signed(lines);
        };
        for d in &mut self.diagnostics {
            span(&mut d.span);
        }
        span(&mut self.facts.anchor);
        for r in &mut self.facts.rules {
            if let RuleFacts::Conditional { when, .. } = r {
                for d in when.iter_mut().flatten() {
                    span(&mut d.span);
                }
            }
        }
        for r in &mut self.html {
            at(&mut r.start);
            at(&mut r.end);
        }
        at(&mut self.anchor.0);
        for (offset, _) in &mut self.places {
            at(offset);
        }
    }

    /// Adds `paragraphs` to the paragraph number of every location.
    fn renumber(&mut self, paragraphs: isize) {
        let renumber = |l: &mut Location| {
            l.paragraph = l.paragraph.saturating_add_signed(paragraphs);
        };
        let when = self.facts.rules.iter_mut().flat_map(|r| match r {
            RuleFacts::Conditional { when, .. } => when.iter_mut().flatten().collect(),
            _ => Vec::new(),
        });
        let found = self.diagnostics.iter_mut().chain(when);
        for l in found.filter_map(|d| d.location.as_deref_mut()) {
            renumber(l);
        }
        let places = self.places.iter_mut().map(|(_, l)| l);
        for l in places
            .chain([&mut self.anchor.1, &mut self.first])
            .flatten()
        {
            renumber(l);
        }
    }
}

impl Linter {
    /// Scans one piece of a long document (see [`Linter::scan_pieces`]). With
    /// `whole_groups`, every pattern group is compiled whole, once, as for a run over many
    /// files; else a document of few blocks compiles the parts it needs (see
    /// [`Linter::whole_groups`]).
    pub fn scan_piece(&self, doc: &Document, whole_groups: bool) -> PieceScan {
        let locator = Locator::new(doc);
        let (mut diagnostics, mut facts) = self.scan_rules(doc, whole_groups);
        locator.locate_all(&mut diagnostics);
        for r in &mut facts.rules {
            if let RuleFacts::Conditional { when, .. } = r {
                for d in when.iter_mut().flatten() {
                    d.location = locator.locate(d.span.offset).map(Box::new);
                }
            }
        }
        let at = facts.anchor.offset;
        let places = suppress::places(doc.source, &doc.html)
            .into_iter()
            .map(|at| (at, locator.locate(at)))
            .collect();
        PieceScan {
            diagnostics,
            anchor: (at, locator.locate(at)),
            facts,
            html: doc.html.clone(),
            places,
            first: (doc.blocks.first()).and_then(|b| locator.locate(b.range.start)),
            title: doc.first_heading().map(|b| b.text.trim().to_string()),
        }
    }

    /// [`Linter::scan`] of a long document, piece by piece: its clause-level findings
    /// (located while their piece is in memory), facts and suppression comments, and the
    /// [`Places`] that locate the findings made later. `lines` is the line index of the
    /// whole `source`.
    ///
    /// The pieces' facts are merged into the document's, as a tender merges its files';
    /// suppression comments are read from the raw HTML of every piece together, since a
    /// `disable` in one piece may end in another. The places that later findings can
    /// point at (suppression comments, the document's anchor) are located with the piece
    /// that holds them.
    pub fn scan_pieces<'a>(
        &self,
        source: &'a str,
        lines: &LineIndex,
        pieces: impl IntoIterator<Item = Document<'a>>,
    ) -> (Scanned, Places) {
        let scans = pieces.into_iter().map(|doc| self.scan_piece(&doc, true));
        merge(source, lines, scans)
    }

    /// Lints a long document piece by piece ([`crate::document::Pieces`]), each piece
    /// dropped before the next is parsed: the findings, each with its location, and the
    /// document's [`Metrics`], as [`Linter::lint_with_metrics`] and [`Locator`] give them
    /// for the whole document. `lines` is the line index of the whole `source`.
    pub fn lint_pieces<'a>(
        &self,
        source: &'a str,
        lines: &LineIndex,
        pieces: impl IntoIterator<Item = Document<'a>>,
    ) -> (Vec<Diagnostic>, Metrics) {
        let scans = pieces.into_iter().map(|doc| self.scan_piece(&doc, true));
        self.lint_scans(source, lines, scans)
    }

    /// The findings and metrics of a long document from the scans of its pieces, in
    /// order (see [`Linter::lint_pieces`]).
    pub fn lint_scans(
        &self,
        source: &str,
        lines: &LineIndex,
        scans: impl IntoIterator<Item = PieceScan>,
    ) -> (Vec<Diagnostic>, Metrics) {
        let (scanned, places) = merge(source, lines, scans);
        let Scanned {
            mut diagnostics,
            facts,
            mut suppressions,
        } = scanned;
        diagnostics.extend(self.judge(&[&facts], None).into_iter().map(|(_, d)| d));
        self.finish(source, lines, &mut suppressions, &mut diagnostics);
        places.locate_all(&mut diagnostics);
        let mut metrics = self.metrics(&[&facts], &diagnostics);
        // As doc_title reads the whole document.
        metrics.title = places.title.filter(|t| !t.is_empty());
        (diagnostics, metrics)
    }
}

/// The document's scan made of its pieces' scans, in order.
fn merge(
    source: &str,
    lines: &LineIndex,
    scans: impl IntoIterator<Item = PieceScan>,
) -> (Scanned, Places) {
    let mut diagnostics = Vec::new();
    let mut facts: Option<Facts> = None;
    let mut html = Vec::new();
    let mut places = Places::default();
    for scan in scans {
        let PieceScan {
            diagnostics: mut found,
            facts: f,
            html: mut piece_html,
            anchor,
            places: at,
            first,
            title,
        } = scan;
        places.first = places.first.or(first);
        places.title = places.title.or(title);
        diagnostics.append(&mut found);
        // The anchor lies in this piece if it is a heading or prose of it, or line 1.
        if f.anchor_rank > 0 || facts.is_none() {
            places.at.entry(anchor.0).or_insert(anchor.1);
        }
        for (offset, location) in at {
            places.at.entry(offset).or_insert(location);
        }
        html.append(&mut piece_html);
        facts = Some(match facts {
            None => f,
            Some(all) => all.merge(f),
        });
    }
    let suppressions = suppress::parse_html(source, lines, &html);
    let scanned = Scanned {
        diagnostics,
        facts: facts.unwrap_or_default(),
        suppressions,
    };
    (scanned, places)
}
