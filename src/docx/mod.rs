//! Word (.docx) files -> a flat, ordered list of paragraphs with their visible text.
//!
//! What is read: the body of the main document part (word/document.xml, found through
//! `_rels/.rels`), then footnotes, then endnotes; headings (by style, localized or not,
//! or outline level), list items, table cells (with table, row and grid column), text
//! boxes (as their own paragraphs, after the paragraph they sit in), and each
//! paragraph's clause number: the number Word shows, computed from word/numbering.xml,
//! else one typed at the start of the text. Every `w:p` is a paragraph, empty or not,
//! so paragraph numbers count as Word counts them. Tracked insertions are kept.
//!
//! What is left out: tracked deletions and moves away, field codes (their results are
//! kept), symbols (`w:sym`), footnote separators, comments, headers and footers,
//! equations (OMML), charts, SmartArt and the text of drawings other than text boxes,
//! and the second rendering of anything in `mc:AlternateContent` (the first choice is
//! read). Hidden text (`w:vanish`) is kept.
//!
//! Files are untrusted: old .doc and encrypted files are recognised and named, parts are
//! inflated within [`Limits`], XML is streamed (no DOM) and a DOCTYPE or an undefined
//! entity is an error, relationship targets that leave the package are refused, and
//! nothing in the input drives recursion.

mod body;
mod numbering;
/// The package: zip entries inflated within limits, relationships, part names; the
/// comment writer resolves parts with the same functions.
pub(crate) mod package;
mod styles;
#[cfg(test)]
pub(crate) mod tests;

use crate::excerpt::escape;
use package::{folder, rels_of, resolve, Entry, Ev, Package, Stop, MIB, RATIO_FLOOR};
use std::fmt;
use std::ops::Range;

/// How much of a document is read. Parts are XML; a 100-page tender's word/document.xml
/// is about 3 MB and has about 5,000 paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most one part may inflate to.
    pub max_entry_bytes: u64,
    /// The most all the parts read may inflate to together.
    pub max_total_bytes: u64,
    /// The most a part larger than 1 MiB may inflate, as a multiple of its compressed size.
    pub max_ratio: u64,
    /// The most paragraphs read, in all parts: each takes about a hundred bytes however
    /// short, so this bounds memory where `<w:p/>` repeated would not.
    pub max_paragraphs: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entry_bytes: 256 * MIB,
            max_total_bytes: 512 * MIB,
            max_ratio: 200,
            max_paragraphs: 1_000_000,
        }
    }
}

/// A Word document's paragraphs, in order: the body, then footnotes, then endnotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub paragraphs: Vec<Paragraph>,
    /// The zip entry of the main document part, as the archive spells it (usually
    /// "word/document.xml").
    pub document_part: String,
    /// The zip entries of the footnotes and endnotes parts, when the document has them.
    pub footnotes_part: Option<String>,
    pub endnotes_part: Option<String>,
    /// The title in the document's properties (File > Info > Title: `dc:title` in the
    /// core properties part), when it has one that is not blank.
    pub title: Option<String>,
}

impl Word {
    /// The zip entry `part` was read from ("word/footnotes.xml").
    pub fn part_name(&self, part: Part) -> &str {
        let name = match part {
            Part::Document => Some(&self.document_part),
            Part::Footnotes => self.footnotes_part.as_ref(),
            Part::Endnotes => self.endnotes_part.as_ref(),
        };
        name.map_or(part.default_name(), String::as_str)
    }
}

/// One `w:p` of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub kind: Kind,
    /// The visible text: runs joined; a tab is '\t', a line or page break ' ', a
    /// non-breaking hyphen '-'.
    pub text: String,
    /// The clause number: the automatic number Word shows ("3.2", "(a)", "1."), else one
    /// typed at the start of the text ("3.2 Payment" -> "3.2"). None for bullets.
    pub clause: Option<String>,
    /// Each run that added text, in order.
    pub runs: Vec<RunSpan>,
    pub part: Part,
}

/// What a paragraph is. The innermost container decides: a paragraph in a table cell is
/// a `TableCell` even in a text box or a footnote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Level 1-9 ("Title" is level 1).
    Heading {
        level: u8,
    },
    Body,
    /// A paragraph with automatic numbering or a bullet, that is not a heading.
    ListItem,
    /// Indexes from 0: tables in document order (a nested table has its own index), rows
    /// within the table, and grid columns (a cell spanning two columns moves the next
    /// one by two). The header is the first row, and any row marked to repeat as one.
    TableCell {
        table: usize,
        row: usize,
        column: usize,
        header: bool,
    },
    Footnote,
    Endnote,
    TextBox,
}

