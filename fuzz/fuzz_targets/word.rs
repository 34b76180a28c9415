//! Bytes as a Word file, read as `tenderlint check spec.docx` reads one: the reader never
//! panics and stays within its limits; a file it reads becomes a document whose blocks
//! lie on character boundaries of its text, one paragraph per line, and whose findings
//! lie inside that text and carry a location.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tenderlint::check::{check_source, Finish};
use tenderlint::engine::Linter;
use tenderlint::source::Source;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| {
        let rules = tenderlint::rules::RuleSet::load(&tenderlint::builtin::files());
        Linter::new(rules.unwrap_or_else(|e| panic!("the built-in rules load: {e:?}")))
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(source) = Source::word(bytes) else {
        return;
    };
    let doc = source.document();
    let lines = source.text.split('\n').count();
    for b in &doc.blocks {
        assert!(source.text.is_char_boundary(b.range.start));
        assert!(source.text.is_char_boundary(b.range.end));
        assert!(
            b.paragraph >= 1 && b.paragraph <= lines,
            "paragraph {} of {lines}",
            b.paragraph
        );
        assert_eq!(
            doc.lines.line_of(b.range.start) + 1,
            b.paragraph,
            "a paragraph is a line"
        );
    }
    let report = check_source(linter(), "fuzz.docx".into(), &source, Finish::default());
    let findings = report
        .result
        .unwrap_or_else(|e| panic!("a read file is checked: {e}"));
    for d in &findings {
        assert!(d.span.offset + d.span.length <= source.text.len());
        assert!(d.location.is_some(), "every finding has a location");
    }
});
