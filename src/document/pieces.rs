//! A long Markdown document parsed in pieces, so that memory follows one piece rather
//! than the whole document.
//!
//! pulldown-cmark builds a tree of the whole text before it hands out an event, and the
//! document's blocks copy its text: together about six times the file. [`Pieces`] cuts
//! the text where a new top-level block starts and nothing before it can go on: at an
//! ATX heading (`# ...` in the first column), or a paragraph starting with a letter in
//! the first column, after a blank line (but not after a line ending in bold, which may
//! head a table a PDF conversion flattened into lines), outside metadata blocks (front matter, and
//! what pulldown-cmark reads as one further down),
//! fenced code and the raw HTML blocks that a blank line does not end (`<!--`, `<script>`,
//! `<pre>`, `<style>`, `<textarea>`, `<?`, `<!X`, `<![CDATA[`). Each piece is parsed on
//! its own, and yields a [`Document`] with the same blocks, positions, paragraph numbers
//! and headings as the whole document would have. Carried from piece to piece:
//!
//! - the headings still open (the section path of what follows), and whether a title
//!   written as a paragraph heads it;
//! - the number of blocks so far (paragraph numbers);
//! - the last block (the clause before the next piece's first one, and where a finding
//!   between the two belongs);
//! - link reference definitions and footnote definitions: a link or a footnote reference
//!   whose definition is in another piece is one (its text, not its brackets, is the
//!   clause's text; a reference to an undefined footnote is text, as in GFM). When the
//!   text holds `]:`, each piece is parsed once first to collect the labels defined.
//!
//! Document-level facts are merged by the engine, as the files of a tender's are.
//!
//! Should a cut still land inside a fenced code block or a raw HTML block (a fence inside
//! a list item can hide where a top-level one starts), the parser says so: the piece's
//! last top-level block runs to its very end. That piece is then parsed again, joined to
//! the next.

use super::{options, Block, Builder, Document, Heading, LastBlock, TopLevel};
use crate::line_index::LineIndex;
use pulldown_cmark::{BrokenLink, CowStr, Event, Parser, Tag};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use unicase::UniCase;

/// Documents longer than this are parsed in pieces (see [`Pieces`]).
pub const LONG_DOCUMENT: usize = 2 << 20;
/// The least size of a piece: a piece ends at the first place it can after this.
pub const PIECE_BYTES: usize = 1 << 20;

/// The pieces of a long document, each parsed when asked for (see the module's notes).
pub struct Pieces<'a> {
    source: &'a str,
    lines: &'a LineIndex,
    /// Where pieces may start, in order, after 0.
    cuts: Vec<usize>,
    /// The next cut to try, and where the next piece starts (`None` when all are read).
    next: usize,
    start: Option<usize>,
    carry: Carry,
    /// The link reference and footnote definitions anywhere in the text.
    labels: Labels,
}

/// What one piece hands to the next: the state a piece starts with. Two pieces of the
/// same text that start with the same carry (and [`Labels`]) give the same document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Carry {
    /// The headings open at the end, outermost first, each the parent of the next.
    headings: Vec<Heading>,
    /// Blocks so far.
    blocks: usize,
    /// The last block so far.
    before: Option<Block>,
}

impl Carry {
    /// The same carry in a text where everything from its last block on moved by `by`
    /// bytes, and `blocks` blocks more (or fewer) come before it.
    pub fn shifted(&self, by: isize, blocks: isize) -> Carry {
        Carry {
            headings: self.headings.clone(),
            blocks: self.blocks.saturating_add_signed(blocks),
            before: self.before.as_ref().map(|b| b.shifted(by, blocks)),
        }
    }

    /// Blocks so far.
    pub fn blocks(&self) -> usize {
        self.blocks
    }
}

/// The labels of the link reference definitions and footnote definitions of a text, as
/// the parser compares them (Unicode case folding); for each link label, the destination
/// and title of its first definition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    defined: HashMap<UniCase<String>, (String, String)>,
    notes: HashSet<UniCase<String>>,
}

