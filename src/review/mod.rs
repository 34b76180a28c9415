//! Findings written back into a copy of a Word document, as Word review comments.
//!
//! [`write_review`] copies the original .docx and anchors each [`Comment`] on its own
//! words: `w:commentRangeStart` before them, `w:commentRangeEnd` after them, then a run
//! holding the `w:commentReference`. A range that starts or ends inside a run cuts the
//! run there (each piece keeps the run's formatting); where a cut is not safe (inside a
//! field, a smart tag, a content control, a simple field, or a run nested in a run) the
//! range widens to the nearest element boundaries that take it in. A comment with an
//! empty range covers its whole paragraph. The comments go into word/comments.xml,
//! after any already there, with ids above theirs; the relationship and the content
//! type are added when missing. Comments work the same in footnotes and endnotes. Each
//! line of a comment's text is a paragraph of it; tabs are kept, other control
//! characters dropped.
//!
//! What is changed: the story parts that get comments (word/document.xml, footnotes,
//! endnotes), the comments part, the main part's relationships and `[Content_Types].xml`.
//! Every other entry is copied byte for byte, and in the parts rewritten every event is
//! written again as it was read, except the runs cut. What is left out: the parts
//! Word 2013 and later add for replies and resolved state (commentsExtended.xml,
//! commentsIds.xml, people.xml), which Word does without; comments in headers,
//! footers and text boxes' second rendering (`mc:Fallback`), which the reader does not
//! read either.
//!
//! The original must have been read by [`crate::docx::read`] into the [`Word`] given;
//! parts are inflated again within the reader's default limits, streamed, never held
//! as a tree, and nothing in them drives recursion.

/// The comments for a Word document's findings: each on its own words in its
/// paragraph (a span that runs past its paragraph stops at the paragraph's end), and a
/// finding about the whole document (`document_level`) on the first paragraph. `text` is
/// the document laid out one paragraph per line ([`crate::source::Source`]); the comment
/// says what was found and what to write instead.
pub fn comments_for(
    text: &str,
    diagnostics: &[crate::diagnostic::Diagnostic],
    document_level: impl Fn(&str) -> bool,
) -> Vec<Comment> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    diagnostics
        .iter()
        .map(|d| {
            let body = format!(
                "{}\nWhat to write instead: {}\n(tenderlint, rule {}: {})",
                d.message, d.help, d.rule, d.severity
            );
            if document_level(&d.rule) {
                return Comment {
                    paragraph: 0,
                    range: 0..0,
                    text: body,
                };
            }
            let line = d.span.start.line.saturating_sub(1).min(starts.len() - 1);
            let start = starts[line];
            let end = starts.get(line + 1).map_or(text.len(), |n| n - 1);
            let from = d.span.offset.clamp(start, end) - start;
            let to = (d.span.offset + d.span.length).clamp(start, end) - start;
            Comment {
                paragraph: line,
                range: from..to,
                text: body,
            }
        })
        .collect()
}

mod package;
mod rewrite;
mod scan;
#[cfg(test)]
mod tests;
mod xml;

use crate::docx::package as docx_package;
use crate::docx::{Limits, Part, Word};
use package::{Archive, Root};
use rewrite::{Marker, Marks};
use scan::{Requests, RunEdge, Scan, Side};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use xml::{escape_attr, escape_text, is_xml_char, qualify, Ns, W_NS};

/// A finding to write as a comment. A finding about the whole document goes on the
/// first paragraph: `paragraph: 0` and an empty range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The paragraph: an index into `Word::paragraphs`.
    pub paragraph: usize,
    /// The words commented on, as bytes of the paragraph's `text` (edges inside a
    /// character take the whole character in; past the end is the end); empty for the
    /// whole paragraph.
    pub range: Range<usize>,
    /// The comment; each line ('\n') a paragraph of it.
    pub text: String,
}

