//! Quick fixes: where a suppression comment goes so that it hides one finding and
//! leaves the Markdown around it as it was.
//!
//! "For this line" writes `tenderlint-disable-next-line` on a line of its own above the
//! finding's line, indented like it, when that keeps the structure of the document:
//! after a blank line, a comment, or at the start of a block. On a line that continues a
//! paragraph, a new line starting `<!--` would end the paragraph (an HTML comment may
//! interrupt one), so the comment is added at the end of the line before instead, where
//! it is inline HTML and still applies to the next line. Above a list item that follows
//! another item, the comment is indented to the item's text, so it belongs to the item
//! before and the list stays one list. A table row cannot take a comment, so a finding in
//! a table gets `tenderlint-disable` before the table and `tenderlint-enable` after it.
//!
//! "In this file" writes `tenderlint-disable-file` on the first line, after a byte order
//! mark and YAML or TOML front matter.

use crate::document::{BlockKind, Document};
use pulldown_cmark::{Event, Options, Parser, Tag};

/// Text to insert at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Insert {
    pub at: usize,
    pub text: String,
}

/// A fix: what the editor shows, and the insertions it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub inserts: Vec<Insert>,
}

/// The placeholder reason written after ` -- `, for the officer to replace.
pub const REASON: &str = "TODO: say why";

