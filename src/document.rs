//! A Markdown document parsed once into prose blocks that remember where they came from.
//!
//! Every rule sees the same [`Document`]: a list of [`Block`]s (headings, paragraphs,
//! list items, table cells, blockquotes, footnotes), each with the text a reader sees
//! and a map from that text back to byte offsets in the file. Code (fenced, indented and
//! inline), raw HTML and front matter never reach a block's text. HTML ranges are kept
//! aside, because suppression comments live there.

use crate::diagnostic::{Diagnostic, Location};
use crate::line_index::LineIndex;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::ops::Range;

mod pieces;
pub use pieces::{
    parse_piece, piece_ranges, with_piece_events, Carry, Cutter, Labels, Piece, Pieces,
    LONG_DOCUMENT, PIECE_BYTES,
};

/// The kinds of block a rule can be scoped to, as written in rule files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    Heading,
    Paragraph,
    ListItem,
    TableHeader,
    TableCell,
    Blockquote,
    Footnote,
}

impl Scope {
    pub const ALL: [Scope; 7] = [
        Scope::Heading,
        Scope::Paragraph,
        Scope::ListItem,
        Scope::TableHeader,
        Scope::TableCell,
        Scope::Blockquote,
        Scope::Footnote,
    ];

    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// What a block is. Text inside a blockquote is a `Blockquote` whatever its shape,
/// and text inside a footnote definition is a `Footnote`: quoted guidance and notes
/// are kept apart from the clauses of the tender itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Heading {
        level: u8,
    },
    Paragraph,
    ListItem,
    TableHeader {
        table: usize,
        column: usize,
    },
    TableCell {
        table: usize,
        row: usize,
        column: usize,
    },
    Blockquote,
    Footnote,
}

impl BlockKind {
    pub fn scope(self) -> Scope {
        match self {
            BlockKind::Heading { .. } => Scope::Heading,
            BlockKind::Paragraph => Scope::Paragraph,
            BlockKind::ListItem => Scope::ListItem,
            BlockKind::TableHeader { .. } => Scope::TableHeader,
            BlockKind::TableCell { .. } => Scope::TableCell,
            BlockKind::Blockquote => Scope::Blockquote,
            BlockKind::Footnote => Scope::Footnote,
        }
    }
}

/// A run of block text and the source bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    text_start: usize,
    src: (usize, usize),
    /// The text has the same length as the source bytes (it is them, or a one-byte
    /// line break read as a space), so offsets map one to one.
    verbatim: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// Source bytes from the first to the last character of the block's text.
    pub range: Range<usize>,
    /// The text a reader sees: inline markup removed, line breaks as spaces,
    /// inline code and inline HTML replaced by a single space.
    pub text: String,
    segments: Vec<Segment>,
    /// The innermost heading this block sits under (for a heading: itself).
    pub section: Option<usize>,
    /// Its number in document order, from 1: every block of a Markdown file (table cells
    /// included), every paragraph of a Word file (empty ones included, as Word counts).
    pub paragraph: usize,
    /// The clause number officers cite ("3.2", "(a)"): Word's automatic numbering, an
    /// ordered list item's number, or a number typed at the start of the text.
    pub clause: Option<Box<str>>,
}

impl Block {
    /// A paragraph or list item that reads as a title ("4. KPI CREDITS", "Payment
    /// Mechanism"): a few words, no closing punctuation, in capitals or title case. Text
    /// converted from Word or PDF often carries its headings this way.
    pub fn is_title_like(&self) -> bool {
        if !matches!(self.kind, BlockKind::Paragraph | BlockKind::ListItem) {
            return false;
        }
        let text = self.text.trim();
        if text.len() > 80 || text.ends_with(['.', ';', ':', ',', '?', '!', ')']) {
            return false;
        }
        let words: Vec<&str> = text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .collect();
        if words.len() < 2 || words.len() > 8 {
            return false;
        }
        let capitalised = words
            .iter()
            .filter(|w| {
                w.chars()
                    .find(|c| c.is_alphabetic())
                    .is_some_and(char::is_uppercase)
            })
            .count();
        let no_lower = !text.chars().any(char::is_lowercase);
        no_lower || capitalised * 3 >= words.len() * 2
    }

    /// Source offset of a character boundary `at` in `self.text`, used for match starts.
    pub fn source_start(&self, at: usize) -> usize {
        let seg = self.segment_holding(at);
        if seg.verbatim {
            seg.src.0 + (at - seg.text_start)
        } else if at == seg.text_start {
            seg.src.0
        } else {
            seg.src.1
        }
    }

    /// Source offset just after the text ending at `at` in `self.text`, used for match ends.
    pub fn source_end(&self, at: usize) -> usize {
        if at == 0 {
            return self.range.start;
        }
        let seg = self.segment_holding(at - 1);
        if seg.verbatim {
            seg.src.0 + (at - seg.text_start)
        } else {
            seg.src.1
        }
    }

    /// The same block in a text where its bytes moved by `by`, and `paragraphs` blocks
    /// more (or fewer) come before it.
    pub(crate) fn shifted(&self, by: isize, paragraphs: isize) -> Block {
        let at = |x: usize| x.saturating_add_signed(by);
        let mut b = self.clone();
        b.paragraph = b.paragraph.saturating_add_signed(paragraphs);
        b.range = at(b.range.start)..at(b.range.end);
        for s in &mut b.segments {
            s.src = (at(s.src.0), at(s.src.1));
        }
        b
    }

    fn segment_holding(&self, at: usize) -> Segment {
        let i = match self.segments.binary_search_by(|s| s.text_start.cmp(&at)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        self.segments[i]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub title: String,
    pub block: usize,
    pub parent: Option<usize>,
    /// A title written as a paragraph or list item ("4. KPI CREDITS", "Payment
    /// Mechanism"), as documents converted from Word or PDF carry their headings: it heads
    /// the blocks after it, below the real headings, until the next such title or heading.
    pub written: bool,
}

/// Whether a table cell reads as a sentence rather than a label: more than twelve words,
/// or six or more ending as a sentence does. Labels are a few words ("Service level",
/// "Target", "Consequence").
pub fn reads_as_prose(text: &str) -> bool {
    let text = text.trim();
    let words = text.split_whitespace().count();
    words > 12 || (words >= 6 && text.ends_with(['.', ';', ':']))
}

/// Whether a block is a line of its own wholly in bold (`**Success measure**`, also
/// under a heading mark): how a PDF conversion writes the header cells of a table it
/// could not keep as one.
fn bold_line(source: &str, block: &Block) -> bool {
    if !matches!(block.kind, BlockKind::Paragraph | BlockKind::Heading { .. })
        || block.text.split_whitespace().count() > 8
    {
        return false;
    }
    let start = source[..block.range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = source[block.range.end..]
        .find('\n')
        .map_or(source.len(), |i| block.range.end + i);
    let line = source[start..end].trim();
    let line = line.trim_start_matches('#').trim();
    ["**", "__"].iter().any(|m| {
        line.len() > 4
            && line.starts_with(m)
            && line.ends_with(m)
            && !line[2..line.len() - 2].contains(m)
    })
}

/// Tables a PDF conversion flattened into lines: two or more blocks in a row, each a
/// line of a few words wholly in bold, followed by a block that does not end as a
/// sentence does (a body cell, often several run together, not the paragraph under a
/// heading). Table rules read the bold lines as the header row.
fn flattened_tables(source: &str, blocks: &[Block]) -> Vec<Table> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let mut j = i;
        while j < blocks.len() && bold_line(source, &blocks[j]) {
            j += 1;
        }
        let cell = |b: &Block| {
            let text = b.text.trim();
            text.split_whitespace().count() < 6 || !text.ends_with(['.', ';', ':'])
        };
        if j - i >= 2 && blocks.get(j).is_some_and(cell) {
            out.push(Table {
                range: blocks[i].range.start..blocks[j - 1].range.end,
                header_range: blocks[i].range.clone(),
                header: (i..j).enumerate().collect(),
                first_column: Vec::new(),
                body_rows: 0,
                flattened: true,
            });
        }
        i = j.max(i + 1);
    }
    out
}

/// The level of a title written as a paragraph: below every real heading.
const WRITTEN_TITLE: u8 = 7;

#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Source range of the whole table, and of its header row.
    pub range: Range<usize>,
    pub header_range: Range<usize>,
    /// Header cells as (column, block index); empty cells have no block.
    pub header: Vec<(usize, usize)>,
    /// Block indices of the body cells in the first column (row labels, in a table
    /// laid out sideways); empty cells have no block.
    pub first_column: Vec<usize>,
    pub body_rows: usize,
    /// A table that a PDF conversion flattened into lines (see [`flattened_tables`]): its
    /// header cells are lines of their own, so a finding names the cell, not a row.
    pub flattened: bool,
}