/// Why a review copy could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewError {
    /// The zip container could not be read again or written.
    Zip(String),
    /// A comment names a paragraph the document does not have.
    NoParagraph { paragraph: usize, paragraphs: usize },
    /// The date is not an ISO 8601 date and time.
    Date(String),
    /// A part is not as the reader read it (another file's paragraphs were given?).
    Mismatch { part: String, detail: String },
    /// A part inflates past the reader's limit.
    TooLarge { part: String, limit: u64 },
    /// A part nests elements too deeply.
    TooDeep { part: String },
    /// A part is not well-formed XML.
    Xml { part: String, detail: String },
    /// A part names WordprocessingML in a way comment marks cannot be added to (no
    /// prefix, or its prefix declared again inside).
    Namespace { part: String },
    /// The comment ids would pass the largest Word takes.
    Ids,
    /// The comments relationship points outside the document.
    OutsidePackage { target: String },
}

impl fmt::Display for ReviewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const CANNOT: &str = "cannot write review comments into this document";
        match self {
            ReviewError::Zip(detail) => {
                write!(f, "{CANNOT}: its zip container: {}", shown(detail))
            }
            ReviewError::NoParagraph {
                paragraph,
                paragraphs,
            } => write!(
                f,
                "a comment is for paragraph {} but the document has {paragraphs}",
                paragraph.saturating_add(1)
            ),
            ReviewError::Date(date) => write!(
                f,
                "the comment date {} is not a date and time such as 2026-12-06T00:00:00Z",
                shown(date)
            ),
            ReviewError::Mismatch { part, detail } => write!(
                f,
                "{CANNOT}: its part {} is not as it was read ({}); was it changed since?",
                shown(part),
                shown(detail)
            ),
            ReviewError::TooLarge { part, limit } => write!(
                f,
                "{CANNOT}: its part {} inflates to more than {limit} bytes",
                shown(part)
            ),
            ReviewError::TooDeep { part } => write!(
                f,
                "{CANNOT}: its part {} nests elements too deeply",
                shown(part)
            ),
            ReviewError::Xml { part, detail } => write!(
                f,
                "{CANNOT}: its part {} is damaged: {}",
                shown(part),
                shown(detail)
            ),
            ReviewError::Namespace { part } => write!(
                f,
                "{CANNOT}: its part {} names Word's XML namespace in an unusual way (no prefix, or a prefix declared twice)",
                shown(part)
            ),
            ReviewError::Ids => write!(
                f,
                "{CANNOT}: its comment numbers are already as large as Word allows"
            ),
            ReviewError::OutsidePackage { target } => write!(
                f,
                "{CANNOT}: its comments part is named as {}, outside the document",
                shown(target)
            ),
        }
    }
}

impl std::error::Error for ReviewError {}

/// Text from the file, for a message: control characters made visible, at most 200
/// characters.
fn shown(text: &str) -> String {
    let mut out: String = crate::excerpt::escape(text).chars().take(200).collect();
    if text.chars().nth(200).is_some() {
        out.push('…');
    }
    out
}

/// The largest comment id written: Word keeps ids in 32 bits.
const MAX_ID: i64 = i32::MAX as i64;

const COMMENTS_TYPE: [&str; 2] = [
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/comments",
];
const COMMENTS_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";
const RELS_CONTENT_TYPE: &str = "application/vnd.openxmlformats-package.relationships+xml";

