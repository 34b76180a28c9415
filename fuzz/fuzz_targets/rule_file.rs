//! Bytes as a user's rule file, loaded as the CLI loads `--rules` files: after the
//! built-in packs (so it may use their concepts, and must not reuse their ids), and also
//! on its own. Loading never panics; every error it reports renders as the CLI prints
//! it, and points inside the file; a rule file that loads lints a document, whose
//! findings lie inside it, on character boundaries, and render.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tenderlint::check::{check_text, Finish};
use tenderlint::engine::Linter;
use tenderlint::error::{LoadErrors, TomlFile};
use tenderlint::report::human::Human;
use tenderlint::rules::RuleSet;

const NAME: &str = "fuzz.toml";

const DOC: &str = "# Spec\n\n## Payment\n\nService credits apply. Café £5 per attendance.\n\n\
| KPI | Target | Credit |\n|---|---|---|\n| A | 1 | 2 |\n\n- shall do a\n  - must do b\n\n> quoted\n\n\
<!-- tenderlint-disable\u{a0}service-credits -->\nThe provider shall\u{2003}deliver \u{201c}outcomes\u{201d} \u{2014} reported monthly\u{2026}\n";

fn builtin() -> &'static [TomlFile] {
    static B: OnceLock<Vec<TomlFile>> = OnceLock::new();
    B.get_or_init(tenderlint::builtin::files)
}

fn refused(text: &str, errors: &LoadErrors, human: &Human) {
    assert!(!errors.is_empty(), "refused with no error");
    for e in &errors.0 {
        if let Some(span) = &e.span {
            // Errors in the built-in packs cannot be caused by the fuzzed file, except
            // where it is named.
            if e.src.name() == NAME {
                assert!(
                    span.start <= span.end && span.end <= text.len(),
                    "error span outside the file: {e:?}"
                );
            }
        }
        let _ = human.render_problem(e);
    }
}

fn lint(linter: &Linter, human: &Human) {
    let report = check_text(
        linter,
        "fuzz.md".into(),
        DOC,
        Finish {
            human: Some(human),
            stats: true,
            ..Finish::default()
        },
    );
    let diags = report.result.expect("the document must be checked");
    for d in &diags {
        let end = d.span.offset + d.span.length;
        assert!(
            end <= DOC.len() && DOC.is_char_boundary(d.span.offset) && DOC.is_char_boundary(end),
            "{d:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let human = Human::new(false);
    let file = TomlFile::new(NAME, text);

    match RuleSet::load(std::slice::from_ref(&file)) {
        Ok(set) => lint(&Linter::new(set), &human),
        Err(errors) => refused(text, &errors, &human),
    }

    let mut files = builtin().to_vec();
    files.push(file);
    match RuleSet::load(&files) {
        Ok(set) => lint(&Linter::new(set), &human),
        Err(errors) => refused(text, &errors, &human),
    }
});
