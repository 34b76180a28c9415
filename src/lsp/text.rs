//! Positions as the protocol counts them, and edits to a buffer.
//!
//! LSP positions are a 0-based line and a 0-based character offset in the line, counted
//! in UTF-16 code units unless client and server agreed on UTF-8 at start-up. Lines end
//! at `\n`, `\r\n` or a lone `\r`, as in [`LineIndex`]. Positions past the end of a line
//! or of the text are clamped to it; a position inside a character (half a surrogate
//! pair, or inside a UTF-8 sequence) counts as the start of that character.

use crate::line_index::LineIndex;
use lsp_types::{Position, PositionEncodingKind, TextDocumentContentChangeEvent};

/// The unit of `Position::character`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion needed), otherwise the
    /// protocol's default, UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }

    fn count(self, s: &str) -> usize {
        match self {
            Encoding::Utf8 => s.len(),
            Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
        }
    }
}

/// Byte range of `line`'s content, without its line ending.
pub fn line_content(text: &str, index: &LineIndex, line: usize) -> (usize, usize) {
    let start = index.line_start(line);
    let end = if line + 1 < index.line_count() {
        index.line_start(line + 1)
    } else {
        text.len()
    };
    let content = text[start..end].trim_end_matches(['\n', '\r']);
    (start, start + content.len())
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The position of byte `offset`. An offset inside a line ending is the end of the line.
pub fn position(text: &str, index: &LineIndex, offset: usize, enc: Encoding) -> Position {
    let offset = floor_char_boundary(text, offset);
    let line = index.line_of(offset);
    let (start, end) = line_content(text, index, line);
    let character = enc.count(&text[start..offset.min(end)]);
    Position::new(to_u32(line), to_u32(character))
}

/// The positions of many byte offsets, in one pass over the text in offset order, so
/// that thousands of findings on one long line cost one walk of that line.
pub fn positions(text: &str, index: &LineIndex, offsets: &[usize], enc: Encoding) -> Vec<Position> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut out = vec![Position::default(); offsets.len()];
    // The walk so far: its line, the byte it reached and the units counted to it.
    let mut walk: Option<(usize, usize, usize)> = None;
    for i in order {
        let offset = floor_char_boundary(text, offsets[i]);
        let line = index.line_of(offset);
        let (start, end) = line_content(text, index, line);
        let target = offset.min(end);
        let (from, units) = match walk {
            Some((l, at, units)) if l == line && at <= target => (at, units),
            _ => (start, 0),
        };
        let units = units + enc.count(&text[from..target]);
        walk = Some((line, target, units));
        out[i] = Position::new(to_u32(line), to_u32(units));
    }
    out
}

/// The byte offset of `pos`, clamped to the end of its line and to the end of the text.
pub fn offset(text: &str, index: &LineIndex, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= index.line_count() {
        return text.len();
    }
    let (start, end) = line_content(text, index, line);
    let mut left = pos.character as usize;
    let mut at = start;
    for c in text[start..end].chars() {
        let units = enc.units(c);
        if left < units {
            break;
        }
        left -= units;
        at += c.len_utf8();
    }
    at
}