#[derive(Debug)]
pub struct Document<'a> {
    pub source: &'a str,
    /// Lines of the whole source (a piece of a long document borrows the whole's).
    pub lines: Cow<'a, LineIndex>,
    pub blocks: Vec<Block>,
    /// For a piece of a long document ([`Pieces`]), the first `carried` headings are the
    /// headings still open where it starts, carried from the pieces before it (their
    /// `block` is not in this piece); the headings of the piece follow.
    pub headings: Vec<Heading>,
    pub carried: usize,
    /// For a piece after the first: the last block of the piece before it (the clause
    /// before this piece's first one). Not one of `blocks`: never searched or reported.
    pub before: Option<Block>,
    pub tables: Vec<Table>,
    /// Source ranges of raw HTML (blocks and inline), where suppression comments live.
    pub html: Vec<Range<usize>>,
}

/// A paragraph of a document read from another format (a Word file): what it is, where
/// its text lies in the source the reader made of it, and its number and clause there.
#[derive(Debug, Clone)]
pub struct Paragraph {
    pub kind: BlockKind,
    pub range: Range<usize>,
    pub number: usize,
    pub clause: Option<String>,
}

impl<'a> Document<'a> {
    /// The document model of text that another reader has already cut into paragraphs:
    /// each paragraph's text is `source[range]`, verbatim. Table cells name their table,
    /// row (header rows as [`BlockKind::TableHeader`]) and column, in reading order.
    pub fn from_paragraphs(source: &'a str, paragraphs: &[Paragraph]) -> Self {
        let mut builder = Builder::new();
        for p in paragraphs {
            let Some(text) = source.get(p.range.clone()) else {
                continue;
            };
            match p.kind {
                BlockKind::TableHeader { table, .. } | BlockKind::TableCell { table, .. } => {
                    while builder.tables.len() <= table {
                        builder.tables.push(Table {
                            range: p.range.clone(),
                            ..Table::default()
                        });
                    }
                    let t = &mut builder.tables[table];
                    t.range = t.range.start.min(p.range.start)..t.range.end.max(p.range.end);
                    match p.kind {
                        BlockKind::TableHeader { .. } if t.header_range.is_empty() => {
                            t.header_range = p.range.clone();
                        }
                        BlockKind::TableHeader { .. } => {
                            t.header_range.end = t.header_range.end.max(p.range.end);
                        }
                        BlockKind::TableCell { row, .. } => t.body_rows = t.body_rows.max(row),
                        _ => {}
                    }
                }
                _ => {}
            }
            builder.open = Some(OpenBlock {
                kind: p.kind,
                text: String::new(),
                segments: Vec::new(),
                range: None,
            });
            builder.push_segment(text, p.range.clone(), true);
            let before = builder.blocks.len();
            builder.flush();
            if let Some(b) = builder.blocks.get_mut(before) {
                b.paragraph = p.number;
                if let Some(c) = &p.clause {
                    b.clause = Some(c.as_str().into());
                }
            }
        }
        Document {
            source,
            lines: Cow::Owned(LineIndex::new(source)),
            blocks: builder.blocks,
            headings: builder.headings,
            carried: 0,
            before: None,
            tables: builder.tables,
            html: Vec::new(),
        }
    }

    pub fn parse(source: &'a str) -> Self {
        // A UTF-8 byte order mark is accepted and skipped; offsets stay file offsets.
        let base = if source.starts_with('\u{feff}') { 3 } else { 0 };
        let parser = Parser::new_ext(&source[base..], options());
        let (builder, _) = Builder::new().read(source, base, parser.into_offset_iter());
        builder.document(source, Cow::Owned(LineIndex::new(source)))
    }

    /// The heading titles from the top of the document down to `block`'s section.
    pub fn section_path(&self, block: &Block) -> Vec<&str> {
        let mut path = Vec::new();
        let mut at = block.section;
        while let Some(i) = at {
            path.push(self.headings[i].title.as_str());
            at = self.headings[i].parent;
        }
        path.reverse();
        path
    }

    pub fn first_heading(&self) -> Option<&Block> {
        self.headings[self.carried..]
            .iter()
            .find(|h| !h.written)
            .map(|h| &self.blocks[h.block])
    }

    /// Words of prose in the document (tokens holding a letter or digit).
    /// Whether any block holds a letter or digit: a document without prose (empty,
    /// whitespace, only front matter or code) has nothing for document rules to judge.
    pub fn has_prose(&self) -> bool {
        self.blocks
            .iter()
            .any(|b| b.text.chars().any(char::is_alphanumeric))
    }

    pub fn word_count(&self) -> usize {
        self.blocks.iter().map(|b| word_count(&b.text)).sum()
    }
}

/// Where each block of a document is, kept after the document is gone, to give each
/// finding its [`Location`]: paragraph, section and clause.
#[derive(Debug, Default)]
pub struct Locator {
    blocks: Vec<Placed>,
    /// Per heading: its title and its parent.
    headings: Vec<(String, Option<usize>)>,
}

/// A block in source order: its bytes, paragraph number, innermost heading and clause.
type Placed = (Range<usize>, usize, Option<usize>, Option<Box<str>>);

impl Locator {
    pub fn new(doc: &Document) -> Self {
        let mut blocks: Vec<_> = (doc.before.iter().chain(&doc.blocks))
            .map(|b| (b.range.clone(), b.paragraph, b.section, b.clause.clone()))
            .collect();
        blocks.sort_by_key(|b| b.0.start);
        let headings = doc
            .headings
            .iter()
            .map(|h| (h.title.clone(), h.parent))
            .collect();
        Locator { blocks, headings }
    }

    /// The location of the block that holds byte `offset` (the last to start at or
    /// before it; before the first block, the first), or `None` in a document without
    /// blocks.
    pub fn locate(&self, offset: usize) -> Option<Location> {
        let mut i = self
            .blocks
            .partition_point(|b| b.0.start <= offset)
            .saturating_sub(1);
        // Markup just before a block's text (a table's first `|`, where a table finding
        // starts) belongs to that block, not to the one before it.
        if let (Some(this), Some(next)) = (self.blocks.get(i), self.blocks.get(i + 1)) {
            if offset >= this.0.end && next.0.start.saturating_sub(offset) <= 4 {
                i += 1;
            }
        }
        let (_, paragraph, section, clause) = self.blocks.get(i)?;
        let mut path = Vec::new();
        let mut at = *section;
        while let Some(h) = at {
            let Some((title, parent)) = self.headings.get(h) else {
                break;
            };
            path.push(title.clone());
            at = *parent;
        }
        path.reverse();
        Some(Location {
            paragraph: *paragraph,
            section: path,
            clause: clause.as_deref().map(str::to_string),
        })
    }

