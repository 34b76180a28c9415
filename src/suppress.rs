//! Suppression comments written in the Markdown itself:
//!
//! ```markdown
//! <!-- tenderlint-disable-file volume-payment -- agreed with finance, 2026 -->
//! <!-- tenderlint-disable service-credits, payment-deduction -->
//! ...
//! <!-- tenderlint-enable service-credits, payment-deduction -->
//! <!-- tenderlint-disable-next-line payment-deduction -->
//! ```
//!
//! A comment with no rule names applies to every rule. Text after ` -- ` is the reason.
//! Comments are read only from raw HTML, never from code blocks or code spans.

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq)]
pub enum Reach {
    File,
    /// Source bytes from the end of a `disable` comment to the start of its `enable`.
    Region(Range<usize>),
    /// A 1-based line.
    Line(usize),
}

/// One rule named by one suppression comment (or every rule, when `rule` is None).
#[derive(Debug, Clone)]
pub struct Entry {
    pub rule: Option<String>,
    /// Where to point when reporting this entry: the rule name, or the whole comment.
    pub span: Range<usize>,
    pub reach: Reach,
    pub used: bool,
}

impl Entry {
    pub fn covers(&self, rule: &str, offset: usize, line: usize) -> bool {
        self.rule.as_deref().is_none_or(|r| r == rule)
            && match &self.reach {
                Reach::File => true,
                Reach::Region(r) => r.contains(&offset),
                Reach::Line(l) => *l == line,
            }
    }
}

/// A comment that starts `tenderlint-` but is not one of the four directives.
#[derive(Debug, Clone)]
pub struct Malformed {
    pub directive: String,
    pub span: Range<usize>,
}

#[derive(Debug, Default)]
pub struct Suppressions {
    pub entries: Vec<Entry>,
    pub malformed: Vec<Malformed>,
}

impl Suppressions {
    /// Whether a comment hides this finding; every comment that does is marked used.
    pub fn hides(&mut self, d: &Diagnostic) -> bool {
        let mut hidden = false;
        for e in self.entries.iter_mut() {
            if e.covers(&d.rule, d.span.offset, d.span.start.line) {
                e.used = true;
                hidden = true;
            }
        }
        hidden
    }
}

fn comment_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?s)<!--(.*?)-->").unwrap_or_else(|e| unreachable!("{e}")))
}

struct Comment<'a> {
    range: Range<usize>,
    directive: &'a str,
    /// Rule names with their source ranges; empty means every rule.
    rules: Vec<(&'a str, Range<usize>)>,
}

pub fn parse(doc: &Document) -> Suppressions {
    let mut comments = Vec::new();
    let mut out = Suppressions::default();
    for region in merged(&doc.html) {
        let text = &doc.source[region.clone()];
        for caps in comment_regex().captures_iter(text) {
            let (Some(all), Some(body)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let range = region.start + all.start()..region.start + all.end();
            let body_at = region.start + body.start();
            let body_text = body.as_str();
            let trimmed = body_text.trim_start();
            let Some(rest) = trimmed.strip_prefix("tenderlint-") else {
                continue;
            };
            let lead = body_text.len() - trimmed.len();
            let directive_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let directive = &trimmed[..("tenderlint-".len() + directive_len)];
            if !matches!(
                directive,
                "tenderlint-disable"
                    | "tenderlint-enable"
                    | "tenderlint-disable-next-line"
                    | "tenderlint-disable-file"
            ) {
                out.malformed.push(Malformed {
                    directive: directive.to_string(),
                    span: range.clone(),
                });
                continue;
            }
            // Rule names run up to the reason separator ` -- `.
            let args_at = lead + directive.len();
            let args = &body_text[args_at..];
            let args = match args.find("--") {
                Some(i) => &args[..i],
                None => args,
            };
            // Offsets come from where each name sits, not from counting separators: a
            // separator may be any Unicode space (Word pastes non-breaking ones), which
            // takes two or three bytes.
            let rules = args
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|part| !part.is_empty())
                .map(|part| {
                    let start =
                        body_at + args_at + (part.as_ptr() as usize - args.as_ptr() as usize);
                    (part, start..start + part.len())
                })
                .collect();
            comments.push(Comment {
                range,
                directive,
                rules,
            });
        }
    }

    for (i, c) in comments.iter().enumerate() {
        let reach_for = |rule: Option<&str>| -> Reach {
            match c.directive {
                "tenderlint-disable-file" => Reach::File,
                "tenderlint-disable-next-line" => Reach::Line(next_line(doc, c.range.end)),
                // `disable`: up to the next `enable` naming this rule, or naming none.
                _ => {
                    let end = comments[i + 1..]
                        .iter()
                        .find(|e| {
                            e.directive == "tenderlint-enable"
                                && (e.rules.is_empty()
                                    || rule.is_none()
                                    || e.rules.iter().any(|(r, _)| Some(*r) == rule))
                        })
                        .map_or(doc.source.len(), |e| e.range.start);
                    Reach::Region(c.range.end..end)
                }
            }
        };
        if c.directive == "tenderlint-enable" {
            continue;
        }
        if c.rules.is_empty() {
            out.entries.push(Entry {
                rule: None,
                span: c.range.clone(),
                reach: reach_for(None),
                used: false,
            });
        }
        for (rule, span) in &c.rules {
            out.entries.push(Entry {
                rule: Some(rule.to_string()),
                span: span.clone(),
                reach: reach_for(Some(rule)),
                used: false,
            });
        }
    }
    out
}

