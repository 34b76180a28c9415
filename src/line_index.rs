//! Byte offset -> (line, column), for `\n`, `\r\n` and lone `\r` line endings.

use crate::diagnostic::{Position, Span};

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The position of `offset` in `text` (the text this index was built from).
    /// An offset that falls inside a multi-byte character is counted as that character.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let mut start = self.starts[line];
        // A byte order mark is invisible in every editor: columns on line 1 start after it.
        if line == 0 && text.starts_with('\u{feff}') {
            start = offset.min(3);
        }
        let column = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or_else(|| {
                String::from_utf8_lossy(&text.as_bytes()[start..offset])
                    .chars()
                    .count()
            });
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    pub fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let end = end.max(start).min(text.len());
        let start = start.min(end);
        Span {
            offset: start,
            length: end - start,
            start: self.position(text, start),
            end: self.position(text, end),
        }
    }
}

/// The (line, column) of `offset`, counted one character at a time from the start of the
/// text. Slow on purpose: an independent reference that property tests and fuzzing hold
/// [`LineIndex`] to. Same conventions: `\n`, `\r\n` and a lone `\r` end a line, and a
/// byte order mark takes no column.
pub fn reference_position(text: &str, offset: usize) -> (usize, usize) {
    let from = if text.starts_with('\u{feff}') {
        offset.min(3)
    } else {
        0
    };
    let (mut line, mut column) = (1, 1);
    let mut chars = text[from..offset].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => (line, column) = (line + 1, 1),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => (line, column) = (line + 1, 1),
            _ => column += 1,
        }
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn lf_crlf_and_lone_cr_all_end_lines() {
        let text = "ab\ncd\r\nef\rgh";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.position(text, 0), pos(1, 1));
        assert_eq!(idx.position(text, 3), pos(2, 1));
        assert_eq!(idx.position(text, 7), pos(3, 1));
        assert_eq!(idx.position(text, 10), pos(4, 1));
        assert_eq!(idx.position(text, 11), pos(4, 2));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "£é 😀 credit";
        let idx = LineIndex::new(text);
        let at = text.find("credit").unwrap();
        assert_eq!(at, 10);
        assert_eq!(idx.position(text, at), pos(1, 6));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let text = "\u{feff}# Title\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 3), pos(1, 1));
        assert_eq!(idx.position(text, 5), pos(1, 3));
        assert_eq!(idx.position(text, 0), pos(1, 1));
        assert_eq!(idx.position(text, 11), pos(2, 1));
    }

    #[test]
    fn end_of_text_is_a_valid_position() {
        let text = "one\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 4), pos(2, 1));
        assert_eq!(idx.position(text, 99), pos(2, 1));
    }
}
