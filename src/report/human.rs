//! `--format human`: miette's annotated source excerpts, then one summary line.

use super::Summary;
use crate::diagnostic::{Diagnostic, Severity};
use crate::excerpt::{escape, Excerpt};
use crate::files::FileError;
use crate::line_index::LineIndex;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Report width in columns, as miette lays a report out (its text two columns less).
const WIDTH: usize = 100;

#[derive(Debug, Clone)]
pub struct Human {
    /// For findings: their text arrives wrapped (see [`Human::render_file`]).
    findings: GraphicalReportHandler,
    /// For errors and other problems, which miette wraps itself.
    handler: GraphicalReportHandler,
    /// Each help text, wrapped once (keyed by the text): a run repeats a rule's help for
    /// every finding of it.
    help: Arc<Mutex<HashMap<Arc<str>, Arc<str>>>>,
}

/// `text` filled to miette's width behind indents of `first` and `rest` columns, as miette
/// would fill it, with the indents left off (miette writes its own).
fn fill(text: &str, first: usize, rest: usize) -> String {
    let (a, b) = (" ".repeat(first), " ".repeat(rest));
    let opts = textwrap::Options::new(WIDTH - 2)
        .initial_indent(&a)
        .subsequent_indent(&b);
    let filled = textwrap::fill(text, opts);
    let mut out = String::with_capacity(filled.len());
    for (i, line) in filled.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = if i == 0 { first } else { rest };
        out.push_str(line.get(indent..).unwrap_or(line.trim_start()));
    }
    out
}

impl Human {
    pub fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(WIDTH)
            .with_links(false);
        Human {
            findings: handler.clone().with_wrap_lines(false),
            handler,
            help: Arc::default(),
        }
    }

    /// Every diagnostic of one file, each with the source lines it points at (and
    /// only those: see [`Excerpt`]).
    pub fn render_file(
        &self,
        path: &str,
        source: &str,
        lines: &LineIndex,
        diagnostics: &[Diagnostic],
    ) -> String {
        let mut out = String::new();
        for d in diagnostics {
            let range = d.span.offset..d.span.offset + d.span.length;
            let excerpt = Excerpt::new(path, source, lines, range, "markdown");
            // miette's indents: "  × " before the message, "  help: " before the help.
            let message = fill(&escape(&d.message), 4, 4);
            let help = self.help_of(d);
            let finding = Finding {
                d,
                excerpt,
                message,
                help,
            };
            // Writing to a String cannot fail.
            let _ = self.findings.render_report(&mut out, &finding);
            out.push('\n');
        }
        out
    }

    /// `d`'s help, escaped and wrapped: once for each distinct help text of the run.
    fn help_of(&self, d: &Diagnostic) -> Arc<str> {
        if let Some(help) = self.help.lock().ok().and_then(|m| m.get(&d.help).cloned()) {
            return help;
        }
        let help: Arc<str> = Arc::from(fill(&escape(&d.help), 8, 8));
        if let Ok(mut m) = self.help.lock() {
            m.insert(d.help.clone(), help.clone());
        }
        help
    }

    pub fn render_error(&self, e: &FileError) -> String {
        let mut out = String::new();
        let _ = self.handler.render_report(&mut out, &Unreadable(e));
        out
    }

    pub fn render_problem(&self, d: &dyn miette::Diagnostic) -> String {
        let mut out = String::new();
        let _ = self.handler.render_report(&mut out, d);
        out
    }
}

pub fn summary_line(s: &Summary) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let files = plural(s.files, "file", "files");
    let mut line = if s.errors + s.warnings + s.infos == 0 {
        format!("No problems found in {files}.")
    } else {
        format!(
            "Checked {files}: {}, {}, {}.",
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(s.infos, "info", "infos")
        )
    };
    if s.file_errors > 0 {
        line.push_str(&format!(
            " {} could not be checked.",
            plural(s.file_errors, "file", "files")
        ));
    }
    if s.baselined > 0 {
        line.push_str(&format!(
            " {} in the baseline not shown.",
            plural(s.baselined, "finding", "findings")
        ));
    }
    line.push('\n');
    line
}