fn eol(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Leading whitespace and blockquote markers: what a new line needs to stay in the same
/// container as `line`.
fn container_prefix(line: &str) -> &str {
    let n = line.len() - line.trim_start_matches([' ', '\t', '>']).len();
    &line[..n]
}

/// Width of a list marker and the spaces after it at the start of `s` ("- ", "12. ").
fn list_marker_width(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let marker = match b.first()? {
        b'-' | b'+' | b'*' => 1,
        _ if (1..=9).contains(&digits) && matches!(b.get(digits), Some(b'.' | b')')) => digits + 1,
        _ => return None,
    };
    let spaces = b[marker..].iter().take_while(|&&c| c == b' ').count();
    match spaces {
        0 if marker < b.len() => None,
        // Five or more spaces: the text is indented code, one space belongs to the marker.
        0 | 5.. => Some(marker + 1),
        n => Some(marker + n),
    }
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t', '>']).trim();
    t.is_empty() || (t.starts_with("<!--") && t.ends_with("-->"))
}

/// Suppresses `rule` for the finding that starts at byte `offset`.
pub fn disable_next_line(doc: &Document, rule: &str, offset: usize) -> Fix {
    let text = doc.source;
    let nl = eol(text);
    let lines = &doc.lines;
    let offset = offset.min(text.len());

    if let Some(table) = doc.tables.iter().find(|t| t.range.contains(&offset)) {
        let first = lines.line_of(table.range.start);
        let (start, end) = super::text::line_content(text, lines, first);
        let prefix = container_prefix(&text[start..end]);
        let last = lines.line_of(table.range.end.saturating_sub(1).max(table.range.start));
        let after = if last + 1 < lines.line_count() {
            Insert {
                at: lines.line_start(last + 1),
                text: format!("{prefix}<!-- tenderlint-enable {rule} -->{nl}"),
            }
        } else {
            Insert {
                at: text.len(),
                text: format!("{nl}{prefix}<!-- tenderlint-enable {rule} -->{nl}"),
            }
        };
        return Fix {
            title: format!("Disable {rule} for this table"),
            inserts: vec![
                Insert {
                    at: start,
                    text: format!("{prefix}<!-- tenderlint-disable {rule} -- {REASON} -->{nl}"),
                },
                after,
            ],
        };
    }

    let title = format!("Disable {rule} for this line");
    let comment = format!("<!-- tenderlint-disable-next-line {rule} -- {REASON} -->");
    let line = lines.line_of(offset);
    let (start, end) = super::text::line_content(text, lines, line);
    let here = &text[start..end];
    let prefix = container_prefix(here);
    let above = |indent: String| Fix {
        title: title.clone(),
        inserts: vec![Insert {
            at: start,
            text: format!("{indent}{comment}{nl}"),
        }],
    };
    if line == 0 {
        return above(prefix.to_string());
    }
    let (prev_start, prev_end) = super::text::line_content(text, lines, line - 1);
    let prev = &text[prev_start..prev_end];
    if is_blank_or_comment(prev) {
        return above(prefix.to_string());
    }
    // The finding's block began on an earlier line: this line continues a paragraph.
    let continues = doc.blocks.iter().any(|b| {
        !matches!(
            b.kind,
            BlockKind::TableCell { .. } | BlockKind::TableHeader { .. }
        ) && b.range.start < start
            && b.range.start <= offset
            && offset < b.range.end.max(b.range.start + 1)
    });
    if continues {
        // Before a hard line break (trailing backslash or spaces), so it stays one.
        let trimmed = prev.trim_end();
        let at = prev_start + trimmed.strip_suffix('\\').unwrap_or(trimmed).len();
        return Fix {
            title,
            inserts: vec![Insert {
                at,
                text: format!(" {comment}"),
            }],
        };
    }
    // After a list item (or its text), indented no deeper than the text of the item
    // before and of this one: the comment joins the item before, and the list stays one.
    let prev_prefix = container_prefix(prev);
    let text_column = |line: &str, prefix: &str| {
        prefix.len() + list_marker_width(&line[prefix.len()..]).unwrap_or(0)
    };
    let width = text_column(here, prefix).min(text_column(prev, prev_prefix));
    let indent = if width <= prefix.len() {
        prefix[..width].to_string()
    } else {
        format!("{prefix}{}", " ".repeat(width - prefix.len()))
    };
    above(indent)
}

/// Byte offset where a file-wide comment goes: after a byte order mark and front matter.
fn file_top(text: &str) -> usize {
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut events = Parser::new_ext(&text[base..], options).into_offset_iter();
    match events.next() {
        Some((Event::Start(Tag::MetadataBlock(_)), range)) => base + range.end,
        _ => base,
    }
}

/// Suppresses `rule` in the whole document.
pub fn disable_file(text: &str, rule: &str) -> Fix {
    let nl = eol(text);
    let at = file_top(text);
    let comment = format!("<!-- tenderlint-disable-file {rule} -- {REASON} -->{nl}");
    // Front matter that ends the text without a line break: start a new line first.
    let text_at = if !text[..at].trim_start_matches('\u{feff}').is_empty()
        && !text[..at].ends_with(['\n', '\r'])
    {
        format!("{nl}{comment}")
    } else {
        comment
    };
    Fix {
        title: format!("Disable {rule} in this file"),
        inserts: vec![Insert { at, text: text_at }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;
    use crate::engine::Linter;
    use crate::rules::RuleSet;

    fn apply(text: &str, fix: &Fix) -> String {
        let mut out = text.to_string();
        let mut inserts = fix.inserts.clone();
        inserts.sort_by_key(|i| std::cmp::Reverse(i.at));
        for i in inserts {
            out.insert_str(i.at, &i.text);
        }
        out
    }

    fn linter() -> Linter {
        Linter::new(RuleSet::load(&builtin::files()).unwrap_or_else(|e| panic!("{e:?}")))
    }

    /// Rule ids found in `text`.
    fn found(linter: &Linter, text: &str) -> Vec<String> {
        linter
            .lint(&Document::parse(text))
            .iter()
            .map(|d| d.rule.to_string())
            .collect()
    }

    /// The line fix for the first service-credits finding: the fixed text, which must
    /// have no service-credits finding, no unused suppression and the same blocks.
    fn fix_line(text: &str) -> String {
        let l = linter();
        let doc = Document::parse(text);
        let d = l
            .lint(&doc)
            .into_iter()
            .find(|d| &*d.rule == "service-credits")
            .unwrap_or_else(|| panic!("no finding in {text:?}"));
        let fixed = apply(
            text,
            &disable_next_line(&doc, "service-credits", d.span.offset),
        );
        let after = found(&l, &fixed);
        assert!(
            !after
                .iter()
                .any(|r| r == "service-credits" || r == "unused-suppression"),
            "{fixed:?}: {after:?}"
        );
        let kinds = |t: &str| -> Vec<BlockKind> {
            Document::parse(t).blocks.iter().map(|b| b.kind).collect()
        };
        assert_eq!(kinds(text), kinds(&fixed), "blocks changed: {fixed:?}");
        fixed
    }

    const CLAUSE: &str = "Service credits apply to every missed KPI.";

    #[test]
    fn after_a_blank_line_the_comment_gets_a_line_of_its_own() {
        let text = format!("# Spec\n\n  {CLAUSE}\n");
        assert_eq!(
            fix_line(&text),
            format!("# Spec\n\n  <!-- tenderlint-disable-next-line service-credits -- {REASON} -->\n  {CLAUSE}\n")
        );
        // On the first line, and with CRLF line endings.
        let text = format!("{CLAUSE}\r\n");
        assert!(fix_line(&text).starts_with(&format!(
            "<!-- tenderlint-disable-next-line service-credits -- {REASON} -->\r\n{CLAUSE}"
        )));
    }

    #[test]
    fn a_continued_paragraph_takes_the_comment_at_the_end_of_the_line_before() {
        let text = format!("# Spec\n\nThe provider reports monthly.\\\n{CLAUSE}\n");
        assert_eq!(
            fix_line(&text),
            format!("# Spec\n\nThe provider reports monthly. <!-- tenderlint-disable-next-line service-credits -- {REASON} -->\\\n{CLAUSE}\n")
        );
        let text = format!("> Quoted guidance.\n> {CLAUSE}\n");
        // Blockquotes are not checked by the built-in rule; the placement is what matters.
        let doc = Document::parse(&text);
        let at = text.find("Service").unwrap_or_default();
        let fix = disable_next_line(&doc, "service-credits", at);
        assert_eq!(fix.inserts[0].at, text.find('\n').unwrap_or_default());
    }

    #[test]
    fn a_list_item_after_another_is_commented_inside_the_item_before() {
        let text = format!("# Spec\n\n- Weekly reports.\n- {CLAUSE}\n");
        let fixed = fix_line(&text);
        assert_eq!(
            fixed,
            format!("# Spec\n\n- Weekly reports.\n  <!-- tenderlint-disable-next-line service-credits -- {REASON} -->\n- {CLAUSE}\n")
        );
        // The first item of a nested list: inside the parent item, not deeper.
        let text = format!("# Spec\n\n- Weekly reports.\n  - {CLAUSE}\n");
        assert!(fix_line(&text).contains(".\n  <!-- tenderlint-disable-next-line"));
        let text = format!("# Spec\n\n1. Weekly reports.\n2. {CLAUSE}\n");
        assert!(fix_line(&text).contains(".\n   <!-- tenderlint-disable-next-line"));
        // After a heading with no blank line: a line of its own.
        let text = format!("# Spec\n{CLAUSE}\n");
        assert!(fix_line(&text).starts_with("# Spec\n<!-- tenderlint-disable-next-line"));
    }

    #[test]
    fn a_table_is_wrapped_in_disable_and_enable() {
        let text = format!("# Spec\n\n| KPI | Terms |\n|---|---|\n| A&E | {CLAUSE} |\n");
        let doc = Document::parse(&text);
        let at = text.find("Service").unwrap_or_default();
        let fix = disable_next_line(&doc, "service-credits", at);
        assert_eq!(fix.title, "Disable service-credits for this table");
        let fixed = apply(&text, &fix);
        assert_eq!(
            fixed,
            format!("# Spec\n\n<!-- tenderlint-disable service-credits -- {REASON} -->\n| KPI | Terms |\n|---|---|\n| A&E | {CLAUSE} |\n<!-- tenderlint-enable service-credits -->\n")
        );
        assert!(found(&linter(), &fixed)
            .iter()
            .all(|r| r != "service-credits" && r != "unused-suppression"));
        // A table at the very end, without a final line break.
        let text = text.trim_end();
        let fixed = apply(text, &disable_next_line(&Document::parse(text), "x", at));
        assert!(
            fixed.ends_with(" |\n<!-- tenderlint-enable x -->\n"),
            "{fixed}"
        );
    }

    #[test]
    fn file_comments_go_after_front_matter_and_byte_order_mark() {
        let l = linter();
        for text in [
            format!("# Spec\n\n{CLAUSE}\n"),
            format!("---\ntitle: Spec\n---\n{CLAUSE}\n"),
            format!("\u{feff}---\r\ntitle: Spec\r\n---\r\n\r\n{CLAUSE}\r\n"),
            format!("\u{feff}{CLAUSE}"),
        ] {
            let fixed = apply(&text, &disable_file(&text, "service-credits"));
            assert!(
                !found(&l, &fixed).iter().any(|r| r == "service-credits"),
                "{fixed:?}"
            );
            let front = text.contains("title:");
            assert_eq!(fixed.contains("title: Spec"), front);
            if front {
                assert!(
                    fixed.contains("---\n<!-- tenderlint-disable-file")
                        || fixed.contains("---\r\n<!-- tenderlint-disable-file"),
                    "{fixed:?}"
                );
            } else {
                assert!(
                    fixed
                        .trim_start_matches('\u{feff}')
                        .starts_with("<!-- tenderlint-disable-file service-credits -- "),
                    "{fixed:?}"
                );
            }
        }
        let only_front = "---\ntitle: x\n---";
        let fixed = apply(only_front, &disable_file(only_front, "r"));
        assert!(
            fixed.starts_with("---\ntitle: x\n---\n<!-- tenderlint-disable-file r"),
            "{fixed:?}"
        );
    }

    #[test]
    fn list_markers() {
        assert_eq!(list_marker_width("- a"), Some(2));
        assert_eq!(list_marker_width("12.  a"), Some(5));
        assert_eq!(list_marker_width("3) a"), Some(3));
        assert_eq!(list_marker_width("-"), Some(2));
        assert_eq!(list_marker_width("-a"), None);
        assert_eq!(list_marker_width("1234567890. a"), None);
        assert_eq!(list_marker_width("Service"), None);
    }
}
