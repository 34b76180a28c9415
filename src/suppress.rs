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
use crate::line_index::LineIndex;
use std::collections::HashMap;
use std::ops::Range;

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
    /// The entries by rule and reach, built on first use, so that each finding looks
    /// only at the entries that could hide it: with tens of thousands of comments, a
    /// scan of every entry for every finding took tens of seconds.
    index: Option<Index>,
}

#[derive(Debug, Default)]
struct Index {
    /// Key `None`: the entries that name no rule, so hide every rule.
    by_rule: HashMap<Option<String>, Reaches>,
}

/// The entries of one rule, by reach.
#[derive(Debug, Default)]
struct Reaches {
    file: Vec<usize>,
    file_used: bool,
    lines: HashMap<usize, Vec<usize>>,
    /// Region entries in order of start, their starts, and the largest end among the
    /// first `i + 1` of them: a finding at `o` is covered when the largest end among
    /// those starting at or before `o` lies beyond it.
    regions: Vec<usize>,
    starts: Vec<usize>,
    max_end: Vec<usize>,
    /// Offsets of the findings hidden by a region, for marking the regions used.
    hits: Vec<usize>,
}

impl Suppressions {
    /// Whether a comment hides this finding. The comments that do are counted as used
    /// (read them after [`Suppressions::settle`]).
    pub fn hides(&mut self, d: &Diagnostic) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let entries = &mut self.entries;
        let index = self.index.get_or_insert_with(|| Index::new(entries));
        let mut hidden = false;
        for key in [Some(&*d.rule), None] {
            let Some(r) = index.by_rule.get_mut(&key.map(str::to_string)) else {
                continue;
            };
            if !r.file.is_empty() {
                hidden = true;
                if !r.file_used {
                    r.file_used = true;
                    for &i in &r.file {
                        entries[i].used = true;
                    }
                }
            }
            if let Some(on_line) = r.lines.get(&d.span.start.line) {
                hidden = true;
                for &i in on_line {
                    entries[i].used = true;
                }
            }
            let before = r.starts.partition_point(|&s| s <= d.span.offset);
            if before > 0 && r.max_end[before - 1] > d.span.offset {
                hidden = true;
                r.hits.push(d.span.offset);
            }
        }
        hidden
    }

    /// Marks the regions that hid a finding as used: each region looks for a hidden
    /// finding inside it among the sorted offsets, once.
    pub fn settle(&mut self) {
        let Some(index) = &mut self.index else {
            return;
        };
        for r in index.by_rule.values_mut() {
            r.hits.sort_unstable();
            for &i in &r.regions {
                if let Reach::Region(range) = &self.entries[i].reach {
                    let next = r.hits.partition_point(|&o| o < range.start);
                    if r.hits.get(next).is_some_and(|&o| o < range.end) {
                        self.entries[i].used = true;
                    }
                }
            }
            r.hits.clear();
        }
    }
}

impl Index {
    fn new(entries: &[Entry]) -> Index {
        let mut by_rule: HashMap<Option<String>, Reaches> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let r = by_rule.entry(e.rule.clone()).or_default();
            match &e.reach {
                Reach::File => r.file.push(i),
                Reach::Line(l) => r.lines.entry(*l).or_default().push(i),
                Reach::Region(_) => r.regions.push(i),
            }
        }
        let range = |i: usize| match &entries[i].reach {
            Reach::Region(range) => range.clone(),
            _ => 0..0,
        };
        for r in by_rule.values_mut() {
            r.regions.sort_by_key(|&i| range(i).start);
            r.starts = r.regions.iter().map(|&i| range(i).start).collect();
            let mut most = 0;
            r.max_end = r
                .regions
                .iter()
                .map(|&i| {
                    most = most.max(range(i).end);
                    most
                })
                .collect();
        }
        Index { by_rule }
    }
}

/// The HTML comments in `text`, in order: each as its whole range and its body's range
/// (what `(?s)<!--(.*?)-->` captures). Found with two substring searches per comment,
/// not a regex with a capture group, which ran a backtracking engine on every HTML
/// block: a tenth of the language server's re-lint of a megabyte tender.
fn html_comments(text: &str) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let open = at + memchr::memmem::find(&bytes[at..], b"<!--")?;
        let body = open + 4;
        let close = body + memchr::memmem::find(&bytes[body..], b"-->")?;
        at = close + 3;
        Some((open..at, body..close))
    })
}

struct Comment<'a> {
    range: Range<usize>,
    directive: &'a str,
    /// Rule names with their source ranges; empty means every rule.
    rules: Vec<(&'a str, Range<usize>)>,
}

pub fn parse(doc: &Document) -> Suppressions {
    parse_html(doc.source, &doc.lines, &doc.html)
}

/// Where the findings about the suppression comments in `html` (ranges of raw HTML in
/// `source`) can start: each rule a comment names, or the comment itself.
pub fn places(source: &str, html: &[Range<usize>]) -> Vec<usize> {
    let (comments, malformed) = comments(source, html);
    let named = comments
        .iter()
        .flat_map(|c| c.rules.iter().map(|(_, r)| r.start));
    let whole = comments.iter().filter(|c| c.rules.is_empty());
    named
        .chain(whole.map(|c| c.range.start))
        .chain(malformed.iter().map(|m| m.span.start))
        .collect()
}