/// A copy of `original` (the .docx that `word` was read from) with `comments` as Word
/// review comments by `author`, dated `date` (ISO 8601: "2026-12-06T00:00:00Z").
pub fn write_review(
    original: &[u8],
    word: &Word,
    comments: &[Comment],
    author: &str,
    date: &str,
) -> Result<Vec<u8>, ReviewError> {
    if !is_date(date) {
        return Err(ReviewError::Date(date.to_string()));
    }
    if comments.is_empty() {
        return Ok(original.to_vec());
    }
    let placed = place(word, comments)?;
    let limits = Limits::default();
    let mut archive = Archive::open(original, limits.max_entry_bytes)?;

    // The story parts with comments, scanned for where the marks go.
    let mut stories: Vec<(usize, &str, Scan)> = Vec::new();
    for part in [Part::Document, Part::Footnotes, Part::Endnotes] {
        if !placed.iter().any(|p| p.part == part) {
            continue;
        }
        let requests = requests(word, &placed, part);
        let name = word.part_name(part);
        let index = archive
            .find(name)
            .ok_or_else(|| scan::mismatch(name, "it is missing".into()))?;
        if stories.iter().any(|(i, ..)| *i == index) {
            return Err(scan::mismatch(name, "it is read as two parts".into()));
        }
        let found = archive.with_part(index, name, |input| scan::scan(input, name, &requests))?;
        stories.push((index, name, found));
    }

    // Where the comments go, and the ids they take.
    let document = word.document_part.as_str();
    let dir = docx_package::folder(document);
    let rels_name = docx_package::rels_of(document);
    let rels_index = archive.find(&rels_name);
    let rels = match rels_index {
        Some(i) => archive.with_part(i, &rels_name, |input| {
            package::relationships(input, &rels_name)
        })?,
        None => package::Rels::default(),
    };
    let (comments_name, related) = match &rels.comments {
        Some(target) => match docx_package::resolve(dir, target) {
            Ok(name) => (name, true),
            Err(()) => {
                return Err(ReviewError::OutsidePackage {
                    target: target.clone(),
                })
            }
        },
        None => (join(dir, "comments.xml"), false),
    };
    let comments_index = archive.find(&comments_name);
    let comments_name = comments_index
        .and_then(|i| archive.name(i))
        .unwrap_or(comments_name);
    // A relationship naming another part as the comments would have that part
    // rewritten twice.
    let taken = stories
        .iter()
        .map(|(i, ..)| Some(*i))
        .chain([rels_index, archive.find("[Content_Types].xml")]);
    if comments_index.is_some() && taken.into_iter().any(|i| i == comments_index) {
        return Err(scan::mismatch(
            &comments_name,
            "it is named as the comments part but is another part".into(),
        ));
    }
    let existing = match comments_index {
        Some(i) => archive.with_part(i, &comments_name, |input| {
            package::comment_ids(input, &comments_name)
        })?,
        None => None,
    };
    let max = stories
        .iter()
        .filter_map(|(_, _, s)| s.max_id)
        .chain(existing)
        .max();
    let first = match max {
        Some(max) => max.checked_add(1).ok_or(ReviewError::Ids)?,
        None => 0,
    }
    .max(0);
    let count = i64::try_from(placed.len()).map_err(|_| ReviewError::Ids)?;
    if first.checked_add(count).is_none_or(|end| end - 1 > MAX_ID) {
        return Err(ReviewError::Ids);
    }
    let id = |ord: usize| first + ord as i64;

    let mut replaced = BTreeMap::new();
    let mut added = Vec::new();
    for (index, name, found) in &stories {
        let mut marks = Marks::default();
        for (&(ord, side), &point) in &found.points {
            let marker = Marker {
                ord,
                id: id(ord),
                end: side == Side::End,
            };
            marks.add(point, marker);
        }
        let prefix = qualify(&found.prefix);
        let content = archive.with_part(*index, name, |input| {
            rewrite::rewrite(input, name, &marks, &prefix)
        })?;
        replaced.insert(*index, content);
    }

    // The comments.
    let ns = stories.first().map_or(0, |(_, _, s)| s.ns);
    let bodies = |prefix: &str| {
        let mut xml = String::new();
        for (ord, p) in placed.iter().enumerate() {
            comment_xml(&mut xml, prefix, id(ord), author, date, p.text);
        }
        xml
    };
    match comments_index {
        Some(i) => {
            let content = archive.with_part(i, &comments_name, |input| {
                package::append_to_root(input, &comments_name, |root: &Root| {
                    match (root.ns, root.prefix.as_str()) {
                        (Ns::W(_), prefix) if !prefix.is_empty() => Ok(bodies(prefix)),
                        _ => Err(ReviewError::Namespace {
                            part: comments_name.clone(),
                        }),
                    }
                })
            })?;
            replaced.insert(i, content);
        }
        None => {
            let w = W_NS.get(ns).copied().unwrap_or(W_NS[0]);
            let xml = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:comments xmlns:w=\"{w}\">{}</w:comments>",
                bodies("w:")
            );
            added.push((comments_name.clone(), xml.into_bytes()));
        }
    }

    // The relationship from the main part to the comments.
    if !related {
        let target = comments_name.rsplit('/').next().unwrap_or("comments.xml");
        let relationship = |prefix: &str| {
            format!(
                "<{prefix}Relationship Id=\"{}\" Type=\"{}\" Target=\"{}\"/>",
                escape_attr(&package::new_id(&rels.ids)),
                COMMENTS_TYPE.get(ns).copied().unwrap_or(COMMENTS_TYPE[0]),
                escape_attr(target)
            )
        };
        match rels_index {
            Some(i) => {
                let content = archive.with_part(i, &rels_name, |input| {
                    package::append_to_root(input, &rels_name, |root: &Root| {
                        Ok(relationship(&root.prefix))
                    })
                })?;
                replaced.insert(i, content);
            }
            None => {
                let xml = format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{}</Relationships>",
                    relationship("")
                );
                added.push((rels_name.clone(), xml.into_bytes()));
            }
        }
    }

    // The content types of what was added.
    if let Some(i) = archive.find("[Content_Types].xml") {
        let types = archive.with_part(i, "[Content_Types].xml", |input| {
            package::content_types(input, "[Content_Types].xml")
        })?;
        let comments_part = format!("/{comments_name}");
        let mut wanted = Vec::new();
        if !types
            .overrides
            .contains(&comments_part.to_ascii_lowercase())
        {
            wanted.push(("Override", "PartName", comments_part, COMMENTS_CONTENT_TYPE));
        }
        let rels_part = format!("/{rels_name}");
        if rels_index.is_none()
            && !types.defaults.iter().any(|d| d == "rels")
            && !types.overrides.contains(&rels_part.to_ascii_lowercase())
        {
            wanted.push(("Default", "Extension", "rels".into(), RELS_CONTENT_TYPE));
        }
        if !wanted.is_empty() {
            let content = archive.with_part(i, "[Content_Types].xml", |input| {
                package::append_to_root(input, "[Content_Types].xml", |root: &Root| {
                    let p = &root.prefix;
                    Ok(wanted
                        .iter()
                        .map(|(el, key, value, ty)| {
                            format!(
                                "<{p}{el} {key}=\"{}\" ContentType=\"{ty}\"/>",
                                escape_attr(value)
                            )
                        })
                        .collect())
                })
            })?;
            replaced.insert(i, content);
        }
    }

    let template = archive.find(document).unwrap_or(0);
    archive.write(&replaced, &added, template)
}

