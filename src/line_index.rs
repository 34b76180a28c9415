//! Byte offset -> (line, column), for `\n`, `\r\n` and lone `\r` line endings.

use crate::diagnostic::{Position, Span};

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    starts: Starts,
}

/// Line starts as 4-byte offsets when the text is under 4 GiB (every document is: they
/// are refused past 1 GiB), 8-byte ones otherwise. The list is sized before it is
/// filled: growing it by doubling held up to twice its size (16.8 MB for the 1.1 million
/// lines of a 50 MB tender, 4.4 MB now).
#[derive(Debug, Clone)]
enum Starts {
    Short(Vec<u32>),
    Long(Vec<usize>),
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        LineIndex::build(text, u32::try_from(text.len()).is_err())
    }

    /// `long`: with 8-byte offsets (the tests build both kinds from short texts).
    fn build(text: &str, long: bool) -> Self {
        let bytes = text.as_bytes();
        // At least one line per line ending (a CRLF is counted twice: an upper bound).
        let capacity = 1 + memchr::memchr2_iter(b'\n', b'\r', bytes).count();
        let ends = memchr::memchr2_iter(b'\n', b'\r', bytes)
            .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
            .map(|i| i + 1);
        let starts = if long {
            Starts::Long(first_and(ends, capacity))
        } else {
            // Each start is at most the text's length, under 4 GiB here.
            Starts::Short(first_and(ends.map(|s| s as u32), capacity))
        };
        LineIndex { starts }
    }

    /// 0-based index of the line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let found = match &self.starts {
            // An offset past u32 is past every start of a text under 4 GiB.
            Starts::Short(starts) => match u32::try_from(offset) {
                Ok(offset) => starts.binary_search(&offset),
                Err(_) => Err(starts.len()),
            },
            Starts::Long(starts) => starts.binary_search(&offset),
        };
        match found {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        match &self.starts {
            Starts::Short(starts) => starts[line] as usize,
            Starts::Long(starts) => starts[line],
        }
    }

    pub fn line_count(&self) -> usize {
        match &self.starts {
            Starts::Short(starts) => starts.len(),
            Starts::Long(starts) => starts.len(),
        }
    }

    /// The position of `offset` in `text` (the text this index was built from).
    /// An offset that falls inside a multi-byte character is counted as that character.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let mut start = self.line_start(line);
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

/// The first line's start (0), then `ends`, in a list of `capacity`.
fn first_and<T: Default>(ends: impl Iterator<Item = T>, capacity: usize) -> Vec<T> {
    let mut starts = Vec::with_capacity(capacity);
    starts.push(T::default());
    starts.extend(ends);
    starts
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
    fn four_and_eight_byte_offsets_give_the_same_places() {
        let texts = [
            "",
            "one",
            "one\n",
            "ab\ncd\r\nef\rgh\r",
            "\u{feff}£é\n\n😀 credit\r\n\rlast",
        ];
        for text in texts {
            let short = LineIndex::build(text, false);
            let long = LineIndex::build(text, true);
            assert!(matches!(short.starts, Starts::Short(_)));
            assert!(matches!(long.starts, Starts::Long(_)));
            assert_eq!(short.line_count(), long.line_count(), "{text:?}");
            for line in 0..short.line_count() {
                assert_eq!(short.line_start(line), long.line_start(line), "{text:?}");
            }
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    short.line_of(offset),
                    long.line_of(offset),
                    "{text:?} {offset}"
                );
                assert_eq!(short.position(text, offset), long.position(text, offset));
            }
            // An offset beyond 4 GiB is on the last line, as with 8-byte offsets.
            let far = usize::MAX;
            assert_eq!(short.line_of(far), short.line_count() - 1);
            assert_eq!(long.line_of(far), long.line_count() - 1);
        }
    }

    #[test]
    fn end_of_text_is_a_valid_position() {
        let text = "one\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 4), pos(2, 1));
        assert_eq!(idx.position(text, 99), pos(2, 1));
    }
}