impl Labels {
    /// The labels defined in the piece `source[start..end]`, or `None` when the piece's
    /// last block runs over its end (it does not end at a boundary).
    pub fn of_piece(source: &str, start: usize, end: usize) -> Option<Labels> {
        let (base, text) = piece_text(source, start, end);
        let parser = Parser::new_ext(text, options()).into_offset_iter();
        let mut defined = HashMap::new();
        for (label, def) in parser.reference_definitions().iter() {
            defined
                .entry(UniCase::new(label.to_string()))
                .or_insert_with(|| {
                    let title = def.title.as_deref().unwrap_or_default();
                    (def.dest.to_string(), title.to_string())
                });
        }
        let mut top = TopLevel::default();
        let mut notes = HashSet::new();
        for (event, range) in parser {
            if let Event::Start(Tag::FootnoteDefinition(label)) = &event {
                notes.insert(UniCase::new(label.to_string()));
            }
            top.see(&event, base + range.end);
        }
        (!ran_over(source, top.last, end)).then_some(Labels { defined, notes })
    }

    /// Adds `other`'s labels to these.
    pub fn extend(&mut self, other: &Labels) {
        for (label, def) in &other.defined {
            // The first definition of a label is the one that counts.
            self.defined
                .entry(label.clone())
                .or_insert_with(|| def.clone());
        }
        self.notes.extend(other.notes.iter().cloned());
    }
}

/// Each piece's parser takes `source[start..end]`; a byte order mark is skipped.
fn piece_text(source: &str, start: usize, end: usize) -> (usize, &str) {
    let base = if start == 0 && source.starts_with('\u{feff}') {
        3
    } else {
        start
    };
    (base, &source[base..end])
}

/// Whether a piece parsed as `[start, end)` ended inside a block that would have gone
/// on: the cut was not a boundary.
fn ran_over(source: &str, last: Option<LastBlock>, end: usize) -> bool {
    end < source.len() && last.is_some_and(|l| l.open_ended && l.end >= end)
}

impl<'a> Pieces<'a> {
    /// The pieces of `source`, each at least `piece_bytes` long (but the last), cut only
    /// where it is safe. `lines` is the line index of the whole source.
    pub fn new(source: &'a str, lines: &'a LineIndex, piece_bytes: usize) -> Self {
        let mut pieces = Pieces {
            source,
            lines,
            cuts: cut_points(source, piece_bytes),
            next: 0,
            start: Some(0),
            carry: Carry::default(),
            labels: Labels::default(),
        };
        if !pieces.cuts.is_empty() && source.contains("]:") {
            pieces.collect_definitions();
        }
        pieces
    }

    /// The end of the piece that starts at `start` when it ends at the next cut.
    fn end_at(&self, k: usize) -> usize {
        self.cuts.get(k).copied().unwrap_or(self.source.len())
    }

    /// Parses every piece once for its link reference definitions (pieces that turn out
    /// not to end at a boundary are joined, here already).
    fn collect_definitions(&mut self) {
        let (pieces, labels) = checked_ranges(self.source, &self.cuts);
        self.labels = labels;
        self.cuts = pieces.iter().skip(1).map(|p| p.range.start).collect();
    }
}

/// A piece of a long text, for a reader of the parser's events (see [`piece_ranges`]).
pub struct Piece {
    pub range: Range<usize>,
    /// The definitions its parser reads first: those of the link labels it defines again,
    /// as an earlier piece first defined them.
    pub first: String,
}

/// The pieces of `source` at the cuts `cuts`, each parsed once to see that it ends at a
/// boundary (one that does not is joined to the next), and the labels defined in all.
fn checked_ranges(source: &str, cuts: &[usize]) -> (Vec<Piece>, Labels) {
    let mut labels = Labels::default();
    let mut pieces = Vec::new();
    let (mut start, mut k) = (0, 0);
    loop {
        let end = cuts.get(k).copied().unwrap_or(source.len());
        k += 1;
        let Some(found) = Labels::of_piece(source, start, end) else {
            continue;
        };
        // In the whole text, the first definition of a label is the one that counts.
        let mut first = String::new();
        for label in found.defined.keys() {
            if let Some((dest, title)) = labels.defined.get(label) {
                write_definition(&mut first, label, dest, title);
            }
        }
        labels.extend(&found);
        pieces.push(Piece {
            range: start..end,
            first,
        });
        if end == source.len() {
            return (pieces, labels);
        }
        start = end;
    }
}