/// The first line after `offset`'s line that holds something other than whitespace
/// or a comment.
fn next_line(doc: &Document, offset: usize) -> usize {
    let lines = &doc.lines;
    let mut line = lines.line_of(offset.saturating_sub(1)) + 1;
    while line < lines.line_count() {
        let start = lines.line_start(line);
        let end = if line + 1 < lines.line_count() {
            lines.line_start(line + 1)
        } else {
            doc.source.len()
        };
        let text = doc.source[start..end].trim();
        // Blank lines and lines holding only a comment are skipped, so that several
        // suppression comments can stand above one clause.
        let only_comment = text.starts_with("<!--") && text.ends_with("-->");
        if !text.is_empty() && !only_comment {
            break;
        }
        line += 1;
    }
    line + 1
}

/// Joins touching ranges: an HTML block arrives as one event per line.
fn merged(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted: Vec<Range<usize>> = ranges.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_rules_reasons_and_reach() {
        let src = "<!-- tenderlint-disable-file volume-payment -- agreed with finance -->\n\n<!-- tenderlint-disable service-credits, payment-deduction -->\n\nA.\n\n<!-- tenderlint-enable service-credits -->\n\n<!-- tenderlint-disable-next-line -->\n\nB.\n\n`<!-- tenderlint-disable-file -->`\n";
        let doc = Document::parse(src);
        let s = parse(&doc);
        let got: Vec<_> = s
            .entries
            .iter()
            .map(|e| (e.rule.clone(), &src[e.span.clone()]))
            .collect();
        assert_eq!(got[0], (Some("volume-payment".into()), "volume-payment"));
        assert_eq!(got[1], (Some("service-credits".into()), "service-credits"));
        assert_eq!(
            got[2],
            (Some("payment-deduction".into()), "payment-deduction")
        );
        assert_eq!(got[3].0, None);
        assert_eq!(
            got.len(),
            4,
            "the comment in a code span is not a suppression"
        );
        assert_eq!(s.entries[0].reach, Reach::File);
        let a = src.find("A.").unwrap_or_default();
        assert!(s.entries[1].covers("service-credits", a, 5));
        let enable = src.find("<!-- tenderlint-enable").unwrap_or_default();
        assert!(!s.entries[1].covers("service-credits", enable + 50, 9));
        assert!(
            s.entries[2].covers("payment-deduction", enable + 50, 9),
            "never enabled: runs to the end"
        );
        assert_eq!(s.entries[3].reach, Reach::Line(11));
    }

    #[test]
    fn stacked_next_line_comments_all_reach_the_clause() {
        let src = "<!-- tenderlint-disable-next-line a -->\n\n<!-- tenderlint-disable-next-line b -->\nClause.\n";
        let s = parse(&Document::parse(src));
        assert_eq!(s.entries[0].reach, Reach::Line(4));
        assert_eq!(s.entries[1].reach, Reach::Line(4));
    }

    #[test]
    fn unknown_directives_are_kept_for_reporting() {
        let doc = Document::parse(
            "<!-- tenderlint-disabel service-credits -->\n<!-- just a comment -->\n",
        );
        let s = parse(&doc);
        assert!(s.entries.is_empty());
        assert_eq!(s.malformed.len(), 1);
        assert_eq!(s.malformed[0].directive, "tenderlint-disabel");
    }
}
