//! What the engine produces and every reporter consumes.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// How serious a finding is. Ordered so that `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A byte range in the file, with its start and end positions.
/// `end` is the position just after the last character of the range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Span {
    pub offset: usize,
    pub length: usize,
    pub start: Position,
    pub end: Position,
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: Arc<str>,
    pub severity: Severity,
    pub message: String,
    pub help: Arc<str>,
    pub span: Span,
    /// Identity of the finding that survives moved lines: see [`fingerprint`].
    pub fingerprint: String,
    /// The fingerprint version 1 baselines knew it by (of its whole sentence), when
    /// that differs: its clause is one of several numbered clauses run into one sentence.
    #[serde(skip)]
    pub sentence_fingerprint: Option<String>,
    /// For a finding about a whole tender pack (judged over all its files): the
    /// tender's id. Its `path` is where it is anchored; the baseline keys it by tender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tender: Option<Arc<str>>,
    /// Where it is in the words officers use: paragraph, section and clause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Box<Location>>,
}

/// A finding's place as a reader of the tender names it: the paragraph in document order
/// (from 1, table cells included), the headings it sits under (outermost first), and its
/// clause number, if it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub paragraph: usize,
    pub section: Vec<String>,
    pub clause: Option<String>,
}

impl Location {
    /// The place in words: `clause 3.2 in section "3 Payment"`, `paragraph 12 in section
    /// "Scope"`; the innermost heading names the section.
    pub fn describe(&self) -> String {
        let place = match &self.clause {
            Some(c) => format!("clause {c}"),
            None => format!("paragraph {}", self.paragraph),
        };
        match self.section.last() {
            Some(s) => format!("{place} in section \"{s}\""),
            None => place,
        }
    }
}

/// The first sentence of a finding's message or help, for places with room for one (the
/// editor's list of problems, the report's list of changes): up to the first `.`, `!` or
/// `?` followed by a space or the end, or a line break, outside quotes and brackets; "e.g."
/// and "i.e." do not end a sentence.
pub fn first_sentence(text: &str) -> &str {
    // Byte by byte: every mark that matters is ASCII but the curly quotes, which are
    // known by their last byte after its two lead bytes (the language server cuts every
    // finding's message on every re-lint).
    let bytes = text.as_bytes();
    let (mut depth, mut quoted) = (0i32, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            // “ (U+201C) and ” (U+201D): E2 80 9C and E2 80 9D.
            0x9C | 0x9D if i >= 2 && bytes[i - 2] == 0xE2 && bytes[i - 1] == 0x80 => {
                quoted = b == 0x9C
            }
            b'(' | b'[' if !quoted => depth += 1,
            b')' | b']' if !quoted => depth -= 1,
            b'\n' if depth <= 0 => return text[..i].trim(),
            b'.' | b'!' | b'?'
                if depth <= 0
                    && !quoted
                    && text[i + 1..].chars().next().is_none_or(char::is_whitespace) =>
            {
                let head = &text[..=i];
                if !(head.ends_with("e.g.") || head.ends_with("i.e.")) {
                    return head.trim();
                }
            }
            _ => {}
        }
    }
    text.trim()
}

/// A stable identity for a finding: the rule id and the clause it was found in,
/// normalised (lower case, words only, leading clause numbers dropped), hashed with
/// 64-bit FNV-1a. Renumbering clauses or editing other paragraphs leaves it unchanged;
/// the hash is fixed here, not left to the standard library, so it is stable across
/// releases of Rust and of tenderlint.
pub fn fingerprint(rule: &str, clause: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in rule
        .bytes()
        .chain([0])
        .chain(normalise_clause(clause).bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Lower-case words of a clause, single-spaced, without the leading numbers of a
/// numbered clause ("3.2 (a) Service credits apply." -> "service credits apply").
pub fn normalise_clause(text: &str) -> String {
    let words = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase);
    let mut leading = true;
    let mut out = String::new();
    for w in words {
        // Clause numbers and list letters: "3", "2", "a", "iv" before the first real word.
        if leading
            && (w.chars().all(|c| c.is_ascii_digit())
                || (w.len() <= 3 && w.chars().all(|c| "ivxabcdefgh".contains(c))))
        {
            continue;
        }
        leading = false;
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_first_sentence_ends_outside_quotes_and_brackets() {
        assert_eq!(
            first_sentence("This clause sets up service credits (\"4.1 Credits. See\"): money is taken. Then more."),
            "This clause sets up service credits (\"4.1 Credits. See\"): money is taken."
        );
        assert_eq!(
            first_sentence("No measure. (Searched all 2 files of the tender \"A. B\".)"),
            "No measure."
        );
        assert_eq!(
            first_sentence("Costs £1.50 each, e.g.x"),
            "Costs £1.50 each, e.g.x"
        );
        assert_eq!(first_sentence("First line\nsecond line"), "First line");
        assert_eq!(
            first_sentence("Quoted “a. b” ends here."),
            "Quoted “a. b” ends here."
        );
    }

    /// The byte-wise cut is the character-wise one it replaced, on texts with every
    /// mark it reads next to multi-byte characters.
    #[test]
    fn the_first_sentence_is_cut_as_by_characters() {
        fn by_chars(text: &str) -> &str {
            let (mut depth, mut quoted) = (0i32, false);
            let mut chars = text.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => quoted = !quoted,
                    '\u{201c}' => quoted = true,
                    '\u{201d}' => quoted = false,
                    '(' | '[' if !quoted => depth += 1,
                    ')' | ']' if !quoted => depth -= 1,
                    '\n' if depth <= 0 => return text[..i].trim(),
                    '.' | '!' | '?'
                        if depth <= 0
                            && !quoted
                            && chars.peek().is_none_or(|(_, n)| n.is_whitespace()) =>
                    {
                        let head = &text[..i + c.len_utf8()];
                        if !(head.ends_with("e.g.") || head.ends_with("i.e.")) {
                            return head.trim();
                        }
                    }
                    _ => {}
                }
            }
            text.trim()
        }
        let marks = [
            "a", "é", ".", "!", "?", " ", "\u{a0}", "\u{3000}", "\n", "\"", "“", "”", "(", ")",
            "[", "]", "e.g.", "i.e.", "£", "—", "\u{201e}", "\u{2019}",
        ];
        // Every text of up to four marks.
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| marks.iter().map(move |m| format!("{t}{m}")))
                .collect();
            texts.extend(longer);
            texts.dedup();
        }
        for t in &texts {
            assert_eq!(first_sentence(t), by_chars(t), "{t:?}");
        }
    }

    #[test]
    fn the_first_sentence_skips_abbreviations() {
        assert_eq!(
            first_sentence("Name the measure, e.g. EQ-5D. Then the target."),
            "Name the measure, e.g. EQ-5D."
        );
        assert_eq!(first_sentence("One sentence"), "One sentence");
    }

    use super::*;

    #[test]
    fn fingerprints_ignore_numbering_case_and_spacing_but_not_words() {
        let a = fingerprint("service-credits", "3.2 Service credits  apply\nmonthly.");
        assert_eq!(
            a,
            fingerprint("service-credits", "4.1 (a) SERVICE CREDITS apply monthly")
        );
        assert_ne!(
            a,
            fingerprint("service-credits", "Service credits apply quarterly.")
        );
        assert_ne!(
            a,
            fingerprint("payment-deduction", "Service credits apply monthly.")
        );
        assert_eq!(a.len(), 16);
        assert_eq!(
            normalise_clause("1. (b) Café £5, per attendance!"),
            "café 5 per attendance"
        );
    }
}