/// A link reference definition, followed by a blank line.
fn write_definition(out: &mut String, label: &str, dest: &str, title: &str) {
    let escaped = |text: &str, special: &[char]| {
        text.chars().fold(String::new(), |mut s, c| {
            if c == '\\' || special.contains(&c) {
                s.push('\\');
            }
            s.push(c);
            s
        })
    };
    out.push_str(&format!(
        "[{label}]: <{}> \"{}\"\n\n",
        escaped(dest, &['<', '>']),
        escaped(title, &['"'])
    ));
}

/// The pieces of a long text for a reader of the parser's events (the HTML report), in
/// order, each ending at a boundary, and the labels defined anywhere in the text. Each
/// piece is parsed once here; [`with_piece_events`] parses it again.
pub fn piece_ranges(source: &str, piece_bytes: usize) -> (Vec<Piece>, Labels) {
    checked_ranges(source, &cut_points(source, piece_bytes))
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Document<'a>;

    fn next(&mut self) -> Option<Document<'a>> {
        let start = self.start?;
        loop {
            let end = self.end_at(self.next);
            self.next += 1;
            let parsed = parse_piece(
                self.source,
                self.lines,
                start..end,
                &self.carry,
                &self.labels,
            );
            let Some((doc, carry)) = parsed else {
                continue;
            };
            self.carry = carry;
            self.start = (end < self.source.len()).then_some(end);
            return Some(doc);
        }
    }
}

/// The piece `source[range]` parsed, as it starts with `carry`, where `labels` are the
/// definitions anywhere in the text: its document and what it hands to the next piece.
/// `None` when its last block runs over its end (the piece is to be joined to the next).
pub fn parse_piece<'a>(
    source: &'a str,
    lines: &'a LineIndex,
    range: Range<usize>,
    carry: &Carry,
    labels: &Labels,
) -> Option<(Document<'a>, Carry)> {
    let end = range.end;
    let mut builder = Builder::new();
    builder.first_paragraph = carry.blocks;
    builder.headings = carry.headings.clone();
    builder.heading_stack = (0..builder.headings.len()).collect();
    let (builder, last) = with_piece_events(source, range, labels, "", |events| {
        builder.read(source, 0, events)
    });
    if ran_over(source, last, end) {
        return None;
    }
    let carried = carry.headings.len();
    let stack: Vec<Heading> = (builder.heading_stack.iter().enumerate())
        .map(|(i, &h)| Heading {
            parent: i.checked_sub(1),
            block: usize::MAX,
            ..builder.headings[h].clone()
        })
        .collect();
    let blocks = builder.blocks.len();
    let last_block = builder.blocks.last().cloned();
    let mut doc = builder.document(source, Cow::Borrowed(lines));
    doc.carried = carried;
    doc.before = carry.before.clone().map(|mut b| {
        // The section of the last block is the innermost heading open after it.
        b.section = carried.checked_sub(1);
        b
    });
    let before = match last_block {
        Some(b) => Some(b),
        None => doc.before.clone(),
    };
    let next = Carry {
        headings: stack,
        blocks: carry.blocks + blocks,
        before,
    };
    Some((doc, next))
}

