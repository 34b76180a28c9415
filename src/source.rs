//! A document's source, Markdown or Word, and the one document model built from either.
//!
//! Markdown is its own text. A Word file is read into paragraphs ([`crate::docx`]) and
//! laid out as text with one paragraph per line, so that a finding's line is the Word
//! paragraph's number and its column the character in that paragraph; every output
//! format, baseline and suppression then works on Word files unchanged. The blocks of
//! the document model map back to that text exactly, as they map to a Markdown file.

use crate::document::{BlockKind, Document, Paragraph};
use crate::docx::{self, DocxError, Kind, Word};
use std::path::Path;

/// The format a source was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Word,
}

/// The text of a document and how to build its model.
#[derive(Debug, Clone)]
pub struct Source {
    /// Markdown as written; for Word, one paragraph per line.
    pub text: String,
    pub format: Format,
    /// For Word: each paragraph's kind, place in `text`, number and clause.
    paragraphs: Vec<Paragraph>,
    /// For Word: the title in the document's properties, if any (the report names a
    /// document by its first heading, else by this).
    pub title: Option<String>,
}

impl Source {
    pub fn markdown(text: String) -> Self {
        Source {
            text,
            format: Format::Markdown,
            paragraphs: Vec::new(),
            title: None,
        }
    }

    /// A Word file from its bytes, within the reader's default limits.
    pub fn word(bytes: &[u8]) -> Result<Self, DocxError> {
        Ok(Self::from_word(&docx::read(bytes)?))
    }

    /// Lays the paragraphs of a Word file out one per line.
    pub fn from_word(word: &Word) -> Self {
        let size: usize = word.paragraphs.iter().map(|p| p.text.len() + 1).sum();
        let mut text = String::with_capacity(size);
        let mut paragraphs = Vec::with_capacity(word.paragraphs.len());
        for (i, p) in word.paragraphs.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let start = text.len();
            // A line break inside a paragraph would start a new line (and shift every
            // paragraph number after it): a space, one byte like it, stands for it, so
            // offsets in the paragraph stay offsets in the reader's text. (Only `\n` and
            // `\r` end lines; U+2028 and the like are text.)
            text.extend(p.text.chars().map(|c| match c {
                '\n' | '\r' => ' ',
                c => c,
            }));
            let kind = match p.kind {
                Kind::Heading { level } => BlockKind::Heading {
                    level: level.clamp(1, 6),
                },
                Kind::Body | Kind::TextBox => BlockKind::Paragraph,
                Kind::ListItem => BlockKind::ListItem,
                Kind::TableCell {
                    table,
                    column,
                    header: true,
                    ..
                } => BlockKind::TableHeader { table, column },
                Kind::TableCell {
                    table, row, column, ..
                } => BlockKind::TableCell {
                    table,
                    row: row.max(1),
                    column,
                },
                Kind::Footnote | Kind::Endnote => BlockKind::Footnote,
            };
            paragraphs.push(Paragraph {
                kind,
                range: start..text.len(),
                number: i + 1,
                clause: p.clause.clone(),
            });
        }
        Source {
            text,
            format: Format::Word,
            paragraphs,
            title: word.title.clone(),
        }
    }

    /// The document model, parsed once: every rule reads this.
    pub fn document(&self) -> Document<'_> {
        match self.format {
            Format::Markdown => Document::parse(&self.text),
            Format::Word => Document::from_paragraphs(&self.text, &self.paragraphs),
        }
    }
}

/// Whether a path names a Word document (`.docx`, or an old `.doc` to be named as one).
pub fn is_word(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("docx") || e.eq_ignore_ascii_case("doc"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::{Part, Word};

    fn para(kind: Kind, text: &str, clause: Option<&str>) -> docx::Paragraph {
        docx::Paragraph {
            kind,
            text: text.to_string(),
            clause: clause.map(str::to_string),
            runs: Vec::new(),
            part: Part::Document,
        }
    }

    #[test]
    fn a_word_paragraph_is_a_line_and_keeps_its_kind_and_clause() {
        let word = Word {
            paragraphs: vec![
                para(Kind::Heading { level: 1 }, "Payment", Some("3")),
                para(Kind::Body, "", None),
                para(
                    Kind::ListItem,
                    "A service credit\nof 2%\u{2028}applies.",
                    Some("3.2"),
                ),
                para(
                    Kind::TableCell {
                        table: 0,
                        row: 0,
                        column: 0,
                        header: true,
                    },
                    "KPI",
                    None,
                ),
                para(
                    Kind::TableCell {
                        table: 0,
                        row: 1,
                        column: 0,
                        header: false,
                    },
                    "Calls answered",
                    None,
                ),
                para(Kind::Footnote, "A note.", None),
            ],
            document_part: "word/document.xml".into(),
            footnotes_part: None,
            endnotes_part: None,
            title: None,
        };
        let source = Source::from_word(&word);
        assert_eq!(
            source.text,
            "Payment\n\nA service credit of 2%\u{2028}applies.\nKPI\nCalls answered\nA note."
        );
        let doc = source.document();
        let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Heading { level: 1 },
                BlockKind::ListItem,
                BlockKind::TableHeader {
                    table: 0,
                    column: 0
                },
                BlockKind::TableCell {
                    table: 0,
                    row: 1,
                    column: 0
                },
                BlockKind::Footnote,
            ]
        );
        let credit = &doc.blocks[1];
        assert_eq!(
            (credit.paragraph, credit.clause.as_deref()),
            (3, Some("3.2"))
        );
        assert_eq!(doc.lines.position(&source.text, credit.range.start).line, 3);
    }
}
