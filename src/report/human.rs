//! `--format human`: miette's annotated source excerpts, then one summary line.

use super::Summary;
use crate::diagnostic::{Diagnostic, Severity};
use crate::files::FileError;
use crate::line_index::LineIndex;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
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

    /// Every diagnostic of one file, each with the source lines it points at.
    pub fn render_file(
        &self,
        path: &str,
        source: &str,
        lines: &LineIndex,
        diagnostics: &[Diagnostic],
    ) -> String {
        let mut out = String::new();
        for d in diagnostics {
            let source = Named {
                name: path,
                text: source,
                lines,
            };
            let finding = Finding { d, source };
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
            " {} could not be read.",
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

/// The file's text under the name to show for it, borrowed rather than copied.
/// Line and column come from our [`LineIndex`], so the `[file:line:column]` header
/// counts characters (miette alone would count bytes) and agrees with the JSON.
struct Named<'a> {
    name: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
}

impl SourceCode for Named<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // miette asks for the span with no context lines to print the header; the
        // line and column it then shows are those of the span's start.
        let (line, column) = if context_lines_before == 0 {
            let at = self.lines.position(self.text, span.offset());
            (at.line - 1, at.column - 1)
        } else {
            (inner.line(), inner.column())
        };
        Ok(Box::new(
            MietteSpanContents::new_named(
                self.name.to_string(),
                inner.data(),
                *inner.span(),
                line,
                column,
                inner.line_count(),
            )
            .with_language("markdown"),
        ))
    }
}

struct Finding<'a> {
    d: &'a Diagnostic,
    source: Named<'a>,
}

impl fmt::Debug for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.d.fmt(f)
    }
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
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
        Some(Box::new(&self.d.help))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let s = &self.d.span;
        let label = format!("{} {}", self.d.severity, self.d.rule);
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label),
            s.offset,
            s.length,
        ))))
    }
}

#[derive(Debug)]
struct Unreadable<'a>(&'a FileError);

impl fmt::Display for Unreadable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0.path, self.0.message)
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