/// Calls `read` with the parser's events for the piece `source[range]`, at their offsets
/// in `source`, where `labels` are the definitions anywhere in the text: a link or a
/// footnote reference whose definition is in another piece is one, as in the whole text.
/// The parser reads the definitions `first` before the piece (see [`Piece::first`]).
pub fn with_piece_events<R>(
    source: &str,
    range: Range<usize>,
    labels: &Labels,
    first: &str,
    read: impl FnOnce(&mut dyn Iterator<Item = (Event<'_>, Range<usize>)>) -> R,
) -> R {
    let (base, text) = piece_text(source, range.start, range.end);
    // A footnote reference is one only where its definition is known to the parser (GFM
    // footnotes), and the parser asks nothing for them: the definitions from other pieces
    // that this piece refers to are written before its text (which starts a top-level
    // block after a blank line), and the events they give dropped. Before the first
    // piece they would hide its front matter, so there they follow its text (which ends
    // in a blank line).
    // A piece that is the whole text (a fence left open from the first piece joins them
    // all) defines every footnote it refers to: stand-ins after it would only land in
    // that open fence, and show on the page as code.
    let whole = range.start == 0 && range.end == source.len();
    let notes = if whole {
        String::new()
    } else {
        notes_wanted(&labels.notes, text)
    };
    let (input, skip): (Cow<'_, str>, usize) = if notes.is_empty() && first.is_empty() {
        (Cow::Borrowed(text), 0)
    } else if range.start == 0 {
        (Cow::Owned(format!("{text}\n\n{notes}")), 0)
    } else {
        let before = format!("{first}{notes}");
        (Cow::Owned(format!("{before}{text}")), before.len())
    };
    let callback = |link: BrokenLink<'_>| {
        let label = UniCase::new(link.reference.to_string());
        (labels.defined.get(&label)).map(|(dest, title)| {
            (
                CowStr::Boxed(dest.clone().into_boxed_str()),
                CowStr::Boxed(title.clone().into_boxed_str()),
            )
        })
    };
    let parser = Parser::new_with_broken_link_callback(&input, options(), Some(callback));
    let len = text.len();
    let mut events = parser
        .into_offset_iter()
        // The prelude's events are dropped, and the footnotes after a first piece; an
        // event at the very end of the text (a table row's missing cell) is kept.
        .filter(|(_, range)| range.start >= skip && range.start - skip <= len)
        .map(|(event, range)| {
            let start = range.start - skip + base;
            (event, start..(range.end - skip).min(len) + base)
        });
    read(&mut events)
}

/// Definitions of the footnotes defined elsewhere (`notes`) that `text` refers to
/// (`[^label]`).
fn notes_wanted(notes: &HashSet<UniCase<String>>, text: &str) -> String {
    let mut out = String::new();
    if notes.is_empty() {
        return out;
    }
    let mut seen = HashSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("[^") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find(']') else { break };
        let label = &rest[..end];
        if label.is_empty() || label.contains(['\n', '\r', '[']) {
            continue;
        }
        let key = UniCase::new(label.to_string());
        if notes.contains(&key) && seen.insert(key) {
            out.push_str(&format!("[^{label}]: .\n\n"));
        }
    }
    out
}

/// Where the text may be cut: at the start of an ATX heading or a paragraph starting
/// with a letter, in the first column after a blank line, outside front matter, fenced
/// code and the HTML blocks that a blank line does not end; at most one cut per `piece`
/// bytes.
pub(crate) fn cut_points(text: &str, piece: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut last = 0;
    for i in Cutter::new(text) {
        if i - last >= piece {
            cuts.push(i);
            last = i;
        }
    }
    cuts
}

/// Every place where a text may be cut, in order, from its start or from a place where
/// it may be cut: the start of an ATX heading or of a paragraph starting with a letter,
/// in the first column after a blank line, outside front matter, fenced code and the
/// HTML blocks that a blank line does not end (see the module's notes).
///
/// Where the text may be cut depends on what comes before only through the state at
/// the last such place, which is always the same: so the places after one of them
/// depend only on the text after it.
#[derive(Debug, Clone)]
pub struct Cutter<'a> {
    text: &'a str,
    /// The next line to read, and where the cutter started (never a place of its own).
    i: usize,
    from: usize,
    state: State,
    /// Inside what pulldown-cmark may read as a metadata block, of either kind. It reads
    /// one wherever a block starts with `---` or `+++` followed by a line of text, up to
    /// the next closing line, wherever that is (blank lines, fences and all). Every such
    /// line is taken for an opening one here, even one that closes a block or underlines
    /// a heading, so that no cut falls inside a block however the lines pair up.
    yaml: bool,
    pluses: bool,
    prev_blank: bool,
    /// The last line with text ended in bold (`**` or `__`): what follows may be the
    /// body of a table that a PDF conversion flattened into bold header lines, which the
    /// document model reads as one table with the lines before it (see
    /// `document::flattened_tables`), so no cut falls between them.
    after_bold: bool,
}

impl<'a> Cutter<'a> {
    /// The places of the whole text.
    pub fn new(text: &'a str) -> Self {
        let i = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Cutter {
            text,
            i,
            from: 0,
            state: State::Text,
            yaml: false,
            pluses: false,
            prev_blank: false,
            after_bold: false,
        }
    }

    /// The places after `at`, itself a place where the text may be cut.
    pub fn after(text: &'a str, at: usize) -> Self {
        Cutter {
            i: at,
            from: at,
            prev_blank: true,
            ..Cutter::new(text)
        }
    }