struct Finding<'a> {
    d: &'a Diagnostic,
    excerpt: Excerpt,
    /// The message and the help, escaped and wrapped.
    message: String,
    help: Arc<str>,
}

impl fmt::Debug for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.d.fmt(f)
    }
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Finding<'_> {}

impl miette::Diagnostic for Finding<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.d.rule))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&*self.help))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.excerpt)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let mut label = format!("{} {}", self.d.severity, self.d.rule);
        if let Some(at) = &self.d.location {
            label.push_str(&format!(", {}", escape(&at.describe())));
        }
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            self.excerpt.span(),
        ))))
    }
}

#[derive(Debug)]
struct Unreadable<'a>(&'a FileError);

impl fmt::Display for Unreadable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", escape(&self.0.path), self.0.message)
    }
}

impl std::error::Error for Unreadable<'_> {}

impl miette::Diagnostic for Unreadable<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("tenderlint::unreadable"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Location, Position, Span};

    /// What miette itself makes of a finding when it wraps the text: the renderer must
    /// print the same, having wrapped each help once.
    fn wrapped_by_miette(h: &Human, path: &str, source: &str, d: &Diagnostic) -> String {
        struct Plain<'a>(Finding<'a>);
        impl fmt::Debug for Plain<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        impl fmt::Display for Plain<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&escape(&self.0.d.message))
            }
        }
        impl std::error::Error for Plain<'_> {}
        impl miette::Diagnostic for Plain<'_> {
            fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
                self.0.code()
            }
            fn severity(&self) -> Option<miette::Severity> {
                self.0.severity()
            }
            fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
                Some(Box::new(escape(&self.0.d.help)))
            }
            fn source_code(&self) -> Option<&dyn SourceCode> {
                self.0.source_code()
            }
            fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
                self.0.labels()
            }
        }
        let lines = LineIndex::new(source);
        let range = d.span.offset..d.span.offset + d.span.length;
        let finding = Finding {
            d,
            excerpt: Excerpt::new(path, source, &lines, range, "markdown"),
            message: String::new(),
            help: Arc::from(""),
        };
        let mut out = String::new();
        let _ = h.handler.render_report(&mut out, &Plain(finding));
        out.push('\n');
        out
    }

    #[test]
    fn help_wrapped_once_reads_as_miette_wraps_it() {
        let source = "# Payment\n\nA service credit of 2% of the monthly charge applies for each KPI failure, and so on at some length.\n";
        let offset = source.find("service credit").unwrap_or(0);
        let at = |column| Position { line: 3, column };
        let d = Diagnostic {
            rule: Arc::from("service-credits"),
            severity: Severity::Error,
            message: "This clause sets up service credits (\"service credit\"): money is taken off the provider's payment when a service level is missed, which the evidence says adds friction rather than flexibility to the partnership.".into(),
            help: Arc::from("Replace the credit regime with outcome measures both parties own: name the patient outcome, its baseline and target, and say that a joint board reviews progress and agrees the response when it stalls; a word-that-is-far-too-long-to-fit-on-one-line-of-a-report-and-must-be-broken-somewhere-along-its-length-by-the-wrapper."),
            span: Span {
                offset,
                length: 14,
                start: at(3),
                end: at(17),
            },
            fingerprint: String::new(),
            sentence_fingerprint: None,
            tender: None,
            location: Some(Box::new(Location {
                paragraph: 2,
                section: vec!["Payment".into()],
                clause: None,
            })),
        };
        for color in [false, true] {
            let h = Human::new(color);
            let twice = h.render_file(
                "t.md",
                source,
                &LineIndex::new(source),
                &[d.clone(), d.clone()],
            );
            let once = wrapped_by_miette(&h, "t.md", source, &d);
            assert_eq!(twice, format!("{once}{once}"), "colour {color}");
            assert_eq!(once.lines().filter(|l| l.contains("help")).count(), 1);
            assert!(once.lines().count() > 8, "the text was wrapped:\n{once}");
        }
    }
}