/// The text one `w:r` element added to a paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RunSpan {
    /// Its bytes in [`Paragraph::text`].
    pub range: Range<usize>,
    /// The index of the `w:r` element among all the part's `w:r` elements, in the order
    /// their start tags appear: runs whose text is left out (deleted, in a field code,
    /// in an `mc:Fallback`) are counted too.
    pub run: usize,
    pub part: Part,
}

/// The XML part a paragraph came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Document,
    Footnotes,
    Endnotes,
}

impl Part {
    /// The part's usual name; [`Word::part_name`] gives the one actually read.
    pub fn default_name(self) -> &'static str {
        match self {
            Part::Document => "word/document.xml",
            Part::Footnotes => "word/footnotes.xml",
            Part::Endnotes => "word/endnotes.xml",
        }
    }
}

/// Why a file could not be read as a Word document, in words that follow its name:
/// "tender.docx is not a valid Word document (.docx): ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocxError {
    /// Not a zip archive at all (it does not start like one, and none is found in it).
    NotZip,
    /// A damaged zip archive.
    Zip(String),
    /// A part stored in a way this reader does not read (encrypted entry, compression
    /// other than deflate).
    Unsupported { part: String, why: String },
    /// An OLE compound file without an EncryptionInfo stream: a Word 97-2003 document
    /// (or another old Office file, or an old-style protected one).
    OldOrProtected,
    /// An OLE compound file with an EncryptionInfo stream: a password-protected .docx.
    Encrypted,
    /// No main document part.
    NotWord,
    /// A part inflates (or says it does) past [`Limits::max_entry_bytes`].
    PartTooLarge {
        part: String,
        /// The size the zip declares, when that is what was refused.
        declared: Option<u64>,
        limit: u64,
    },
    /// The parts read inflate past [`Limits::max_total_bytes`] together.
    TotalTooLarge { limit: u64 },
    /// A part over 1 MiB inflates more than [`Limits::max_ratio`] times its compressed size.
    Ratio {
        part: String,
        /// Bytes inflated (or declared) when it was refused.
        inflated: u64,
        compressed: u64,
        limit: u64,
    },
    /// The document has more paragraphs than [`Limits::max_paragraphs`].
    TooManyParagraphs { limit: usize },
    /// A part has a DOCTYPE: refused, so that no entity is ever defined or expanded.
    Doctype { part: String },
    /// A part is not well-formed XML; `at` is a byte offset in the inflated part.
    Xml {
        part: String,
        at: u64,
        detail: String,
    },
    /// A relationship in `rels` points outside the package.
    OutsidePackage { rels: String, target: String },
}

const INVALID: &str = "is not a valid Word document (.docx)";