    /// Gives each finding the location of its first byte.
    pub fn locate_all(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            d.location = self.locate(d.span.offset).map(Box::new);
        }
    }
}

/// Where the findings of a document linted in pieces belong, when they are made after its
/// pieces are gone (see [`crate::engine::Linter::scan_pieces`]): the location of each
/// place such a finding can start at (a suppression comment, the document's anchor), and
/// of the document's first block (where a finding before every block belongs).
#[derive(Debug, Default)]
pub struct Places {
    pub(crate) at: std::collections::HashMap<usize, Option<Location>>,
    pub(crate) first: Option<Location>,
    /// The document's title as the pieces show it: the first real heading's.
    pub(crate) title: Option<String>,
}

impl Places {
    /// Gives each finding that has no location yet the location of its first byte.
    pub fn locate_all(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics.iter_mut().filter(|d| d.location.is_none()) {
            let place = self.at.get(&d.span.offset).cloned().flatten();
            d.location = place.or_else(|| self.first.clone()).map(Box::new);
        }
    }
}

/// How the findings of a document are located once the document is gone: by its blocks,
/// or, for a document linted in pieces, by the places kept for it.
#[derive(Debug)]
pub enum Located {
    Whole(Locator),
    Pieces(Places),
}

impl Located {
    pub fn locate_all(&self, diagnostics: &mut [Diagnostic]) {
        match self {
            Located::Whole(l) => l.locate_all(diagnostics),
            Located::Pieces(p) => p.locate_all(diagnostics),
        }
    }
}

/// The number of an ordered list item ("3" for `3. Payment`), read from its marker: the
/// text between the start of the item's first line and its text, less any blockquote `>`.
fn list_marker(source: &str, text_start: usize) -> Option<String> {
    let line_start = source
        .get(..text_start)?
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let prefix = source.get(line_start..text_start)?;
    let marker = prefix.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let marker = marker.trim_end();
    let digits = marker.strip_suffix(['.', ')'])?;
    (!digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_string())
}

/// A clause number typed at the start of a block's text: "3.2 Payment", "3.2. Payment",
/// "12) text", "(a) text", "(iv) text". A bare number with nothing after it ("2025 was")
/// is not one.
pub fn typed_clause(text: &str) -> Option<String> {
    let t = text.trim_start();
    let (number, rest) = if let Some(inner) = t.strip_prefix('(') {
        let close = inner.find(')')?;
        let label = &inner[..close];
        let ok = !label.is_empty()
            && label.len() <= 6
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
        if !ok {
            return None;
        }
        (&t[..close + 2], &inner[close + 1..])
    } else {
        let end = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let number = &t[..end];
        let rest = &t[end..];
        let dotted = number.trim_end_matches('.').contains('.');
        let closed = number.ends_with('.') || rest.starts_with(')');
        if number.is_empty()
            || !number.starts_with(|c: char| c.is_ascii_digit())
            || !(dotted || closed)
        {
            return None;
        }
        if number.contains("..") || number.len() > 20 {
            return None;
        }
        let rest = rest.strip_prefix(')').unwrap_or(rest);
        (number, rest)
    };
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let shown = number.trim_end_matches('.');
    (!shown.is_empty()).then(|| shown.to_string())
}

/// The parser options every reader of the document uses (the HTML report too, and the
/// benchmark's floor program, `examples/floor.rs`).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Byte offsets in `text` where sentences start (always including 0).
///
/// A sentence ends at `.`, `!` or `?` followed by whitespace and then something that
/// is not a lower-case letter, so "e.g. the provider" and "clause 4.2" stay whole.
pub fn sentence_starts(text: &str) -> Vec<usize> {
    starts(text, false)
}

/// Where each clause of `text` begins: its sentences, further cut at semicolons and at
/// list bullets left inline. Findings are one per clause, and negation stays inside one.
pub fn clause_starts(text: &str) -> Vec<usize> {
    starts(text, true)
}

fn starts(text: &str, clauses: bool) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // A list bullet left inline by a PDF or Word extraction starts a clause of its own.
        if clauses && bytes[i] >= 0xE2 {
            if let Some(c) = text[i..].chars().next() {
                if is_bullet(c) {
                    if i > 0 && starts.last() != Some(&i) {
                        starts.push(i);
                    }
                    i += c.len_utf8();
                    continue;
                }
            }
        }
        // A semicolon ends a clause: legal drafting and extracted lists run their items
        // together with them ("...; and the Delay Payments will accrue ...").
        if clauses && bytes[i] == b';' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j > i + 1 && j < bytes.len() {
                starts.push(j);
            }
            i = j.max(i + 1);
            continue;
        }
        if matches!(bytes[i], b'.' | b'!' | b'?') {
            let mut j = i + 1;
            while j < bytes.len() && matches!(bytes[j], b'.' | b'!' | b'?' | b')' | b'"' | b'\'') {
                j += 1;
            }
            let ws_start = j;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j > ws_start && j < bytes.len() {
                let next = text[j..].chars().next().unwrap_or(' ');
                if !next.is_lowercase() {
                    starts.push(j);
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    starts
}

/// Bullet characters that extracted documents leave in running text: •, ▪, ●, ◦, ‣, ⁃,
/// and the private-use bullet of Word's Symbol font (U+F0B7).
fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '\u{2022}'
            | '\u{25AA}'
            | '\u{25CF}'
            | '\u{25E6}'
            | '\u{2023}'
            | '\u{2043}'
            | '\u{F0B7}'
            | '\u{F0A7}'
    )
}

/// The numbered clause of `text[sentence]` that holds `at`: the sentence cut where a
/// clause number or a list marker begins ("1.4.1 The ...", "(b) ...", "c) ..."). Text
/// extracted from a PDF runs a whole numbered list into one sentence; a finding's
/// fingerprint is made of its own clause, so that renumbering it or editing another
/// clause of the list leaves the fingerprint as it was.
pub fn numbered_clause(text: &str, sentence: Range<usize>, at: Range<usize>) -> Range<usize> {
    let (mut start, mut end) = (sentence.start, sentence.end);
    let bytes = text.as_bytes();
    let mut i = sentence.start;
    while i < sentence.end {
        let at_word = i == sentence.start || bytes[i - 1].is_ascii_whitespace();
        let token = if at_word {
            clause_number(&text[i..sentence.end])
        } else {
            None
        };
        match token {
            Some(len) => {
                if i <= at.start {
                    start = i;
                } else if i >= at.end {
                    end = i;
                    break;
                }
                i += len;
            }
            None => i += 1,
        }
    }
    start..end
}