    /// The line at `i`, and where the next one starts.
    fn line_at(&self, i: usize) -> (&'a str, usize) {
        let b = self.text.as_bytes();
        let e = b[i..]
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(b.len(), |k| i + k);
        let next = match b.get(e) {
            Some(b'\r') if b.get(e + 1) == Some(&b'\n') => e + 2,
            Some(_) => e + 1,
            None => e,
        };
        (&self.text[i..e], next)
    }
}

impl Iterator for Cutter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let len = self.text.len();
        while self.i < len {
            let i = self.i;
            let (line, next) = self.line_at(i);
            self.i = next;
            let t = line.trim_end_matches([' ', '\t']);
            let opens_meta = (t == "---" || t == "+++") && next < len && {
                let following = self.line_at(next).0.trim_end_matches([' ', '\t']);
                let closes = following == t || (t == "---" && following == "...");
                !following.is_empty() && !closes
            };
            match self.state {
                State::Fence(c, n) => {
                    if closes_fence(line, c, n) {
                        self.state = State::Text;
                    }
                    self.prev_blank = false;
                    self.after_bold = false;
                }
                State::Html(end) => {
                    if line.to_ascii_lowercase().contains(end) {
                        self.state = State::Text;
                    }
                    self.prev_blank = false;
                    self.after_bold = false;
                }
                State::Text if opens_meta => {
                    self.yaml |= t == "---";
                    self.pluses |= t == "+++";
                    self.prev_blank = false;
                    self.after_bold = false;
                }
                State::Text if self.yaml || self.pluses => {
                    self.yaml &= !(t == "---" || t == "...");
                    self.pluses &= t != "+++";
                    self.prev_blank = false;
                    self.after_bold = false;
                }
                State::Text => {
                    let place =
                        self.prev_blank && !self.after_bold && i > self.from && starts_block(line);
                    self.state = opens(line);
                    self.prev_blank = line.bytes().all(|c| c == b' ' || c == b'\t');
                    if !self.prev_blank {
                        let t = line.trim_end();
                        self.after_bold = t.ends_with("**") || t.ends_with("__");
                    }
                    if place {
                        return Some(i);
                    }
                }
            }
        }
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Text,
    /// Inside a fenced code block: its character and the length of its fence.
    Fence(u8, usize),
    /// Inside a raw HTML block that ends at a line holding this (lower case).
    Html(&'static str),
}

/// A line that, after a blank line, starts a top-level block whatever came before:
/// an ATX heading (`#` to `######` in the first column, then a space, a tab or the end
/// of the line), or a paragraph that starts with a letter in the first column (a list,
/// a quotation, a footnote or an indented block goes on after a blank line only with a
/// line indented, or marked `>`; a letter starts no list, quotation, fence, HTML block,
/// table of its own, thematic break or definition).
fn starts_block(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&c| c == b'#').count();
    let heading = (1..=6).contains(&hashes)
        && matches!(line.as_bytes().get(hashes), None | Some(b' ' | b'\t'));
    heading || line.chars().next().is_some_and(char::is_alphabetic)
}

/// A line without its indentation of up to three spaces (more is indented code).
fn unindented(line: &str) -> Option<&str> {
    let spaces = line.bytes().take_while(|&c| c == b' ').count();
    (spaces <= 3 && !line[spaces..].starts_with('\t')).then(|| &line[spaces..])
}

/// What a line of text opens that a blank line does not end: a code fence, or a raw
/// HTML block of the first five kinds (unless it ends on the same line).
fn opens(line: &str) -> State {
    let Some(t) = unindented(line) else {
        return State::Text;
    };
    for c in [b'`', b'~'] {
        let n = t.bytes().take_while(|&x| x == c).count();
        if n >= 3 && !(c == b'`' && t[n..].contains('`')) {
            return State::Fence(c, n);
        }
    }
    if !t.starts_with('<') {
        return State::Text;
    }
    let lower = t.to_ascii_lowercase();
    let (end, after) = if let Some(name) =
        ["script", "pre", "style", "textarea"]
            .into_iter()
            .find(|name| {
                lower[1..].starts_with(name)
                    && matches!(
                        lower.as_bytes().get(1 + name.len()),
                        None | Some(b' ' | b'\t' | b'>')
                    )
            }) {
        let end = match name {
            "script" => "</script>",
            "pre" => "</pre>",
            "style" => "</style>",
            _ => "</textarea>",
        };
        (end, 1 + name.len())
    } else if lower.starts_with("<!--") {
        ("-->", 4)
    } else if lower.starts_with("<?") {
        ("?>", 2)
    } else if lower.starts_with("<![cdata[") {
        ("]]>", 9)
    } else if lower.as_bytes().get(2).is_some_and(u8::is_ascii_alphabetic)
        && lower.starts_with("<!")
    {
        (">", 2)
    } else {
        return State::Text;
    };
    if lower[after..].contains(end) {
        State::Text
    } else {
        State::Html(end)
    }
}