impl fmt::Display for DocxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocxError::NotZip => write!(
                f,
                "{INVALID}: it is not a zip archive, as every .docx file is (is it another kind of file renamed?)"
            ),
            DocxError::Zip(detail) => {
                write!(f, "{INVALID}: the zip container is damaged: {}", shown(detail))
            }
            DocxError::Unsupported { part, why } => write!(
                f,
                "{INVALID}: {} is stored in a way tenderlint cannot read ({})",
                shown(part),
                shown(why)
            ),
            DocxError::OldOrProtected => f.write_str(
                "is an old Word 97-2003 (.doc) file or a password-protected document; open it in Word and save it as .docx (without a password)",
            ),
            DocxError::Encrypted => f.write_str(
                "is a password-protected (encrypted) Word document, which tenderlint cannot read; open it in Word, remove the password and save it as .docx",
            ),
            DocxError::NotWord => f.write_str(
                "is not a Word document: it has no word/document.xml (is it an Excel or PowerPoint file?)",
            ),
            DocxError::PartTooLarge {
                part,
                declared: Some(size),
                limit,
            } => write!(
                f,
                "is refused: its part {} would inflate to {}, more than the {} tenderlint inflates for one part (a damaged file or a zip bomb)",
                shown(part),
                size_of(*size),
                size_of(*limit)
            ),
            DocxError::PartTooLarge {
                part,
                declared: None,
                limit,
            } => write!(
                f,
                "is refused: its part {} inflates to more than the {} tenderlint inflates for one part (a damaged file or a zip bomb)",
                shown(part),
                size_of(*limit)
            ),
            DocxError::TotalTooLarge { limit } => write!(
                f,
                "is refused: its parts inflate to more than the {} tenderlint inflates for one document (a damaged file or a zip bomb)",
                size_of(*limit)
            ),
            DocxError::Ratio {
                part,
                inflated,
                compressed,
                limit,
            } => write!(
                f,
                "is refused: its part {} inflates from {} to {} or more, over {} times its size, the most tenderlint accepts for parts over {} (a zip bomb looks like this)",
                shown(part),
                size_of(*compressed),
                size_of(*inflated),
                limit,
                size_of(RATIO_FLOOR)
            ),
            DocxError::TooManyParagraphs { limit } => write!(
                f,
                "is refused: it has more than {} paragraphs, the most tenderlint reads in one document (a damaged file or a generated one)",
                thousands(*limit as u64)
            ),
            DocxError::Doctype { part } => write!(
                f,
                "{INVALID}: its part {} has a DOCTYPE (document type definition), which Word never writes; tenderlint refuses it rather than define entities",
                shown(part)
            ),
            DocxError::Xml { part, at, detail } => write!(
                f,
                "{INVALID}: its part {} is damaged at byte {}: {}",
                shown(part),
                at,
                shown(detail)
            ),
            DocxError::OutsidePackage { rels, target } => write!(
                f,
                "is refused: its part {} points outside the document, to {}",
                shown(rels),
                shown(target)
            ),
        }
    }
}

impl std::error::Error for DocxError {}

impl DocxError {
    /// What the owner of the file can do about it.
    pub fn help(&self) -> Option<&'static str> {
        match self {
            DocxError::OldOrProtected | DocxError::Encrypted => None,
            DocxError::NotWord => Some("tenderlint reads Word documents (.docx) and Markdown."),
            _ => Some(
                "Open the file in Word and save it again as a Word Document (.docx); if Word cannot open it, ask whoever sent it for a new copy.",
            ),
        }
    }
}

/// Text from the file, for a message: control characters made visible, at most 200
/// characters.
fn shown(text: &str) -> String {
    let mut out: String = escape(text).chars().take(200).collect();
    if text.chars().nth(200).is_some() {
        out.push('…');
    }
    out
}

/// 1000000 -> "1,000,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size as people read it: "300 bytes", "2 KiB", "1.5 MiB".
fn size_of(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let tenths = bytes.saturating_mul(10) / unit;
            return match tenths % 10 {
                0 => format!("{} {name}", tenths / 10),
                d => format!("{}.{d} {name}", tenths / 10),
            };
        }
    }
    format!("{bytes} bytes")
}

/// Reads a .docx file within the default [`Limits`].
pub fn read(bytes: &[u8]) -> Result<Word, DocxError> {
    read_with(bytes, &Limits::default())
}

