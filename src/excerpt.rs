//! The lines a message points into, cut to a width a terminal can show, with control
//! characters made visible.
//!
//! Human-facing messages (`--format human`, errors in rule and configuration files)
//! show the lines around what they point at. Handing the renderer the whole file cost
//! a read from the file's start for every message, and a line of tens of thousands of
//! characters (common in text extracted from PDF) was echoed whole, or made the
//! renderer panic. An [`Excerpt`] holds only the lines shown: the span's lines and one
//! line either side, each cut to a window around the span, with `…` where text was
//! left out. Line and column in the header are those of the original file.

use crate::line_index::LineIndex;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::borrow::Cow;
use std::ops::Range;

/// Lines shown whole up to this many characters.
const WIDTH: usize = 120;
/// Characters kept before the span on a line that is cut.
const LEAD: usize = 40;
/// Characters kept after the span on a line that is cut.
const TAIL: usize = 40;
/// Most characters of the span shown on one line.
const SHOWN: usize = 240;
/// Most lines of the span shown.
const SPAN_LINES: usize = 12;
/// Lines shown before and after the span (miette's default context).
const CONTEXT: usize = 1;

/// The lines around one span of a file, ready for miette.
#[derive(Debug, Clone)]
pub struct Excerpt {
    name: String,
    language: &'static str,
    /// The lines shown, joined by `\n`.
    text: String,
    /// 0-based number of the first line shown.
    first_line: usize,
    /// The span within `text`.
    span: Range<usize>,
    /// 0-based line and column (in characters) of the span's start in the file.
    at: (usize, usize),
}

impl Excerpt {
    /// The lines of `source` around `span` (byte offsets into `source`, which `lines`
    /// indexes). `name` is shown with control characters made visible.
    pub fn new(
        name: &str,
        source: &str,
        lines: &LineIndex,
        span: Range<usize>,
        language: &'static str,
    ) -> Excerpt {
        let start = floor(source, span.start.min(source.len()));
        let end = ceil(source, span.end.clamp(start, source.len()));
        let at = lines.position(source, start);
        let first_span_line = lines.line_of(start);
        let last_span_line = lines
            .line_of(end.saturating_sub(1).max(start))
            .min(first_span_line + SPAN_LINES - 1);
        let first = first_span_line.saturating_sub(CONTEXT);
        let last = (last_span_line + CONTEXT).min(lines.line_count() - 1);
        // The span as shown: at most SPAN_LINES lines, at most SHOWN characters a line.
        let span_end = end.min(content(source, lines, last_span_line).end.max(start));

        let mut text = String::new();
        let (mut out_start, mut out_end) = (None, None);
        for line in first..=last {
            if line > first {
                text.push('\n');
            }
            let whole = content(source, lines, line);
            let on_span = (first_span_line..=last_span_line).contains(&line);
            // Where the span stops being drawn, on its last line.
            let mut stop = usize::MAX;
            let window = if on_span {
                let from = start.max(whole.start);
                let to = span_end.min(whole.end).max(from);
                let to = advance(source, from, to, SHOWN);
                if line == last_span_line {
                    stop = to;
                }
                let lead = back(source, whole.start, from, LEAD);
                let begin = if chars(source, whole.start, from) > LEAD + 3 {
                    lead
                } else {
                    whole.start
                };
                let width = chars(source, begin, to) + TAIL;
                begin..advance(source, begin, whole.end, width.max(WIDTH))
            } else {
                whole.start..advance(source, whole.start, whole.end, WIDTH)
            };
            if window.start > whole.start {
                text.push('…');
            }
            for (i, c) in source[window.clone()].char_indices() {
                let offset = window.start + i;
                if offset == start && out_start.is_none() {
                    out_start = Some(text.len());
                }
                if offset >= stop && out_start.is_some() && out_end.is_none() {
                    out_end = Some(text.len());
                }
                text.push_str(&visible(c, offset == 0));
            }
            // A span that starts or ends past what is shown of its line (at a line
            // break, or beyond the window) is drawn to the end of what is shown.
            if line == first_span_line && out_start.is_none() {
                out_start = Some(text.len());
            }
            if line == last_span_line && out_end.is_none() {
                out_end = Some(text.len());
            }
            if window.end < whole.end {
                text.push('…');
            }
        }
        let out_start = out_start.unwrap_or(0);
        let out_end = out_end.unwrap_or(text.len()).max(out_start);
        Excerpt {
            name: escape(name).into_owned(),
            language,
            text,
            first_line: first,
            span: out_start..out_end,
            at: (at.line - 1, at.column - 1),
        }
    }

    /// The span within the excerpt, for the message's label.
    pub fn span(&self) -> SourceSpan {
        SourceSpan::from(self.span.clone())
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // miette asks for the span with no context lines to print the header: the line
        // and column it shows are those of the span's start in the file.
        let (line, column) = if context_lines_before == 0 {
            self.at
        } else {
            (self.first_line + inner.line(), inner.column())
        };
        Ok(Box::new(
            MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                *inner.span(),
                line,
                column,
                inner.line_count(),
            )
            .with_language(self.language),
        ))
    }
}

