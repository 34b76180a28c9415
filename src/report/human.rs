//! `--format human`: miette's annotated source excerpts, then one summary line.

use super::Summary;
use crate::diagnostic::{Diagnostic, Severity};
use crate::excerpt::{escape, Excerpt};
use crate::files::FileError;
use crate::line_index::LineIndex;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::fmt;

#[derive(Debug, Clone)]
pub struct Human {
    handler: GraphicalReportHandler,
}

impl Human {
    pub fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false),
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
            let finding = Finding { d, excerpt };
            // Writing to a String cannot fail.
            let _ = self.handler.render_report(&mut out, &finding);
            out.push('\n');
        }
        out
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
}

impl fmt::Debug for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.d.fmt(f)
    }
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(&self.d.message))
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
        Some(Box::new(escape(&self.d.help)))
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