/// Applies one `didChange` event: a whole new text, or a replacement of a range.
pub fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent, enc: Encoding) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let index = LineIndex::new(text);
            let a = offset(text, &index, range.start, enc);
            let b = offset(text, &index, range.end, enc);
            text.replace_range(a.min(b)..a.max(b), &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::Range;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    fn change(text: &str, start: Position, end: Position, new: &str, enc: Encoding) -> String {
        let mut s = text.to_string();
        apply_change(
            &mut s,
            TextDocumentContentChangeEvent {
                range: Some(Range::new(start, end)),
                range_length: None,
                text: new.to_string(),
            },
            enc,
        );
        s
    }

    #[test]
    fn utf16_counts_astral_characters_as_two_units() {
        // "é" is 2 bytes and 1 unit, "—" and "“" 3 bytes and 1 unit, "😀" 4 bytes and 2 units.
        let text = "# T\nCafé — “quoted” 😀 Service credits\n";
        let idx = LineIndex::new(text);
        let at = text.find("Service").unwrap_or_default();
        assert_eq!(position(text, &idx, at, Encoding::Utf16), pos(1, 19));
        assert_eq!(
            position(text, &idx, at, Encoding::Utf8),
            pos(1, at as u32 - 4)
        );
        assert_eq!(offset(text, &idx, pos(1, 19), Encoding::Utf16), at);
        // Every character boundary makes the round trip.
        for (i, _) in text.char_indices() {
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                assert_eq!(offset(text, &idx, position(text, &idx, i, enc), enc), i);
            }
        }
        // Half a surrogate pair is the start of the emoji.
        let emoji = text.find('😀').unwrap_or_default();
        assert_eq!(offset(text, &idx, pos(1, 17), Encoding::Utf16), emoji);
        // Inside a UTF-8 sequence: the start of the character.
        assert_eq!(position(text, &idx, emoji + 2, Encoding::Utf16), pos(1, 16));
    }

    #[test]
    fn crlf_and_lone_cr_end_lines_and_are_not_characters() {
        let text = "ab\r\ncd\ref\n";
        let idx = LineIndex::new(text);
        assert_eq!(position(text, &idx, 2, Encoding::Utf16), pos(0, 2));
        assert_eq!(
            position(text, &idx, 3, Encoding::Utf16),
            pos(0, 2),
            "inside \\r\\n"
        );
        assert_eq!(position(text, &idx, 4, Encoding::Utf16), pos(1, 0));
        assert_eq!(position(text, &idx, 7, Encoding::Utf16), pos(2, 0));
        assert_eq!(position(text, &idx, 10, Encoding::Utf16), pos(3, 0));
        // Past the end of a line: its end, before the line ending.
        assert_eq!(offset(text, &idx, pos(0, 99), Encoding::Utf16), 2);
        assert_eq!(offset(text, &idx, pos(1, 99), Encoding::Utf16), 6);
        // Past the last line: the end of the text.
        assert_eq!(offset(text, &idx, pos(99, 0), Encoding::Utf16), text.len());
        assert_eq!(position(text, &idx, 999, Encoding::Utf16), pos(3, 0));
    }

    #[test]
    fn many_positions_in_one_pass_agree_with_one_at_a_time() {
        let text = "x😀y\r\n£€😀😀 z\rlast line 😀 end";
        let idx = LineIndex::new(text);
        let mut offsets: Vec<usize> = (0..=text.len() + 3).rev().collect();
        offsets.extend([5, 5, 0, 1]);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let got = positions(text, &idx, &offsets, enc);
            for (o, p) in offsets.iter().zip(&got) {
                assert_eq!(*p, position(text, &idx, *o, enc), "offset {o}");
            }
        }
    }

    #[test]
    fn incremental_changes_use_utf16_ranges() {
        let text = "a😀b\nCafé\n";
        let e = Encoding::Utf16;
        // Replace "b" (after the emoji: character 3).
        assert_eq!(change(text, pos(0, 3), pos(0, 4), "B", e), "a😀B\nCafé\n");
        // Delete the emoji, two units.
        assert_eq!(change(text, pos(0, 1), pos(0, 3), "", e), "ab\nCafé\n");
        // Insert across lines, and a reversed range.
        assert_eq!(change(text, pos(1, 4), pos(0, 3), "-", e), "a😀-\n");
        // Insert at the very end, and past it.
        assert_eq!(change(text, pos(2, 0), pos(2, 0), "z", e), "a😀b\nCafé\nz");
        assert_eq!(change(text, pos(7, 3), pos(9, 0), "z", e), "a😀b\nCafé\nz");
        // UTF-8 ranges count bytes.
        assert_eq!(
            change(text, pos(1, 3), pos(1, 5), "e", Encoding::Utf8),
            "a😀b\nCafe\n"
        );
        // CRLF: the end of line 0 is before the \r.
        assert_eq!(change("ab\r\ncd", pos(0, 9), pos(1, 0), "", e), "abcd");
        // A whole-text change.
        let mut s = text.to_string();
        apply_change(
            &mut s,
            TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".into(),
            },
            e,
        );
        assert_eq!(s, "new");
    }

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF16])),
            Encoding::Utf16
        );
        assert_eq!(
            Encoding::negotiate(Some(&[
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8
            ])),
            Encoding::Utf8
        );
    }
}
