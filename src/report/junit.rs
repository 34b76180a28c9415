//! `--format junit`: JUnit XML. Each file is a test suite; each finding is a failing
//! test case named after its rule and position; a clean file is one passing case; a file
//! that could not be read is an errored case.

use super::Outcome;
use crate::diagnostic::Severity;

pub fn render(o: &Outcome) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for r in o.reports {
        let name = escape(&r.path);
        match &r.result {
            Ok(diags) if diags.is_empty() => {
                tests += 1;
                suites.push_str(&format!(
                    "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"0\">\n    <testcase name=\"tenderlint\" classname=\"{name}\"/>\n  </testsuite>\n"
                ));
            }
            Ok(diags) => {
                tests += diags.len();
                failures += diags.len();
                suites.push_str(&format!(
                    "  <testsuite name=\"{name}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">\n",
                    n = diags.len()
                ));
                for d in diags {
                    let s = &d.span;
                    let kind = match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "info",
                    };
                    suites.push_str(&format!(
                        "    <testcase name=\"{rule} at {line}:{col}\" classname=\"{name}\">\n      <failure message=\"{msg}\" type=\"{kind}\">{path}:{line}:{col}: {rule}: {msg}&#10;{help}</failure>\n    </testcase>\n",
                        rule = escape(&d.rule),
                        line = s.start.line,
                        col = s.start.column,
                        msg = escape(&d.message),
                        help = escape(&d.help),
                        path = name,
                    ));
                }
                suites.push_str("  </testsuite>\n");
            }
            // Files that could not be read are listed below, with the missing paths.
            Err(_) => {}
        }
    }
    for e in o.file_errors() {
        tests += 1;
        errors += 1;
        let name = escape(&e.path);
        suites.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase name=\"tenderlint\" classname=\"{name}\">\n      <error message=\"{}\"/>\n    </testcase>\n  </testsuite>\n",
            escape(&e.message)
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tenderlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n"
    )
}

/// Text safe inside an XML attribute or element. Characters XML 1.0 forbids are dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            // A byte of a file name that is not UTF-8 (see `files::display`).
            c if crate::files::raw_byte(c).is_some() => {
                out.push_str(&crate::excerpt::escape(&c.to_string()));
            }
            c => out.push(c),
        }
    }
    out
}
