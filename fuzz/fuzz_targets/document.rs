//! Bytes as a tender document, checked with the built-in rules: no panic, and every
//! diagnostic's span lies inside the text, on character boundaries, with a line and
//! column that agree with its byte offset. The human report must render too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tenderlint::check::{check_text, Finish};
use tenderlint::engine::Linter;
use tenderlint::line_index::reference_position;
use tenderlint::report::human::Human;
use tenderlint::rules::RuleSet;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| match RuleSet::load(&tenderlint::builtin::files()) {
        Ok(set) => Linter::new(set),
        Err(e) => panic!("built-in rules do not load: {e:?}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = tenderlint::files::decode(data.to_vec()) else {
        return;
    };
    let human = Human::new(false);
    let report = check_text(
        linter(),
        "fuzz.md".into(),
        &text,
        Finish {
            human: Some(&human),
            baseline: None,
            stats: true,
        },
    );
    let Ok(diags) = report.result else {
        panic!("text that decoded must be checked")
    };
    for d in &diags {
        let s = &d.span;
        let end = s.offset + s.length;
        assert!(end <= text.len(), "span past the end: {d:?}");
        assert!(
            text.is_char_boundary(s.offset) && text.is_char_boundary(end),
            "span splits a character: {d:?}"
        );
        assert_eq!(
            reference_position(&text, s.offset),
            (s.start.line, s.start.column),
            "start of {d:?}"
        );
        assert_eq!(
            reference_position(&text, end),
            (s.end.line, s.end.column),
            "end of {d:?}"
        );
    }
});