/// `name` in folder `dir`.
fn join(dir: &str, name: &str) -> String {
    match dir {
        "" => name.to_string(),
        dir => format!("{dir}/{name}"),
    }
}

/// A comment, placed: its part, its paragraph's index in that part, and its edges.
struct Placed<'c> {
    part: Part,
    para: usize,
    start: Edge,
    end: Edge,
    text: &'c str,
}

/// An edge of a comment: at its paragraph's start or end, or `offset` bytes into the
/// text of run `run`, which is `len` bytes long.
#[derive(Debug, Clone, Copy)]
enum Edge {
    Paragraph,
    Run {
        run: usize,
        offset: usize,
        len: usize,
    },
}

/// Each comment placed, in document order (by paragraph, then start, then end; ties as
/// given), which is also the order of their ids.
fn place<'c>(word: &Word, comments: &'c [Comment]) -> Result<Vec<Placed<'c>>, ReviewError> {
    // Each paragraph's index within its part.
    let mut counts = [0usize; 3];
    let local: Vec<usize> = word
        .paragraphs
        .iter()
        .map(|p| match counts.get_mut(part_key(p.part)) {
            Some(n) => {
                *n += 1;
                *n - 1
            }
            None => 0,
        })
        .collect();
    let mut keyed = Vec::with_capacity(comments.len());
    for (i, c) in comments.iter().enumerate() {
        let (Some(p), Some(&para)) = (word.paragraphs.get(c.paragraph), local.get(c.paragraph))
        else {
            return Err(ReviewError::NoParagraph {
                paragraph: c.paragraph,
                paragraphs: word.paragraphs.len(),
            });
        };
        let text = p.text.as_str();
        let end = ceil_boundary(text, c.range.end.min(text.len()));
        let start = floor_boundary(text, c.range.start.min(end));
        let first = p.runs.iter().position(|s| s.range.end > start);
        let last = p.runs.iter().rposition(|s| s.range.start < end);
        let edges = match (first, last) {
            (Some(first), Some(last)) if start < end && first <= last => {
                p.runs.get(first).zip(p.runs.get(last)).map(|(a, b)| {
                    let a_len = a.range.len();
                    let b_len = b.range.len();
                    (
                        Edge::Run {
                            run: a.run,
                            offset: start.saturating_sub(a.range.start).min(a_len),
                            len: a_len,
                        },
                        Edge::Run {
                            run: b.run,
                            offset: end.min(b.range.end).saturating_sub(b.range.start),
                            len: b_len,
                        },
                    )
                })
            }
            _ => None,
        };
        let (start_edge, end_edge, key) = match edges {
            Some((a, b)) => (a, b, (start, end)),
            None => (Edge::Paragraph, Edge::Paragraph, (0, text.len())),
        };
        keyed.push((
            (c.paragraph, key.0, key.1, i),
            Placed {
                part: p.part,
                para,
                start: start_edge,
                end: end_edge,
                text: &c.text,
            },
        ));
    }
    keyed.sort_by_key(|(key, _)| *key);
    Ok(keyed.into_iter().map(|(_, p)| p).collect())
}

