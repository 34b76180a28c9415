//! Replays the inputs the fuzzers found interesting (minimised with `cargo fuzz cmin`,
//! kept in tests/fuzz-corpus/) with the same checks as the fuzz targets, on every
//! `cargo test`.

use std::path::{Path, PathBuf};
use tenderlint::check::{check_text, Finish};
use tenderlint::document::Document;
use tenderlint::engine::Linter;
use tenderlint::error::TomlFile;
use tenderlint::line_index::reference_position;
use tenderlint::report::human::Human;
use tenderlint::rules::RuleSet;

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "the {target} corpus is missing: {}",
        dir.display()
    );
    files
}

#[test]
fn document_inputs_lint_with_exact_spans() {
    let linter = Linter::new(
        RuleSet::load(&tenderlint::builtin::files()).unwrap_or_else(|e| panic!("{e:?}")),
    );
    let human = Human::new(false);
    let mut checked = 0;
    for path in inputs("document") {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let Ok(text) = tenderlint::files::decode(bytes) else {
            continue;
        };
        checked += 1;
        let report = check_text(
            &linter,
            "fuzz.md".into(),
            &text,
            Finish {
                human: Some(&human),
                stats: true,
                ..Finish::default()
            },
        );
        let diags = report
            .result
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for d in &diags {
            let s = &d.span;
            let end = s.offset + s.length;
            assert!(
                end <= text.len() && text.is_char_boundary(s.offset) && text.is_char_boundary(end),
                "{}: {d:?}",
                path.display()
            );
            assert_eq!(
                reference_position(&text, s.offset),
                (s.start.line, s.start.column),
                "{}: {d:?}",
                path.display()
            );
            assert_eq!(
                reference_position(&text, end),
                (s.end.line, s.end.column),
                "{}: {d:?}",
                path.display()
            );
        }
    }
    assert!(checked >= 10, "too few decodable inputs: {checked}");
}

#[test]
fn rule_file_inputs_load_or_fail_cleanly() {
    let doc_text = "# Spec\n\n## Payment\n\nService credits apply. Café £5 per attendance.\n\n| KPI | Target | Credit |\n|---|---|---|\n| A | 1 | 2 |\n";
    let doc = Document::parse(doc_text);
    let (mut loaded, mut refused) = (0, 0);
    for path in inputs("rule_file") {
        let Ok(text) = String::from_utf8(std::fs::read(&path).unwrap_or_default()) else {
            continue;
        };
        match RuleSet::load(&[TomlFile::new("fuzz.toml", text)]) {
            Ok(set) => {
                loaded += 1;
                for d in Linter::new(set).lint(&doc) {
                    assert!(
                        d.span.offset + d.span.length <= doc_text.len(),
                        "{}: {d:?}",
                        path.display()
                    );
                }
            }
            Err(errors) => {
                refused += 1;
                assert!(
                    !errors.0.is_empty(),
                    "{}: an error with no message",
                    path.display()
                );
            }
        }
    }
    assert!(loaded > 0 && refused > 0, "the corpus should hold both valid and invalid rule files ({loaded} loaded, {refused} refused)");
}