/// `text` with every control character shown as a visible stand-in: C0 controls as
/// their Unicode control pictures (`␛` for escape), DEL as `␡`, C1 controls and the
/// bidirectional overrides that can reorder a terminal line as `U+XXXX`. Tabs stay. A
/// byte of a file name that is not UTF-8 shows as `\xff` ([`crate::files::display`]).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\t' && is_hidden(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| visible(c, false)).collect())
}

/// Whether `c` would act on a terminal or reorder text rather than show.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || crate::files::raw_byte(c).is_some()
}

fn visible(c: char, at_start: bool) -> Cow<'static, str> {
    match c {
        '\t' => Cow::Borrowed("\t"),
        // A byte order mark takes no column (as in `LineIndex`).
        '\u{feff}' if at_start => Cow::Borrowed(""),
        '\0'..='\u{1f}' => Cow::Owned(char::from_u32(0x2400 + c as u32).unwrap_or('?').to_string()),
        '\u{7f}' => Cow::Borrowed("␡"),
        c if crate::files::raw_byte(c).is_some() => {
            Cow::Owned(format!("\\x{:02x}", crate::files::raw_byte(c).unwrap_or(0)))
        }
        c if is_hidden(c) => Cow::Owned(format!("<U+{:04X}>", c as u32)),
        c => Cow::Owned(c.to_string()),
    }
}

/// The byte range of line `line`'s text, without its line break.
fn content(source: &str, lines: &LineIndex, line: usize) -> Range<usize> {
    let start = lines.line_start(line);
    let mut end = if line + 1 < lines.line_count() {
        lines.line_start(line + 1)
    } else {
        source.len()
    };
    let bytes = source.as_bytes();
    if end > start && bytes[end - 1] == b'\n' {
        end -= 1;
    }
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    start..end
}

/// The offset `n` characters after `from`, no further than `limit`.
fn advance(source: &str, from: usize, limit: usize, n: usize) -> usize {
    source[from..limit]
        .char_indices()
        .nth(n)
        .map_or(limit, |(i, _)| from + i)
}

/// The offset `n` characters before `to`, no earlier than `limit`.
fn back(source: &str, limit: usize, to: usize, n: usize) -> usize {
    match n {
        0 => to,
        _ => source[limit..to]
            .char_indices()
            .rev()
            .nth(n - 1)
            .map_or(limit, |(i, _)| limit + i),
    }
}

/// Characters between two offsets, counting no further than needed.
fn chars(source: &str, from: usize, to: usize) -> usize {
    source[from..to].chars().count()
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(source: &str, span: Range<usize>) -> Excerpt {
        Excerpt::new("t.md", source, &LineIndex::new(source), span, "markdown")
    }

    fn shown(e: &Excerpt) -> &str {
        &e.text[e.span.clone()]
    }

    #[test]
    fn short_lines_are_shown_whole_with_one_line_of_context() {
        let src = "one\ntwo\nthree service credits\nfour\nfive\n";
        let at = src.find("service").unwrap();
        let e = excerpt(src, at..at + 15);
        assert_eq!(e.text, "two\nthree service credits\nfour");
        assert_eq!(shown(&e), "service credits");
        assert_eq!(e.first_line, 1);
        assert_eq!(e.at, (2, 6));
    }

    #[test]
    fn a_long_line_is_cut_around_the_span_counting_characters() {
        let src = format!(
            "# T\n{}service credits{}\n",
            "é ".repeat(50_000),
            " ü".repeat(50_000)
        );
        let at = src.find("service").unwrap();
        let e = excerpt(&src, at..at + 15);
        assert_eq!(shown(&e), "service credits");
        assert!(e.text.len() < 2_000, "{} bytes shown", e.text.len());
        let cut = e.text.lines().nth(1).unwrap();
        assert!(cut.starts_with("…é é") && cut.ends_with('…'), "{cut}");
        // The header counts characters from the line's start in the file.
        assert_eq!(e.at, (1, 100_000));
    }

    #[test]
    fn a_huge_span_is_shown_in_part() {
        let src = "x".repeat(100_000);
        let e = excerpt(&src, 10..99_000);
        assert!(shown(&e).len() <= SHOWN);
        assert!(e.text.ends_with('…'));
    }

    #[test]
    fn control_characters_are_made_visible() {
        let src = "a\u{1b}]0;owned\u{7}b\u{202e}c service credits\n";
        let at = src.find("service").unwrap();
        let e = excerpt(src, at..at + 7);
        assert_eq!(e.text, "a␛]0;owned␇b<U+202E>c service credits\n");
        assert_eq!(shown(&e), "service");
        assert_eq!(escape("file\nname.md"), "file␊name.md");
        assert_eq!(escape("plain\tname"), "plain\tname");
    }

    #[test]
    fn spans_at_line_breaks_and_ends_stay_inside_the_text() {
        let src = "ab\r\ncd\r\n";
        for start in 0..=src.len() {
            for end in start..=src.len() {
                let e = excerpt(src, start..end);
                assert!(e.span.start <= e.span.end && e.span.end <= e.text.len());
                assert!(e.text.is_char_boundary(e.span.start));
            }
        }
        // A span inside a character covers that character.
        let e = excerpt("é", 1..1);
        assert_eq!(e.span, 0..2);
    }
}