/// Reads a .docx file, inflating no more than `limits` allow.
pub fn read_with(bytes: &[u8], limits: &Limits) -> Result<Word, DocxError> {
    let mut pkg = Package::open(bytes, limits)?;

    // The main part: the officeDocument relationship, else word/document.xml.
    let root = relationships(
        &mut pkg,
        "",
        "_rels/.rels",
        &["officeDocument", "core-properties"],
    )?;
    let of_type = |ty: &str| {
        root.iter()
            .find(|(t, _)| t == ty)
            .map(|(_, name)| name.clone())
    };
    let main_target = of_type("officeDocument");
    let core = [of_type("core-properties"), Some("docProps/core.xml".into())]
        .into_iter()
        .flatten()
        .find_map(|name| pkg.find(&name));
    let (main, main_entry) = [main_target, Some(Part::Document.default_name().to_string())]
        .into_iter()
        .flatten()
        .find_map(|name| pkg.find(&name).map(|entry| (name, entry)))
        .ok_or(DocxError::NotWord)?;
    let title = match &core {
        // Only a name for the report: properties that cannot be read cost the title,
        // not the document.
        Some(entry) => core_title(&mut pkg, entry).ok().flatten(),
        None => None,
    };

    let dir = folder(&main).to_string();
    let related = relationships(
        &mut pkg,
        &dir,
        &rels_of(&main),
        &["styles", "numbering", "footnotes", "endnotes"],
    )?;
    // A related part, else the part of the usual name beside the main part.
    let locate = |pkg: &Package<'_>, ty: &str, file: &str| -> Option<Entry> {
        let by_rel = related
            .iter()
            .find(|(t, _)| t == ty)
            .map(|(_, n)| n.clone());
        let usual = match dir.as_str() {
            "" => file.to_string(),
            dir => format!("{dir}/{file}"),
        };
        [by_rel, Some(usual)]
            .into_iter()
            .flatten()
            .find_map(|name| pkg.find(&name))
    };

    let mut styles = styles::Styles::default();
    if let Some(entry) = locate(&pkg, "styles", "styles.xml") {
        pkg.parse(&entry, styles.reader())?;
    }
    let mut numbering = numbering::Numbering::default();
    if let Some(entry) = locate(&pkg, "numbering", "numbering.xml") {
        pkg.parse(&entry, numbering.reader())?;
    }

    let mut story = body::Story::new(limits.max_paragraphs);
    let mut read_story = |pkg: &mut Package<'_>, entry: &Entry, part: Part| {
        let mut walker = body::Walker::new(&styles, &numbering, &mut story, part);
        pkg.parse(entry, |ev| walker.handle(ev))
    };
    read_story(&mut pkg, &main_entry, Part::Document)?;
    let footnotes = locate(&pkg, "footnotes", "footnotes.xml");
    if let Some(entry) = &footnotes {
        read_story(&mut pkg, entry, Part::Footnotes)?;
    }
    let endnotes = locate(&pkg, "endnotes", "endnotes.xml");
    if let Some(entry) = &endnotes {
        read_story(&mut pkg, entry, Part::Endnotes)?;
    }

    Ok(Word {
        paragraphs: story.paragraphs,
        document_part: main_entry.name,
        footnotes_part: footnotes.map(|entry| entry.name),
        endnotes_part: endnotes.map(|entry| entry.name),
        title,
    })
}

/// The `dc:title` of a core properties part, trimmed, with runs of white space made one
/// space; None when it is missing or blank. Longer than 200 characters, it is cut there.
fn core_title(pkg: &mut Package<'_>, entry: &Entry) -> Result<Option<String>, DocxError> {
    let (mut depth, mut inside, mut title) = (0usize, None, String::new());
    pkg.parse(entry, |ev| {
        match ev {
            Ev::Start(_, local, _) => {
                depth += 1;
                // dc:title, a child of cp:coreProperties.
                if depth == 2 && local == "title" {
                    inside = Some(depth);
                }
            }
            Ev::End => {
                if inside == Some(depth) {
                    inside = None;
                }
                depth = depth.saturating_sub(1);
            }
            Ev::Text(text) if inside.is_some() && title.len() < 4096 => title.push_str(text),
            Ev::Text(_) => {}
        }
        Ok(())
    })?;
    let title: String = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let title: String = title.chars().take(200).collect();
    Ok((!title.is_empty()).then_some(title))
}

/// The internal relationships of types `types` (the last segment of the type URI) in
/// relationships part `rels`, held by a part in folder `dir`, as (type, part name) in
/// the order they appear. No relationships part is no relationships.
fn relationships(
    pkg: &mut Package<'_>,
    dir: &str,
    rels: &str,
    types: &[&str],
) -> Result<Vec<(String, String)>, DocxError> {
    let Some(entry) = pkg.find(rels) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    pkg.parse(&entry, |ev| {
        let Ev::Start(_, "Relationship", el) = ev else {
            return Ok(());
        };
        let ty = package::attr(el, "Type")?.unwrap_or_default();
        let ty = ty.rsplit('/').next().unwrap_or_default();
        let external =
            package::attr(el, "TargetMode")?.is_some_and(|m| m.eq_ignore_ascii_case("external"));
        if external || !types.contains(&ty) {
            return Ok(());
        }
        let target = package::attr(el, "Target")?.unwrap_or_default();
        match resolve(dir, &target) {
            Ok(name) => {
                found.push((ty.to_string(), name));
                Ok(())
            }
            Err(()) => Err(Stop::Fail(DocxError::OutsidePackage {
                rels: rels.to_string(),
                target,
            })),
        }
    })?;
    Ok(found)
}
