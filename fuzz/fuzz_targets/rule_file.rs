//! Bytes as a rule file: loading never panics; a rule file that loads can lint a
//! document, and its findings lie inside the document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tenderlint::document::Document;
use tenderlint::engine::Linter;
use tenderlint::error::TomlFile;
use tenderlint::rules::RuleSet;

const DOC: &str = "# Spec\n\n## Payment\n\nService credits apply. Café £5 per attendance.\n\n| KPI | Target | Credit |\n|---|---|---|\n| A | 1 | 2 |\n\n- shall do a\n  - must do b\n\n> quoted\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(set) = RuleSet::load(&[TomlFile::new("fuzz.toml", text)]) else { return };
    let linter = Linter::new(set);
    let doc = Document::parse(DOC);
    for d in linter.lint(&doc) {
        assert!(d.span.offset + d.span.length <= DOC.len(), "{d:?}");
    }
});