/// The suppression comments in the raw HTML of a document (ranges of `source`, whose
/// line index is `lines`): the whole document's, or every piece's of a long one.
pub fn parse_html(source: &str, lines: &LineIndex, html: &[Range<usize>]) -> Suppressions {
    let (comments, malformed) = comments(source, html);
    let mut out = Suppressions {
        malformed,
        ..Suppressions::default()
    };
    finish_parse(source, lines, &comments, &mut out);
    out
}

/// The tenderlint comments in the raw HTML, and those that are not a directive.
fn comments<'s>(source: &'s str, html: &[Range<usize>]) -> (Vec<Comment<'s>>, Vec<Malformed>) {
    let mut comments = Vec::new();
    let mut out = Suppressions::default();
    for region in merged(html) {
        let text = &source[region.clone()];
        for (all, body) in html_comments(text) {
            let range = region.start + all.start..region.start + all.end;
            let body_at = region.start + body.start;
            let body_text = &text[body];
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
    (comments, out.malformed)
}

fn finish_parse(source: &str, lines: &LineIndex, comments: &[Comment<'_>], out: &mut Suppressions) {
    // Where each `disable` ends: at the next `enable` naming its rule or naming none
    // (for a `disable` naming no rule, at the next `enable` of any kind). Found for all
    // comments in one pass from the end, not by a search from each comment.
    let mut ends: Vec<(usize, usize, HashMap<&str, usize>)> =
        vec![Default::default(); comments.len()];
    let (mut any_enable, mut enable_all) = (source.len(), source.len());
    let mut enable_rule: HashMap<&str, usize> = HashMap::new();
    for (i, c) in comments.iter().enumerate().rev() {
        if c.directive == "tenderlint-disable" {
            let named = c.rules.iter().map(|(r, _)| {
                let end = enable_rule
                    .get(r)
                    .map_or(enable_all, |&e| e.min(enable_all));
                (*r, end)
            });
            ends[i] = (any_enable, enable_all, named.collect());
        }
        if c.directive == "tenderlint-enable" {
            any_enable = c.range.start;
            if c.rules.is_empty() {
                enable_all = c.range.start;
            }
            for (r, _) in &c.rules {
                enable_rule.insert(r, c.range.start);
            }
        }
    }
    let mut lines = NextLines::new(source, lines);

    for (i, c) in comments.iter().enumerate() {
        let mut reach_for = |rule: Option<&str>| -> Reach {
            match c.directive {
                "tenderlint-disable-file" => Reach::File,
                "tenderlint-disable-next-line" => Reach::Line(lines.after(c.range.end)),
                _ => {
                    let end = match rule {
                        None => ends[i].0,
                        Some(r) => ends[i].2.get(r).copied().unwrap_or(ends[i].1),
                    };
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
}

/// For each line, the first line from it on that holds something other than whitespace
/// or a comment, worked out once for the whole document on first use (a search from
/// each comment was quadratic in a run of thousands of comments).
struct NextLines<'a> {
    source: &'a str,
    lines: &'a LineIndex,
    next: Vec<usize>,
}

impl<'a> NextLines<'a> {
    fn new(source: &'a str, lines: &'a LineIndex) -> Self {
        NextLines {
            source,
            lines,
            next: Vec::new(),
        }
    }

    /// The 1-based number of the first line after `offset`'s line that holds
    /// something other than whitespace or a comment.
    fn after(&mut self, offset: usize) -> usize {
        let lines = self.lines;
        if self.next.is_empty() {
            let count = lines.line_count();
            self.next = vec![count; count + 1];
            for line in (0..count).rev() {
                let start = lines.line_start(line);
                let end = if line + 1 < count {
                    lines.line_start(line + 1)
                } else {
                    self.source.len()
                };
                let text = self.source[start..end].trim();
                // Blank lines and lines holding only a comment are skipped, so that
                // several suppression comments can stand above one clause.
                let only_comment = text.starts_with("<!--") && text.ends_with("-->");
                self.next[line] = if !text.is_empty() && !only_comment {
                    line
                } else {
                    self.next[line + 1]
                };
            }
        }
        let line = lines.line_of(offset.saturating_sub(1)) + 1;
        self.next[line.min(self.next.len() - 1)] + 1
    }
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

    /// The comments are the regex's: the first `-->` after each `<!--` ends it, even
    /// one overlapping the opener's dashes does not, and an unclosed one ends the search.
    #[test]
    fn html_comments_are_what_the_lazy_regex_finds() {
        let re = regex::Regex::new(r"(?s)<!--(.*?)-->").unwrap();
        for text in [
            "",
            "<!-- a -->",
            "<!---->",
            "<!-->",
            "<!--->",
            "<!-- a --> text <!-- b -->",
            "<!-- <!-- nested --> -->",
            "<!-- open and never closed",
            "x <!-- a\n b --> <!-- c",
            "<!-- café — ·\u{3000} --><!--é-->",
            "--> <!-- -- > --->",
        ] {
            let ours: Vec<_> = html_comments(text).collect();
            let theirs: Vec<_> = re
                .captures_iter(text)
                .map(|c| (c.get(0).unwrap().range(), c.get(1).unwrap().range()))
                .collect();
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

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