/// The length of the clause number or list marker that `s` begins with, when it is one:
/// a number of two levels or more before a capital ("2.4.1 The", "3.2. Payment"), or a
/// marker such as "(a)", "(iv)", "(3)", "a)" or "3)" before a space. A decimal such as
/// "5.5 days" is not a clause number.
fn clause_number(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let digits = |from: usize| {
        b[from.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let space_at = |j: usize| b.get(j).is_some_and(u8::is_ascii_whitespace);
    let n = digits(0);
    if n > 0 {
        let (mut j, mut levels) = (n, 1);
        while b.get(j) == Some(&b'.') && digits(j + 1) > 0 {
            j += 1 + digits(j + 1);
            levels += 1;
        }
        if levels == 1 && n <= 2 && b.get(j) == Some(&b')') && space_at(j + 1) {
            return Some(j + 1);
        }
        if b.get(j) == Some(&b'.') {
            j += 1;
        }
        let capital = s[j..].trim_start().starts_with(|c: char| c.is_uppercase());
        return (levels >= 2 && space_at(j) && capital).then_some(j);
    }
    let marker = |inner: &[u8]| {
        (inner.len() == 1 && inner[0].is_ascii_lowercase())
            || (!inner.is_empty() && inner.len() <= 2 && inner.iter().all(u8::is_ascii_digit))
            || (!inner.is_empty() && inner.len() <= 4 && inner.iter().all(|c| b"ivx".contains(c)))
    };
    if b.first() == Some(&b'(') {
        let close = b.iter().take(6).position(|&c| c == b')')?;
        return (marker(&b[1..close]) && space_at(close + 1)).then_some(close + 1);
    }
    let close = b.iter().take(3).position(|&c| c == b')')?;
    (close == 1 && b[0].is_ascii_lowercase() && space_at(2)).then_some(2)
}

/// The sentence of `text` holding the byte range `at`, as a byte range.
pub fn sentence_around(starts: &[usize], text_len: usize, at: Range<usize>) -> Range<usize> {
    let i = match starts.binary_search(&at.start) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let start = starts.get(i).copied().unwrap_or(0);
    let end = starts
        .iter()
        .skip(i + 1)
        .find(|&&s| s >= at.end)
        .copied()
        .unwrap_or(text_len);
    start..end
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Container {
    BlockQuote,
    Footnote,
    Item,
    Heading(u8),
    HeaderCell {
        column: usize,
    },
    Cell {
        row: usize,
        column: usize,
    },
    /// Code blocks and front matter: no prose inside.
    Verbatim,
    /// A raw HTML block: its markup is not prose, the words between its tags are
    /// ([`Builder::html_text`]).
    Html,
    Other,
}

/// Where the reader of a raw HTML block is, across the lines the parser hands it.
#[derive(Debug, Default)]
struct HtmlState {
    /// Inside `<...>`: the tag's text so far, and where it began in the file.
    tag: Option<(String, usize)>,
    /// Inside `<!-- ... -->`.
    comment: bool,
    /// Inside `<script>` or `<style>`, whose content is not text.
    raw: Option<&'static str>,
    /// Containers opened by HTML tags, with their tag names, innermost last.
    open: Vec<(String, Container)>,
    /// Inside an HTML table: the table's index, and the rows begun so far.
    table: Option<usize>,
    rows: usize,
    /// The first row was marked as labels: inside `<thead>`, or with `<th>` cells.
    explicit_head: bool,
}

struct OpenBlock {
    kind: BlockKind,
    text: String,
    segments: Vec<Segment>,
    range: Option<Range<usize>>,
}

struct Builder {
    stack: Vec<Container>,
    /// How many open containers of each kind that changes every block inside it;
    /// kept as counts so that deep nesting costs nothing per event.
    quotes: usize,
    footnotes: usize,
    verbatims: usize,
    open: Option<OpenBlock>,
    blocks: Vec<Block>,
    headings: Vec<Heading>,
    heading_stack: Vec<usize>,
    tables: Vec<Table>,
    html: Vec<Range<usize>>,
    /// Inside the current table: whether in the header, the body row, the column.
    row: usize,
    column: usize,
    in_head: bool,
    html_block: Option<HtmlState>,
    /// Blocks before this piece of the document (see [`Pieces`]): paragraph numbers go on.
    first_paragraph: usize,
}

/// How the last top-level block of what a builder read ended: whether it was a fenced
/// code block or a raw HTML block (which a blank line does not end), and its end.
#[derive(Debug, Clone, Copy)]
struct LastBlock {
    open_ended: bool,
    end: usize,
}

/// Follows the depth of a parser's events, to tell how the last top-level block ended.
#[derive(Debug, Default)]
struct TopLevel {
    depth: usize,
    open_ended: bool,
    last: Option<LastBlock>,
}

impl TopLevel {
    fn see(&mut self, event: &Event<'_>, end: usize) {
        match event {
            Event::Start(tag) => {
                if self.depth == 0 {
                    self.open_ended = matches!(
                        tag,
                        Tag::HtmlBlock | Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(_))
                    );
                }
                self.depth += 1;
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    self.last = Some(LastBlock {
                        open_ended: self.open_ended,
                        end,
                    });
                }
            }
            _ if self.depth == 0 => {
                self.last = Some(LastBlock {
                    open_ended: false,
                    end,
                })
            }
            _ => {}
        }
    }
}

impl Builder {
    fn new() -> Self {
        Builder {
            stack: Vec::new(),
            quotes: 0,
            footnotes: 0,
            verbatims: 0,
            open: None,
            blocks: Vec::new(),
            headings: Vec::new(),
            heading_stack: Vec::new(),
            tables: Vec::new(),
            html: Vec::new(),
            row: 0,
            column: 0,
            in_head: false,
            html_block: None,
            first_paragraph: 0,
        }
    }

    /// Reads the parser's events for `source[base..]` (offsets relative to `base`).
    fn read<'e>(
        mut self,
        source: &str,
        base: usize,
        events: impl Iterator<Item = (Event<'e>, Range<usize>)>,
    ) -> (Self, Option<LastBlock>) {
        let mut top = TopLevel::default();
        for (event, range) in events {
            let range = range.start + base..range.end + base;
            top.see(&event, range.end);
            self.event(source, event, range);
        }
        self.flush();
        (self, top.last)
    }

    /// The document of what was read. `lines` are the whole source's.
    fn document<'a>(self, source: &'a str, lines: Cow<'a, LineIndex>) -> Document<'a> {
        let mut blocks = self.blocks;
        for b in blocks.iter_mut().filter(|b| b.clause.is_none()) {
            if let Some(n) = list_marker(source, b.range.start) {
                b.clause = Some(n.into());
            }
        }
        let mut tables = self.tables;
        tables.extend(flattened_tables(source, &blocks));
        Document {
            source,
            lines,
            blocks,
            headings: self.headings,
            carried: 0,
            before: None,
            tables,
            html: self.html,
        }
    }

    fn verbatim(&self) -> bool {
        self.verbatims > 0
    }

    fn count(&mut self, c: Container, delta: isize) {
        let n = match c {
            Container::BlockQuote => &mut self.quotes,
            Container::Footnote => &mut self.footnotes,
            Container::Verbatim => &mut self.verbatims,
            _ => return,
        };
        *n = n.saturating_add_signed(delta);
    }

    /// The kind of a block opened now, from the containers around it.
    fn context_kind(&self) -> BlockKind {
        if self.quotes > 0 {
            return BlockKind::Blockquote;
        }
        if self.footnotes > 0 {
            return BlockKind::Footnote;
        }
        let table = self.tables.len().saturating_sub(1);
        for c in self.stack.iter().rev() {
            match *c {
                Container::Heading(level) => return BlockKind::Heading { level },
                Container::HeaderCell { column } => {
                    return BlockKind::TableHeader { table, column }
                }
                Container::Cell { row, column } => {
                    return BlockKind::TableCell { table, row, column }
                }
                Container::Item => return BlockKind::ListItem,
                _ => {}
            }
        }
        BlockKind::Paragraph
    }

    fn push_text(&mut self, source: &str, text: &str, range: Range<usize>) {
        if self.verbatim() {
            return;
        }
        let verbatim = source.get(range.clone()) == Some(text);
        self.push_segment(text, range, verbatim);
    }

    /// Inline code, inline HTML and line breaks: a space that maps to the whole range.
    fn push_separator(&mut self, range: Range<usize>) {
        if self.verbatim() || self.open.is_none() {
            return;
        }
        // A one-byte line break ("\n" or a lone "\r") becomes one space: offsets still
        // map one to one, so it joins the text around it in a single segment.
        let one_to_one = range.len() == 1;
        self.push_segment(" ", range, one_to_one);
    }

    fn push_segment(&mut self, text: &str, range: Range<usize>, verbatim: bool) {
        if text.is_empty() {
            return;
        }
        if self.open.is_none() {
            self.open = Some(OpenBlock {
                kind: self.context_kind(),
                text: String::new(),
                segments: Vec::new(),
                range: None,
            });
        }
        let Some(open) = self.open.as_mut() else {
            return;
        };
        // The parser splits plain text at many harmless characters; a piece that continues
        // the previous one, in the text and in the file, extends it instead.
        match open.segments.last_mut() {
            Some(last)
                if verbatim
                    && last.verbatim
                    && last.src.1 == range.start
                    && last.text_start + (last.src.1 - last.src.0) == open.text.len() =>
            {
                last.src.1 = range.end;
            }
            _ => open.segments.push(Segment {
                text_start: open.text.len(),
                src: (range.start, range.end),
                verbatim,
            }),
        }
        open.text.push_str(text);
        open.range = Some(match open.range.take() {
            Some(r) => r.start.min(range.start)..r.end.max(range.end),
            None => range,
        });
    }

    fn flush(&mut self) {
        let Some(open) = self.open.take() else { return };
        let Some(range) = open.range else { return };
        // Trailing separators (a line break before a nested list) are not text.
        let trimmed = open.text.trim_end().len();
        if trimmed == 0 {
            return;
        }
        let mut text = open.text;
        text.truncate(trimmed);
        text.shrink_to_fit();
        let mut segments = open.segments;
        segments.retain(|s| s.text_start < trimmed);
        segments.shrink_to_fit();
        let index = self.blocks.len();
        let section = if let BlockKind::Heading { level } = open.kind {
            while let Some(&top) = self.heading_stack.last() {
                if self.headings[top].level >= level {
                    self.heading_stack.pop();
                } else {
                    break;
                }
            }
            let h = self.headings.len();
            self.headings.push(Heading {
                level,
                title: text.clone(),
                block: index,
                parent: self.heading_stack.last().copied(),
                written: false,
            });
            self.heading_stack.push(h);
            Some(h)
        } else {
            self.heading_stack.last().copied()
        };
        match open.kind {
            BlockKind::TableHeader { table, column } => {
                if let Some(t) = self.tables.get_mut(table) {
                    t.header.push((column, index));
                }
            }
            BlockKind::TableCell {
                table, column: 0, ..
            } => {
                if let Some(t) = self.tables.get_mut(table) {
                    t.first_column.push(index);
                }
            }
            _ => {}
        }
        let clause = typed_clause(&text).map(Box::from);
        let mut block = Block {
            kind: open.kind,
            range,
            text,
            segments,
            section,
            paragraph: self.first_paragraph + index + 1,
            clause,
        };
        // The block ends where its (trimmed) text ends in the file.
        block.range.end = block.source_end(trimmed).min(block.range.end);
        if block.is_title_like() {
            while let Some(&top) = self.heading_stack.last() {
                if self.headings[top].level >= WRITTEN_TITLE {
                    self.heading_stack.pop();
                } else {
                    break;
                }
            }
            let h = self.headings.len();
            self.headings.push(Heading {
                level: WRITTEN_TITLE,
                title: block.text.clone(),
                block: index,
                parent: self.heading_stack.last().copied(),
                written: true,
            });
            self.heading_stack.push(h);
            block.section = Some(h);
        }
        self.blocks.push(block);
    }

    fn event(&mut self, source: &str, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(t) => self.push_text(source, &t, range),
            Event::Code(_) | Event::SoftBreak | Event::HardBreak => self.push_separator(range),
            Event::InlineHtml(_) => {
                self.html.push(range.clone());
                self.push_separator(range);
            }
            Event::Html(t) => {
                self.html.push(range.clone());
                if self.html_block.is_some() && self.verbatims == 0 {
                    self.html_text(source, &t, range);
                }
            }
            _ => {}
        }
    }

    /// The words of a raw HTML block's line: tags end blocks and open containers (a
    /// table's cells, a list's items, a heading), text between them is prose, mapped to
    /// the file byte for byte (an entity maps to its whole `&...;`). Comments, scripts
    /// and styles are not text.
    fn html_text(&mut self, source: &str, text: &str, range: Range<usize>) {
        // The parser hands the line as it is in the file, unless a container's prefix
        // (a blockquote's `>`) was taken off; then offsets would not map, so skip it.
        if source.get(range.clone()) != Some(text) {
            return;
        }
        let base = range.start;
        let mut i = 0;
        let mut run = 0;
        let bytes = text.as_bytes();
        while i < bytes.len() {
            let Some(state) = self.html_block.as_mut() else {
                return;
            };
            if state.comment {
                match text[i..].find("-->") {
                    Some(k) => {
                        state.comment = false;
                        i += k + 3;
                        run = i;
                    }
                    None => return,
                }
                continue;
            }
            if let Some((tag, start)) = state.tag.as_mut() {
                match text[i..].find('>') {
                    Some(k) => {
                        tag.push_str(&text[i..i + k]);
                        let (tag, start) = (std::mem::take(tag), *start);
                        state.tag = None;
                        i += k + 1;
                        run = i;
                        self.html_tag(&tag, start..base + i);
                    }
                    None => {
                        tag.push_str(&text[i..]);
                        return;
                    }
                }
                continue;
            }
            if let Some(end) = state.raw {
                match text[i..].to_ascii_lowercase().find(end) {
                    Some(k) => {
                        state.raw = None;
                        i += k;
                        run = i;
                    }
                    None => return,
                }
                continue;
            }
            match bytes[i] {
                b'<' if text[i..].starts_with("<!--") => {
                    self.html_run(&text[run..i], base + run);
                    if let Some(state) = self.html_block.as_mut() {
                        state.comment = true;
                    }
                    i += 4;
                    run = i;
                }
                b'<' if bytes
                    .get(i + 1)
                    .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/' || *b == b'!') =>
                {
                    self.html_run(&text[run..i], base + run);
                    if let Some(state) = self.html_block.as_mut() {
                        state.tag = Some((String::new(), base + i));
                    }
                    i += 1;
                    run = i;
                }
                _ => i += 1,
            }
        }
        self.html_run(&text[run..], base + run);
    }

    /// Text between tags: plain runs verbatim, entities decoded, line breaks as spaces.
    fn html_run(&mut self, text: &str, at: usize) {
        let mut plain = 0;
        let mut i = 0;
        while i < text.len() {
            let b = text.as_bytes()[i];
            let entity = (b == b'&')
                .then(|| text[i..].find(';').filter(|&k| k <= 10))
                .flatten()
                .and_then(|k| decode_entity(&text[i + 1..i + k]).map(|c| (k, c)));
            if b == b'\n' || b == b'\r' || entity.is_some() {
                if plain < i && (!text[plain..i].trim().is_empty() || self.open.is_some()) {
                    self.push_segment(&text[plain..i], at + plain..at + i, true);
                }
                match entity {
                    Some((k, c)) => {
                        let mut buf = [0; 4];
                        self.push_segment(c.encode_utf8(&mut buf), at + i..at + i + k + 1, false);
                        i += k + 1;
                    }
                    None => {
                        self.push_separator(at + i..at + i + 1);
                        i += 1;
                    }
                }
                plain = i;
            } else {
                i += 1;
            }
        }
        if plain < text.len() && (!text[plain..].trim().is_empty() || self.open.is_some()) {
            self.push_segment(&text[plain..], at + plain..at + text.len(), true);
        }
    }

    /// A tag of a raw HTML block: block-level tags end the open block, and open or close
    /// the containers that give the next block its kind.
    fn html_tag(&mut self, tag: &str, range: Range<usize>) {
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if tag.starts_with('!') || name.is_empty() {
            return;
        }
        if !closing && (name == "script" || name == "style") {
            if let Some(state) = self.html_block.as_mut() {
                state.raw = Some(if name == "script" {
                    "</script"
                } else {
                    "</style"
                });
            }
            return;
        }
        let block_level = matches!(
            name.as_str(),
            "p" | "div"
                | "br"
                | "tr"
                | "td"
                | "th"
                | "li"
                | "ul"
                | "ol"
                | "table"
                | "thead"
                | "tbody"
                | "tfoot"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "blockquote"
                | "section"
                | "article"
                | "header"
                | "footer"
                | "dd"
                | "dt"
                | "dl"
                | "caption"
                | "hr"
                | "figure"
                | "figcaption"
                | "details"
                | "summary"
                | "pre"
                | "center"
        );
        if !block_level {
            // Inline markup (<strong>, <a>, <span>) keeps the block open, as in Markdown.
            return;
        }
        self.flush();
        if closing {
            self.html_close(&name, range);
            return;
        }
        let container = match name.as_str() {
            "table" => {
                self.html_close_table();
                self.tables.push(Table {
                    range: range.clone(),
                    ..Table::default()
                });
                if let Some(state) = self.html_block.as_mut() {
                    state.table = Some(self.tables.len() - 1);
                    state.rows = 0;
                }
                self.row = 0;
                self.column = 0;
                self.in_head = false;
                return;
            }
            "thead" => {
                self.in_head = true;
                if let Some(state) = self.html_block.as_mut() {
                    state.explicit_head = true;
                }
                return;
            }
            "tbody" | "tfoot" => {
                self.in_head = false;
                return;
            }
            "tr" => {
                self.column = 0;
                let Some(state) = self.html_block.as_mut() else {
                    return;
                };
                let Some(ti) = state.table.filter(|&i| i < self.tables.len()) else {
                    return;
                };
                // The first row holds the labels, whether its cells are <th> or <td>,
                // unless it turns out to be prose (see `settle_html_header`).
                state.rows += 1;
                let rows = state.rows;
                if rows == 2 {
                    self.settle_html_header();
                }
                let t = &mut self.tables[ti];
                if rows == 1 {
                    t.header_range = range.start..range.end;
                    self.in_head = true;
                } else {
                    self.in_head = false;
                    self.row += 1;
                    t.body_rows += 1;
                }
                return;
            }
            "th" | "td" => {
                let Some(state) = self.html_block.as_mut() else {
                    return;
                };
                if state.table.is_none() {
                    return;
                }
                if name == "th" && self.in_head {
                    state.explicit_head = true;
                }
                self.cell()
            }
            _ if is_note(tag) => Container::Footnote,
            "li" | "dd" | "dt" => Container::Item,
            // Inside a table cell, a blockquote is a converter's indentation, not a quotation.
            "blockquote"
                if self.stack.iter().any(|c| {
                    matches!(c, Container::Cell { .. } | Container::HeaderCell { .. })
                }) =>
            {
                return
            }
            "blockquote" => Container::BlockQuote,
            h if h.len() == 2 && h.starts_with('h') => match h.as_bytes()[1] {
                d @ b'1'..=b'6' => Container::Heading(d - b'0'),
                _ => return,
            },
            _ => return,
        };
        self.count(container, 1);
        self.stack.push(container);
        if let Some(state) = self.html_block.as_mut() {
            state.open.push((name, container));
        }
    }

    /// `</name>`: closes the innermost container `name` opened, and those inside it.
    fn html_close(&mut self, name: &str, range: Range<usize>) {
        match name {
            "table" => return self.html_close_table(),
            "thead" => {
                self.in_head = false;
                return;
            }
            "tr" => {
                let table = self.html_block.as_ref().and_then(|s| s.table);
                if let Some(t) = table.and_then(|i| self.tables.get_mut(i)) {
                    if self.in_head {
                        t.header_range.end = range.end;
                        self.settle_html_header();
                    }
                }
                self.in_head = false;
                return;
            }
            _ => {}
        }
        let Some(state) = self.html_block.as_mut() else {
            return;
        };
        let Some(at) = state.open.iter().rposition(|(n, _)| n == name) else {
            return;
        };
        let closed: Vec<(String, Container)> = state.open.drain(at..).collect();
        for (n, c) in closed.into_iter().rev() {
            self.pop_container(c);
            if n == "td" || n == "th" {
                self.column += 1;
            }
        }
    }

    /// Takes `c`, opened by an HTML tag, off the stack of containers.
    fn pop_container(&mut self, c: Container) {
        if let Some(pos) = self.stack.iter().rposition(|s| *s == c) {
            self.stack.remove(pos);
            self.count(c, -1);
        }
    }

    /// The container of a table cell opened now: a header cell in the header row.
    fn cell(&self) -> Container {
        if self.in_head {
            Container::HeaderCell {
                column: self.column,
            }
        } else {
            Container::Cell {
                row: self.row,
                column: self.column,
            }
        }
    }

    fn html_close_table(&mut self) {
        self.settle_html_header();
        if let Some(state) = self.html_block.as_mut() {
            state.table = None;
        }
        self.in_head = false;
    }

    /// An HTML table's first row, taken for its labels, is a row of prose when nothing
    /// marked it as labels (no `<thead>`, no `<th>`) and a cell reads as a sentence: a
    /// layout table converted from a document, whose every row is text. Its cells become
    /// body cells, linted as such, and the table has no header.
    fn settle_html_header(&mut self) {
        let Some(state) = self.html_block.as_ref() else {
            return;
        };
        let Some(ti) = state.table else {
            return;
        };
        if state.explicit_head {
            return;
        }
        let Some(t) = self.tables.get(ti) else {
            return;
        };
        let prose = t
            .header
            .iter()
            .any(|&(_, b)| reads_as_prose(&self.blocks[b].text));
        if !prose {
            return;
        }
        let header = std::mem::take(&mut self.tables[ti].header);
        let mut first = Vec::new();
        for (column, b) in header {
            self.blocks[b].kind = BlockKind::TableCell {
                table: ti,
                row: 0,
                column,
            };
            if column == 0 {
                first.push(b);
            }
        }
        let t = &mut self.tables[ti];
        first.append(&mut t.first_column);
        t.first_column = first;
        t.header_range = t.header_range.start..t.header_range.start;
        t.body_rows += 1;
    }

    /// The end of a raw HTML block: whatever its tags left open is closed.
    fn html_end(&mut self) {
        self.flush();
        self.settle_html_header();
        if let Some(state) = self.html_block.take() {
            for (_, c) in state.open.into_iter().rev() {
                self.pop_container(c);
            }
        }
        self.in_head = false;
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        // Inline markup keeps the block open.
        if is_inline(&tag) {
            return;
        }
        let container = match tag {
            Tag::BlockQuote(_) => Container::BlockQuote,
            Tag::FootnoteDefinition(_) => Container::Footnote,
            Tag::Item => Container::Item,
            Tag::Heading { level, .. } => Container::Heading(level as u8),
            Tag::CodeBlock(_) | Tag::MetadataBlock(_) => Container::Verbatim,
            Tag::HtmlBlock => {
                self.html_block = Some(HtmlState::default());
                Container::Html
            }
            Tag::Table(_) => {
                self.tables.push(Table {
                    range: range.clone(),
                    ..Table::default()
                });
                self.row = 0;
                Container::Other
            }
            Tag::TableHead => {
                self.in_head = true;
                self.column = 0;
                if let Some(t) = self.tables.last_mut() {
                    t.header_range = range.clone();
                }
                Container::Other
            }
            Tag::TableRow => {
                self.row += 1;
                self.column = 0;
                if let Some(t) = self.tables.last_mut() {
                    t.body_rows += 1;
                }
                Container::Other
            }
            Tag::TableCell => self.cell(),
            _ => Container::Other,
        };
        self.flush();
        self.count(container, 1);
        self.stack.push(container);
    }

    fn end(&mut self, tag: TagEnd, _range: Range<usize>) {
        if is_inline_end(tag) {
            return;
        }
        match tag {
            TagEnd::TableHead => self.in_head = false,
            TagEnd::TableCell => self.column += 1,
            TagEnd::HtmlBlock => self.html_end(),
            _ => {}
        }
        self.flush();
        if let Some(c) = self.stack.pop() {
            self.count(c, -1);
        }
    }
}

