//! `--format github`: one GitHub Actions workflow command per finding, which GitHub
//! shows as an annotation on the changed line:
//!
//! `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=RULE::MESSAGE`
//!
//! Errors are `::error`, warnings `::warning`, infos `::notice`. The message escapes
//! `%`, CR and LF; property values also escape `:` and `,`.

use super::Outcome;
use crate::diagnostic::Severity;

pub fn render(o: &Outcome) -> String {
    let mut out = String::new();
    for (path, d) in o.diagnostics() {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let s = &d.span;
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(path),
            s.start.line,
            s.start.column,
            s.end.line,
            s.end.column,
            property(&d.rule),
            data(&format!("{} {}", d.message, d.help)),
        ));
    }
    for e in o.file_errors() {
        let message = match &e.help {
            Some(h) => format!("{}. {h}", e.message),
            None => format!("{}.", e.message),
        };
        out.push_str(&format!(
            "::error file={},title=tenderlint::{}\n",
            property(&e.path),
            data(&format!("{} {message}", e.path))
        ));
    }
    out
}

/// Escaping for the message after `::`; other control characters are made visible (a
/// file name or a tender's text must not reach the log as terminal commands).
pub fn data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::excerpt::escape(&s).into_owned()
}

/// Escaping for a property value (file, title): the message escapes plus `:` and `,`.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(data("100% done,\r\nnext: go"), "100%25 done,%0D%0Anext: go");
        assert_eq!(property("a:b,c%d\n"), "a%3Ab%2Cc%25d%0A");
        assert_eq!(data("x\u{1b}]8;;y\u{7}"), "x␛]8;;y␇");
    }
}