fn part_key(part: Part) -> usize {
    match part {
        Part::Document => 0,
        Part::Footnotes => 1,
        Part::Endnotes => 2,
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// What the first pass looks for in `part`.
fn requests(word: &Word, placed: &[Placed<'_>], part: Part) -> Requests {
    let mut req = Requests {
        paragraphs: word.paragraphs.iter().filter(|p| p.part == part).count(),
        ..Requests::default()
    };
    for (ord, p) in placed.iter().enumerate().filter(|(_, p)| p.part == part) {
        for (side, edge) in [(Side::Start, p.start), (Side::End, p.end)] {
            match edge {
                Edge::Paragraph => req.paras.entry(p.para).or_default().push((ord, side)),
                Edge::Run { run, offset, len } => req.runs.entry(run).or_default().push(RunEdge {
                    ord,
                    side,
                    offset,
                    len,
                    para: p.para,
                }),
            }
        }
    }
    req
}

/// One `w:comment`, appended to `out`: each line of `text` a paragraph, tabs as
/// `w:tab`, characters XML cannot hold dropped.
fn comment_xml(out: &mut String, p: &str, id: i64, author: &str, date: &str, text: &str) {
    out.push_str(&format!(
        "<{p}comment {p}id=\"{id}\" {p}author=\"{}\" {p}date=\"{}\" {p}initials=\"TL\">",
        escape_attr(author),
        escape_attr(date)
    ));
    for line in text.split('\n') {
        let line: String = line
            .chars()
            .filter(|&c| c == '\t' || (is_xml_char(c) && !c.is_control()))
            .collect();
        if line.is_empty() {
            out.push_str(&format!("<{p}p/>"));
            continue;
        }
        out.push_str(&format!("<{p}p><{p}r>"));
        for (i, piece) in line.split('\t').enumerate() {
            if i > 0 {
                out.push_str(&format!("<{p}tab/>"));
            }
            if !piece.is_empty() {
                out.push_str(&format!("<{p}t xml:space=\"preserve\">"));
                escape_text(piece, out);
                out.push_str(&format!("</{p}t>"));
            }
        }
        out.push_str(&format!("</{p}r></{p}p>"));
    }
    out.push_str(&format!("</{p}comment>"));
}

/// Whether `date` is an ISO 8601 date and time as `w:date` takes it:
/// 2026-12-06T09:30:00, with optional fractions of a second and an optional zone
/// ("Z", "+01:00").
fn is_date(date: &str) -> bool {
    let b = date.as_bytes();
    let num = |from: usize, to: usize| -> Option<u32> {
        let digits = b.get(from..to)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let fields = (
        num(0, 4),
        num(5, 7),
        num(8, 10),
        num(11, 13),
        num(14, 16),
        num(17, 19),
    );
    let (Some(_), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = fields else {
        return false;
    };
    let shape = at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':');
    let ranges = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    let mut rest = b.get(19..).unwrap_or_default();
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = fraction.get(digits..).unwrap_or_default();
    }
    let zone = match rest {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    };
    shape && ranges && zone
}