/// A tag that opens a converter's footnotes or endnotes (`<section class="footnotes">`,
/// `<li role="doc-endnote">`): notes, not clauses, as Markdown footnotes are.
fn is_note(tag: &str) -> bool {
    let t = tag.to_ascii_lowercase();
    ["footnote", "endnote"].iter().any(|w| t.contains(w))
}

/// The character a named or numeric HTML entity stands for (`amp`, `#39`, `#x2019`).
fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(n).filter(|c| !c.is_control() || c.is_whitespace());
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "pound" => '£',
        "euro" => '€',
        "hellip" => '…',
        "bull" => '•',
        _ => return None,
    })
}

/// Markup inside a block (emphasis, links, images, ...), as opposed to a block of its
/// own. The document builder and the HTML report draw the line in the same place.
pub fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// The end of markup that [`is_inline`] starts.
pub fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_clause_is_cut_from_its_run_on_sentence() {
        let text = "1.4 Payment 1.4.1 Service credits apply (a) to KPIs 1.4.2 The provider pays 5.5 days late b) Reports";
        let at = |word: &str| {
            let i = text.find(word).unwrap_or(0);
            &text[numbered_clause(text, 0..text.len(), i..i + word.len())]
        };
        assert_eq!(at("Service"), "1.4.1 Service credits apply ");
        assert_eq!(at("KPIs"), "(a) to KPIs ");
        // A decimal is not a clause number; a lettered marker is.
        assert_eq!(at("days"), "1.4.2 The provider pays 5.5 days late ");
        assert_eq!(at("Reports"), "b) Reports");
        assert_eq!(at("Payment"), "1.4 Payment ");
        // "(2020)" and a lower-case word after a number are not markers.
        let plain = "NICE (2020) says clause 2.4.1 applies";
        assert_eq!(
            numbered_clause(plain, 0..plain.len(), 20..26),
            0..plain.len()
        );
    }

    #[test]
    fn clause_numbers_typed_at_the_start_of_a_block() {
        let cases = [
            ("3.2 Payment is monthly.", Some("3.2")),
            ("3.2. Payment is monthly.", Some("3.2")),
            ("12) The provider reports.", Some("12")),
            ("4. KPI CREDITS", Some("4")),
            ("(a) the first case", Some("(a)")),
            ("(iv) the fourth case", Some("(iv)")),
            ("2025 was a hard year.", None),
            ("3.5% of the charge", None),
            ("(see clause 7) a reference", None),
            ("Payment is monthly.", None),
            ("1..2 broken", None),
        ];
        for (text, want) in cases {
            assert_eq!(typed_clause(text).as_deref(), want, "{text:?}");
        }
    }

    #[test]
    fn locations_name_paragraph_section_and_clause() {
        let src = "# Tender\n\n## 3 Payment\n\n3.2 A credit applies.\n\n> 7. Quoted item\n\n1. first\n2. second item\n\n| KPI | Target |\n|---|---|\n| Calls | 95% |\n";
        let doc = Document::parse(src);
        let at = |needle: &str| {
            Locator::new(&doc)
                .locate(src.find(needle).unwrap())
                .unwrap()
        };
        let credit = at("A credit");
        assert_eq!(credit.paragraph, 3);
        assert_eq!(credit.section, ["Tender", "3 Payment"]);
        assert_eq!(credit.clause.as_deref(), Some("3.2"));
        assert_eq!(at("second item").clause.as_deref(), Some("2"));
        assert_eq!(at("Quoted item").clause.as_deref(), Some("7"));
        assert_eq!(at("first").clause.as_deref(), Some("1"));
        // Table cells count as paragraphs: # Tender, ## 3 Payment, 3.2, quote, first,
        // second, KPI, Target, Calls.
        assert_eq!(at("Calls").paragraph, 9);
        // A finding on a whole table starts at its first `|`: the header row's place.
        assert_eq!(at("| KPI").paragraph, 7);
        assert_eq!(at("Calls").clause, None);
        // Before the first block: the first block's location.
        assert_eq!(Locator::new(&doc).locate(0).unwrap().paragraph, 1);
        assert!(Locator::new(&Document::parse("")).locate(0).is_none());
    }

    #[test]
    fn titles_written_as_paragraphs_head_the_blocks_after_them() {
        let src = "# Schedule 4\n\nPAYMENT MECHANISM\n\nDeductions apply.\n\n7. KPI Credit Earn Back\n\nCredits are earned back.\n\n## Annex\n\nNothing here.\n";
        let doc = Document::parse(src);
        let path = |needle: &str| doc.section_path(block_with(&doc, needle)).join(" / ");
        assert_eq!(path("Deductions"), "Schedule 4 / PAYMENT MECHANISM");
        // The next written title replaces the last; a real heading ends both.
        assert_eq!(path("earned back"), "Schedule 4 / KPI Credit Earn Back");
        assert_eq!(path("Nothing"), "Schedule 4 / Annex");
        // Findings about the whole document still sit on the first real heading.
        assert_eq!(
            doc.first_heading().map(|b| b.text.as_str()),
            Some("Schedule 4")
        );
    }

    #[test]
    fn paragraphs_from_another_reader_become_the_same_blocks() {
        // One paragraph per line, as the Word reader lays them out; line 3 is empty.
        let src = "Payment\nA service credit of 2% applies.\n\nKPI\nTarget\nCalls answered\n95%";
        let mut paragraphs = Vec::new();
        let mut start = 0;
        let kinds = [
            BlockKind::Heading { level: 1 },
            BlockKind::ListItem,
            BlockKind::Paragraph,
            BlockKind::TableHeader {
                table: 0,
                column: 0,
            },
            BlockKind::TableHeader {
                table: 0,
                column: 1,
            },
            BlockKind::TableCell {
                table: 0,
                row: 1,
                column: 0,
            },
            BlockKind::TableCell {
                table: 0,
                row: 1,
                column: 1,
            },
        ];
        for (i, (line, kind)) in src.split('\n').zip(kinds).enumerate() {
            paragraphs.push(Paragraph {
                kind,
                range: start..start + line.len(),
                number: i + 1,
                clause: (i == 1).then(|| "1.1".to_string()),
            });
            start += line.len() + 1;
        }
        let doc = Document::from_paragraphs(src, &paragraphs);
        assert_eq!(doc.blocks.len(), 6, "the empty paragraph is no block");
        assert_eq!(doc.headings.len(), 1);
        let credit = block_with(&doc, "service credit");
        assert_eq!(
            (credit.paragraph, credit.clause.as_deref()),
            (2, Some("1.1"))
        );
        assert_eq!(doc.section_path(credit), ["Payment"]);
        assert_eq!(source_of(&doc, "credit of 2%"), "credit of 2%");
        assert_eq!(doc.tables.len(), 1);
        assert_eq!(doc.tables[0].header.len(), 2);
        assert_eq!(doc.tables[0].first_column.len(), 1);
        assert_eq!(doc.tables[0].body_rows, 1);
        assert_eq!(block_with(&doc, "95%").paragraph, 7);
        let loc = Locator::new(&doc).locate(src.find("95%").unwrap()).unwrap();
        assert_eq!(
            (loc.paragraph, loc.section.as_slice()),
            (7, &["Payment".to_string()][..])
        );
    }

    fn block_with<'d>(doc: &'d Document, needle: &str) -> &'d Block {
        doc.blocks
            .iter()
            .find(|b| b.text.contains(needle))
            .unwrap_or_else(|| panic!("no block holds {needle:?}: {:#?}", doc.blocks))
    }

    /// Maps `needle` found in a block's text back to the file, and checks the file says it.
    fn source_of<'d>(doc: &'d Document, needle: &str) -> &'d str {
        let b = block_with(doc, needle);
        let at = b.text.find(needle).unwrap_or_default();
        &doc.source[b.source_start(at)..b.source_end(at + needle.len())]
    }

    #[test]
    fn kinds_sections_and_offsets() {
        let src = "# Spec\n\n## Payment\n\nService credits apply.\n\n- one item\n  - nested item\n\n> quoted guidance\n";
        let doc = Document::parse(src);
        let kinds: Vec<_> = doc
            .blocks
            .iter()
            .map(|b| (b.kind.scope(), b.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (Scope::Heading, "Spec"),
                (Scope::Heading, "Payment"),
                (Scope::Paragraph, "Service credits apply."),
                (Scope::ListItem, "one item"),
                (Scope::ListItem, "nested item"),
                (Scope::Blockquote, "quoted guidance"),
            ]
        );
        let para = block_with(&doc, "Service");
        assert_eq!(doc.section_path(para), vec!["Spec", "Payment"]);
        assert_eq!(&src[para.range.clone()], "Service credits apply.");
        assert_eq!(source_of(&doc, "nested"), "nested");
    }

    #[test]
    fn code_markup_and_front_matter_are_not_prose() {
        let src = "---\ntitle: service credits\n---\n\n```\nservice credits\n```\n\n    indented service credits\n\nUse `service credits` here.\n\n<script>service credits</script>\n<!-- service credits -->\n";
        let doc = Document::parse(src);
        let all: String = doc
            .blocks
            .iter()
            .map(|b| b.text.clone())
            .collect::<Vec<_>>()
            .join("|");
        assert_eq!(all, "Use   here.");
        assert_eq!(doc.html.len(), 2);
    }

    /// Word documents converted to Markdown keep complex tables and notes as raw HTML:
    /// the words between the tags are the tender's text, each cell a block of its table,
    /// mapped back to the file byte for byte.
    #[test]
    fn raw_html_blocks_are_read_as_text_and_tables() {
        let src = "# T\n\n<table>\n<tr><th>KPI</th><th>Service credit</th></tr>\n<tr><td>Calls &amp; emails</td><td>2% of the <strong>monthly</strong> charge</td></tr>\n</table>\n\n<div>Payments may be <em>withheld</em>.</div>\n<section class=\"footnotes\"><ol><li>A note on credits.</li></ol></section>\n";
        let doc = Document::parse(src);
        let kinds: Vec<(String, BlockKind)> = doc
            .blocks
            .iter()
            .map(|b| (b.text.clone(), b.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("T".into(), BlockKind::Heading { level: 1 }),
                (
                    "KPI".into(),
                    BlockKind::TableHeader {
                        table: 0,
                        column: 0
                    }
                ),
                (
                    "Service credit".into(),
                    BlockKind::TableHeader {
                        table: 0,
                        column: 1
                    }
                ),
                (
                    "Calls & emails".into(),
                    BlockKind::TableCell {
                        table: 0,
                        row: 1,
                        column: 0
                    }
                ),
                (
                    "2% of the monthly charge".into(),
                    BlockKind::TableCell {
                        table: 0,
                        row: 1,
                        column: 1
                    }
                ),
                ("Payments may be withheld.".into(), BlockKind::Paragraph),
                ("A note on credits.".into(), BlockKind::Footnote),
            ]
        );
        assert_eq!(doc.tables.len(), 1);
        assert_eq!(doc.tables[0].header.len(), 2);
        assert_eq!(doc.tables[0].body_rows, 1);
        assert!(src[doc.tables[0].header_range.clone()].starts_with("<tr><th>KPI"));
        assert_eq!(source_of(&doc, "&"), "&amp;");
        assert_eq!(source_of(&doc, "monthly"), "monthly");
        assert_eq!(source_of(&doc, "withheld"), "withheld");
    }

    #[test]
    fn inline_markup_and_line_breaks_map_back_to_source() {
        let src = "The **service\ncredit** regime &amp; *deductions*.";
        let doc = Document::parse(src);
        let b = &doc.blocks[0];
        assert_eq!(b.text, "The service credit regime & deductions.");
        assert_eq!(source_of(&doc, "service credit"), "service\ncredit");
        assert_eq!(source_of(&doc, "deductions"), "deductions");
        assert_eq!(source_of(&doc, "&"), "&amp;");
    }

    #[test]
    fn multibyte_text_and_bom_keep_file_offsets() {
        let src = "\u{feff}# Café £5 — naïve\n\nΈνα service credit.";
        let doc = Document::parse(src);
        assert_eq!(doc.blocks[0].kind, BlockKind::Heading { level: 1 });
        let b = block_with(&doc, "service");
        let at = b.source_start(b.text.find("service").unwrap_or_default());
        assert_eq!(&src[at..at + 7], "service");
        let pos = doc.lines.position(src, at);
        assert_eq!((pos.line, pos.column), (3, 5));
    }

    #[test]
    fn tables_know_rows_columns_and_headers() {
        let src = "| KPI | Target | Service credit |\n|---|---|---|\n| Calls answered | 95% | 2 points |\n| | 90% | |\n";
        let doc = Document::parse(src);
        assert_eq!(doc.tables.len(), 1);
        let t = &doc.tables[0];
        assert_eq!(t.body_rows, 2);
        let headers: Vec<_> = t
            .header
            .iter()
            .map(|&(c, b)| (c, doc.blocks[b].text.as_str()))
            .collect();
        assert_eq!(
            headers,
            vec![(0, "KPI"), (1, "Target"), (2, "Service credit")]
        );
        let cell = block_with(&doc, "90%");
        assert_eq!(
            cell.kind,
            BlockKind::TableCell {
                table: 0,
                row: 2,
                column: 1
            }
        );
        assert_eq!(
            &src[t.header_range.clone()].trim_end(),
            &"| KPI | Target | Service credit |"
        );
    }

    #[test]
    fn loose_lists_footnotes_and_crlf() {
        let src = "- first\r\n\r\n  second para\r\n\r\n- third\r\n\r\nText[^1].\r\n\r\n[^1]: A footnote.\r\n";
        let doc = Document::parse(src);
        let kinds: Vec<_> = doc
            .blocks
            .iter()
            .map(|b| (b.kind.scope(), b.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (Scope::ListItem, "first"),
                (Scope::ListItem, "second para"),
                (Scope::ListItem, "third"),
                (Scope::Paragraph, "Text."),
                (Scope::Footnote, "A footnote."),
            ]
        );
        let b = block_with(&doc, "second");
        let pos = doc.lines.position(src, b.range.start);
        assert_eq!((pos.line, pos.column), (3, 3));
    }

    #[test]
    fn sentences_split_on_full_stops_but_not_abbreviations() {
        let text = "No service credits apply, e.g. for delays. Clause 4.2 sets deductions! Done";
        let starts = sentence_starts(text);
        let s: Vec<_> = starts.iter().map(|&i| &text[i..]).collect();
        assert_eq!(s.len(), 3);
        assert!(s[1].starts_with("Clause 4.2"));
        let at = text.find("deductions").unwrap_or_default();
        let r = sentence_around(&starts, text.len(), at..at + 10);
        assert_eq!(&text[r], "Clause 4.2 sets deductions! ");
    }
}