/// A closing fence: at least `n` of `c`, indented up to three spaces, then only spaces.
fn closes_fence(line: &str, c: u8, n: usize) -> bool {
    let Some(t) = unindented(line) else {
        return false;
    };
    let run = t.bytes().take_while(|&x| x == c).count();
    run >= n && t[run..].bytes().all(|x| x == b' ' || x == b'\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(text: &str) -> Vec<usize> {
        cut_points(text, 0)
    }

    #[test]
    fn cuts_at_headings_and_paragraphs_after_blank_lines_outside_fences_html_and_front_matter() {
        let text = "---\ntitle: x\n\n# yaml comment\n---\n\n# One\n\ntext\n# no blank before\n\n```\n\n# code\nword\n```\n\n# Two\n\n<!--\n\n# comment\nword\n-->\n\n## Three\n\n<pre>\n\n# pre\n</pre>\n\n#hashtag\n\n    # indented\n\n- item\n\n> quote\n\n1. one\n\n[a]: b\n\n| a |\n\n<div>\n\n#\n\nÉtat\n";
        let at: Vec<&str> = cuts(text)
            .iter()
            .map(|&c| text[c..].lines().next().unwrap())
            .collect();
        assert_eq!(at, ["# One", "text", "# Two", "## Three", "#", "État"]);
    }

    #[test]
    fn no_cut_inside_what_may_be_a_metadata_block() {
        let text = "A\n\n---\nkey: x\n\nB\n\n---\n\nC\n\n+++\nk\n\nD\n+++\n\nE\n";
        let at: Vec<&str> = cuts(text)
            .iter()
            .map(|&c| text[c..].lines().next().unwrap())
            .collect();
        assert_eq!(at, ["C", "E"]);
    }

    /// The parser's events for `text` in the pieces the report reads (cut wherever it
    /// can be), as text.
    fn events_in_pieces(text: &str) -> Vec<String> {
        let (pieces, labels) = piece_ranges(text, 0);
        let mut out = Vec::new();
        for piece in pieces {
            with_piece_events(text, piece.range, &labels, &piece.first, |events| {
                out.extend(events.map(|(e, r)| format!("{e:?} {r:?}")));
            });
        }
        out
    }

    #[test]
    fn a_fence_left_open_keeps_the_footnotes_out_of_it() {
        // Found by fuzzing: the first piece ran to the end inside an open fence, so it
        // was all of the text, and the stand-in definitions of its own footnotes, written
        // after it, were read as code.
        for text in [
            "Note.[^n]\n\n[^n]: A note.\n\n```\ncode never closed\n",
            "# A\n\nNote.[^n]\n\n[^n]: A note.\n\n# B\n\n~~~\n# not a heading\n\nText[^n]\n",
        ] {
            let whole: Vec<String> = Parser::new_ext(text, options())
                .into_offset_iter()
                .map(|(e, r)| format!("{e:?} {r:?}"))
                .collect();
            assert_eq!(events_in_pieces(text), whole, "{text:?}");
        }
    }

    #[test]
    fn pieces_are_at_least_the_size_asked_for() {
        let text = "# A\n\nx\n\n# B\n\ny\n\n# C\n\nz\n";
        assert_eq!(cut_points(text, 8), [8, 16]);
        assert_eq!(cut_points(text, 9), [13]);
        assert_eq!(cut_points(text, 1000), Vec::<usize>::new());
    }

    #[test]
    fn line_endings_of_every_kind_end_lines() {
        let text = "a\r\n\r\n# B\r\rc\r\r# D\n";
        let at: Vec<usize> = cuts(text);
        assert_eq!(at, [5, 10, 13]);
    }
}
